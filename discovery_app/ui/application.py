"""Start the desktop app: window first, then the store behind it.

The window module imports only Qt and our ui package, so it paints within a fraction of a
second; the services (SQLAlchemy, pydantic, Alembic) are imported and the store opened right
after the window's first paint, while the consultant already sees "Loading…".
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from ..paths import AppPaths
from . import keyboard
from .main_window import MainWindow
from .messages import show_exception, show_message

if TYPE_CHECKING:
    from ..storage.lock import StoreHeld, StoreLock
    from .store_guard import WhenHeld

log = logging.getLogger(__name__)

APP_NAME = "Discovery"
ORGANIZATION = "Discovery"


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    keyboard.install(app)
    return app


def app_icon() -> QIcon:
    """Discovery's own icon, in every size drawn (resources/icons); empty if not found."""
    from .. import resources

    icon = QIcon()
    try:
        folder = resources.resource("icons")
    except resources.ResourceMissing:
        return icon
    for png in sorted(folder.glob("discovery-*.png")):
        icon.addFile(str(png))
    return icon


def open_store_into(window: MainWindow, paths: AppPaths, forms_root: Path | None = None,
                    when_held: Callable[[StoreHeld], WhenHeld] | None = None) -> bool:
    """Open the store at ``paths`` and hand it to ``window``; on failure say why, never crash.

    The window takes the store's lock first. When another window holds it, ``when_held`` (by
    default: ask the consultant) chooses to switch to that window, open read-only or quit."""
    from .. import collector

    try:
        return _open_store_into(window, paths, forms_root, when_held)
    finally:
        collector.resume()  # start-up is over, whichever way it went


def _take_store(window: MainWindow, paths: AppPaths,
                when_held: Callable[[StoreHeld], WhenHeld] | None) -> tuple[StoreLock | None, str | None, bool]:
    """(the lock, or None; who holds it when read-only; go on?)."""
    from ..storage.db import StoreError, kind_for
    from ..storage.lock import StoreHeld
    from .store_guard import WhenHeld, ask_when_held, bring_to_front

    try:
        lock = kind_for(paths.store).lock("window")
    except StoreError:  # the store's own open says what is wrong
        return None, None, True
    if lock is None:  # a shared server store has no lock: the revision check guards each save
        return None, None, True
    mine = window.store_lock
    if mine is not None and mine.held and mine.db == paths.db:  # opened again (after a restore)
        return mine, None, True
    try:
        lock.acquire()
    except StoreHeld as held:
        if held.holder is not None and held.holder.pid == os.getpid():
            # Another window of this very process (tests do this): its one worker already runs
            # every write in order.
            return None, None, True
        choice = (when_held or (lambda h: ask_when_held(window, h)))(held)
        who = held.holder.describe() if held.holder else "another Discovery window"
        if choice is WhenHeld.SWITCH:
            if bring_to_front(paths.db):
                log.info("store held by process %s: brought it forward", held.holder.pid if held.holder else "?")
                QTimer.singleShot(0, window.close)
                return None, None, False
            show_message(window, "Cannot reach the other window",
                         f"The Discovery window that has {paths.db.name} open did not answer.",
                         informative="This window opens the database read-only. Switch to the other "
                         "window from the taskbar or dock.")
            return None, who, True
        if choice is WhenHeld.READ_ONLY:
            return None, who, True
        QTimer.singleShot(0, window.close)
        return None, None, False
    except OSError as exc:  # a folder we cannot write: the store's own open will say so
        log.warning("cannot create the store's lock file: %s", exc.strerror)
        return None, None, True
    if lock.recovered is not None:
        log.info("recovered the lock of process %s, which ended without closing the store", lock.recovered.pid)
    return lock, None, True


def _open_store_into(window: MainWindow, paths: AppPaths, forms_root: Path | None = None,
                     when_held: Callable[[StoreHeld], WhenHeld] | None = None) -> bool:
    from ..services import Discovery
    from ..storage.db import StoreError

    lock, holder, go_on = _take_store(window, paths, when_held)
    if not go_on:
        return False
    try:
        service = Discovery.open(paths, forms_root=forms_root, read_only=holder is not None)
    except StoreError as exc:
        if lock is not None and lock is not window.store_lock:
            lock.release()
        from ..storage.db import StoreDamaged

        log.warning("cannot open the store: %s", exc)
        window.show_store_error(str(exc))
        if isinstance(exc, StoreDamaged) and exc.backup is not None:
            from .restore_dialog import open_restore_dialog

            button = window.error_page.add_button(QPushButton("Restore a backup…"))
            button.clicked.connect(lambda: open_restore_dialog(
                window, paths=paths, on_restored=lambda _kept: open_store_into(window, paths, forms_root)))
        show_message(
            window, "Cannot open the database", str(exc),
            informative="Nothing in the database was changed. Quit Discovery, deal with the file "
            "as described above, then start it again.",
            icon=QMessageBox.Icon.Critical,
        )
        return False
    except Exception as exc:  # a bug, not a bad file: still say so rather than hang on "Loading…"
        if lock is not None and lock is not window.store_lock:
            lock.release()
        window.show_store_error(f"An error in Discovery stopped it opening {paths.location}.")
        show_exception(window, "Opening the database", exc)
        return False
    if lock is not None and lock is not window.store_lock:
        window.hold_store(lock)
        service.changes.prune()  # the change log keeps two weeks; only the holder writes
    elif paths.server:
        service.changes.prune()  # a server store has no holder: every window keeps the log short
    window.set_service(service, paths)
    if holder is not None:
        window.show_read_only(holder)
    return True


class _FirstPaint(QObject):
    """Calls back once the window has been exposed (painted) for the first time."""

    def __init__(self, window: QWidget, callback: Callable[[], object], fallback_ms: int = 1000) -> None:
        super().__init__(window)
        self._callback: Callable[[], object] | None = callback
        handle = window.windowHandle()
        if handle is not None:
            handle.installEventFilter(self)
        # Some platforms (minimised start, odd window managers) may never expose: don't wait forever.
        QTimer.singleShot(fallback_ms, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and getattr(watched, "isExposed", lambda: False)():
            watched.removeEventFilter(self)
            # The expose paints the window; the store opens on the next turn of the event loop.
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback()


def after_first_paint(window: QWidget, callback: Callable[[], object]) -> None:
    _FirstPaint(window, callback)


def _install_excepthook(window: MainWindow) -> None:
    """A bug in a slot shows words and the detail instead of vanishing into a console."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        log.error("unexpected error", exc_info=(kind, exc, tb))
        show_message(
            window, "Unexpected error", "Something went wrong in Discovery.",
            informative="Your saved work is safe. If this keeps happening, send the details to support.",
            detail="".join(traceback.format_exception(kind, exc, tb)),
            icon=QMessageBox.Icon.Critical,
        )

    sys.excepthook = hook


def run(paths: AppPaths) -> int:
    app = create_application()
    window = MainWindow()
    window.show()
    _install_excepthook(window)
    after_first_paint(window, lambda: open_store_into(window, paths))
    return app.exec()

"""``discovery-app --smoke``: start the real app, wait until it is shown and usable, say when, quit.

The start-up benchmark and the installer tests run it. It goes through the same steps as
:func:`discovery_app.ui.application.run` (window first, store behind the first paint) with two
stopwatches added, and imports nothing the normal start does not.

It prints one line, ``first_paint=S usable=S``, in seconds since the process started:

- *first_paint*: the main window's first expose has been handled, i.e. the "Loading…" page is
  painted (the moment the real start opens the store);
- *usable*: the store is open and the engagement list (or the empty state, or the engagement that
  was open when Discovery last closed) is filled and shown.

Exit status 0 when both happened, 1 when the store could not be opened, 2 on a timeout.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from ..paths import AppPaths
from .application import after_first_paint, create_application, open_store_into
from .main_window import MainWindow

if TYPE_CHECKING:
    from ..storage.lock import StoreHeld
    from .store_guard import WhenHeld

TIMEOUT_MS = 120_000


def _linux_start() -> float | None:
    """Seconds on CLOCK_BOOTTIME at which this process started (/proc/self/stat field 22)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            stat = fh.read()
        # The command name (field 2) may hold spaces and brackets: split after its last ")".
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[19])  # field 22 overall: starttime, in clock ticks since boot
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _windows_start() -> float | None:
    """Process creation time (GetProcessTimes) as a time.time() value."""
    try:
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined, unused-ignore]  # exists on Windows only
        creation, exit_, kernel, user = (wintypes.FILETIME() for _ in range(4))
        ok = kernel32.GetProcessTimes(
            kernel32.GetCurrentProcess(), ctypes.byref(creation), ctypes.byref(exit_),
            ctypes.byref(kernel), ctypes.byref(user),
        )
        if not ok:
            return None
        ticks = (creation.dwHighDateTime << 32) | creation.dwLowDateTime  # 100 ns since 1601
        return ticks / 1e7 - 11_644_473_600
    except Exception:
        return None


def process_clock() -> Callable[[], float]:
    """A function returning seconds since this process started, as precisely as the OS allows.

    Linux: /proc/self/stat's start time (10 ms ticks) against CLOCK_BOOTTIME. Windows: the
    process creation time. Elsewhere: the interpreter's earliest recorded moment we can reach
    (this module's import), which undercounts by the interpreter's and Qt's start-up.
    """
    if sys.platform.startswith("linux") and hasattr(time, "CLOCK_BOOTTIME"):
        start = _linux_start()
        if start is not None:
            return lambda: time.clock_gettime(time.CLOCK_BOOTTIME) - start
    if sys.platform == "win32":
        created = _windows_start()
        if created is not None:
            return lambda: time.time() - created
    return lambda: time.perf_counter() - _FALLBACK_START


_FALLBACK_START = time.perf_counter()


class _ExposeWatch(QObject):
    """Calls back after the first expose of a window has been handled (the window is painted)."""

    def __init__(self, window: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._callback: Callable[[], None] | None = callback
        handle = window.windowHandle()
        if handle is not None:
            handle.installEventFilter(self)
        # Offscreen and odd platforms may skip the expose: the first paint event then counts.
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        exposed = kind == QEvent.Type.Expose and getattr(watched, "isExposed", lambda: False)()
        if self._callback is not None and (exposed or kind == QEvent.Type.Paint):
            callback, self._callback = self._callback, None
            # The expose paints the window synchronously; this timer fires once it is done.
            QTimer.singleShot(0, callback)
        return False


def read_only_when_held(held: StoreHeld) -> WhenHeld:
    """Nobody answers a question during a smoke start: beside an open window, open read-only."""
    from .store_guard import WhenHeld

    print(f"note: {held} Opened read-only.", file=sys.stderr)
    return WhenHeld.READ_ONLY


def run(paths: AppPaths) -> int:
    clock = process_clock()
    marks: dict[str, float] = {}
    status = {"code": 2}

    app = create_application()
    window = MainWindow()
    window.show()

    def finish(code: int) -> None:
        status["code"] = code
        window.close()
        app.quit()

    def painted() -> None:
        marks.setdefault("first_paint", clock())

    def open_store() -> None:
        painted()  # the fallback timer of after_first_paint may beat the expose on odd platforms
        if not open_store_into(window, paths, when_held=read_only_when_held):
            print(f"error: the store did not open: {paths.location}", file=sys.stderr)
            QTimer.singleShot(0, lambda: finish(1))
            return
        # set_service filled the list synchronously; let the repaint it asked for happen first.
        QTimer.singleShot(0, usable)

    def usable() -> None:
        # The list, the welcome page, or the engagement that was open last time (restored).
        shown = window.stack.currentWidget()
        restored = window.workspace.view is not None and shown is window.workspace.view
        if window.service is None or not (restored or shown in (window.list_page, window.empty_page)):
            print("error: the engagement list was not shown", file=sys.stderr)
            finish(1)
            return
        window.repaint()
        marks["usable"] = clock()
        finish(0)

    # Installed after the window is shown and before the store callback: filters run newest
    # first, so the first-paint mark is taken before the store starts opening.
    after_first_paint(window, open_store)
    _ExposeWatch(window, painted)
    QTimer.singleShot(TIMEOUT_MS, lambda: finish(2))

    app.exec()
    if status["code"] == 0:
        print(f"first_paint={marks['first_paint']:.3f} usable={marks['usable']:.3f}", flush=True)
    elif status["code"] == 2:
        print(f"error: not usable within {TIMEOUT_MS // 1000} s", file=sys.stderr)
    return status["code"]


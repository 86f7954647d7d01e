"""One window per store: what a second Discovery does, and the read-only mode it can open in.

The first window holds the store's lock (:mod:`discovery_app.storage.lock`) and listens on a
local socket named from the store's path. A second Discovery on the same store finds the lock
held and asks: switch to the first window (a message on that socket brings it to the front, and
the second one quits), open read-only (every edit control disabled, the status bar says so, and
SQLite refuses any write that slipped through), or quit.
"""

from __future__ import annotations

import hashlib
import logging
import os
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QWidget,
)

from ..storage.lock import StoreHeld

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

log = logging.getLogger(__name__)

RAISE = b"raise\n"


class WhenHeld(Enum):
    SWITCH = "switch"
    READ_ONLY = "read-only"
    QUIT = "quit"


def server_name(db: Path) -> str:
    """The local socket name of the window holding ``db`` (same store, same name; per user)."""
    try:
        key = str(Path(db).resolve())
    except OSError:
        key = str(Path(db).absolute())
    user = os.environ.get("USER") or os.environ.get("USERNAME") or ""
    return "discovery-" + hashlib.sha256(f"{user}\0{key}".encode()).hexdigest()[:24]


class InstanceServer(QObject):
    """Listens for a second Discovery on the same store asking this window to come forward."""

    raise_requested = Signal()

    def __init__(self, db: Path, parent: QObject | None = None) -> None:
        # QtNetwork costs 60-100 ms to import: only the window that holds a store pays it, after
        # it is usable (MainWindow.hold_store).
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self.name = server_name(db)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # A socket file a crashed window left behind would make listen() fail: we hold the lock,
        # so whatever listens under this name is gone.
        QLocalServer.removeServer(self.name)
        if not self.server.listen(self.name):
            log.warning("cannot listen for a second window: %s", self.server.errorString())
        self.server.newConnection.connect(self._connection)

    def _connection(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            if sock is None:
                return
            sock.readyRead.connect(self._ready)
            if sock.bytesAvailable():
                self._read(sock)

    def _ready(self) -> None:
        from PySide6.QtNetwork import QLocalSocket

        sock = self.sender()
        if isinstance(sock, QLocalSocket):
            self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        if bytes(sock.readAll().data()).startswith(RAISE.strip()):
            self.raise_requested.emit()

    def close(self) -> None:
        """Stop listening and drop the connections still open (before the window goes)."""
        from PySide6.QtNetwork import QLocalSocket

        self.server.close()
        for sock in self.server.findChildren(QLocalSocket):
            sock.readyRead.disconnect(self._ready)
            sock.abort()


def bring_to_front(db: Path, timeout_ms: int = 1500) -> bool:
    """Ask the window holding ``db`` to come to the front; False when it cannot be reached."""
    try:
        from PySide6.QtNetwork import QLocalSocket
    except ImportError:
        return False

    sock = QLocalSocket()
    sock.connectToServer(server_name(db))
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(RAISE)
    ok = sock.waitForBytesWritten(timeout_ms)
    sock.disconnectFromServer()
    return ok


def raise_window(window: QWidget) -> None:
    """Bring ``window`` forward (un-minimised); the window manager may only flash it."""
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


def held_dialog(parent: QWidget | None, held: StoreHeld) -> QMessageBox:
    """The question a second window asks; its buttons carry the choice as ``choice`` property."""
    who = held.holder.describe() if held.holder else "another Discovery window"
    box = QMessageBox(QMessageBox.Icon.Information, "Discovery is already open",
                      f"{held.path.name} is already open in {who}.", QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("storeHeldDialog")
    box.setInformativeText(
        "Only one window can change a database at a time, so no edit is ever lost. Switch to that "
        "window, or open this one read-only to look things up (it follows what the other window saves).")
    switch = box.addButton("Switch to That Window", QMessageBox.ButtonRole.AcceptRole)
    read_only = box.addButton("Open Read-Only", QMessageBox.ButtonRole.ActionRole)
    quit_ = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    for button, choice in ((switch, WhenHeld.SWITCH), (read_only, WhenHeld.READ_ONLY), (quit_, WhenHeld.QUIT)):
        button.setProperty("choice", choice.value)
    switch.setObjectName("switchButton")
    read_only.setObjectName("readOnlyButton")
    quit_.setObjectName("quitButton")
    box.setDefaultButton(switch)
    box.setEscapeButton(quit_)
    return box


def ask_when_held(parent: QWidget | None, held: StoreHeld) -> WhenHeld:
    box = held_dialog(parent, held)
    box.exec()
    clicked = box.clickedButton()
    value = clicked.property("choice") if clicked is not None else None
    return WhenHeld(value) if value else WhenHeld.QUIT


# ---- read-only ------------------------------------------------------------------------------

def _is_filter(edit: QLineEdit) -> bool:
    """A search or filter box: it changes what is shown, not what is stored."""
    name = edit.objectName().lower()
    hint = edit.placeholderText().lower()
    return any(w in name for w in ("filter", "search", "find")) or hint.startswith(("filter", "search", "find"))


#: Buttons that only show something (an evidence file, a folder): they stay usable read-only.
LOOKING = ("open", "show", "view", "copy")


def _only_looks(button: QAbstractButton) -> bool:
    text = button.text().replace("&", "").strip().lower()
    return text.startswith(LOOKING) and not text.startswith(("open archive", "show archived"))


def make_read_only(root: QWidget, keep: tuple[QWidget, ...] = ()) -> int:
    """Disable every edit control under ``root`` (fields read-only, buttons and choices
    disabled, tables not editable), leaving alone the widgets inside ``keep`` (navigation) and
    filter boxes. Returns how many controls it changed."""
    def kept(w: QWidget) -> bool:
        return any(k is w or k.isAncestorOf(w) for k in keep)

    n = 0
    for w in root.findChildren(QWidget):
        if kept(w):
            continue
        if isinstance(w, QLineEdit):
            if _is_filter(w) or isinstance(w.parent(), QAbstractSpinBox | QComboBox):
                continue
            w.setReadOnly(True)
        elif isinstance(w, QTextEdit | QPlainTextEdit | QAbstractSpinBox):
            w.setReadOnly(True)
        elif isinstance(w, QAbstractItemView):
            w.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            continue  # its scroll bars and header buttons stay usable
        elif isinstance(w, QComboBox | QAbstractButton | QAbstractSlider):
            if isinstance(w, QScrollBar) or (isinstance(w, QAbstractButton) and _only_looks(w)):
                continue
            w.setEnabled(False)
        else:
            continue
        n += 1
    return n

"""The main window's actions: one place for texts, icons, shortcuts and tooltips.

Every tooltip names its shortcut, in the platform's notation, so the keyboard way is learnt
from the mouse way.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

SP = QStyle.StandardPixmap
Key = QKeySequence.StandardKey


def _sequences(*keys: str | QKeySequence.StandardKey) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for k in keys:
        seqs = QKeySequence.keyBindings(k) if isinstance(k, QKeySequence.StandardKey) else [QKeySequence(k)]
        for s in seqs:
            if not s.isEmpty() and s not in out:
                out.append(s)
    return out


def make_action(
    parent: QObject,
    text: str,
    tip: str,
    *,
    icon: SP | None = None,
    shortcuts: Sequence[str | QKeySequence.StandardKey] = (),
    name: str = "",
    style_widget: QWidget | None = None,
) -> QAction:
    action = QAction(text, parent)
    if name:
        action.setObjectName(name)
    if icon is not None and style_widget is not None:
        action.setIcon(style_widget.style().standardIcon(icon))
    seqs = _sequences(*shortcuts)
    if seqs:
        action.setShortcuts(seqs)
    set_tip(action, tip)
    return action


def set_tip(action: QAction, tip: str) -> None:
    seq = action.shortcut()
    native = seq.toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({native})" if native else tip)
    action.setStatusTip(tip)


class MainActions:
    """Created once per window; the window connects them and decides when each is enabled."""

    def __init__(self, window: QWidget) -> None:
        w = self._window = window
        self.new = make_action(
            w, "&New engagement…", "Start a new discovery engagement",
            icon=SP.SP_FileIcon, shortcuts=[Key.New], name="actionNew", style_widget=w,
        )
        self.demo = make_action(
            w, "Create &demo engagement", "Create a complete sample engagement to explore",
            icon=SP.SP_DialogHelpButton, name="actionDemo", style_widget=w,
        )
        self.duplicate = make_action(
            w, "D&uplicate", "Copy the selected engagement as a new draft, for a re-assessment",
            icon=SP.SP_TitleBarNormalButton, shortcuts=["Ctrl+D"], name="actionDuplicate", style_widget=w,
        )
        self.archive = make_action(
            w, "&Archive", "Hide the selected engagement from the list; nothing is deleted",
            icon=SP.SP_DirClosedIcon, shortcuts=["Ctrl+E"], name="actionArchive", style_widget=w,
        )
        self.delete = make_action(
            w, "&Delete…", "Delete the selected engagement for good",
            icon=SP.SP_TrashIcon, shortcuts=[Key.Delete], name="actionDelete", style_widget=w,
        )
        self.refresh = make_action(
            w, "&Refresh", "Reload the list from the database",
            icon=SP.SP_BrowserReload, shortcuts=["F5", Key.Refresh], name="actionRefresh", style_widget=w,
        )
        self.find = make_action(
            w, "&Search", "Search clients, consultants and IT owners",
            shortcuts=[Key.Find], name="actionFind",
        )
        self.show_archived = make_action(
            w, "Show &archived", "Show archived engagements in the list",
            shortcuts=["Ctrl+Shift+E"], name="actionShowArchived",
        )
        self.show_archived.setCheckable(True)
        self.about = make_action(w, "&About Discovery", "Version and licence", name="actionAbout")
        self.quit = make_action(
            w, "&Quit", "Close Discovery", icon=SP.SP_DialogCloseButton,
            shortcuts=["Ctrl+Q"], name="actionQuit", style_widget=w,
        )

    def set_archive_mode(self, unarchive: bool) -> None:
        icon = SP.SP_DirOpenIcon if unarchive else SP.SP_DirClosedIcon
        self.archive.setIcon(self._window.style().standardIcon(icon))
        if unarchive:
            self.archive.setText("Un&archive")
            set_tip(self.archive, "Bring the selected engagement back into the list")
        else:
            self.archive.setText("&Archive")
            set_tip(self.archive, "Hide the selected engagement from the list; nothing is deleted")

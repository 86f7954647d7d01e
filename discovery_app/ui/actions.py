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
            icon=SP.SP_TrashIcon, shortcuts=["Del"], name="actionDelete", style_widget=w,
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
        self.about = make_action(
            w, "&About Discovery", "Version, data folder and installed forms", name="actionAbout",
        )
        self.user_guide = make_action(
            w, "&User guide", "Open the user guide: the discovery walk-through step by step",
            shortcuts=[Key.HelpContents], name="actionUserGuide",
        )
        self.shortcuts = make_action(
            w, "&Keyboard shortcuts", "List every keyboard shortcut", shortcuts=["Ctrl+/"],
            name="actionShortcuts",
        )
        self.open_data_folder = make_action(
            w, "Open &data folder", "Show the folder with the database, backups and exports",
            name="actionOpenDataFolder",
        )
        self.open_log_folder = make_action(
            w, "Open &log folder", "Show the folder with Discovery's log files, for support",
            name="actionOpenLogFolder",
        )
        self.quit = make_action(
            w, "&Quit", "Close Discovery", icon=SP.SP_DialogCloseButton,
            shortcuts=["Ctrl+Q"], name="actionQuit", style_widget=w,
        )

        # ---- the engagement workspace ----
        self.open = make_action(
            w, "&Open", "Open the selected engagement's workspace",
            icon=SP.SP_DialogOpenButton, shortcuts=[Key.Open], name="actionOpen", style_widget=w,
        )
        self.back = make_action(
            w, "&Engagements", "Back to the list of engagements; everything is already saved",
            icon=SP.SP_ArrowBack, shortcuts=["Ctrl+L", "Esc"], name="actionBack", style_widget=w,
        )
        # Escape is a window shortcut, so it goes back only when nothing focused takes Escape
        # itself: a cell editor, an open combo popup or a dialog gets it first (Qt offers it to
        # them as a ShortcutOverride, or they are another window).
        self.undo = make_action(
            w, "&Undo", "Undo the last change in this engagement",
            shortcuts=["Ctrl+Z"], name="actionUndo",
        )
        self.redo = make_action(
            w, "&Redo", "Redo the change just undone",
            shortcuts=["Ctrl+Shift+Z", Key.Redo], name="actionRedo",
        )
        self.next_section = make_action(
            w, "&Next section", "Go to the next section", shortcuts=["Ctrl+PgDown"], name="actionNextSection",
        )
        self.previous_section = make_action(
            w, "&Previous section", "Go to the previous section", shortcuts=["Ctrl+PgUp"],
            name="actionPreviousSection",
        )
        self.toggle_summary = make_action(
            w, "&Summary panel", "Show or hide the live summary beside the workspace",
            shortcuts=["F9"], name="actionToggleSummary",
        )
        self.toggle_summary.setCheckable(True)
        self.toggle_summary.setChecked(True)
        self.timer = make_action(
            w, "Start or stop the discovery &timer", "Time this discovery against its fee",
            shortcuts=["Ctrl+T"], name="actionTimer",
        )
        self.settings = make_action(
            w, "&Settings…", "Provider profile, default form and currency",
            icon=SP.SP_FileDialogDetailedView, shortcuts=["Ctrl+,"], name="actionSettings", style_widget=w,
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

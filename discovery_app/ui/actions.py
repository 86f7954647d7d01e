"""The main window's actions: one place for texts, icons and tooltips; keys from :mod:`.shortcuts`.

Every tooltip names its shortcut, in the platform's notation, so the keyboard way is learnt
from the mouse way.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from . import shortcuts

SP = QStyle.StandardPixmap
Key = QKeySequence.StandardKey


def make_action(
    parent: QObject,
    text: str,
    tip: str,
    *,
    icon: SP | None = None,
    key: str = "",
    name: str = "",
    style_widget: QWidget | None = None,
) -> QAction:
    action = QAction(text, parent)
    if name:
        action.setObjectName(name)
    if icon is not None and style_widget is not None:
        action.setIcon(style_widget.style().standardIcon(icon))
    seqs = shortcuts.sequences(key) if key else []
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
            icon=SP.SP_FileIcon, key="new", name="actionNew", style_widget=w,
        )
        self.demo = make_action(
            w, "Create &demo engagement", "Create a complete sample engagement to explore",
            icon=SP.SP_DialogHelpButton, name="actionDemo", style_widget=w,
        )
        self.duplicate = make_action(
            w, "D&uplicate", "Copy the selected engagement as a new draft, for a re-assessment",
            icon=SP.SP_TitleBarNormalButton, key="duplicate", name="actionDuplicate", style_widget=w,
        )
        self.archive = make_action(
            w, "&Archive", "Hide the selected engagement from the list; nothing is deleted",
            icon=SP.SP_DirClosedIcon, key="archive", name="actionArchive", style_widget=w,
        )
        self.delete = make_action(
            w, "&Delete…", "Delete the selected engagement for good",
            icon=SP.SP_TrashIcon, key="delete", name="actionDelete", style_widget=w,
        )
        self.refresh = make_action(
            w, "&Refresh", "Reload the list from the database",
            icon=SP.SP_BrowserReload, key="refresh", name="actionRefresh", style_widget=w,
        )
        self.find = make_action(
            w, "&Search", "Search clients, consultants and IT owners",
            key="find", name="actionFind",
        )
        self.show_archived = make_action(
            w, "Show &archived", "Show archived engagements in the list",
            key="show_archived", name="actionShowArchived",
        )
        self.show_archived.setCheckable(True)
        self.about = make_action(
            w, "&About Discovery", "Version, data folder and installed forms", name="actionAbout",
        )
        self.user_guide = make_action(
            w, "&User guide", "Open the user guide: the discovery walk-through step by step",
            key="user_guide", name="actionUserGuide",
        )
        self.shortcuts = make_action(
            w, "&Keyboard shortcuts", "List every keyboard shortcut", key="shortcuts", name="actionShortcuts",
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
            key="quit", name="actionQuit", style_widget=w,
        )

        # ---- the engagement workspace ----
        self.open = make_action(
            w, "&Open", "Open the selected engagement's workspace",
            icon=SP.SP_DialogOpenButton, key="open", name="actionOpen", style_widget=w,
        )
        self.back = make_action(
            w, "&Engagements", "Back to the list of engagements; everything is already saved",
            icon=SP.SP_ArrowBack, key="back", name="actionBack", style_widget=w,
        )
        # Not Escape: Escape cancels an edit or closes a popup and never leaves the engagement.
        self.undo = make_action(
            w, "&Undo", "Undo the last change in this engagement",
            key="undo", name="actionUndo",
        )
        self.redo = make_action(
            w, "&Redo", "Redo the change just undone",
            key="redo", name="actionRedo",
        )
        self.next_section = make_action(
            w, "&Next section", "Go to the next section", key="next_section", name="actionNextSection",
        )
        self.previous_section = make_action(
            w, "&Previous section", "Go to the previous section", key="previous_section", name="actionPreviousSection",
        )
        self.toggle_summary = make_action(
            w, "&Summary panel", "Show or hide the live summary beside the workspace",
            key="toggle_summary", name="actionToggleSummary",
        )
        self.toggle_summary.setCheckable(True)
        self.toggle_summary.setChecked(True)
        self.timer = make_action(
            w, "Start or stop the discovery &timer", "Time this discovery against its fee",
            key="timer", name="actionTimer",
        )
        self.settings = make_action(
            w, "&Settings…", "Provider profile, default form and currency",
            icon=SP.SP_FileDialogDetailedView, key="settings", name="actionSettings", style_widget=w,
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

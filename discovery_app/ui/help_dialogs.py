"""Help: the keyboard shortcuts dialog, the About dialog, and opening folders and the user guide.

The shortcuts are read from the window's own actions each time the dialog opens, so the list
cannot fall behind the menus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QUrl,
)
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from . import shortcuts
from .widgets import muted

if TYPE_CHECKING:
    from ..paths import AppPaths
    from ..services import Discovery

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ShortcutRow:
    command: str
    shortcut: str
    menu: str


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


# Qt's media and application keys (Back, Refresh, New, Open, ...) start here; laptops lack them.
_SPECIAL_KEYS = 0x01000060


def _keys(action: QAction) -> str:
    """The action's shortcuts a laptop keyboard can type, in the platform's notation."""
    native = QKeySequence.SequenceFormat.NativeText
    shown = [s.toString(native) for s in action.shortcuts()
             if not s.isEmpty() and s[0].key().value < _SPECIAL_KEYS]  # type: ignore[index]  # the stubs lack QKeySequence[i]
    return ", ".join(shown)


def collect_shortcuts(window: QMainWindow) -> list[ShortcutRow]:
    """Every shortcut: the window's menu actions first, in menu order, then the rest of
    :data:`~discovery_app.ui.shortcuts.SHORTCUTS` (pages, fields, tables) with where they work."""
    rows: list[ShortcutRow] = []
    seen: set[int] = set()

    def walk(menu: QMenu, where: str) -> None:
        for action in menu.actions():
            sub = cast(QMenu | None, action.menu())  # typed QObject in the stubs; a menu's is a QMenu
            if sub is not None:
                walk(sub, f"{where} › {_plain(sub.title())}")
                continue
            keys = _keys(action)
            if keys and id(action) not in seen:
                seen.add(id(action))
                rows.append(ShortcutRow(_plain(action.text()), keys, where))

    for top in window.menuBar().actions():
        top_menu = cast(QMenu | None, top.menu())  # as above
        if top_menu is not None:
            walk(top_menu, _plain(top_menu.title()))
    # The pages' own commands and the keys inside fields and tables: from the one table.
    listed = {row.shortcut for row in rows}
    for sc in shortcuts.SHORTCUTS:
        if sc.scope in (shortcuts.EVERYWHERE, shortcuts.LIST, shortcuts.WORKSPACE):
            continue  # the menus above list these, with the window's own words
        keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts.sequences(sc.id)
                         if s[0].key().value < _SPECIAL_KEYS)  # type: ignore[index]  # as in _keys
        if keys and (keys not in listed or sc.scope in shortcuts.PAGES):
            rows.append(ShortcutRow(sc.command, keys, sc.scope))
    return rows


class ShortcutsModel(QAbstractTableModel):
    HEADERS = ("Command", "Shortcut", "Where")

    def __init__(self, rows: list[ShortcutRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.rows[index.row()]
        return (row.command, row.shortcut, row.menu)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.model = ShortcutsModel(collect_shortcuts(window), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("shortcutsFilter")
        self.filter_edit.setPlaceholderText("Filter commands or keys")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setObjectName("shortcutsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # menu order until a header is clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        hint = muted(QLabel("Commands that belong to one screen work while that screen is open."))
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(560, 520)


def open_folder(parent: QWidget, folder: Path) -> bool:
    """Create ``folder`` if needed and show it in the file manager; False (and a message) on failure."""
    from .messages import show_message

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        show_message(parent, "Cannot open the folder", f"Discovery could not create {folder}.",
                     informative=str(exc))
        return False
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        show_message(parent, "Cannot open the folder", f"No file manager opened {folder}.",
                     informative="Open it yourself: the path above can be selected and copied.")
        return False
    return True


def user_guide_path() -> Path | None:
    from .. import resources

    try:
        path = resources.root() / "docs" / "user-guide.md"
    except resources.ResourceMissing:
        return None
    return path if path.is_file() else None


def open_user_guide(parent: QWidget, section_id: str | None = None) -> QWidget | None:
    """Show the user guide inside the app, at the part for ``section_id`` (the current screen).

    One guide window per parent, reused (and raised) by the next F1."""
    from .messages import show_message
    from .user_guide import UserGuideWindow, topic_for

    path = user_guide_path()
    if path is None:
        show_message(parent, "User guide", "The user guide is not installed with this copy of Discovery.",
                     informative="Ask whoever gave you Discovery for docs/user-guide.md, or use "
                     "Help > Keyboard shortcuts and the tooltips meanwhile.")
        return None
    window = parent.findChild(UserGuideWindow, "userGuideWindow")
    if window is None:
        window = UserGuideWindow(path, parent)
        window.resize(window.sizeHint().boundedTo(parent.screen().availableSize() * 0.9))
    window.show()
    window.raise_()
    window.activateWindow()
    window.show_topic(topic_for(section_id))
    return window


def _value(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AboutDialog(QDialog):
    """Version, where the data lives, and which form versions are installed: what support asks."""

    def __init__(self, service: Discovery | None, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from .. import __version__

        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Discovery")
        title = QLabel(f"<b>Discovery</b> {__version__}")
        title.setObjectName("aboutTitle")
        blurb = muted(QLabel("Paid discovery assessments for co-managed IT offers."))
        db = service.store.location if service is not None else paths.location
        self.version_label = _value(__version__, "aboutVersion")
        self.db_label = _value(str(db), "aboutDatabase")
        self.data_label = _value(str(paths.data), "aboutDataFolder")
        self.backups_label = _value("kept by the database server" if paths.server else str(paths.backups),
                                    "aboutBackups")
        self.logs_label = _value(str(paths.logs), "aboutLogs")
        if service is None:
            forms_text = "The database is not open yet."
        else:
            try:
                forms = service.forms.available()
            except Exception as exc:  # a broken forms folder must not stop About from opening
                forms_text = f"Cannot read the forms: {exc}"
            else:
                forms_text = "\n".join(f"{p.title} ({p.id}, version {p.version}){service.forms.mark(p)}"
                                       for p in forms) or (
                    "None valid: run 'discovery-app forms check'.")
        self.forms_label = _value(forms_text, "aboutForms")

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setVerticalSpacing(4)
        for text, value in (("Version", self.version_label), ("Database", self.db_label),
                            ("Data folder", self.data_label), ("Backups", self.backups_label),
                            ("Log folder", self.logs_label), ("Installed forms", self.forms_label)):
            label = QLabel(f"<b>{text}</b>")
            label.setContentsMargins(0, 6, 0, 0)
            form.addRow(label, value)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_data_button = QPushButton("Open data folder")
        self.open_data_button.setObjectName("aboutOpenData")
        buttons.addButton(self.open_data_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_data_button.clicked.connect(lambda: open_folder(self, paths.data))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

"""The Restore backup dialog: the automatic backups with their dates and engagement counts.

It works with or without an open store (a damaged database is exactly when it is needed): give it
the backups and a function that restores one; :func:`open_restore_dialog` wires both to the
service, or to the store-less functions of :mod:`discovery_app.services.durability`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .messages import confirm, show_exception, show_message
from .widgets import error_colour, muted

if TYPE_CHECKING:
    from ..paths import AppPaths
    from ..services import Discovery
    from ..storage.backup import BackupInfo

Index = QModelIndex | QPersistentModelIndex

KIND_LABELS = {
    "open": "When Discovery opened",
    "auto": "While working",
    "before-migration": "Before an upgrade",
    "before-restore": "Before a restore",
    "damaged": "Damaged database, kept",
}
EMPTY_TEXT = ("No backups yet. Discovery takes one each time it opens and every 10 minutes while "
              "you work; they will appear here.")
HELP_TEXT = ("Restoring replaces every engagement with the backup's content. Your current database "
             "is kept in the backups folder first, so a restore can be undone.")


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(1, round(n / 1024))} KB"


class BackupTableModel(QAbstractTableModel):
    HEADERS = ("Taken", "Kind", "Engagements", "Size")

    def __init__(self, backups: Sequence[BackupInfo] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backups = list(backups)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.backups)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section >= 2:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b, col = self.backups[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return b.taken_at.astimezone().strftime("%a %d %b %Y, %H:%M:%S")  # local, as the list
            if col == 1:
                return KIND_LABELS.get(b.kind, "Other copy")
            if col == 2:
                return "unreadable" if b.engagements is None else str(b.engagements)
            return _size(b.size)
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (b.taken_at.isoformat(), b.kind, -1 if b.engagements is None else b.engagements, b.size)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(b.path)
        return None


class RestoreDialog(QDialog):
    restored = Signal(object)  # where the previous database was kept (Path or None)

    def __init__(self, backups: Sequence[BackupInfo], restore: Callable[[Path], Path | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore a backup")
        self._restore = restore
        self.model = BackupTableModel(backups, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)

        title = QLabel("&Backups")
        self.table = QTableView()
        self.table.setObjectName("backupTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        title.setBuddy(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.empty_label = muted(QLabel(EMPTY_TEXT))
        self.empty_label.setObjectName("restoreEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        self.count_label = muted(QLabel())
        self.help_label = muted(QLabel(HELP_TEXT))
        self.help_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("restoreError")
        self.error_label.setWordWrap(True)
        pal = self.error_label.palette()
        pal.setColor(QPalette.ColorRole.WindowText, error_colour(pal))
        self.error_label.setPalette(pal)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton("Restore…")
        self.restore_button.setObjectName("restoreButton")
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.ask_to_restore)
        self.table.doubleClicked.connect(lambda _i: self.ask_to_restore())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.help_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(640, 420)
        self.set_backups(backups)

    def set_backups(self, backups: Sequence[BackupInfo]) -> None:
        self.model.beginResetModel()
        self.model.backups = list(backups)
        self.model.endResetModel()
        n = len(self.model.backups)
        self.stack.setCurrentWidget(self.table if n else self.empty_label)
        self.count_label.setText(f"{n} backup{'s' if n != 1 else ''}, newest first" if n else "")
        if n:
            self.table.selectRow(0)
            self.table.setFocus()
        self._update()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.backups[self.proxy.mapToSource(rows[0]).row()]

    def _update(self) -> None:
        b = self.selected()
        self.restore_button.setEnabled(b is not None and b.readable)
        self.error_label.hide()
        if b is not None and not b.readable:
            self._error("This file cannot be read as a Discovery database, so it cannot be restored.")

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def ask_to_restore(self) -> None:
        b = self.selected()
        if b is None or not b.readable:
            return
        n = b.engagements
        confirm(
            self, "Restore backup",
            f"Replace your database with the backup from {b.taken_at.astimezone():%d %b %Y, %H:%M} "
            f"({n} engagement{'s' if n != 1 else ''})?",
            "Every change made after this backup will be replaced. Your current database is kept in "
            "the backups folder first, so you can restore it again if you change your mind.",
            accept_text="Restore", on_accept=lambda: self._do_restore(b), destructive=True,
        )

    def _do_restore(self, b: BackupInfo) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            kept = self._restore(b.path)
        except Exception as exc:
            QApplication.restoreOverrideCursor()
            self._error(str(exc).splitlines()[0] if str(exc) else "The restore failed.")
            show_exception(self, "Restoring the backup", exc)
            return
        QApplication.restoreOverrideCursor()
        self.restored.emit(kept)
        self.accept()


_NOTES: set[QMessageBox] = set()


def open_restore_dialog(parent: QWidget | None, *, service: Discovery | None = None,
                        paths: AppPaths | None = None,
                        on_restored: Callable[[Path | None], object] | None = None) -> RestoreDialog | None:
    """Show the dialog for the open ``service``, or for ``paths`` when no store could be opened."""
    from ..services import durability

    restore: Callable[[Path], Path | None]
    note = service.backups.note if service is not None else (durability.backups_note(paths) if paths else None)
    if note:  # a server store: its backups are the server's business, and the app says so
        box = show_message(parent, "Backups are kept by the database server", note,
                           icon=QMessageBox.Icon.Information)
        if parent is None:  # nothing else holds a parentless box: keep it until it is closed
            _NOTES.add(box)
            box.finished.connect(lambda _result: _NOTES.discard(box))
        return None
    if service is not None:
        backups, restore = service.backups.available(), service.backups.restore
    elif paths is not None:
        backups = durability.list_backups(paths)
        restore = partial(durability.restore_backup, paths)
    else:
        return None
    dialog = RestoreDialog(backups, restore, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_restored is not None:
        dialog.restored.connect(on_restored)

    def done(kept: Path | None) -> None:
        where = f" The previous database is kept as {kept.name}." if kept else ""
        show_message(parent, "Backup restored", f"The backup was restored.{where}",
                     icon=QMessageBox.Icon.Information)

    dialog.restored.connect(done)
    dialog.open()
    return dialog

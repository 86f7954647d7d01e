"""Small table models for workspace pages: editable records (sites, contacts) and read-only rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ...domain import locale_text
from .. import app_locale

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
NO_PARENT = QModelIndex()


@dataclass(frozen=True)
class RecordColumn:
    field: str
    title: str
    kind: str = "text"  # text | int | bool


class RecordTableModel(QAbstractTableModel):
    """Rows of pydantic records edited in place; every edit goes through ``save(new_records)``,
    which raises with a consultant-ready reason when the store refuses it (then :attr:`refused`
    carries the reason and nothing changes)."""

    refused = Signal(str)

    def __init__(self, columns: Sequence[RecordColumn], save: Callable[[list[BaseModel]], None], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._save = save
        self.records: list[BaseModel] = []

    def set_records(self, records: Sequence[BaseModel]) -> None:
        if len(records) == len(self.records) and self.records:
            # Same rows (an edit): change in place, so an open cell editor is not pulled away.
            self.records = list(records)
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.records) - 1, len(self.columns) - 1))
            return
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].kind == "bool":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = self.columns[index.column()]
        value = getattr(self.records[index.row()], col.field)
        if col.kind == "bool":
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.kind == "int":
            return int(RIGHT)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        col = self.columns[index.column()]
        if col.kind == "bool":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            new: Any = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        elif col.kind == "int":
            text = str(value).strip()
            if not text:
                new = None
            else:
                try:  # in the window's locale: "1,5" is never read as 15
                    new = locale_text.parse_whole(text, app_locale.current())
                except locale_text.ReadError as exc:
                    self.refused.emit(f"{col.title}: {exc}.")
                    return False
                if new < 0:
                    self.refused.emit(f"{col.title} must be a whole number, 0 or more.")
                    return False
        else:
            new = str(value)
        rec = self.records[index.row()]
        if getattr(rec, col.field) == new:
            return False
        data = rec.model_dump()
        data[col.field] = new
        changed = list(self.records)
        changed[index.row()] = data  # type: ignore[call-overload]  # save() validates the edited row from its dict
        from ...services import ServiceError

        try:
            self._save(changed)
        except ServiceError as exc:
            self.refused.emit(str(exc))
            return False
        return True


class RowsModel(QAbstractTableModel):
    """Read-only rows of text; columns listed in ``right`` are right-aligned (numbers)."""

    def __init__(self, headers: Sequence[str], right: Sequence[int] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.right = set(right)
        self.rows: list[list[str]] = []
        self.tooltips: list[str] = []

    def set_rows(self, rows: Sequence[Sequence[str]], tooltips: Sequence[str] = ()) -> None:
        self.beginResetModel()
        self.rows = [list(r) for r in rows]
        self.tooltips = list(tooltips)
        self.endResetModel()

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole and section in self.right:
            return int(RIGHT)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right:
            return int(RIGHT)
        if role == Qt.ItemDataRole.ToolTipRole and index.row() < len(self.tooltips):
            return self.tooltips[index.row()]
        return None


def rows_table(model: QAbstractTableModel, name: str, accessible: str, *, stretch: int = 1) -> QTableView:
    """A read-only table of whole rows (one selected at a time), Tab leaving it; its columns fit
    their contents and column ``stretch`` takes the rest."""
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    h = view.horizontalHeader()
    h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    h.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view

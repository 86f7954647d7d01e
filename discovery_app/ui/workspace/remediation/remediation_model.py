"""Table models of the remediation page: the editable item list, and the ordered plan / roadmap.

The item model never writes anything itself: an edit in a cell is reported through
``edit_requested(uid, field, value)`` and the page saves it through the service with undo.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ....domain import locale_text
from ....domain import plan as plan_mod
from ....domain.engagement import Priority, RemediationItem
from ....domain.forms import Party, Phase, Role
from ... import app_locale

Index = QModelIndex | QPersistentModelIndex
UID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 3
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

CHOICES: dict[str, list[tuple[str, str]]] = {
    "phase": [(p.value, plan_mod.PHASE_LABELS[p]) for p in Phase],
    "priority": [(p.value, plan_mod.PRIORITY_LABELS[p]) for p in Priority],
    "owner": [(p.value, plan_mod.OWNER_LABELS[p]) for p in Party],
}


def hours_text(value: Decimal) -> str:
    """Hours as the window's locale writes them (``1.5`` / ``1,5``); empty for none."""
    if not value:
        return ""
    return locale_text.format_number(value.normalize(), app_locale.current(), grouping=False)


def short_role(role: Role) -> str:
    """The role's name on two lines (for a narrow numeric column header)."""
    name = role.name.split("/")[0].strip()
    words = name.split()
    if len(words) < 2:
        return name
    best = min(range(1, len(words)), key=lambda n: abs(len(" ".join(words[:n])) - len(" ".join(words[n:]))))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def read_hours(text: str) -> Decimal:
    """Hours typed in the window's locale ("1,5" under de_DE); raises ReadError saying why not."""
    text = text.strip().removesuffix("h").strip()
    if not text:
        return Decimal(0)
    value = locale_text.parse_number(text, app_locale.current(), locale_text.Kind.DECIMAL)
    if not 0 <= value <= 100000:
        raise locale_text.ReadError(f"“{text}” is not between 0 and 100000 hours")
    return value


def parse_hours(text: str) -> Decimal | None:
    """:func:`read_hours`, or None when the text does not read for sure."""
    try:
        return read_hours(text)
    except locale_text.ReadError:
        return None


class RemediationTableModel(QAbstractTableModel):
    edit_requested = Signal(str, str, object)  # uid, field, value
    refused = Signal(str)  # typed text that does not read as hours: why, for the consultant

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[RemediationItem] = []
        self._roles: list[Role] = []
        self._titles: dict[str, str] = {}
        self._columns: list[tuple[str, str]] = []
        # What an item can address: (value, label) with "" for none, per link column.
        self._links: dict[str, list[tuple[str, str]]] = {"risk_uid": [("", "(none)")],
                                                          "standard_category": [("", "(none)")]}

    def set_items(self, items: list[RemediationItem], roles: list[Role],
                  risks: list[tuple[str, str]] | None = None, standards: list[tuple[str, str]] | None = None) -> None:
        """``risks`` and ``standards``: (uid or id, name) an item can be linked to."""
        self.beginResetModel()
        self._items = list(items)
        self._roles = list(roles)
        self._titles = {i.uid: i.title for i in items}
        self._links = {"risk_uid": [("", "(none)"), *(risks or [])],
                       "standard_category": [("", "(none)"), *(standards or [])]}
        self._columns = [("title", "Title"), ("phase", "Phase"), ("priority", "Priority"), ("owner", "Owner"),
                         ("risk_uid", "Risk"), ("standard_category", "Standard")]
        self._columns += [(f"hours:{r.id}", short_role(r)) for r in roles]
        self._columns += [("total", "Total\nhours"), ("depends_on", "Depends on"), ("definition_of_done", "Definition of done")]
        self.endResetModel()

    def column_of(self, key: str) -> int:
        return next(n for n, (k, _) in enumerate(self._columns) if k == key)

    def key_of(self, column: int) -> str:
        return self._columns[column][0]

    def item_at(self, row: int) -> RemediationItem:
        return self._items[row]

    def row_of(self, uid: str) -> int | None:
        return next((n for n, i in enumerate(self._items) if i.uid == uid), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        key, label = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return label
        if role == Qt.ItemDataRole.TextAlignmentRole and (key.startswith("hours:") or key == "total"):
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and key.startswith("hours:"):
            r = next(r for r in self._roles if f"hours:{r.id}" == key)
            return f"{r.name}: hours"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and self.key_of(index.column()) not in ("total", "depends_on"):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        key = self.key_of(index.column())
        numeric = key.startswith("hours:") or key == "total"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, SORT_ROLE):
            if key == "title":
                return item.title.casefold() if role == SORT_ROLE else item.title
            if key in CHOICES:
                value = getattr(item, key)
                if role == Qt.ItemDataRole.EditRole:
                    return value.value
                if role == SORT_ROLE and key == "priority":
                    return plan_mod.PRIORITY_RANK[value]
                return dict(CHOICES[key])[value.value]
            if key.startswith("hours:"):
                h = item.hours.get(key.split(":", 1)[1], Decimal(0))
                return h if role == SORT_ROLE else hours_text(h)
            if key == "total":
                total = sum(item.hours.values(), Decimal(0))
                return total if role == SORT_ROLE else hours_text(total)
            if key == "depends_on":
                return ", ".join(self._titles.get(u, "(removed item)") for u in item.depends_on)
            if key in self._links:
                value = getattr(item, key) or ""
                if role == Qt.ItemDataRole.EditRole:
                    return value
                return dict(self._links[key]).get(value, "") if value else ""
            if key == "definition_of_done":
                return item.definition_of_done
        if role == Qt.ItemDataRole.TextAlignmentRole and numeric:
            return RIGHT
        if role == UID_ROLE:
            return item.uid
        if role == CHOICES_ROLE and key in CHOICES:
            return CHOICES[key]
        if role == CHOICES_ROLE and key in self._links:
            return self._links[key]
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "title":
                return item.title
            if key == "definition_of_done":
                return item.definition_of_done or "No definition of done yet: say how everyone will know it is finished."
            if key == "depends_on":
                return "Double-click to choose what this item waits for"
            if key == "risk_uid":
                return "The risk this item fixes: the proposal says the risk is treated by this task"
            if key == "standard_category":
                return "The standards area this item brings to the standard"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        item = self._items[index.row()]
        key = self.key_of(index.column())
        if key.startswith("hours:"):
            try:
                hours = read_hours(str(value))
            except locale_text.ReadError as exc:
                self.refused.emit(f"Hours: {exc}.")
                return False
            role_id = key.split(":", 1)[1]
            new = {k: v for k, v in item.hours.items() if k != role_id}
            if hours:
                new[role_id] = hours
            if new != item.hours:
                self.edit_requested.emit(item.uid, "hours", new)
            return True
        if key in ("title", "definition_of_done"):
            value = str(value)
        if key in self._links:
            value = value or None
            if value != getattr(item, key):
                self.edit_requested.emit(item.uid, key, value)
            return True
        current = getattr(item, key)
        if value != getattr(current, "value", current):
            self.edit_requested.emit(item.uid, key, value)
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for the columns with fixed choices (phase, priority, owner)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        choices = index.data(CHOICES_ROLE)
        if not choices:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        for value, label in choices:
            box.addItem(label, value)
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class ItemFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setFilterRole(Qt.ItemDataRole.DisplayRole)


def weeks_text(start: int, end: int) -> str:
    """'3' or '3–5': the weeks a task runs, as the plan PDF prints them."""
    return str(start) if start == end else f"{start}–{end}"


class PlanModel(QAbstractTableModel):
    """The stabilization plan in order (with a totals row), or the roadmap list."""

    def __init__(self, roadmap: bool = False, parent: Any = None) -> None:
        super().__init__(parent)
        self.roadmap = roadmap
        self._rows: list[tuple[int | None, RemediationItem, tuple[str, ...], bool, str]] = []
        self._numbers: dict[str, int] = {}
        self._roles: list[Role] = []
        self._titles: dict[str, str] = {}
        self._totals: dict[str, Decimal] = {}

    def set_plan(self, view: Any) -> None:
        self.beginResetModel()
        p: plan_mod.Plan = view.plan
        self._roles = list(view.roles)
        self._titles = dict(view.titles)
        self._numbers = p.numbers()
        if self.roadmap:
            self._rows = [(None, i, tuple(i.depends_on), False, "") for i in p.roadmap]
            self._totals = p.roadmap_hours
        else:
            # The plan's own numbers and weeks (domain/plan.py): what the PDFs and the workbook show.
            self._rows = [(s.number, s.item, s.waits_for, s.in_cycle, weeks_text(s.start_week, s.end_week))
                          for s in p.steps]
            self._totals = p.hours
        self.endResetModel()

    def _headers(self) -> list[str]:
        first = ["Title"] if self.roadmap else ["Task", "Title", "Waits for\ntask", "Weeks"]
        return [*first, "Priority", "Owner", *[short_role(r) for r in self._roles], "Total\nhours"]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows) + (1 if self._rows else 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        fixed = 3 if self.roadmap else 6
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers()[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and (section >= fixed or (section == 0 and not self.roadmap)):
            return RIGHT
        return None

    def titles(self) -> list[str]:
        return [row[1].title for row in self._rows]

    def item_at(self, row: int) -> RemediationItem | None:
        """The item on ``row`` (None on the total row)."""
        return self._rows[row][1] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        fixed = 3 if self.roadmap else 6
        offset = 0 if self.roadmap else 1
        is_total = index.row() == len(self._rows)
        if role == Qt.ItemDataRole.TextAlignmentRole and (col >= fixed or (col == 0 and not self.roadmap)):
            return RIGHT
        if role == Qt.ItemDataRole.FontRole and is_total:
            f = QFont()
            f.setBold(True)
            return f
        if role != Qt.ItemDataRole.DisplayRole and role != Qt.ItemDataRole.ToolTipRole:
            return None
        if is_total:
            if col == (0 if self.roadmap else 1):
                return "Total"
            if col >= fixed:
                hrs = list(self._totals.get(r.id, Decimal(0)) for r in self._roles)
                values = [*hrs, sum(self._totals.values(), Decimal(0))]
                return hours_text(values[col - fixed]) or "0"
            return ""
        number, item, waits, in_cycle, weeks = self._rows[index.row()]
        if not self.roadmap and col == 0:
            return f"{number} (loop)" if in_cycle else str(number)
        if col == offset:
            return item.title
        if not self.roadmap and col == 2:
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(f"{self._numbers.get(u, '?')}. {self._titles.get(u, '?')}" for u in waits) or None
            return ", ".join(str(n) for n in sorted(self._numbers[u] for u in waits if u in self._numbers))
        if not self.roadmap and col == 3:
            return weeks
        if col == fixed - 2:
            return plan_mod.PRIORITY_LABELS[item.priority]
        if col == fixed - 1:
            return plan_mod.OWNER_LABELS[item.owner]
        if col >= fixed:
            if col - fixed < len(self._roles):
                return hours_text(item.hours.get(self._roles[col - fixed].id, Decimal(0)))
            return hours_text(sum(item.hours.values(), Decimal(0)))
        return None

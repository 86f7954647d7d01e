"""The inventory table as Qt model/view, built to stay smooth with 20,000 items.

- :class:`InventoryTableModel` holds the engagement's items in a Python list and answers Qt's
  questions from it; it sorts itself with Python's ``sorted`` (one key per row, milliseconds for
  20,000 rows) instead of letting the proxy call back into Python for every comparison.
- :class:`InventoryFilterProxy` filters by category/kind, site and free text against a
  lower-cased text kept per item, and hands sorting to the source model.

Edits do not happen here: :meth:`InventoryTableModel.setData` passes them to ``edit_handler``
(the page), which saves through the service and pushes an undo command that calls
:meth:`InventoryTableModel.replace_items`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from ....domain import lifecycle as lifecycle_mod
from ....domain.engagement import InventoryCategory, InventoryItem
from ....domain.forms import Lifecycle

AnyIndex = QModelIndex | QPersistentModelIndex
UID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Above this many separate row insertions or removals, one model reset is cheaper for the views.
BATCH_LIMIT = 50

CATEGORY_LABELS = {
    InventoryCategory.DEVICE: "Device",
    InventoryCategory.APPLICATION: "Application",
    InventoryCategory.CLOUD_SERVICE: "Cloud service",
    InventoryCategory.VENDOR: "Vendor",
    InventoryCategory.LICENCE: "Licence",
}
CATEGORY_PLURALS = {
    InventoryCategory.DEVICE: "Devices",
    InventoryCategory.APPLICATION: "Applications",
    InventoryCategory.CLOUD_SERVICE: "Cloud services",
    InventoryCategory.VENDOR: "Vendors",
    InventoryCategory.LICENCE: "Licences",
}


def kind_label(kind: str) -> str:
    return kind.replace("_", " ")


_PLURAL_NOUNS = {"network": "network devices", "mobile": "mobile devices", "storage": "storage devices",
                 "other": "other devices"}


def kind_plural(kind: str, n: int) -> str:
    """'1 server', '3 servers', '2 network devices'."""
    noun = _PLURAL_NOUNS.get(kind, kind_label(kind) + "s")
    if n == 1:
        noun = noun[:-1]
    return noun


class Col:
    """Columns: (field, title, default width in average characters)."""

    SPEC: tuple[tuple[str, str, int], ...] = (
        ("name", "Name", 24),
        ("category", "Category", 12),
        ("kind", "Kind", 13),
        ("site", "Site", 13),
        ("owner", "Owner", 16),
        ("os", "Operating system", 24),
        ("end_of_support", "End of support", 13),  # from the form's lifecycle table, not stored
        ("model", "Model", 18),
        ("serial", "Serial number", 15),
        ("purchase_date", "Purchased", 11),
        ("warranty_end", "Warranty end", 12),
        ("notes", "Notes", 30),
        ("source", "Source", 16),
        # What asset managers export besides (issue 15): after the columns a consultant reads first.
        ("manufacturer", "Manufacturer", 14),
        ("asset_tag", "Asset tag", 11),
        ("department", "Department", 14),
        ("last_seen", "Last seen", 11),
    )
    FIELDS = tuple(f for f, _, _ in SPEC)
    (NAME, CATEGORY, KIND, SITE, OWNER, OS, END_OF_SUPPORT, MODEL, SERIAL, PURCHASED, WARRANTY, NOTES, SOURCE,
     MANUFACTURER, ASSET_TAG, DEPARTMENT, LAST_SEEN) = range(len(SPEC))
    DATES = frozenset({PURCHASED, WARRANTY, LAST_SEEN})
    READ_ONLY = frozenset({SOURCE, END_OF_SUPPORT})


def display(item: InventoryItem, column: int) -> str:
    if column == Col.END_OF_SUPPORT:
        return ""  # computed by the model from the form's lifecycle table
    value = getattr(item, Col.FIELDS[column])
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if column == Col.CATEGORY:
        return CATEGORY_LABELS.get(value, str(value))
    if column == Col.KIND:
        return kind_label(value)
    return str(value)


def _haystack(item: InventoryItem) -> str:
    return "\x1f".join((item.name, item.kind, item.site, item.owner, item.os, item.model, item.serial,
                        item.notes, item.source, item.manufacturer, item.asset_tag, item.department)).casefold()


def _sort_key(column: int) -> Callable[[InventoryItem], Any]:
    field = Col.FIELDS[column]
    if column in Col.DATES:
        return lambda i: (getattr(i, field) is None, getattr(i, field) or date.min)
    if column == Col.CATEGORY:
        return lambda i: CATEGORY_LABELS.get(i.category, "")
    return lambda i: (getattr(i, field) or "").casefold()


class InventoryTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[InventoryItem] = []
        self._hay: dict[str, str] = {}
        self._rows: dict[str, int] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        #: Called with (item, column, value) for an inline edit; returns whether it was accepted.
        self.edit_handler: Callable[[InventoryItem, int, Any], bool] | None = None
        self.lifecycle: Lifecycle | None = None
        self.today = date.today()

    # ---- data in ----------------------------------------------------------------------------

    def set_items(self, items: Sequence[InventoryItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._hay = {i.uid: _haystack(i) for i in self._items}
        if self._sort is not None:
            self._apply_sort(*self._sort)
        self._reindex()
        self.endResetModel()

    def items(self) -> list[InventoryItem]:
        return list(self._items)

    def item(self, row: int) -> InventoryItem:
        return self._items[row]

    def row_of(self, uid: str) -> int | None:
        return self._rows.get(uid)

    def haystack(self, row: int) -> str:
        return self._hay[self._items[row].uid]

    def replace_items(self, items: Iterable[InventoryItem]) -> None:
        """Show new values of items already in the table (after an edit or its undo)."""
        for new in items:
            row = self._rows.get(new.uid)
            if row is None:
                continue
            self._items[row] = new
            self._hay[new.uid] = _haystack(new)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Col.SPEC) - 1))

    def append_items(self, items: Sequence[InventoryItem]) -> None:
        if not items:
            return
        start = len(self._items)
        self.beginInsertRows(QModelIndex(), start, start + len(items) - 1)
        self._items.extend(items)
        self._hay.update((i.uid, _haystack(i)) for i in items)
        self._reindex()
        self.endInsertRows()

    def insert_items(self, positioned: Sequence[tuple[int, InventoryItem]]) -> None:
        """Put items back at the rows they had (undo of a delete)."""
        ordered = sorted(positioned, key=lambda p: p[0])
        many = len(ordered) > BATCH_LIMIT
        if many:
            self.beginResetModel()
        for row, item in ordered:
            row = max(0, min(row, len(self._items)))
            if not many:
                self.beginInsertRows(QModelIndex(), row, row)
            self._items.insert(row, item)
            self._hay[item.uid] = _haystack(item)
            if not many:
                self._rows[item.uid] = row  # enough for views; the full index follows
                self.endInsertRows()
        self._reindex()
        if many:
            self.endResetModel()

    def remove_uids(self, uids: Iterable[str]) -> list[tuple[int, InventoryItem]]:
        """Remove items; returns (row, item) so the same rows can be restored."""
        rows = sorted({r for r in (self._rows.get(u) for u in uids) if r is not None})
        removed = [(r, self._items[r]) for r in rows]
        if not rows:
            return removed
        runs: list[tuple[int, int]] = []  # contiguous (first, last), removed bottom-up
        for r in rows:
            if runs and runs[-1][1] == r - 1:
                runs[-1] = (runs[-1][0], r)
            else:
                runs.append((r, r))
        many = len(runs) > BATCH_LIMIT
        if many:
            self.beginResetModel()
        for first, last in reversed(runs):
            if not many:
                self.beginRemoveRows(QModelIndex(), first, last)
            for r in range(first, last + 1):
                self._hay.pop(self._items[r].uid, None)
            del self._items[first:last + 1]
            if not many:
                self.endRemoveRows()
        self._reindex()
        if many:
            self.endResetModel()
        return removed

    def _reindex(self) -> None:
        self._rows = {item.uid: row for row, item in enumerate(self._items)}

    # ---- sorting (done here, once per click, not per comparison in the proxy) ---------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Col.SPEC):
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_uids = [(self._items[i.row()].uid, i.column()) for i in old_persistent]
        self._sort = (column, order)
        self._apply_sort(column, order)
        self._reindex()
        self.changePersistentIndexList(
            old_persistent, [self.index(self._rows[uid], col) for uid, col in old_uids])
        self.layoutChanged.emit()

    def _apply_sort(self, column: int, order: Qt.SortOrder) -> None:
        key = self._support_sort_key if column == Col.END_OF_SUPPORT else _sort_key(column)
        self._items.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    # ---- end of support (the form's lifecycle table) ----------------------------------------

    def set_lifecycle(self, table: Lifecycle | None, today: date) -> None:
        """The lifecycle table the End of support column and filter read."""
        self.lifecycle, self.today = table, today
        if self._items:
            self.dataChanged.emit(self.index(0, Col.END_OF_SUPPORT), self.index(len(self._items) - 1, Col.END_OF_SUPPORT))

    def support(self, item: InventoryItem) -> lifecycle_mod.DeviceSupport:
        return lifecycle_mod.device_support(self.lifecycle, item, self.today)

    def _support_sort_key(self, item: InventoryItem) -> tuple[bool, date]:
        end = self.support(item).end_of_support
        return (end is None, end or date.max)

    def support_text(self, item: InventoryItem) -> str:
        s = self.support(item)
        if s.entry is None:
            return ""
        day = s.entry.end_of_support.isoformat()
        return f"Ended {day}" if s.status == lifecycle_mod.Support.PAST else day

    # ---- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col.SPEC)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return Col.SPEC[section][1]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        col = index.column()
        if col == Col.END_OF_SUPPORT:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.support_text(item)
            if role == Qt.ItemDataRole.ToolTipRole:
                entry = self.support(item).entry
                return (f"{entry.name}: security fixes end {entry.end_of_support.isoformat()} "
                        f"(source: {entry.source})") if entry else None
            if role == UID_ROLE:
                return item.uid
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return display(item, col)
        if role == Qt.ItemDataRole.EditRole:
            value = getattr(item, Col.FIELDS[col])
            if value is None:
                return ""
            return value.isoformat() if isinstance(value, date) else str(value)
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.NOTES and item.notes:
            return item.notes
        if role == UID_ROLE:
            return item.uid
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() not in Col.READ_ONLY:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.edit_handler is None:
            return False
        item = self._items[index.row()]
        if (self.data(index, Qt.ItemDataRole.EditRole) or "") == (value or ""):
            return False  # nothing changed: no save, no undo step
        return self.edit_handler(item, index.column(), value)


class InventoryFilterProxy(QSortFilterProxyModel):
    """Filters rows; sorting is the source model's (see :meth:`InventoryTableModel.sort`).

    The filters are applied in one Python pass over the items when they change, giving the set
    of uids shown; :meth:`filterAcceptsRow`, which Qt calls for every row after each sort or
    reset, is then one set lookup (or nothing at all when no filter is set).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._category: str | None = None
        self._kind: str | None = None
        self._site: str | None = None
        self._support: frozenset[str] | None = None  # lifecycle Support statuses shown; None: any
        self._shown: set[str] | None = None  # None: every row

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        self._model = model
        # Items added or edited after a filter was set must be checked too.
        for signal in (model.modelReset, model.rowsInserted, model.dataChanged):
            signal.connect(self._source_changed)

    def set_filter(self, *, text: str | None = None, category: str | None = "", kind: str | None = "",
                   site: str | None = "", support: frozenset[str] | None | str = "") -> None:
        """Change some of the filters; ``""`` leaves one as it is, ``None`` clears it."""
        self.beginFilterChange()
        if not isinstance(support, str):
            self._support = support
        if text is not None:
            self._text = text.strip().casefold()
        if category != "":
            self._category = category
        if kind != "":
            self._kind = kind
        if site != "":
            self._site = site
        self._shown = self._compute()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _compute(self) -> set[str] | None:
        text, category, kind, site, support = self._text, self._category, self._kind, self._site, self._support
        if not text and category is None and kind is None and site is None and support is None:
            return None
        model = self.source()
        hay = model._hay
        return {i.uid for i in model._items
                if (category is None or i.category == category) and (kind is None or i.kind == kind)
                and (site is None or i.site == site) and (not text or text in hay[i.uid])
                and (support is None or model.support(i).status in support)}

    def _source_changed(self, *args: Any) -> None:
        if self._shown is None:
            return
        self._shown = self._compute()
        if args:  # rows inserted or edited: their rows may now pass or fail the filter
            self.invalidateRowsFilter()

    def source(self) -> InventoryTableModel:
        model = self.sourceModel()
        assert isinstance(model, InventoryTableModel)
        return model

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        shown = self._shown
        return shown is None or self._model._items[source_row].uid in shown

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)

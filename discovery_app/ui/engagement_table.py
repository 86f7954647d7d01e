"""The engagement list as Qt model/view: plain rows, a table model and a filter proxy.

The service hands out ``EngagementSummary`` objects; :func:`rows_from_summaries` turns them into
light :class:`EngagementRow` values once, so painting and sorting never touch pydantic models.
This module imports nothing heavy at import time: the window that uses it must paint quickly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

from ..domain.fit import score_of_100

AnyIndex = QModelIndex | QPersistentModelIndex

# Sorting and filtering read this role; the display role stays human text.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class EngagementRow:
    id: int
    client: str
    status: str  # the Status value, e.g. "in_review"
    status_label: str  # what a consultant reads, e.g. "In review"
    consultant: str
    it_owner: str
    updated_at: datetime
    form: str
    fit_label: str
    fit_score: float
    completion: int
    archived: bool
    expired_acceptances: int = 0  # risk acceptances past their review date
    checked_out_by: str = ""  # checked out to a laptop (read-only here) by whom
    checked_out_at: datetime | None = None
    laptop_copy: str = ""  # "active": a copy checked out to this store; "returned": checked in, read-only

    def matches(self, needle: str) -> bool:
        """True when ``needle`` (already case-folded) is in a field a consultant would search."""
        if not needle:
            return True
        hay = (self.client, self.consultant, self.it_owner, self.status_label, self.fit_label, self.form)
        return any(needle in h.casefold() for h in hay)


def rows_from_summaries(summaries: Iterable[Any]) -> list[EngagementRow]:
    """``EngagementSummary`` objects from the service -> rows for the table."""
    from ..domain.engagement import STATUS_LABELS

    rows = []
    for s in summaries:
        h = s.header
        try:
            score = float(s.fit_score)
        except (TypeError, ValueError):
            score = 0.0
        rows.append(
            EngagementRow(
                id=int(h.id),
                client=h.client_name,
                status=h.status.value,
                status_label=STATUS_LABELS.get(h.status, h.status.value),
                consultant=h.consultant,
                it_owner=h.internal_it_owner,
                updated_at=h.updated_at,
                form=f"{h.form_id} v{h.form_version}",
                fit_label=s.fit_verdict,
                fit_score=score,
                completion=int(s.completion),
                archived=bool(h.archived),
                expired_acceptances=int(getattr(s, "expired_acceptances", 0)),
                checked_out_by=str(getattr(s, "checked_out_by", "")),
                checked_out_at=getattr(s, "checked_out_at", None),
                laptop_copy=str(getattr(s, "laptop_copy", "")),
            )
        )
    return rows


class Column:
    CLIENT, STATUS, CONSULTANT, UPDATED, FIT, COMPLETION = range(6)
    TITLES = ("Client", "Status", "Consultant", "Last changed", "Fit", "Completion")


class EngagementTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[EngagementRow] = []

    # ---- data in ----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[EngagementRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> EngagementRow:
        return self._rows[row]

    def row_of(self, eid: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == eid:
                return i
        return None

    # ---- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column.TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return Column.TITLES[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == Column.COMPLETION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == SORT_ROLE:
            return self._sort_key(r, col)
        if role == ID_ROLE:
            return r.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Column.COMPLETION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, col)
        if role == Qt.ItemDataRole.FontRole and r.archived:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    @staticmethod
    def _display(r: EngagementRow, col: int) -> str:
        if col == Column.CLIENT:
            return r.client
        if col == Column.STATUS:
            label = f"{r.status_label} (archived)" if r.archived else r.status_label
            if r.expired_acceptances:
                label += f" · {r.expired_acceptances} risk acceptance{'s' if r.expired_acceptances != 1 else ''} expired"
            if r.checked_out_by:
                label += " · checked out"
            if r.laptop_copy:
                label += " · laptop copy" if r.laptop_copy == "active" else " · checked in"
            return label
        if col == Column.CONSULTANT:
            return r.consultant
        if col == Column.UPDATED:
            return r.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if col == Column.FIT:
            return r.fit_label
        return f"{r.completion}%"

    @staticmethod
    def _sort_key(r: EngagementRow, col: int) -> Any:
        if col == Column.UPDATED:
            return r.updated_at.timestamp()
        if col == Column.FIT:
            return r.fit_score
        if col == Column.COMPLETION:
            return r.completion
        if col == Column.STATUS:
            return list(_STATUS_ORDER).index(r.status) if r.status in _STATUS_ORDER else 99
        return EngagementTableModel._display(r, col).casefold()

    @staticmethod
    def _tooltip(r: EngagementRow, col: int) -> str | None:
        if col == Column.FIT:
            return f"{r.fit_label}: score {score_of_100(r.fit_score)}"
        if col == Column.UPDATED:
            return r.updated_at.astimezone().strftime("%A %d %B %Y, %H:%M:%S %Z")  # the zone, as the CLI says it
        if col == Column.STATUS and r.checked_out_at is not None:
            return (f"Checked out to a laptop by {r.checked_out_by} since "
                    f"{r.checked_out_at.astimezone().strftime('%Y-%m-%d %H:%M')}: read-only here until it is checked in")
        if col == Column.STATUS and r.laptop_copy:
            return ("A copy checked out of the shared store: check it in there when you are back"
                    if r.laptop_copy == "active" else
                    "This copy was checked in to the shared store: read-only here; check it out again to edit")
        if col == Column.CLIENT and r.it_owner:
            return f"{r.client}: internal IT owner {r.it_owner}"
        if r.archived:
            return "Archived: hidden unless Show archived is checked"
        return None


_STATUS_ORDER = ("draft", "in_review", "proposal_sent", "accepted", "declined")


class EngagementFilterProxy(QSortFilterProxyModel):
    """Search text, one status and the archived switch, combined."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._status: str | None = None
        self._show_archived = False
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_status(self, status: str | None) -> None:
        if status != self._status:
            self.beginFilterChange()
            self._status = status
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_show_archived(self, show: bool) -> None:
        if show != self._show_archived:
            self.beginFilterChange()
            self._show_archived = show
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def show_archived(self) -> bool:
        return self._show_archived

    def unfiltered_count(self) -> int:
        """Rows the archived switch lets through, before search and status narrow them."""
        model = self.sourceModel()
        if not isinstance(model, EngagementTableModel):
            return 0
        return sum(
            1 for i in range(model.rowCount()) if self._show_archived or not model.row_at(i).archived
        )

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, EngagementTableModel):
            return True
        r = model.row_at(source_row)
        if r.archived and not self._show_archived:
            return False
        if self._status is not None and r.status != self._status:
            return False
        return r.matches(self._needle)

    def id_at(self, proxy_row: int) -> int | None:
        idx = self.index(proxy_row, 0)
        return idx.data(ID_ROLE) if idx.isValid() else None

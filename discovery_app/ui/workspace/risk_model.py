"""The risk register as a Qt table model, and the proxy that filters it (text and heat-map cell)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from ...domain import risks as rk
from ...domain.engagement import Risk

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
UID_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("Title", "Category", "Likelihood", "Impact", "Score", "Band", "Evidence")
TITLE, CATEGORY, LIKELIHOOD, IMPACT, SCORE, BAND, EVIDENCE = range(len(COLUMNS))
NUMERIC = {LIKELIHOOD, IMPACT, SCORE, EVIDENCE}


def category_label(value: str) -> str:
    return value.replace("_", " ").capitalize()


class RiskTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._risks: list[Risk] = []
        self._files: dict[str, int] = {}

    def set_risks(self, risks: list[Risk], files_per_risk: dict[str, int]) -> None:
        self.beginResetModel()
        self._risks = list(risks)
        self._files = dict(files_per_risk)
        self.endResetModel()

    def risk_at(self, row: int) -> Risk:
        return self._risks[row]

    def row_of(self, uid: str) -> int | None:
        return next((n for n, r in enumerate(self._risks) if r.uid == uid), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._risks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._risks[index.row()]
        col = index.column()
        band = rk.band(r.likelihood, r.impact)
        files = self._files.get(r.uid, 0)
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                TITLE: r.title,
                CATEGORY: category_label(r.category.value),
                LIKELIHOOD: f"{r.likelihood} {rk.likelihood_word(r.likelihood)}",
                IMPACT: f"{r.impact} {rk.impact_word(r.impact)}",
                SCORE: str(r.score),
                BAND: rk.BAND_LABELS[band],
                EVIDENCE: str(files) if files else "",
            }[col]
        if role == SORT_ROLE:
            return {
                TITLE: r.title.casefold(), CATEGORY: r.category.value, LIKELIHOOD: r.likelihood, IMPACT: r.impact,
                SCORE: r.score, BAND: (rk.BAND_RANK[band], r.score), EVIDENCE: files,
            }[col]
        if role == UID_ROLE:
            return r.uid
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == EVIDENCE:
                return f"{files} evidence file(s)" if files else "No evidence files yet"
            if col == TITLE and r.description:
                return r.description
        return None


class RiskFilterProxy(QSortFilterProxyModel):
    """Text filter over title and category, and an optional (likelihood, impact) cell."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cell: tuple[int, int] | None = None
        self._text = ""
        self.setSortRole(SORT_ROLE)

    @property
    def cell(self) -> tuple[int, int] | None:
        return self._cell

    def set_cell(self, cell: tuple[int, int] | None) -> None:
        self.beginFilterChange()
        self._cell = cell
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RiskTableModel):
            return True
        risk = model.risk_at(source_row)
        if self._cell is not None and (risk.likelihood, risk.impact) != self._cell:
            return False
        needle = self._text
        if not needle:
            return True
        return any(needle in s.casefold() for s in (risk.title, risk.category.value, risk.description, risk.evidence))

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)

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

from ....domain import risks as rk
from ....domain.engagement import Risk

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
        self.cuts = rk.SHIPPED_CUTS  # the engagement form's band cut-offs

    def set_risks(self, risks: list[Risk], files_per_risk: dict[str, int], cuts: rk.BandCuts | None = None) -> None:
        self.beginResetModel()
        self.cuts = cuts or self.cuts
        self._risks = list(risks)
        self._files = dict(files_per_risk)
        self.endResetModel()

    def update_risk(self, risk: Risk) -> None:
        """Show the saved ``risk`` in its row (same uid); only that row repaints."""
        row = self.row_of(risk.uid)
        if row is None:
            return
        self._risks[row] = risk
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

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
        # Asked for every cell and role on each repaint and resize: the role first, then only
        # what that role needs.
        if role not in _ROLES or not index.isValid():
            return None
        r = self._risks[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == TITLE:
                return r.title
            if col == CATEGORY:
                return category_label(r.category.value)
            # The numbers alone (the words are in the tooltip and the detail): with the words the
            # register had no room left for Score and Band beside the heat map at 1280x800.
            if col == LIKELIHOOD:
                return str(r.likelihood)
            if col == IMPACT:
                return str(r.impact)
            if col == SCORE:
                return str(r.score)
            if col == BAND:
                return rk.BAND_LABELS[self.cuts.of(r.likelihood, r.impact)]
            files = self._files.get(r.uid, 0)
            return str(files) if files else ""
        if role == SORT_ROLE:
            if col == TITLE:
                return r.title.casefold()
            if col == CATEGORY:
                return r.category.value
            if col == LIKELIHOOD:
                return r.likelihood
            if col == IMPACT:
                return r.impact
            if col == SCORE:
                return r.score
            if col == BAND:
                return (rk.BAND_RANK[self.cuts.of(r.likelihood, r.impact)], r.score)
            return self._files.get(r.uid, 0)
        if role == UID_ROLE:
            return r.uid
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if col in NUMERIC else None
        # ToolTipRole
        if col == EVIDENCE:
            files = self._files.get(r.uid, 0)
            return f"{files} evidence file(s)" if files else "No evidence files yet"
        if col == TITLE:
            return f"{r.title}\n\n{r.description}" if r.description else r.title
        if col == LIKELIHOOD:
            return f"Likelihood {r.likelihood}: {rk.likelihood_word(r.likelihood)}"
        if col == IMPACT:
            return f"Impact {r.impact}: {rk.impact_word(r.impact)}"
        return None


_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, SORT_ROLE, UID_ROLE, Qt.ItemDataRole.TextAlignmentRole,
                    Qt.ItemDataRole.ToolTipRole})


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

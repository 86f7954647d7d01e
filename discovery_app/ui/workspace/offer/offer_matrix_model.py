"""Table models of the responsibilities page: the RACI matrix (functions grouped by lane, one
column per party) and the lane summary (who owns how much of each lane)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QIcon, QRegularExpressionValidator
from PySide6.QtWidgets import QApplication, QLineEdit, QStyle, QStyledItemDelegate, QWidget

from ....domain import matrix as matrix_mod
from ....domain.forms import Lane
from . import offer_format as fmt

FUNCTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PARTY_ROLE = Qt.ItemDataRole.UserRole + 2
FLAGGED_ROLE = Qt.ItemDataRole.UserRole + 3
LANE_HEADER_ROLE = Qt.ItemDataRole.UserRole + 4

LANE_TITLES = {
    Lane.RUN: "Run lane: tickets, monitoring, patching, device health",
    Lane.CHANGE: "Change lane: projects, migrations, security upgrades, lifecycle",
    Lane.GOVERN: "Govern lane: standards, budget, risk decisions, planning, vendors",
}
LANE_NAMES = {Lane.RUN: "Run", Lane.CHANGE: "Change", Lane.GOVERN: "Govern"}
LETTER_NAMES = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}

Index = QModelIndex | QPersistentModelIndex


def _icon(kind: QStyle.StandardPixmap) -> QIcon:
    return QApplication.style().standardIcon(kind)


@dataclass(frozen=True)
class _Row:
    lane: Lane
    check: matrix_mod.RowCheck | None  # None: the lane's heading row
    count: int = 0  # functions in the lane (heading rows)


class MatrixModel(QAbstractTableModel):
    """Lane heading rows, then that lane's functions; columns: function, each party, check."""

    def __init__(self, on_edit: Callable[[str, str, str], bool], parent=None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        self.report: matrix_mod.MatrixReport | None = None
        self._rows: list[_Row] = []
        self.parties: tuple[str, ...] = matrix_mod.CORE_PARTIES
        self._warn = _icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self._info = _icon(QStyle.StandardPixmap.SP_MessageBoxInformation)

    # ---- data in --------------------------------------------------------------------------

    def set_report(self, report: matrix_mod.MatrixReport) -> None:
        rows: list[_Row] = []
        for lane in matrix_mod.LANES:
            checks = report.rows_in(lane)
            if not checks:
                continue
            rows.append(_Row(lane, None, len(checks)))
            rows += [_Row(lane, c) for c in checks]
        same_shape = (report.parties == self.parties and len(rows) == len(self._rows) and all(
            (a.check is None) == (b.check is None) and (a.check is None or b.check is None or a.check.function_id == b.check.function_id)
            for a, b in zip(rows, self._rows, strict=True)))
        if same_shape:
            # An edit of letters: update in place, so an open editor or the selection survives.
            self.report, self._rows = report, rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self.report, self._rows, self.parties = report, rows, report.parties
        self.endResetModel()

    # ---- shape ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.parties) + 2

    @property
    def check_column(self) -> int:
        return len(self.parties) + 1

    def party_of(self, column: int) -> str | None:
        return self.parties[column - 1] if 1 <= column <= len(self.parties) else None

    def column_of(self, party: str) -> int:
        return self.parties.index(party) + 1

    def check_at(self, row: int) -> matrix_mod.RowCheck | None:
        return self._rows[row].check if 0 <= row < len(self._rows) else None

    def is_heading(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row].check is None

    def lane_at(self, row: int) -> Lane | None:
        return self._rows[row].lane if 0 <= row < len(self._rows) else None

    def row_of(self, function_id: str) -> int:
        for i, r in enumerate(self._rows):
            if r.check is not None and r.check.function_id == function_id:
                return i
        raise KeyError(function_id)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Function"
            if section == self.check_column:
                return "Check"
            party = self.party_of(section)
            return matrix_mod.party_label(party) if party else None
        if role == Qt.ItemDataRole.ToolTipRole:
            party = self.party_of(section)
            if party and party not in matrix_mod.CORE_PARTIES:
                return f"Third party: {party}. Use Third parties to rename or remove the column."
        if role == Qt.ItemDataRole.TextAlignmentRole and self.party_of(section):
            return Qt.AlignmentFlag.AlignCenter
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        row = self._rows[index.row()]
        if row.check is None:
            return Qt.ItemFlag.ItemIsEnabled
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.party_of(index.column()):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    # ---- data out -------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if row.check is None:
            return self._heading_data(row, col, role)
        c = row.check
        party = self.party_of(col)
        if role == FUNCTION_ID_ROLE:
            return c.function_id
        if role == PARTY_ROLE:
            return party
        if role == FLAGGED_ROLE:
            return c.flagged
        if col == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return c.name + ("  (custom)" if c.assignment.custom else "")
            if role == Qt.ItemDataRole.DecorationRole:
                return self._warn if c.flagged else (self._info if c.accepted else None)
            if role == Qt.ItemDataRole.ToolTipRole:
                return c.message or c.name
        elif party is not None:
            letters = c.assignment.raci.get(party, "")
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return letters
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
            if role == Qt.ItemDataRole.ToolTipRole:
                named = ", ".join(LETTER_NAMES[ch] for ch in letters) or "nothing"
                return f"{matrix_mod.party_label(party)}: {named}. Type R, A, C, I or right-click for a menu."
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{matrix_mod.party_label(party)} {letters or 'empty'}"
        elif col == self.check_column:
            if role == Qt.ItemDataRole.DisplayRole:
                if c.flagged:
                    return f"Fix: {c.problem}"
                if c.accepted:
                    return f"Accepted as is: {c.problem}"
                return "OK: one Accountable"
            if role == Qt.ItemDataRole.DecorationRole and c.flagged:
                return self._warn
            if role == Qt.ItemDataRole.ToolTipRole:
                if c.accepted:
                    return f"Accepted as is. Note: {c.assignment.notes or '(none)'}"
                return c.message or "Exactly one party is Accountable."
            if role == Qt.ItemDataRole.FontRole and c.flagged:
                f = QFont()
                f.setBold(True)
                return f
        return None

    def _heading_data(self, row: _Row, col: int, role: int):
        if role == LANE_HEADER_ROLE:
            return row.lane.value
        if col != 0:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            n = row.count
            return f"{LANE_TITLES[row.lane]}  ({n} function{'s' if n != 1 else ''})"
        if role == Qt.ItemDataRole.FontRole:
            f = QFont()
            f.setBold(True)
            return f
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        check = self.check_at(index.row())
        party = self.party_of(index.column())
        if check is None or party is None:
            return False
        if str(value or "") == check.assignment.raci.get(party, ""):
            return False
        return self._on_edit(check.function_id, party, str(value or ""))


class MatrixFilter(QSortFilterProxyModel):
    """Filters functions by name; a lane heading stays while any of its functions shows."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def _matches(self, model: MatrixModel, row: int) -> bool:
        check = model.check_at(row)
        if check is None:
            return False
        needle = self.filterRegularExpression().pattern().casefold()
        return not needle or needle in check.name.casefold()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, MatrixModel)
        if not model.is_heading(source_row):
            return self._matches(model, source_row)
        lane = model.lane_at(source_row)
        return any(model.lane_at(r) == lane and self._matches(model, r) for r in range(model.rowCount()))


class LettersDelegate(QStyledItemDelegate):
    """Edit a cell by typing letters: R, A, C, I (upper or lower case, several allowed)."""

    def createEditor(self, parent: QWidget, option, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("raciEditor")
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.setValidator(QRegularExpressionValidator(QRegularExpression("[RACIraci ,]{0,8}"), editor))
        editor.textEdited.connect(lambda text, e=editor: _upper(e, text))
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        if not editor.text():
            editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor: QWidget, model, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text().replace(" ", "").replace(",", ""), Qt.ItemDataRole.EditRole)


def _upper(editor: QLineEdit, text: str) -> None:
    if text != text.upper():
        pos = editor.cursorPosition()
        editor.setText(text.upper())
        editor.setCursorPosition(pos)


class LaneSummaryModel(QAbstractTableModel):
    """One row per lane: its number of functions, then per party the share it is Accountable
    and Responsible for."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lanes: tuple[matrix_mod.LaneSummary, ...] = ()
        self._parties: tuple[str, ...] = matrix_mod.CORE_PARTIES

    def set_report(self, report: matrix_mod.MatrixReport) -> None:
        self.beginResetModel()
        self._lanes, self._parties = report.lanes, report.parties
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lanes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._parties) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Lane"
            if section == 1:
                return "Functions"
            return matrix_mod.party_label(self._parties[section - 2])
        if role == Qt.ItemDataRole.TextAlignmentRole and section >= 1:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        lane = self._lanes[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 1:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if col == 0:
            return LANE_NAMES[lane.lane] if role == Qt.ItemDataRole.DisplayRole else None
        if col == 1:
            return str(lane.functions) if role == Qt.ItemDataRole.DisplayRole else None
        share = lane.shares[col - 2]
        if role == Qt.ItemDataRole.DisplayRole:
            if not lane.functions:
                return "-"
            return (f"A {share.accountable} ({fmt.whole_percent(share.accountable_percent)})  ·  "
                    f"R {share.responsible} ({fmt.whole_percent(share.responsible_percent)})")
        if role == Qt.ItemDataRole.ToolTipRole:
            who = matrix_mod.party_label(share.party)
            return (f"{who} is Accountable for {share.accountable} and Responsible for {share.responsible} "
                    f"of the {lane.functions} functions in the {lane.lane.value} lane.")
        return None

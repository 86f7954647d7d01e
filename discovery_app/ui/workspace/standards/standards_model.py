"""The standards-fit table: one row per standard-stack category of the form."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ....domain.engagement import ExceptionDecision, StandardAssessment, StandardStatus
from ....domain.standards import DECISION_LABELS, STATUS_LABELS
from ...widgets import error_colour
from ..offer import offer_format as fmt

AnyIndex = QModelIndex | QPersistentModelIndex
NEEDS_DECISION = "Needs a decision"


def money(currency: str, amount: Decimal) -> str:
    return fmt.money_cur(amount, currency)  # in the window's locale


class SCol:
    SPEC: tuple[tuple[str, int], ...] = (
        ("Category", 22), ("Standard", 32), ("Client's\ncurrent tool", 24), ("Status", 12),
        ("Decision", 20), ("Surcharge\n/ month", 18), ("Notes", 30),
    )
    CATEGORY, STANDARD, TOOL, STATUS, DECISION, SURCHARGE, NOTES = range(len(SPEC))
    EDITABLE = frozenset({TOOL, STATUS, DECISION, NOTES})


class StandardsTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.categories: list[Any] = []
        self.assessments: dict[str, StandardAssessment] = {}
        self.currency = ""
        #: Called with (category_id, column, value) for an edit; returns whether it was saved.
        self.edit_handler: Callable[[str, int, Any], bool] | None = None

    def set_view(self, view: Any) -> None:
        if [c.id for c in view.categories] == [c.id for c in self.categories]:
            # Same rows: repaint values in place, so selection and the current cell stay.
            self.categories, self.assessments, self.currency = list(view.categories), dict(view.assessments), view.currency
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(SCol.SPEC) - 1))
            return
        self.beginResetModel()
        self.categories, self.assessments, self.currency = list(view.categories), dict(view.assessments), view.currency
        self.endResetModel()

    def category(self, row: int) -> Any:
        return self.categories[row]

    def assessment(self, row: int) -> StandardAssessment | None:
        return self.assessments.get(self.categories[row].id)

    def row_of(self, category_id: str) -> int:
        return next(i for i, c in enumerate(self.categories) if c.id == category_id)

    # ---- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.categories)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(SCol.SPEC)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return SCol.SPEC[section][0]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == SCol.SURCHARGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _undecided(self, a: StandardAssessment | None) -> bool:
        return a is not None and a.status is StandardStatus.EXCEPTION and a.decision is None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cat = self.categories[index.row()]
        a = self.assessments.get(cat.id)
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(cat, a, col)
        if role == Qt.ItemDataRole.EditRole:
            if col == SCol.TOOL:
                return a.current_tool if a else ""
            if col == SCol.NOTES:
                return a.notes if a else ""
            if col == SCol.STATUS:
                return a.status.value if a else ""
            if col == SCol.DECISION:
                return a.decision.value if a and a.decision else ""
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == SCol.CATEGORY and cat.description:
                return cat.description
            if col == SCol.DECISION and self._undecided(a):
                return "An exception must be priced in the exception lane or scheduled for remediation."
            # The text columns are elided past a few lines: the tooltip has the whole text.
            text = self._display(cat, a, col) if col in (SCol.STANDARD, SCol.TOOL, SCol.NOTES) else ""
            return text or None
        if role == Qt.ItemDataRole.DecorationRole and col == SCol.DECISION and self._undecided(a):
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ForegroundRole:
            palette = QApplication.palette()
            if col == SCol.DECISION and self._undecided(a):
                return error_colour(palette)
            if (col == SCol.STATUS and a is None) or (col == SCol.SURCHARGE and a is not None
                                                       and a.decision is not ExceptionDecision.EXCEPTION_LANE):
                return palette.color(QPalette.ColorRole.PlaceholderText)
            return None
        if role == Qt.ItemDataRole.FontRole and col == SCol.CATEGORY:
            font = QFont(QApplication.font())
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == SCol.SURCHARGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, cat: Any, a: StandardAssessment | None, col: int) -> str:
        if col == SCol.CATEGORY:
            return cat.name
        if col == SCol.STANDARD:
            return ", ".join(cat.standard_products)
        if col == SCol.TOOL:
            return a.current_tool if a else ""
        if col == SCol.STATUS:
            return STATUS_LABELS[a.status] if a else "Not assessed"
        if col == SCol.DECISION:
            if a is None or a.status is not StandardStatus.EXCEPTION:
                return ""
            return DECISION_LABELS[a.decision] if a.decision else NEEDS_DECISION
        if col == SCol.SURCHARGE:
            if a is None or a.status is not StandardStatus.EXCEPTION:
                return ""
            amount = money(self.currency, cat.exception_surcharge)
            # "if kept" under the amount: the column stays as narrow as the money.
            return amount if a.decision is ExceptionDecision.EXCEPTION_LANE else f"{amount}\nif kept"
        if col == SCol.NOTES:
            return a.notes if a else ""
        return ""

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid() or index.column() not in SCol.EDITABLE:
            return base
        a = self.assessments.get(self.categories[index.row()].id)
        if index.column() == SCol.DECISION and (a is None or a.status is not StandardStatus.EXCEPTION):
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.edit_handler is None:
            return False
        if (self.data(index, Qt.ItemDataRole.EditRole) or "") == (value or ""):
            return False
        return self.edit_handler(self.categories[index.row()].id, index.column(), value)


class PickCombo(QComboBox):
    """A combo cell editor: a choice made in its popup (a click) saves at once; arrow keys only
    move the choice, and Enter or Tab saves it, as for any other cell."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.popup_used = False

    def showPopup(self) -> None:
        self.popup_used = True
        super().showPopup()


def commit_on_pick(delegate: QStyledItemDelegate, combo: PickCombo) -> None:
    def picked(_index: int) -> None:
        if combo.popup_used:
            delegate.commitData.emit(combo)
            delegate.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    combo.activated.connect(picked)


class StandardsDelegate(QStyledItemDelegate):
    """Combos for status and decision (saved as soon as one is picked); lines for text."""

    def __init__(self, model: StandardsTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        col = index.column()
        if col in (SCol.STATUS, SCol.DECISION):
            combo = PickCombo(parent)
            combo.setObjectName("statusEditor" if col == SCol.STATUS else "decisionEditor")
            if col == SCol.STATUS:
                for status, label in STATUS_LABELS.items():
                    combo.addItem(label, status.value)
            else:
                cat = self.model.category(index.row())
                combo.addItem(NEEDS_DECISION, "")
                for decision, label in DECISION_LABELS.items():
                    suffix = (f" (+{money(self.model.currency, cat.exception_surcharge)} / month)"
                              if decision is ExceptionDecision.EXCEPTION_LANE else "")
                    combo.addItem(label + suffix, decision.value)
            commit_on_pick(self, combo)
            # The cell is narrower than "Exception lane (+USD 200.00 / month)": the list opens as
            # wide as its longest choice rather than cutting it.
            combo.view().setMinimumWidth(combo.minimumSizeHint().width())
            return combo
        editor = QLineEdit(parent)
        editor.setFrame(False)
        return editor

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().updateEditorGeometry(editor, option, index)
        if isinstance(editor, QComboBox):
            # At least as wide as the current choice, and as tall as a combo box needs.
            rect = editor.geometry()
            rect.setWidth(max(rect.width(), editor.sizeHint().width()))
            if rect.height() > editor.sizeHint().height():
                rect.setTop(rect.top() + (rect.height() - editor.sizeHint().height()) // 2)
                rect.setHeight(editor.sizeHint().height())
            holder = editor.parentWidget()
            room = holder.width() if holder is not None else rect.right()
            if rect.right() > room:
                rect.moveRight(room)  # grown to the left rather than cut at the table's edge
            editor.setGeometry(rect)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 10)  # wrapped rows need air above and below

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QLineEdit):
            editor.setText(value)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

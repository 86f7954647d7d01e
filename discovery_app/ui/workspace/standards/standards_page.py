"""The Standards fit page: per category of the provider's standard stack, what the client uses,
whether it is aligned, an exception, missing or not applicable, and for each exception the
decision (priced in the exception lane, or remediated). Alignment shows live.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QShowEvent, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ....domain.carried import Kind
from ....domain.engagement import ExceptionDecision, StandardAssessment, StandardStatus
from ....domain.standards import DECISION_LABELS
from ...messages import show_exception
from ...widgets import error_colour, muted, scaled_font
from ..carried_marks import add_bar, marked
from ..page import PageContext, WorkspacePage
from .standards_columns import StandardsColumns
from .standards_model import NEEDS_DECISION, SCol, StandardsDelegate, StandardsTableModel, money

#: The columns that share the width left and wrap.
TEXT_COLUMNS = (SCol.STANDARD, SCol.TOOL, SCol.NOTES)
#: Lines a row shows at most; longer text is elided, whole in its tooltip.
MAX_LINES = 3
#: The columns the consultant may hide (remembered): key -> column.
HIDEABLE = {"standard": SCol.STANDARD, "tool": SCol.TOOL, "surcharge": SCol.SURCHARGE, "notes": SCol.NOTES}
FIELD_OF_COLUMN = {SCol.TOOL: "current tool", SCol.STATUS: "status", SCol.DECISION: "decision", SCol.NOTES: "notes"}


class StandardEditCommand(QUndoCommand):
    def __init__(self, page: StandardsPage, category_id: str, before: StandardAssessment | None,
                 after: StandardAssessment, text: str) -> None:
        super().__init__(text)
        self.page, self.category_id, self.before, self.after = page, category_id, before, after
        self._first = True  # the page saved it already

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.page.restore(self.category_id, self.after)

    def undo(self) -> None:
        self.page.restore(self.category_id, self.before)


class StandardsPage(WorkspacePage):
    section_id = "standards"
    title = "Standards fit"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.view_data: Any = None
        self.model = marked(StandardsTableModel, lambda m, row: m.categories[row].id)(self)
        self.model.edit_handler = self._edit

        heading = QLabel(self.title)
        heading.setFont(scaled_font(self, 1.4, bold=True))
        intro = muted(QLabel(
            "For each category of the standard stack: what the client uses today and whether it matches. "
            "An exception is either priced in the exception lane or remediated, never included silently."))
        intro.setWordWrap(True)

        self.alignment_label = QLabel()
        self.alignment_label.setObjectName("alignmentLabel")
        self.alignment_label.setFont(scaled_font(self, 1.6, bold=True))
        self.detail_label = QLabel()
        self.detail_label.setObjectName("alignmentDetail")
        self.detail_label.setWordWrap(True)
        self.surcharge_label = QLabel()
        self.surcharge_label.setObjectName("surchargeLabel")
        self.surcharge_label.setWordWrap(True)
        summary_text = QVBoxLayout()
        summary_text.setSpacing(2)
        summary_text.addWidget(self.detail_label)
        summary_text.addWidget(self.surcharge_label)
        summary = QHBoxLayout()
        summary.addWidget(self.alignment_label)
        summary.addSpacing(16)
        summary.addLayout(summary_text, 1)

        self.flag_icon = QLabel()
        size = self.fontMetrics().height()
        self.flag_icon.setPixmap(QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        self.blocker_label = QLabel()
        self.blocker_label.setObjectName("blockerLabel")
        self.blocker_label.setWordWrap(True)
        palette = self.blocker_label.palette()
        palette.setColor(self.blocker_label.foregroundRole(), error_colour(palette))
        self.blocker_label.setPalette(palette)
        self.flag_row = QWidget()
        flag = QHBoxLayout(self.flag_row)
        flag.setContentsMargins(0, 0, 0, 0)
        flag.addWidget(self.flag_icon)
        flag.addWidget(self.blocker_label, 1)

        self.table = QTableView()
        self.table.setObjectName("standardsTable")
        self.table.setAccessibleName("Standards and the client's fit")
        self.table.setModel(self.model)
        self.table.setItemDelegate(StandardsDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        # A form has a few dozen categories at most: rows grow to show long names and notes whole.
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        hh = self.table.horizontalHeader()
        # Every column in view at 1280x800: the short ones as wide as their contents (decision and
        # surcharge on two lines), the three text columns share the rest and wrap, up to
        # MAX_LINES lines a row; longer text is elided in the middle, whole in its tooltip.
        for col in range(len(SCol.SPEC)):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col in TEXT_COLUMNS
                                    else QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(SCol.STATUS, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(SCol.SURCHARGE, QHeaderView.ResizeMode.ResizeToContents)
        hh.setHighlightSections(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.columns = StandardsColumns({key: SCol.SPEC[col][0].replace("\n", " ")
                                         for key, col in HIDEABLE.items()}, self)
        self.columns.changed.connect(self._show_columns)
        # Rows follow the columns' widths (a text wraps to more or fewer lines), once per change.
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)
        self._rows_timer.timeout.connect(self._fit_rows)
        hh.sectionResized.connect(lambda *_: self._rows_timer.start())
        self._show_columns()
        help_text = muted(QLabel("Double-click a cell or press F2 to edit; every change is saved at once and Ctrl+Z "
                                 "undoes it. Naming the tool of a category not yet assessed sets its status: the "
                                 "standard product is aligned, any other tool an exception."))
        help_text.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(summary)
        flag_line = QHBoxLayout()
        flag_line.addWidget(self.flag_row, 1)
        flag_line.addWidget(self.columns.button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(flag_line)
        layout.addWidget(self.table, 1)
        layout.addWidget(help_text)
        self.carried_bar = add_bar(self, layout, self.table, Kind.STANDARD, self.model, self.table,
                                   lambda: list(dict.fromkeys(  # the table selects cells: their rows
                                       self.model.categories[i.row()].id
                                       for i in self.table.selectionModel().selectedIndexes()
                                       or [self.table.currentIndex()] if i.isValid())))

    # ---- loading and the live summary --------------------------------------------------------

    def load(self) -> None:
        self.view_data = self.service.standards.view(self.engagement_id)
        self.model.set_view(self.view_data)
        self._fit_category_column()
        self._fit_decision_column()
        self._rows_timer.start()
        self._show_summary()
        self.carried_bar.load()

    def _fit_category_column(self) -> None:
        """The category names wrap, but no word of them is cut ("managem…"): the column is at
        least as wide as the longest word, in the bold the names are shown in."""
        font = QFont(self.table.font())
        font.setBold(True)
        fm = QFontMetrics(font)
        words = [w for c in self.view_data.categories for w in c.name.split()]
        widest = max((fm.horizontalAdvance(w) for w in words), default=0) + 16
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(SCol.CATEGORY, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(SCol.CATEGORY, max(widest, fm.averageCharWidth() * 16))

    def _fit_decision_column(self) -> None:
        """As narrow as the decisions on two lines ("Needs a / decision", "Price in / exception
        lane") with the warning icon: the room goes to the text columns."""
        fm = self.table.fontMetrics()
        icon = self.table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 8

        def two_lines(text: str) -> int:
            words = text.split()
            return min((max(fm.horizontalAdvance(" ".join(words[:i])), fm.horizontalAdvance(" ".join(words[i:])))
                        for i in range(1, len(words))), default=fm.horizontalAdvance(text))

        widest = max(two_lines(NEEDS_DECISION) + icon, *(two_lines(t) for t in DECISION_LABELS.values()))
        header = fm.horizontalAdvance(SCol.SPEC[SCol.DECISION][0])
        self.table.horizontalHeader().resizeSection(SCol.DECISION, max(widest, header) + 16)

    def _show_columns(self) -> None:
        for key, col in HIDEABLE.items():
            self.table.setColumnHidden(col, self.columns.is_hidden(key))
        self._rows_timer.start()

    def _category_height(self, row: int) -> int:
        """The height the category's name needs, wrapped, in bold: it is never elided."""
        font = QFont(self.table.font())
        font.setBold(True)
        width = self.table.columnWidth(SCol.CATEGORY) - 8
        rect = QFontMetrics(font).boundingRect(QRect(0, 0, max(width, 1), 10_000), Qt.TextFlag.TextWordWrap,
                                               self.model.category(row).name)
        return rect.height() + 10 + 6

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._rows_timer.start()  # row heights measured while hidden can be off

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped text, up to MAX_LINES lines (the rest elided, whole in
        the cell's tooltip), so a long list of products or notes does not fill the table."""
        if self.model.rowCount() == 0:
            return
        cap = self.table.fontMetrics().lineSpacing() * MAX_LINES + 10 + 4
        vh = self.table.verticalHeader()
        for row in range(self.model.rowCount()):
            height = max(min(self.table.sizeHintForRow(row), cap), self._category_height(row))
            if vh.sectionSize(row) != height:
                vh.resizeSection(row, height)

    def _show_summary(self) -> None:
        v = self.view_data
        al = v.alignment
        names = {c.id: c.name for c in v.categories}
        if al.percent is None:
            self.alignment_label.setText("Alignment —")
        else:
            self.alignment_label.setText(f"Alignment {al.percent} %")
        self.detail_label.setText(
            f"{al.aligned} of {al.applicable} applicable categories aligned · "
            f"{al.assessed} of {al.total} categories assessed")
        lane = [e.category_id for e in al.exceptions if e.decision is ExceptionDecision.EXCEPTION_LANE]
        remediate = [e.category_id for e in al.exceptions if e.decision is ExceptionDecision.REMEDIATE]
        cats = {c.id: c for c in v.categories}
        parts = []
        if lane:
            total = sum((cats[c].exception_surcharge for c in lane), Decimal(0))
            parts.append(f"Exception lane: {money(v.currency, total)} a month "
                         f"({', '.join(names[c] for c in lane)})")
        if remediate:
            parts.append(f"To remediate: {', '.join(names[c] for c in remediate)}")
        self.surcharge_label.setText(" · ".join(parts) if parts else "No exceptions kept.")
        undecided = al.undecided
        self.flag_row.setVisible(bool(undecided))
        if undecided:
            n = len(undecided)
            self.blocker_label.setText(
                f"{n} exception{'s need' if n != 1 else ' needs'} a decision (exception lane or remediate): "
                f"{', '.join(names[c] for c in undecided)}.")

    # ---- editing -----------------------------------------------------------------------------

    def _edit(self, category_id: str, column: int, value: Any) -> bool:
        before = self.model.assessments.get(category_id)
        kwargs: dict[str, Any] = {}
        if column == SCol.TOOL:
            kwargs["current_tool"] = str(value or "")
            if before is None and kwargs["current_tool"].strip():
                # A first tool named for an unassessed category settles its status: the standard
                # product means aligned, anything else is an exception (which then needs a decision).
                kwargs["status"] = self._status_for_tool(category_id, kwargs["current_tool"])
        elif column == SCol.NOTES:
            kwargs["notes"] = str(value or "")
        elif column == SCol.STATUS:
            kwargs["status"] = value
        elif column == SCol.DECISION:
            kwargs = {"decision": value} if value else {"clear_decision": True}
        try:
            after = self.service.standards.set_assessment(self.engagement_id, category_id, **kwargs)
        except Exception as exc:
            show_exception(self, "Saving the standards assessment", exc)
            return False
        name = self.model.category(self.model.row_of(category_id)).name
        self.context.undo_stack.push(
            StandardEditCommand(self, category_id, before, after, f"Set {FIELD_OF_COLUMN[column]} of {name}"))
        self._after_save()
        if column in (SCol.STATUS, SCol.TOOL) and after.status is StandardStatus.EXCEPTION and after.decision is None:
            # The next thing to settle is the decision: put the cursor on it.
            self.table.setCurrentIndex(self.model.index(self.model.row_of(category_id), SCol.DECISION))
        return True

    def _status_for_tool(self, category_id: str, tool: str) -> StandardStatus:
        cat = self.model.category(self.model.row_of(category_id))
        typed = tool.strip().casefold()
        for product in cat.standard_products:
            p = product.casefold()
            if typed == p or typed.startswith(p) or (p.startswith(typed) and len(typed) >= 4):
                return StandardStatus.ALIGNED
        return StandardStatus.EXCEPTION

    def restore(self, category_id: str, record: StandardAssessment | None) -> None:
        """Undo/redo: put one category back as it was, through the service."""
        try:
            self.service.standards.restore_assessment(self.engagement_id, category_id, record)
        except Exception as exc:
            show_exception(self, "Saving the standards assessment", exc)
        self._after_save()
        signal = getattr(self, "show_requested", None)  # newer page contract: bring this page forward
        if signal is not None:
            signal.emit()

    def _after_save(self) -> None:
        self.load()
        self.changed.emit()
        self.status.emit("Saved")

    # ---- the page contract -------------------------------------------------------------------

    def progress(self) -> tuple[int, int] | None:
        if self.view_data is None:
            return None
        al = self.view_data.alignment
        return (al.assessed, al.total)

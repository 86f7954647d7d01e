"""The pricing page: the inputs on the left, the priced offer on the right, recomputed as you type.

Every input is saved at once through the service (one undo step per field, however many keys
were typed) and the quote is rebuilt by the domain's pricing engine, so what the page shows is
exactly what ``discovery-app quote`` and the proposal say. The breakdown lists every line a
consultant may have to defend; margins are compared with the form's target, and a discount that
needs an approval nobody recorded blocks the client-facing export.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ....domain import locale_text
from ....domain import pricing as pricing_mod
from ....domain.engagement import DiscountApproval, PricingInputs
from ....domain.forms import FormPackage, Lane
from ....services import Discovery, ServiceError
from ....services.pricing import PricingBasis
from ... import app_locale
from ...ops import for_consultant
from ...widgets import error_label, muted, scaled_font
from ...wrap_row import WrapRow
from ..page import PageContext, WorkspacePage
from . import offer_format as fmt
from .offer_pricing_models import ApprovalsModel, BreakdownModel, MarginsModel
from .offer_undo import SnapshotCommand

LANE_HELP = {
    Lane.RUN: "Run: tickets, monitoring, patching",
    Lane.CHANGE: "Change: change desk, readiness",
    Lane.GOVERN: "Govern: standards, risk, vendors",
}

Snapshot = tuple[PricingInputs, list[DiscountApproval]]
_HOURS_ROLE = Qt.ItemDataRole.UserRole + 1


#: The coverage entry that prices whatever the questionnaire's coverage answer says.
_FOLLOW_ANSWER = ""


def _split_coverage(label: str) -> tuple[str, str]:
    """A coverage label split into its name and the hours in brackets ('' when there are none)."""
    name, sep, rest = label.partition(" (")
    return (name, rest.removesuffix(")")) if sep else (label, "")


class FigureStrip(QWidget):
    """The figure cards side by side when they fit whole, else fewer a row (down to one)."""

    def __init__(self, cards: list[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cards = cards
        self._columns = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._arrange(len(cards))

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for card in self._cards:
            self._grid.removeWidget(card)
        for c in range(len(self._cards)):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)
        for n, card in enumerate(self._cards):
            self._grid.addWidget(card, n // columns, n % columns)

    def _card_width(self) -> int:
        return max(card.minimumSizeHint().width() for card in self._cards) + self._grid.horizontalSpacing()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self._card_width(), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        fit = max(1, min(len(self._cards), (event.size().width() + self._grid.horizontalSpacing()) // self._card_width()))
        if fit != self._columns:
            QTimer.singleShot(0, self, lambda: self._arrange(fit))



def _table(name: str) -> QTableView:
    t = QTableView()
    t.setObjectName(name)
    t.verticalHeader().hide()
    t.setWordWrap(False)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 10)
    return t


def _fit_height(table: QTableView) -> None:
    rows = table.model().rowCount()
    # Room for the horizontal scroll bar too, so a narrow window never hides the last row under it.
    bar = table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + bar
                         + sum(table.rowHeight(r) for r in range(rows)) + 2 * table.frameWidth() + 2)


class PricingPage(WorkspacePage):
    section_id = "pricing"
    title = "Pricing"
    fills_view = True

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.quote: pricing_mod.Quote | None = None
        self.quote_error: str | None = None
        self.inputs: PricingInputs | None = None
        self.approvals: list[DiscountApproval] = []
        self.package: FormPackage | None = None
        self.basis: PricingBasis | None = None
        self._loading = False
        self.device_edits: dict[str, QLineEdit] = {}
        self.device_help: dict[str, QLabel] = {}
        self._device_rows_filled = False
        self._typed_from: dict[str, object] = {}
        self._typed_sent: dict[str, object] = {}

        heading = QLabel("Pricing")
        heading.setFont(scaled_font(self, 1.4, bold=True))
        intro = muted(QLabel("Change an input and the prices follow at once. Every line on the right can be traced "
                             "to hours, rates and counts; hover a line for how it was computed."))
        intro.setWordWrap(True)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_inputs())
        splitter.addWidget(self._build_results())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1, 2000])  # the inputs at their natural width, the results take the rest
        splitter.setChildrenCollapsible(False)

        outer = QVBoxLayout(self)
        outer.addWidget(heading)
        outer.addWidget(intro)
        outer.addWidget(splitter, 1)

    # ---- building the inputs ------------------------------------------------------------------

    def _label(self, text: str, buddy: QWidget | None = None, *, bold: bool = False) -> QLabel:
        label = QLabel(text)
        if bold:
            label.setFont(scaled_font(self, 1.05, bold=True))
        if buddy is not None:
            label.setBuddy(buddy)
        return label

    def _build_inputs(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 8, 0)

        self.coverage = QComboBox()
        self.coverage.setObjectName("coverage")
        # Items are the level's name and factor ("Extended (x 120 %)"), short enough to show whole;
        # the hours are in the item's tooltip and on the line under the box.
        self.coverage.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.coverage.currentIndexChanged.connect(self._coverage_changed)
        self.coverage.currentIndexChanged.connect(self._show_coverage_hours)
        self.coverage_hours = muted(QLabel())
        self.coverage_hours.setObjectName("coverageHours")
        self.coverage_hours.setWordWrap(True)
        lay.addWidget(self._label("&Coverage hours", self.coverage, bold=True))
        lay.addWidget(self.coverage)
        lay.addWidget(self.coverage_hours)
        help_cov = muted(QLabel("Multiplies the lane fees; exception surcharges are not multiplied."))
        help_cov.setWordWrap(True)
        lay.addWidget(help_cov)
        lay.addSpacing(8)

        lay.addWidget(self._label("Lanes the provider runs", bold=True))
        self.lane_boxes: dict[Lane, QCheckBox] = {}
        for lane in (Lane.RUN, Lane.CHANGE, Lane.GOVERN):
            cb = QCheckBox(LANE_HELP[lane])
            cb.setObjectName(f"lane_{lane.value}")
            cb.toggled.connect(self._lanes_changed)
            self.lane_boxes[lane] = cb
            lay.addWidget(cb)
        lay.addSpacing(8)

        self.users = QLineEdit()
        self.users.setObjectName("userOverride")
        self.users.setToolTip("A whole number, written without a thousands separator (1234)")
        self.users.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.users.setClearButtonEnabled(True)
        self.users.textEdited.connect(self._users_edited)
        self.users.editingFinished.connect(lambda: self._typing_done("users"))
        lay.addWidget(self._label("&Users priced", self.users, bold=True))
        lay.addWidget(self.users)
        self.users_help = muted(QLabel())
        self.users_help.setObjectName("usersDerived")
        self.users_help.setWordWrap(True)
        lay.addWidget(self.users_help)
        lay.addSpacing(8)

        lay.addWidget(self._label("Devices priced", bold=True))
        devices_help = muted(QLabel("From the inventory; type a number to override, clear it to go back."))
        devices_help.setWordWrap(True)
        lay.addWidget(devices_help)
        self.devices_grid = QGridLayout()
        self.devices_grid.setColumnStretch(0, 1)
        lay.addLayout(self.devices_grid)
        self.counts_error = error_label("countsError")
        lay.addWidget(self.counts_error)
        lay.addSpacing(8)

        self.discount = QLineEdit()
        self.discount.setObjectName("discountPercent")
        self.discount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.discount.setMaximumWidth(90)
        self.discount.textEdited.connect(self._discount_edited)
        self.discount.editingFinished.connect(lambda: self._typing_done("discount"))
        lay.addWidget(self._label("&Discount (%)", self.discount, bold=True))
        row = QHBoxLayout()
        row.addWidget(self.discount)
        row.addWidget(QLabel("%"))
        row.addStretch(1)
        lay.addLayout(row)
        self.discount_error = error_label("discountError")
        lay.addWidget(self.discount_error)
        self.reason = QLineEdit()
        self.reason.setObjectName("discountReason")
        self.reason.setPlaceholderText("Why the client gets it, e.g. signed before December 15")
        self.reason.textEdited.connect(self._reason_edited)
        reason_label = self._label("&Reason for the discount (printed in the proposal)", self.reason)
        reason_label.setWordWrap(True)  # the inputs column must fit beside the results at 150 %
        lay.addWidget(reason_label)
        lay.addWidget(self.reason)
        self.approval_need = QLabel()
        self.approval_need.setObjectName("approvalNeed")
        self.approval_need.setWordWrap(True)
        self.approval_need.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.approval_need)
        lay.addSpacing(8)

        self.credit = QCheckBox()
        self.credit.setObjectName("creditDiscoveryFee")
        self.credit.toggled.connect(self._credit_toggled)
        lay.addWidget(self.credit)
        credit_help = muted(QLabel("The paid discovery is taken off the fixed fee, never below zero."))
        credit_help.setWordWrap(True)
        lay.addWidget(credit_help)
        lay.addSpacing(8)

        lay.addWidget(self._label("Discount approvals", bold=True))
        self.approvals_model = ApprovalsModel(self)
        self.approvals_table = _table("approvalsTable")
        self.approvals_table.setModel(self.approvals_model)
        self.approvals_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.approvals_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.approvals_empty = muted(QLabel("No approval recorded. A discount above the free level needs one, "
                                            "signed by an approver with their key."))
        self.approvals_empty.setWordWrap(True)
        lay.addWidget(self.approvals_table)
        lay.addWidget(self.approvals_empty)
        buttons = WrapRow()  # four buttons on one line, or wrapped when the column is narrow
        self.request_button = QPushButton("Re&quest approval…")
        self.request_button.setObjectName("requestApproval")
        self.request_button.setToolTip("Save a request file for the approver to sign with their key")
        self.add_signed_button = QPushButton("Add si&gned approval…")
        self.add_signed_button.setObjectName("addSignedApproval")
        self.add_signed_button.setToolTip("Open the file the approver signed; it counts only if it verifies")
        self.approve_button = QPushButton("A&pprove with my key…")
        self.approve_button.setObjectName("approveWithKey")
        self.approve_button.setToolTip("Team mode: an approver signs this discount as priced now with their own key")
        self.remove_approval_button = QPushButton("Remove")
        self.remove_approval_button.setToolTip("Remove the selected approval")
        self.request_button.clicked.connect(lambda: self.request_approval())
        self.add_signed_button.clicked.connect(lambda: self.add_signed_approval())
        self.approve_button.clicked.connect(lambda: self.approve_with_key())
        self.remove_approval_button.clicked.connect(self.remove_selected_approval)
        buttons.addWidget(self.request_button)
        buttons.addWidget(self.add_signed_button)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.remove_approval_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.approval_error = error_label("approvalError")
        self.approval_error.setWordWrap(True)
        lay.addWidget(self.approval_error)
        lay.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidget(box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._inputs_box, self._inputs_scroll = box, scroll
        return scroll

    # ---- building the results -----------------------------------------------------------------

    def _figure(self, caption: str, name: str) -> tuple[QWidget, QLabel, QLabel]:
        w = QFrame()
        w.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QVBoxLayout(w)
        cap = muted(QLabel(caption))
        cap.setWordWrap(True)
        value = QLabel()
        value.setObjectName(name)
        value.setFont(scaled_font(self, 1.35, bold=True))
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sub = muted(QLabel())
        sub.setWordWrap(True)
        sub.setAlignment(Qt.AlignmentFlag.AlignRight)
        lay.addWidget(cap)
        lay.addWidget(value)
        lay.addWidget(sub)
        return w, value, sub

    def _build_results(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(8, 0, 0, 0)

        self.blockers = QLabel()
        self.blockers.setObjectName("pricingBlockers")
        self.blockers.setWordWrap(True)
        self.blockers.setTextFormat(Qt.TextFormat.RichText)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(24, 24))
        row = QHBoxLayout()
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.blockers, 1)
        self.blockers_box = QFrame()
        self.blockers_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.blockers_box.setLayout(row)
        self.blockers_box.hide()
        lay.addWidget(self.blockers_box)
        self.error = error_label("pricingError")
        lay.addWidget(self.error)

        w1, self.fixed_net, self.fixed_sub = self._figure("Fixed fee: launch and stabilization", "fixedNet")
        w2, self.monthly_net, self.monthly_sub = self._figure("Monthly fee: co-managed operations", "monthlyNet")
        w3, self.first_year, self.first_year_sub = self._figure("First-year total", "firstYear")
        self.figures = FigureStrip([w1, w2, w3])
        lay.addWidget(self.figures)

        self.margins_model = MarginsModel(self)
        self.margins_table = _table("marginsTable")
        self.margins_table.setModel(self.margins_model)
        self.margins_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.margins_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        mh = self.margins_table.horizontalHeader()
        mh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        mh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.margins_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay.addWidget(self.margins_table)

        self.discount_summary = QLabel()
        self.discount_summary.setObjectName("discountImpact")
        self.discount_summary.setWordWrap(True)
        self.discount_summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.discount_summary)

        # What would meet the margin target (domain: Quote.target_advice); hidden when it is met.
        self.target_advice = muted(QLabel())
        self.target_advice.setObjectName("targetAdvice")
        self.target_advice.setWordWrap(True)
        lay.addWidget(self.target_advice)

        self.warnings = QLabel()
        self.warnings.setObjectName("pricingWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        warn_icon = QLabel()
        warn_icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(20, 20))
        wrow = QHBoxLayout()
        wrow.setContentsMargins(0, 0, 0, 0)
        wrow.addWidget(warn_icon, 0, Qt.AlignmentFlag.AlignTop)
        wrow.addWidget(self.warnings, 1)
        self.warnings_box = QWidget()
        self.warnings_box.setLayout(wrow)
        lay.addWidget(self.warnings_box)

        self.breakdown_model = BreakdownModel(self)
        self.breakdown = _table("breakdownTable")
        self.breakdown.setAccessibleName("Price breakdown")
        self.breakdown.setModel(self.breakdown_model)
        bh = self.breakdown.horizontalHeader()
        # Sized when its rows change, widened by the changed rows only: measuring every line of
        # a large plan at each keystroke is what made typing a discount slow.
        bh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        bh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self._label("Breakdown", bold=True))
        lay.addWidget(self.breakdown, 1)
        # On a short window (150 % on a 1280x800 screen) the results scroll on their own, as the
        # inputs do, instead of squeezing the figure cards until their amounts are cut.
        scroll = QScrollArea()
        scroll.setWidget(box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

    # ---- the page contract --------------------------------------------------------------------

    def load(self) -> None:
        # What the quote needs, read once (the inventory as counts per kind); edits recompute the
        # quote from it with the new inputs, never reloading the engagement.
        self.basis = self.service.offer.pricing_basis(self.engagement_id)
        self.package = self.basis.form
        self.inputs, self.approvals = self.basis.engagement.pricing, list(self.basis.engagement.discount_approvals)
        self._typed_from.clear()
        self._typed_sent.clear()
        self._loading = True
        try:
            self._fill_inputs()
        finally:
            self._loading = False
        self._refresh_results()

    def has_problem(self) -> bool:
        """A typed value the page refused (it is not priced), or an engagement that cannot be
        priced: the navigator marks the page. What blocks the proposal is the readiness check's."""
        if self.quote_error:
            return True
        return any(not label.isHidden() and label.text() for label in (self.counts_error, self.discount_error))

    # ---- showing ------------------------------------------------------------------------------

    def _fill_inputs(self) -> None:
        assert self.package is not None and self.inputs is not None
        p = self.package.pricing
        inputs = self.inputs
        self.coverage.clear()
        # The coverage is a fact the questionnaire answers; the first entry follows that answer,
        # the others override it (and the readiness check says so).
        assert self.basis is not None
        answered = pricing_mod.resolve_coverage(
            self.basis.engagement.model_copy(update={"pricing": inputs.model_copy(update={"coverage": None})}),
            self.package).answered
        if answered is not None:
            name, hours = _split_coverage(answered.label)
            factor = fmt.quantity(answered.factor)
            self.coverage.addItem(f"As answered: {name} (x {factor})", _FOLLOW_ANSWER)
            self.coverage.setItemData(0, f"The client's answer in the questionnaire: {answered.label}",
                                      Qt.ItemDataRole.ToolTipRole)
            self.coverage.setItemData(0, hours, _HOURS_ROLE)
        for level in p.coverage:
            name, hours = _split_coverage(level.label)
            factor = fmt.quantity(level.factor)
            label = f"{name} (x {factor})" + (" · override" if answered is not None else "")
            self.coverage.addItem(label, level.id)
            self.coverage.setItemData(self.coverage.count() - 1, f"{level.label} (x {factor})",
                                      Qt.ItemDataRole.ToolTipRole)
            self.coverage.setItemData(self.coverage.count() - 1, hours, _HOURS_ROLE)
        wanted = inputs.coverage if inputs.coverage is not None else _FOLLOW_ANSWER
        self.coverage.setCurrentIndex(max(0, self.coverage.findData(wanted)))
        self._show_coverage_hours()
        for lane, cb in self.lane_boxes.items():
            cb.setChecked(lane in inputs.lanes_run_by_provider)
            cb.setEnabled(lane in p.lanes or lane in inputs.lanes_run_by_provider)
        self.users.setText("" if inputs.user_count_override is None else str(inputs.user_count_override))
        self.discount.setText(locale_text.format_percent_input(inputs.discount_percent, app_locale.current()))
        self.reason.setText(inputs.discount_reason)
        self.credit.setText(f"Credit the discovery fee ({fmt.money_cur(p.discovery_fee, p.currency)})")
        self.credit.setChecked(inputs.credit_discovery_fee)
        self.approvals_model.set_approvals(self.approvals)
        self._update_approvals_view()
        self.discount_error.hide()
        self.counts_error.hide()
        self._device_rows_filled = False

    def _fill_devices(self, counts: pricing_mod.Counts) -> None:
        """One row per device kind: kind, override field (placeholder: the derived count)."""
        kinds = list(counts.devices)
        if list(self.device_edits) != kinds:
            while self.devices_grid.count():
                item = self.devices_grid.takeAt(0)
                if item is not None and (widget := item.widget()) is not None:
                    widget.deleteLater()
            self.device_edits.clear()
            self.device_help.clear()
            for row, kind in enumerate(kinds):
                edit = QLineEdit()
                edit.setObjectName(f"device_{kind}")
                edit.setAlignment(Qt.AlignmentFlag.AlignRight)
                edit.setMaximumWidth(72)
                edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("1.234") + 14)  # a typed "1.234" shows whole
                edit.textEdited.connect(lambda text, k=kind: self._device_edited(k, text))
                edit.editingFinished.connect(lambda k=kind: self._typing_done(f"device:{k}"))
                label = self._label(kind.replace("_", " ").capitalize(), edit)
                note = muted(QLabel())
                note.setWordWrap(True)  # gives way to the number field on a narrow pane
                self.devices_grid.addWidget(label, row, 0)
                self.devices_grid.addWidget(note, row, 1)
                self.devices_grid.addWidget(edit, row, 2)
                self.device_edits[kind] = edit
                self.device_help[kind] = note
            # Made after the page, the fields would come last in Tab order: after users priced.
            previous: QWidget = self.users
            for edit in self.device_edits.values():
                QWidget.setTabOrder(previous, edit)
                previous = edit
        for kind, c in counts.devices.items():
            edit = self.device_edits[kind]
            edit.setPlaceholderText(str(c.derived))
            if not self._device_rows_filled and not edit.hasFocus():
                edit.setText(str(c.value) if c.overridden else "")
            self.device_help[kind].setText(f"override; {c.derived} in inventory" if c.overridden
                                           else f"{c.derived} in inventory")
            edit.setToolTip(f"{c.basis}. Leave empty to price {c.derived}.")
        self._device_rows_filled = True

    def _refresh_results(self, priced: tuple[pricing_mod.Quote | None, str | None] | None = None) -> None:
        """Show the quote of the current inputs (``priced``: already computed off the GUI thread)."""
        if priced is None:
            assert self.basis is not None
            priced = _price(self.service, self.basis.with_inputs(self.inputs, self.approvals))
        self.quote, self.quote_error = priced
        q = self.quote
        self.error.setText(self.quote_error or "")
        self.error.setVisible(bool(self.quote_error))
        self._fit_breakdown(self.breakdown_model.set_quote(q))
        self.margins_model.set_quote(q)
        _fit_height(self.margins_table)
        if q is None:
            for label in (self.fixed_net, self.monthly_net, self.first_year):
                label.setText("-")
            self.blockers_box.setVisible(bool(self.quote_error))
            self.blockers.setText(self.quote_error or "")
            return
        cur = q.currency
        self.fixed_net.setText(fmt.money_cur(q.stabilization_fee, cur))
        self.fixed_sub.setText(f"{fmt.percent(q.margins.stabilization.percent)} gross margin")
        self.monthly_net.setText(fmt.money_cur(q.monthly_fee, cur))
        self.monthly_sub.setText(f"{fmt.percent(q.margins.monthly.percent)} gross margin, {q.monthly.coverage.label.split(' (')[0]}")
        self.first_year.setText(fmt.money_cur(q.first_year_total, cur))
        self.first_year_sub.setText(f"{fmt.percent(q.margins.first_year.percent)} gross margin")
        self._fill_devices(q.counts)
        # The inputs never clip: the column is as wide as its widest row (plus the scroll bar).
        bar = self._inputs_scroll.verticalScrollBar().sizeHint().width()
        self._inputs_scroll.setMinimumWidth(self._inputs_box.minimumSizeHint().width() + bar + 4)
        users = q.counts.users
        self.users.setPlaceholderText(f"{users.derived}")
        if users.overridden:
            said = f"Override: {users.value} priced; the engagement says {users.derived} ({users.basis}). Clear it to use that."
        else:
            said = f"Derived: {users.derived} ({users.basis}). Type a number to override."
        self.users_help.setText(said)
        self._show_discount(q)
        if q.blocking:
            items = "".join(f"<li>{_esc(b)}</li>" for b in q.blocking)
            self.blockers.setText(f"<b>Blocks the client-facing proposal</b><ul style='margin:0'>{items}</ul>")
        self.blockers_box.setVisible(bool(q.blocking))
        if q.warnings:
            items = "".join(f"<li>{_esc(w)}</li>" for w in q.warnings)
            self.warnings.setText(f"<b>Check before sending</b><ul style='margin:0'>{items}</ul>")
        self.warnings_box.setVisible(bool(q.warnings))
        advice = q.target_advice()
        self.target_advice.setText(advice)
        self.target_advice.setVisible(bool(advice))

    def _fit_breakdown(self, changed: list[int] | None) -> None:
        """Columns as wide as their contents: all rows after a reset, else the changed ones."""
        model, header = self.breakdown_model, self.breakdown.horizontalHeader()
        for col in range(1, model.columnCount()):
            if changed is None:
                self.breakdown.resizeColumnToContents(col)
                continue
            delegate = self.breakdown.itemDelegateForColumn(col) or self.breakdown.itemDelegate()
            option = QStyleOptionViewItem()
            option.initFrom(self.breakdown)
            need = max((delegate.sizeHint(option, model.index(r, col)).width() for r in changed), default=0)
            if need > header.sectionSize(col):
                header.resizeSection(col, need)

    def _show_discount(self, q: pricing_mod.Quote) -> None:
        d = q.discount
        req = d.requirement
        if d.percent <= 0:
            need = "No discount. "
            free = next((lv.max_percent for lv in sorted(self.package.pricing.discount_approvals, key=lambda x: x.max_percent)
                         if lv.role is None), None) if self.package else None
            if free:
                need += f"Up to {fmt.percent(free)} needs no approval."
        elif not req.allowed:
            need = (f"<b>Not allowed:</b> above the highest level of the approval matrix "
                    f"({fmt.percent(req.top_percent)}). Trade scope instead of price.")
        elif not req.needs_approval:
            need = f"Needs no approval (up to {fmt.percent(req.level_max_percent or Decimal(0))})."
        elif d.approval is not None:
            a = d.approval
            need = (f"Approved by <b>{_esc(a.approver)}</b> ({_esc(fmt.role(a.role))}) on "
                    f"{fmt.day(a.approved_on)}: signature verified (key {_esc(a.fingerprint)}).")
        else:
            need = (f"<b>Needs a signed approval by the {_esc(fmt.role(req.role))}</b> "
                    f"(discounts up to {fmt.percent(req.level_max_percent or Decimal(0))}). Request it below and add "
                    "the file the approver signs.")
            failed = [c for c in d.checks if not c.verified]
            if failed:
                need += f"<br>The recorded approval does not count: {_esc(failed[-1].problem)}"
        self.approval_need.setText(need)
        self.approvals_model.set_approvals(self.approvals, d.checks)
        self._update_approvals_view()
        if d.percent <= 0:
            self.discount_summary.setText("")
            self.discount_summary.hide()
            return
        fy = d.impact("first_year")
        cur = q.currency
        text = (f"<b>Discount {fmt.percent(d.percent)}</b>: {fmt.money_cur(d.amount_stabilization, cur)} off the fixed "
                f"fee and {fmt.money_cur(d.amount_monthly, cur)} off each month "
                f"({fmt.money_cur(d.amount_first_year, cur)} in the first year). It removes "
                f"{fmt.money_cur(-fy.money_change, cur)} of first-year gross margin "
                f"({fmt.percent(-fy.money_change_percent)} of the margin money; margin "
                f"{fmt.percent(fy.before.percent)} → {fmt.percent(fy.after.percent)}).")
        if req.needs_approval or not req.allowed:
            who = fmt.role(req.role) if req.role else "nobody (not allowed)"
            text += f" Required approval: <b>{_esc(who)}</b>."
        self.discount_summary.setText(text)
        self.discount_summary.show()

    def _update_approvals_view(self) -> None:
        has = bool(self.approvals_model.rowCount())
        self.approvals_table.setVisible(has)
        self.approvals_empty.setVisible(not has)
        if has:
            _fit_height(self.approvals_table)
        self.remove_approval_button.setEnabled(has)

    # ---- edits ---------------------------------------------------------------------------------

    def _snapshot(self) -> Snapshot:
        """What the store holds now: the pricing row and the approvals (two narrow reads)."""
        return self.service.offer.pricing_inputs(self.engagement_id), self.service.offer.discount_approvals(self.engagement_id)

    def _restore(self, snap: Snapshot) -> None:
        inputs, approvals = snap
        current_inputs, current_approvals = self._snapshot()
        if inputs != current_inputs:
            self.service.offer.set_pricing_inputs(self.engagement_id, inputs)
        if approvals != current_approvals:
            self.service.offer.set_discount_approvals(self.engagement_id, approvals)

    def _after_undo(self) -> None:
        self.load()
        self.changed.emit()

    def _apply(self, text: str, action: Callable[[], object], *, merge: str | None = None,
               error_label: QLabel | None = None) -> bool:
        """Save one edit through the service, push it on the undo stack and recompute."""
        if self._loading:
            return False
        try:
            action()
        except ServiceError as exc:
            self._refused(exc, error_label)
            return False
        self._applied(text, self._snapshot(), merge, error_label)
        return True

    def _apply_typed(self, text: str, action: Callable[[], object], *, merge: str,
                     error_label: QLabel | None = None, status: str = "Saved") -> None:
        """Like :meth:`_apply` for a keystroke: the save and the new quote are computed on the
        workspace's background writer; the figures follow once the edit is committed."""
        if self._loading:
            return
        service, eid, basis = self.service, self.engagement_id, self.basis
        assert basis is not None

        def save() -> tuple[Snapshot, tuple[pricing_mod.Quote | None, str | None]]:
            action()
            after = service.offer.pricing_inputs(eid), service.offer.discount_approvals(eid)
            return after, _price(service, basis.with_inputs(*after))

        self.save(save, on_done=lambda done: self._applied(text, done[0], merge, error_label, done[1], status),
                  on_error=lambda exc: self._refused(exc, error_label))

    def _refused(self, exc: BaseException, error_label: QLabel | None) -> None:
        if not for_consultant(exc):
            raise exc
        target = error_label or self.error
        target.setText(str(exc))
        target.show()
        self.status.emit(str(exc))

    def _applied(self, text: str, after: Snapshot, merge: str | None, error_label: QLabel | None,
                 priced: tuple[pricing_mod.Quote | None, str | None] | None = None, status: str = "Saved") -> None:
        before = (self.inputs, self.approvals)  # saves land in order: what the store held before
        if error_label is not None:
            error_label.hide()
        self.inputs, self.approvals = after
        if after != before:
            self.context.undo_stack.push(SnapshotCommand(text, before, after, self._restore, self._after_undo, merge))
        self._refresh_results(priced)
        self.changed.emit()
        self.status.emit(status)

    def _show_coverage_hours(self, _index: int = -1) -> None:
        hours = self.coverage.currentData(_HOURS_ROLE) or ""
        self.coverage_hours.setText(hours)
        self.coverage_hours.setVisible(bool(hours))
        self.coverage.setToolTip(self.coverage.currentData(Qt.ItemDataRole.ToolTipRole) or "")

    def _coverage_changed(self, _index: int) -> None:
        cov = self.coverage.currentData()
        if cov == _FOLLOW_ANSWER:
            self._apply("Price the coverage the client answered",
                        lambda: self.service.offer.set_coverage(self.engagement_id, None))
        elif cov is not None:
            self._apply(f"Set coverage to {self.coverage.currentText()}",
                        lambda: self.service.offer.set_coverage(self.engagement_id, cov))

    def _lanes_changed(self, _checked: bool) -> None:
        lanes = [lane for lane, cb in self.lane_boxes.items() if cb.isChecked()]
        self._apply("Change the lanes the provider runs", lambda: self.service.offer.set_lanes_run(self.engagement_id, lanes))

    def _read(self, text: str, what: str, error_label: QLabel, kind: locale_text.Kind,
              still: str) -> tuple[bool, Decimal | None]:
        """Read typed text in the window's locale: (True, value or None when empty), or (False,
        None) with the reason and what the price still uses shown under the field, nothing saved."""
        if not text.strip():
            return True, None
        try:
            return True, locale_text.parse_number(text, app_locale.current(), kind)
        except locale_text.ReadError as exc:
            message = f"{what}: {exc}. Not saved: the price still uses {still}."
            error_label.setText(message)
            error_label.show()
            self.status.emit(message)
            return False, None

    def _typing_from(self, key: str, current: Any) -> Any:
        """What the store held when the typing in field ``key`` began (kept until the field is
        left): a reading refused half-way puts that back, so "1.234" never leaves 1 behind."""
        return self._typed_from.setdefault(key, current)

    def _typing_done(self, key: str) -> None:
        self._typed_from.pop(key, None)
        self._typed_sent.pop(key, None)

    def _nothing_to_put_back(self, key: str, current: object, before: object) -> bool:
        """True when the last value sent to the store in this typing (or what it holds) is the
        value from before the typing began."""
        return self._typed_sent.get(key, current) == before

    def _send(self, key: str, value: object) -> None:
        self._typed_sent[key] = value

    def _users_edited(self, text: str) -> None:
        service, eid = self.service, self.engagement_id
        current = self.inputs.user_count_override if self.inputs else None
        before = self._typing_from("users", current)
        ok, number = self._read(text, "Users priced", self.counts_error, locale_text.Kind.WHOLE,
                                "the derived user count" if before is None else str(before))
        if not ok and self._nothing_to_put_back("users", current, before):
            return  # the store holds what it held before the typing
        count = before if not ok else (None if number is None else int(number))
        self._send("users", count)
        self._apply_typed("Override the user count", lambda: service.offer.set_user_count_override(eid, count),
                          merge="users", error_label=self.counts_error if ok else None,
                          status="Saved" if ok else self.counts_error.text())

    def _device_edited(self, kind: str, text: str) -> None:
        what = kind.replace("_", " ").capitalize()
        service, eid = self.service, self.engagement_id
        current = self.inputs.device_count_overrides.get(kind) if self.inputs else None
        before = self._typing_from(f"device:{kind}", current)
        ok, number = self._read(text, what, self.counts_error, locale_text.Kind.WHOLE,
                                "the inventory's count" if before is None else str(before))
        if not ok and self._nothing_to_put_back(f"device:{kind}", current, before):
            return  # the store holds what it held before the typing
        count = before if not ok else (None if number is None else int(number))
        self._send(f"device:{kind}", count)
        self._apply_typed(f"Override the {kind.replace('_', ' ')} count",
                          lambda: service.offer.set_device_count_override(eid, kind, count),
                          merge=f"device:{kind}", error_label=self.counts_error if ok else None,
                          status="Saved" if ok else self.counts_error.text())

    def _discount_edited(self, text: str) -> None:
        service, eid = self.service, self.engagement_id
        current = self.inputs.discount_percent if self.inputs else Decimal(0)
        before = self._typing_from("discount", current)
        ok, number = self._read(text, "Discount", self.discount_error, locale_text.Kind.PERCENT,
                                locale_text.format_percent(before, app_locale.current()))
        if not ok and self._nothing_to_put_back("discount", current, before):
            return  # the store holds what it held before the typing
        pct = before if not ok else (Decimal(0) if number is None else number)
        self._send("discount", pct)
        self._apply_typed("Change the discount", lambda: service.offer.set_discount(eid, pct),
                          merge="discount", error_label=self.discount_error if ok else None,
                          status="Saved" if ok else self.discount_error.text())

    def _reason_edited(self, text: str) -> None:
        service, eid = self.service, self.engagement_id
        self._apply_typed("Change the discount reason", lambda: service.offer.set_discount_reason(eid, text),
                          merge="reason")

    def _credit_toggled(self, checked: bool) -> None:
        self._apply("Credit the discovery fee" if checked else "Stop crediting the discovery fee",
                    lambda: self.service.offer.set_credit_discovery_fee(self.engagement_id, checked))

    def request_approval(self, path: Path | None = None) -> Path | None:
        """Save the request file an approver signs (``path``: skip the file dialog)."""
        if path is None:
            folder = Path.home() / f"discount-approval-{self.engagement_id}.json"
            name, _ = QFileDialog.getSaveFileName(self, "Save the approval request", str(folder),
                                                  "Approval requests (*.json)")
            if not name:
                return None
            path = Path(name)
        try:
            written = self.service.approvals.request(self.engagement_id, path)
        except ServiceError as exc:
            self._refused(exc, self.approval_error)
            return None
        self.approval_error.hide()
        self.status.emit(f"Approval request saved to {written.name}: send it to the approver to sign")
        return written

    def add_signed_approval(self, path: Path | None = None) -> bool:
        """Verify and record the file an approver signed (``path``: skip the file dialog)."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Add a signed approval", str(Path.home()),
                                                  "Approval requests (*.json)")
            if not name:
                return False
            path = Path(name)
        try:
            verified = self.service.approvals.add(self.engagement_id, path)
        except ServiceError as exc:
            self._refused(exc, self.approval_error)
            return False
        self.approval_error.hide()
        self.load()
        self.changed.emit()
        self.status.emit(f"Approval by {verified.approver} verified and recorded")
        return True

    def approve_with_key(self) -> QDialog | None:
        """Open the dialog in which an approver signs the discount as priced now (team mode)."""
        from .approve_dialog import ApproveDialog

        try:
            dialog = ApproveDialog(self.service, self.engagement_id, parent=self)
        except ServiceError as exc:
            self._refused(exc, self.approval_error)
            return None
        self.approval_error.hide()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.approved.connect(self._approved)
        dialog.open()
        return dialog

    def _approved(self, verified: Any) -> None:
        self.load()
        self.changed.emit()
        self.status.emit(f"Approval by {verified.approver} signed, verified and recorded")

    def remove_selected_approval(self) -> None:
        rows = self.approvals_table.selectionModel().selectedRows()
        total = self.approvals_model.rowCount()
        if not rows:
            if total != 1:
                self.status.emit("Select the approval to remove.")
                return
            index = 0
        else:
            index = rows[0].row()
        checks = self.approvals_model.checks
        if index < len(checks):
            try:
                self.service.approvals.remove(self.engagement_id, checks[index].record.uid)
            except ServiceError as exc:
                self._refused(exc, self.approval_error)
                return
            self.load()
            self.changed.emit()
            self.status.emit("Signed approval removed")
            return
        typed = index - len(checks)
        if self._apply("Remove discount approval",
                       lambda: self.service.offer.remove_discount_approval(self.engagement_id, typed)):
            self.approvals_model.set_approvals(self.approvals)
            self._update_approvals_view()


def _price(service: Discovery, basis: PricingBasis) -> tuple[pricing_mod.Quote | None, str | None]:
    """The quote of ``basis``, or why it cannot be priced (runs on either thread; no widgets)."""
    try:
        return service.offer.quote_of(basis), None
    except ServiceError as exc:
        return None, str(exc)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

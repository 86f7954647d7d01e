"""Table models of the pricing page: the line-by-line breakdown a consultant defends, the gross
margins against the target, and the recorded discount approvals. Money stays Decimal until it
is turned into text here, right-aligned, with the currency in the column heading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QStyle

from ....domain import pricing as pricing_mod
from ....domain.approvals import ApprovalCheck
from ....domain.engagement import DiscountApproval
from . import offer_format as fmt

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
AMOUNT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Line:
    kind: str  # heading, line, subtotal, total, note
    label: str
    quantity: str = ""
    rate: Decimal | None = None
    amount: Decimal | None = None
    tip: str = ""


def _hours(h: Decimal) -> str:
    return f"{fmt.quantity(h)} h"


def breakdown_lines(q: pricing_mod.Quote) -> list[Line]:
    """The quote as the rows a proposal would show, each section's lines adding up to its total."""
    out: list[Line] = []
    s = q.stabilization
    w = s.work
    out.append(Line("heading", "Launch and stabilization: fixed fee"))
    if not w.lines:
        out.append(Line("note", "No accepted stabilization items with hours yet: add them on the Remediation page."))
    for ln in w.lines:
        out.append(Line("line", f"{ln.item_title} - {ln.role_name}", _hours(ln.hours), ln.bill_rate, ln.amount,
                        f"{fmt.quantity(ln.hours)} hours x {fmt.money(ln.bill_rate)} an hour"))
    out.append(Line("subtotal", f"Subtotal ({_hours(w.hours)})", amount=w.subtotal))
    out.append(Line("line", f"Contingency {fmt.percent(w.contingency_rate * 100)} of the subtotal", amount=w.contingency))
    if w.rounding:
        out.append(Line("line", "Rounding to the form's increment", amount=w.rounding,
                        tip=f"{fmt.money(w.before_rounding)} rounded to {fmt.money(w.price)}"))
    out.append(Line("subtotal", "Fixed fee before discount", amount=w.price))
    if s.discount:
        out.append(Line("line", f"Discount {fmt.percent(s.discount_percent)}", amount=-s.discount))
    if s.credit_requested:
        out.append(Line("line", "Credit: discovery fee already paid", amount=-s.credit,
                        tip=f"Discovery fee {fmt.money(s.credit_requested)}"))
    out.append(Line("total", "Net fixed fee", amount=s.net))

    m = q.monthly
    out.append(Line("heading", f"Co-managed operations: monthly fee ({m.coverage.label})"))
    if not m.lanes:
        out.append(Line("note", "The provider runs no priced lane: tick the lanes it runs."))
    for lf in m.lanes:
        lane = lf.lane.value.capitalize()
        for ml in lf.lines:
            out.append(Line("line", f"{lane} lane - {ml.label}", fmt.quantity(ml.quantity), ml.rate, ml.amount,
                            f"{fmt.quantity(ml.quantity)} x {fmt.money(ml.rate)} a month"))
        if lf.coverage_uplift:
            out.append(Line("line", f"{lane} lane - coverage x {fmt.quantity(lf.coverage_factor)}",
                            amount=lf.coverage_uplift,
                            tip=f"{fmt.money(lf.base)} x {fmt.quantity(lf.coverage_factor)} = {fmt.money(lf.amount)}"))
    for sc in m.surcharges:
        tool = f" ({sc.current_tool})" if sc.current_tool else ""
        out.append(Line("line", f"Exception lane - {sc.category_name}{tool}", "1", sc.amount, sc.amount,
                        "Non-standard tool kept and priced as an exception"))
    out.append(Line("subtotal", "Monthly fee before discount", amount=m.gross))
    if m.discount:
        out.append(Line("line", f"Discount {fmt.percent(m.discount_percent)}", amount=-m.discount))
    out.append(Line("total", "Net monthly fee", amount=m.net))

    out.append(Line("heading", "Roadmap projects: change orders, not in the fixed fee"))
    if not q.roadmap:
        out.append(Line("note", "No accepted roadmap items."))
    for p in q.roadmap:
        out.append(Line("line", p.title, _hours(p.hours), None, p.price,
                        f"{fmt.money(p.subtotal)} + contingency {fmt.money(p.contingency)}"
                        + (f" + rounding {fmt.money(p.rounding)}" if p.rounding else "")))
    out.append(Line("total", "Roadmap total", amount=q.roadmap_total))

    out.append(Line("heading", "First year"))
    out.append(Line("line", "Net fixed fee", amount=s.net))
    out.append(Line("line", "Net monthly fee x 12", "12", m.net, pricing_mod.MONTHS_IN_YEAR * m.net))
    out.append(Line("total", "First-year total", amount=q.first_year_total))
    return out


class _HeadedTableModel(QAbstractTableModel):
    """A flat table with fixed column headings: money columns get the currency in their heading
    ("Price (USD)") and right-aligned columns a right-aligned heading."""

    HEADERS: tuple[str, ...] = ()
    #: Columns whose heading names the currency.
    MONEY_COLUMNS: frozenset[int] = frozenset()
    #: Columns whose heading is right-aligned.
    RIGHT_COLUMNS: frozenset[int] = frozenset()
    currency = ""

    def _rows(self) -> list:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            head = self.HEADERS[section]
            return f"{head} ({self.currency})" if section in self.MONEY_COLUMNS and self.currency else head
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.RIGHT_COLUMNS:
            return RIGHT
        return None


class BreakdownModel(_HeadedTableModel):
    HEADERS = ("Item", "Quantity", "Rate", "Amount")
    MONEY_COLUMNS = frozenset({2, 3})
    RIGHT_COLUMNS = frozenset({1, 2, 3})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.lines: list[Line] = []
        self.currency = ""

    def set_quote(self, quote: pricing_mod.Quote | None) -> list[int] | None:
        """Show ``quote``; when only figures changed, only the rows that differ repaint (a reset
        would make the view measure every row of a large plan again). Returns those rows, or
        None when the rows themselves changed (the model was reset)."""
        lines = breakdown_lines(quote) if quote else []
        currency = quote.currency if quote else ""
        same_shape = (currency == self.currency and len(lines) == len(self.lines)
                      and all(a.kind == b.kind for a, b in zip(lines, self.lines, strict=True)))
        if not same_shape:
            self.beginResetModel()
            self.lines, self.currency = lines, currency
            self.endResetModel()
            return None
        changed = [n for n, (a, b) in enumerate(zip(lines, self.lines, strict=True)) if a != b]
        self.lines = lines
        if changed:
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], len(self.HEADERS) - 1))
        return changed

    def _rows(self) -> list:
        return self.lines

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        ln = self.lines[index.row()]
        col = index.column()
        if role == KIND_ROLE:
            return ln.kind
        if role == AMOUNT_ROLE:
            return ln.amount
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return ln.label
            if col == 1:
                return ln.quantity
            if col == 2:
                return fmt.money(ln.rate) if ln.rate is not None else ""
            return fmt.money(ln.amount) if ln.amount is not None else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 1:
            return RIGHT
        if role == Qt.ItemDataRole.FontRole and ln.kind in ("heading", "total", "subtotal"):
            f = QFont()
            f.setBold(ln.kind != "subtotal")
            f.setItalic(ln.kind == "subtotal")
            return f
        if role == Qt.ItemDataRole.ForegroundRole and ln.kind == "note":
            return QApplication.palette().placeholderText()
        if role == Qt.ItemDataRole.ToolTipRole and (ln.tip or col == 0):
            return f"{ln.label}\n{ln.tip}" if ln.tip else ln.label
        return None


@dataclass(frozen=True)
class MarginRow:
    name: str
    margin: pricing_mod.Margin
    under: bool


def margin_rows(q: pricing_mod.Quote) -> list[MarginRow]:
    target = q.target_margin_percent
    out = []
    for name, m in (("Fixed fee", q.margins.stabilization), ("Monthly", q.margins.monthly),
                    ("First year", q.margins.first_year)):
        out.append(MarginRow(name, m, bool((m.price or m.cost) and m.percent < target)))
    return out


class MarginsModel(_HeadedTableModel):
    """Price, cost and gross margin of the fixed fee, the monthly fee and the first year; a margin
    under the form's target says so in words and with an icon."""

    HEADERS = ("", "Price", "Cost", "Margin", "Margin %")
    MONEY_COLUMNS = frozenset({1, 2, 3})
    RIGHT_COLUMNS = frozenset({1, 2, 3, 4})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[MarginRow] = []
        self.currency = ""
        self.target = Decimal(0)

    def set_quote(self, quote: pricing_mod.Quote | None) -> None:
        self.beginResetModel()
        self.rows = margin_rows(quote) if quote else []
        self.currency = quote.currency if quote else ""
        self.target = quote.target_margin_percent if quote else Decimal(0)
        self.endResetModel()

    def _rows(self) -> list:
        return self.rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        m = r.margin
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            pct = fmt.percent(m.percent) + (f", under {fmt.percent(self.target)}" if r.under else "")
            return (r.name, fmt.money(m.price), fmt.money(m.cost), fmt.money(m.money), pct)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 1:
            return RIGHT
        if col != 4:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"Gross margin {fmt.percent(m.percent)} against the form's {fmt.percent(self.target)} target"
                    + (": under it." if r.under else "."))
        if role == Qt.ItemDataRole.DecorationRole and r.under:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.FontRole and r.under:
            f = QFont()
            f.setBold(True)
            return f
        return None


class ApprovalsModel(_HeadedTableModel):
    """The signed approvals (verified, or why they do not count) and, after them, the approvals
    typed by hand before signing existed (unverified: they clear nothing)."""

    HEADERS = ("Approved by", "Date", "State")
    RIGHT_COLUMNS: frozenset[int] = frozenset()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.checks: list[ApprovalCheck] = []
        self.approvals: list[DiscountApproval] = []  # typed by hand

    def set_approvals(self, approvals: list[DiscountApproval], checks: Sequence[ApprovalCheck] | None = None) -> None:
        self.beginResetModel()
        self.approvals = list(approvals)
        if checks is not None:
            self.checks = list(checks)
        self.endResetModel()

    def _rows(self) -> list:
        return [*self.checks, *self.approvals]

    def row_text(self, row: int) -> tuple[str, str, str]:
        """Who (and their role), the date, and whether it counts."""
        if row < len(self.checks):
            c = self.checks[row]
            st = c.statement
            if c.approval:
                a = c.approval
                return f"{a.approver} ({fmt.role(a.role)})", fmt.day(a.approved_on), "Verified"
            who = c.record.approver or "Unknown approver"
            return (f"{who} ({fmt.role(c.record.role)})" if c.record.role else who,
                    fmt.day(st.date) if st else "", "Does not count")
        t = self.approvals[row - len(self.checks)]
        return f"{t.approver} ({t.role})", fmt.day(t.approved_on), "Unverified, typed by hand"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.row_text(row)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if row < len(self.checks):
                c = self.checks[row]
                if c.approval:
                    return (f"A {fmt.percent(c.approval.percent)} discount, signed with key {c.approval.fingerprint}: "
                            "the signature, the approver's role and the prices all check out.")
                return c.problem
            t = self.approvals[row - len(self.checks)]
            return (f"{fmt.percent(t.percent)}, typed by hand before approvals were signed: it clears nothing. "
                    "Request a signed approval.")
        return None

"""The delivery handoff workbook: what the delivery team and its PSA start from when a client signs.

Sheets: Summary, Inventory, Standards, Risks, Stabilization tasks, Roadmap, Responsibility matrix,
Pricing lines and a PSA task import sheet. Every data sheet is an Excel table with a frozen
header, filters, widths, wrapped long text, number formats and drop-downs for the team's
vocabulary. Prices are formulas over the tables (hours x rate per line, sums, contingency,
rounding, discount), so the workbook stays live when the team edits hours.

Two variants: internal (cost rates, cost, margins, discount approvals) and client, which is
built from the same rows with those columns and rows never written, so nothing internal is in
the file at all (no hidden sheets, comments, names or cached values).

Written in openpyxl's write-only mode through :mod:`.xlsx_tables`, then moved into place by
:func:`.atomic.write_atomic`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.workbook import Workbook

from . import workbook_data as hm
from .atomic import write_atomic
from .xlsx_tables import Col, Fmt, Formula, TableWriter, money_format, text_cell

# Sheet titles: the importer finds sheets by these names.
SUMMARY = "Summary"
INVENTORY = "Inventory"
STANDARDS = "Standards"
RISKS = "Risks"
STABILIZATION = "Stabilization tasks"
ROADMAP = "Roadmap"
MATRIX = "Responsibility matrix"
PRICING = "Pricing lines"
PSA = "PSA task import"
SHEETS = (SUMMARY, INVENTORY, STANDARDS, RISKS, STABILIZATION, ROADMAP, MATRIX, PRICING, PSA)

# Column headings the importer relies on.
ID = "ID"
INV_COLUMNS = ("Name", "Category", "Kind", "Site", "Owner", "OS", "Model", "Serial", "Purchase Date",
               "Warranty End", "Notes", "Source")
RISK_COLUMNS = ("Title", "Category", "Likelihood", "Impact", "Description", "Why It Matters", "Evidence")
TASK_NAME, ROLE, HOURS, RATE, AMOUNT, COST_RATE, COST = "Task Name", "Role", "Hours", "Rate", "Amount", "Cost Rate", "Cost"
OWNER, PRIORITY, PHASE, STATUS, ORDER, PREDECESSOR, DOD = (
    "Owner", "Priority", "Phase", "Status", "Order", "Predecessor", "Definition of Done")
TASK_STATUSES = ("Not started", "In progress", "Blocked", "Done")
ENGAGEMENT_LABEL = "Engagement ID"
VARIANT_LABEL = "Variant"
INTERNAL_VARIANT = "Internal: contains cost, margin and approvals. Do not send to the client."
CLIENT_VARIANT = "Client copy"

_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class WorkbookResult:
    path: Path
    client: bool
    rows: dict[str, int]  # data rows per sheet


def write_workbook(data: hm.HandoffData, target: Path, *, client: bool = False) -> WorkbookResult:
    """Write the workbook to ``target`` completely or not at all (temporary file + rename)."""
    rows: dict[str, int] = {}

    def write(fh: BinaryIO) -> None:
        wb = build_workbook(data, client=client, counts=rows)
        wb.save(fh)

    path = write_atomic(Path(target), write)
    return WorkbookResult(path, client, rows)


def build_workbook(data: hm.HandoffData, *, client: bool = False, counts: dict[str, int] | None = None) -> Workbook:
    wb = Workbook(write_only=True)
    wb.properties.title = f"Delivery handoff - {data.client_name}"
    wb.properties.creator = "Discovery"
    counts = counts if counts is not None else {}
    with warnings.catch_warnings():
        # Write-only tables get their columns set by hand (see xlsx_tables); openpyxl warns anyway.
        warnings.filterwarnings("ignore", message="In write-only mode you must add table columns manually")
        summary_ws = wb.create_sheet(SUMMARY)
        inv = _inventory(wb, data)
        std = _standards(wb, data)
        risks = _risks(wb, data)
        stab = _tasks(wb, data, data.stabilization, STABILIZATION, "StabilizationTasks", client)
        road = _tasks(wb, data, data.roadmap, ROADMAP, "RoadmapTasks", client)
        mat = _matrix(wb, data)
        pricing = _pricing(wb, data, client)
        psa = _psa(wb, data)
        _summary(summary_ws, data, client, stab, road, pricing)
    for t in (inv, std, risks, stab, road, mat, pricing, psa):
        counts[t.title] = t.n_rows
    return wb


# ---- data sheets --------------------------------------------------------------------------


def _inventory(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    cols = [
        Col("Name", 26), Col("Category", 14, choices=hm.INVENTORY_CATEGORY_LABELS), Col("Kind", 14), Col("Site", 14),
        Col("Owner", 18), Col("OS", 24), Col("Model", 22), Col("Serial", 14),
        Col("Purchase Date", 13, Fmt.DATE), Col("Warranty End", 13, Fmt.DATE), Col("Notes", 40, Fmt.WRAP),
        Col("Source", 20), Col(ID, 38),
    ]
    t = TableWriter(wb, INVENTORY, "Inventory", cols, len(data.inventory), currency=data.currency)
    for i in data.inventory:
        t.append([i.name, i.category, i.kind, i.site, i.owner, i.os, i.model, i.serial, i.purchase_date,
                  i.warranty_end, i.notes, i.source, i.uid])
    t.finish()
    return t


def _standards(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    cols = [
        Col("Category", 24), Col("Standard Products", 30, Fmt.WRAP), Col("Current Tool", 26, Fmt.WRAP),
        Col(STATUS, 14, choices=hm.STANDARD_STATUS_LABELS), Col("Decision", 16, choices=hm.DECISION_LABELS),
        Col("Monthly Surcharge", 16, Fmt.MONEY, total=True), Col("Notes", 40, Fmt.WRAP),
    ]
    t = TableWriter(wb, STANDARDS, "Standards", cols, len(data.standards), currency=data.currency)
    for s in data.standards:
        t.append([s.category, s.standard_products, s.current_tool, s.status, s.decision, s.surcharge, s.notes])
    t.finish()
    return t


def _risks(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    cols = [
        Col("Title", 34, Fmt.WRAP), Col("Category", 14, choices=hm.RISK_CATEGORY_LABELS),
        Col("Likelihood", 11, Fmt.INT), Col("Impact", 9, Fmt.INT), Col("Score", 8, Fmt.INT), Col("Band", 10),
        Col("Description", 44, Fmt.WRAP), Col("Why It Matters", 40, Fmt.WRAP), Col("Evidence", 40, Fmt.WRAP),
        Col("Standard", 18), Col("Linked Items", 24, Fmt.WRAP), Col(ID, 38),
    ]
    t = TableWriter(wb, RISKS, "Risks", cols, len(data.risks), currency=data.currency)
    band = _band_formula(data.bands)
    for r in data.risks:
        t.append([r.title, r.category, r.likelihood, r.impact, Formula("={Likelihood}*{Impact}"), Formula(band),
                  r.description, r.why_it_matters, r.evidence, r.standard, r.linked_items, r.uid])
    t.finish()
    return t


def _band_formula(bands: Sequence[tuple[int, str]]) -> str:
    """Nested IFs from the highest band down: ``bands`` are (minimum score, label), low to high."""
    ordered = sorted(bands, reverse=True)
    expr = f'"{ordered[-1][1]}"'
    for minimum, label in reversed(ordered[:-1]):
        expr = f'IF({{Score}}>={minimum},"{label}",{expr})'
    return "=" + expr


def task_columns(data: hm.HandoffData, client: bool) -> list[Col]:
    cols = [
        Col(ORDER, 7, Fmt.INT), Col(TASK_NAME, 36, Fmt.WRAP), Col(ROLE, 22, choices=data.role_names),
        Col(HOURS, 9, Fmt.HOURS, total=True), Col(RATE, 11, Fmt.MONEY), Col(AMOUNT, 13, Fmt.MONEY, total=True),
    ]
    if not client:
        cols += [Col(COST_RATE, 11, Fmt.MONEY), Col(COST, 13, Fmt.MONEY, total=True)]
    cols += [
        Col(OWNER, 12, choices=hm.PARTY_LABELS), Col(PRIORITY, 10, choices=hm.PRIORITY_LABELS),
        Col(PHASE, 14, choices=hm.PHASE_LABELS), Col(STATUS, 12, choices=TASK_STATUSES),
        Col(PREDECESSOR, 14), Col(DOD, 44, Fmt.WRAP), Col("Risk", 30, Fmt.WRAP), Col("Plan Phase", 24),
        Col("Start Week", 8, Fmt.INT), Col("End Week", 8, Fmt.INT), Col(ID, 38),
    ]
    return cols


def _tasks(wb: Workbook, data: hm.HandoffData, tasks: Sequence[hm.Task], title: str, name: str,
           client: bool) -> TableWriter:
    rows = [(task, line) for task in tasks for line in task.lines]
    t = TableWriter(wb, title, name, task_columns(data, client), len(rows), currency=data.currency)
    for task, line in rows:
        values: list[object] = [task.order, task.title, line.role_name, line.hours, line.rate,
                                Formula(f"=ROUND({{{HOURS}}}*{{{RATE}}},2)")]
        if not client:
            values += [line.cost_rate, Formula(f"=ROUND({{{HOURS}}}*{{{COST_RATE}}},2)")]
        values += [task.owner, task.priority, task.phase, TASK_STATUSES[0], task.predecessors,
                   task.definition_of_done, task.risk, task.plan_phase, task.start_week, task.end_week, task.uid]
        t.append(values)
    t.finish()
    return t


def _matrix(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    cols = [Col("Function", 30, Fmt.WRAP), Col("Lane", 9)]
    cols += [Col(p, 12) for p in data.matrix_parties]
    cols += [Col("Accountable", 16), Col("Check", 30, Fmt.WRAP), Col("Notes", 36, Fmt.WRAP)]
    t = TableWriter(wb, MATRIX, "ResponsibilityMatrix", cols, len(data.matrix), currency=data.currency)
    for m in data.matrix:
        t.append([m.function, m.lane, *m.letters, m.accountable, m.check, m.notes])
    t.finish()
    return t


def _pricing(wb: Workbook, data: hm.HandoffData, client: bool) -> TableWriter:
    cols = [Col("Section", 26), Col("Type", 12), Col("Line", 44, Fmt.WRAP), Col("Quantity", 10, Fmt.HOURS),
            Col("Unit", 10), Col(RATE, 11, Fmt.MONEY), Col(AMOUNT, 14, Fmt.MONEY)]
    if not client:
        cols.append(Col(COST, 14, Fmt.MONEY))
    t = TableWriter(wb, PRICING, "PricingLines", cols, len(data.pricing_lines), currency=data.currency)
    for ln in data.pricing_lines:
        amount: object = ln.amount
        if ln.quantity is not None and ln.rate is not None:
            amount = Formula("=ROUND({Quantity}*{Rate},2)")
        values: list[object] = [ln.section, ln.kind, ln.label, ln.quantity, ln.unit, ln.rate, amount]
        if not client:
            values.append(ln.cost)
        t.append(values)
    t.finish()
    return t


PSA_COLUMNS = ("Phase", "Task Name", "Description", "Estimated Hours", "Role", "Owner", "Assigned Resource",
               "Order", "Predecessor")


def _psa(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    cols = [Col("Phase", 24, choices=data.plan_phases), Col("Task Name", 40, Fmt.WRAP), Col("Description", 50, Fmt.WRAP),
            Col("Estimated Hours", 10, Fmt.HOURS, total=True), Col("Role", 22, choices=data.role_names),
            Col("Owner", 12, choices=hm.PARTY_LABELS), Col("Assigned Resource", 24), Col("Order", 7, Fmt.INT),
            Col("Predecessor", 14)]
    t = TableWriter(wb, PSA, "PSATasks", cols, len(data.psa_rows), currency=data.currency)
    for p in data.psa_rows:
        t.append([p.phase, p.task_name, p.description, p.hours, p.role, p.owner, p.resource, p.order, p.predecessor])
    t.finish()
    return t


# ---- summary ------------------------------------------------------------------------------


class _Summary:
    """A two-column sheet of labelled values; remembers where each value went for formulas."""

    def __init__(self, ws, money: str):
        self.ws = ws
        self.money = money
        self.row = 0
        self.where: dict[str, str] = {}
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 60

    def title(self, text: str) -> None:
        cell = WriteOnlyCell(self.ws)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(("=", "+", "-", "@")):
            cell.quotePrefix = True
        cell.font = _TITLE
        self._append([cell])

    def heading(self, text: str) -> None:
        self._append([])
        cell = WriteOnlyCell(self.ws, value=text)
        cell.font = _BOLD
        self._append([cell])

    def value(self, label: str, value: object, fmt: str | None = None, key: str | None = None) -> None:
        if isinstance(value, Formula):
            cell: object = WriteOnlyCell(self.ws, value=value.text.format_map(self.where))
        elif isinstance(value, str):
            cell = text_cell(self.ws, value, wrap=len(value) > 60)
        elif value is None:
            cell = None
        else:
            # The stubs type WriteOnlyCell's value narrower than the Cell it returns, which
            # stores dates, Decimals and ints as any cell does.
            cell = WriteOnlyCell(self.ws, value=value)  # type: ignore[arg-type]
        if fmt and isinstance(cell, Cell):
            cell.number_format = fmt
            cell.alignment = Alignment(horizontal="right")
        self._append([label, cell])
        if key:
            self.where[key] = f"B{self.row}"

    def _append(self, cells: list[object]) -> None:
        self.ws.append(cells)
        self.row += 1


def _summary(ws, data: hm.HandoffData, client: bool, stab: TableWriter, road: TableWriter,
             pricing: TableWriter) -> None:
    s = _Summary(ws, money_format(data.currency))
    money = s.money
    s.title(f"Delivery handoff: {data.client_name}")
    s.value(VARIANT_LABEL, CLIENT_VARIANT if client else INTERNAL_VARIANT)
    s.value(ENGAGEMENT_LABEL, data.engagement_uid)
    s.value("Consultant", data.consultant)
    s.value("Named internal IT owner", data.internal_it_owner or "Not named yet")
    s.value("Discovery date", data.discovery_date, "yyyy-mm-dd")
    s.value("Exported", data.exported_on, "yyyy-mm-dd")
    s.value("Form", data.form)

    s.heading("Contacts")
    for c in data.contacts:
        s.value(c.name, c.details)
    if not data.contacts:
        s.value("No contacts recorded", "")

    s.heading("Findings")
    s.value("Fit", data.fit)
    s.value("Standards alignment", data.alignment)
    s.value("Users", data.users, "0")
    s.value("Devices", data.devices, "0")
    s.value("Inventory items", len(data.inventory), "0")
    s.value("Risks", len(data.risks), "0")
    s.value("High and critical risks", data.high_risks, "0")
    s.value("Stabilization tasks", len(data.stabilization), "0")
    s.value("Roadmap projects", len(data.roadmap), "0")

    p = data.price
    s.heading(f"Prices ({data.currency}); the fee follows the hours on '{STABILIZATION}'")
    s.value("Stabilization hours", Formula(f"=SUM({stab.column_ref(HOURS)})"), "#,##0.00")
    s.value("Stabilization subtotal", Formula(f"=SUM({stab.column_ref(AMOUNT)})"), money, key="sub")
    s.value(f"Contingency {hm.percent_label(p.contingency_rate, data.locale)}", Formula(f"=ROUND({{sub}}*{p.contingency_rate},2)"),
            money, key="cont")
    s.value(f"Rounded ({p.rounding_label})", Formula(f"={p.rounding_function}({{sub}}+{{cont}},{p.rounding_increment})"),
            money, key="fee")
    s.value(f"Discount {hm.percent_label(p.discount_percent / 100, data.locale)}",
            Formula(f"=-ROUND({{fee}}*{p.discount_percent}/100,2)"), money, key="disc")
    s.value("Credit: discovery fee already paid",
            Formula(f"=-MAX(0,MIN({p.credit_requested},{{fee}}+{{disc}}))"), money, key="credit")
    s.value("Launch and stabilization fee", Formula("={fee}+{disc}+{credit}"), money, key="stab")
    section = pricing.column_ref("Section")
    s.value("Monthly operations fee",
            Formula(f'=SUMIFS({pricing.column_ref(AMOUNT)},{section},"{hm.MONTHLY_SECTION}")'), money, key="monthly")
    s.value("First year (fee + 12 x monthly)", Formula("={stab}+12*{monthly}"), money, key="year")
    s.value("Roadmap projects total",
            Formula(f'=SUMIFS({pricing.column_ref(AMOUNT)},{section},"{hm.ROADMAP_SECTION_PREFIX}*")'), money)
    s.value("Coverage", p.coverage)
    s.value("Change orders", "No scope expansion without a priced change order.")

    if client:
        return
    blockers = [r for r in data.readiness if r[0] == "blocker"]
    s.heading("Internal: ready to send?")
    s.value("Proposal can be sent", "No: see below" if blockers else "Yes")
    for severity, message, where in data.readiness:
        s.value("Blocks the proposal" if severity == "blocker" else "Warning", f"{message} ({where})")
    s.heading("Internal: cost and margin")
    s.value("Stabilization cost", Formula(f"=SUM({stab.column_ref(COST)})"), money, key="stab_cost")
    s.value("Stabilization gross margin", Formula("=IF({stab}=0,0,({stab}-{stab_cost})/{stab})"), "0.00%")
    s.value("Monthly cost", Formula(f'=SUMIFS({pricing.column_ref(COST)},{section},"{hm.MONTHLY_SECTION}")'),
            money, key="monthly_cost")
    s.value("Monthly gross margin", Formula("=IF({monthly}=0,0,({monthly}-{monthly_cost})/{monthly})"), "0.00%")
    s.value("First-year gross margin",
            Formula("=IF({year}=0,0,({year}-{stab_cost}-12*{monthly_cost})/{year})"), "0.00%")
    s.value("Target gross margin", p.target_margin, "0.00%")
    s.value("Roadmap cost", Formula(f"=SUM({road.column_ref(COST)})"), money)
    s.heading("Internal: discount approval")
    s.value("Discount reason", p.discount_reason or "None given")
    s.value("Approval", p.approval)


# Re-exported for callers that build from an engagement.
HandoffData = hm.HandoffData
__all__ = ["SHEETS", "HandoffData", "WorkbookResult", "build_workbook", "write_workbook"]

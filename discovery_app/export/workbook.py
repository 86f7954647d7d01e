"""The delivery handoff workbook: what the delivery team and its PSA start from when a client signs.

Sheets: Summary, Contacts & escalation, Answers, Inventory, Standards, Risks, Plan phases,
Stabilization tasks, Roadmap, Responsibility matrix, Pricing lines and a PSA task import sheet.
Every data sheet is an Excel table with a frozen header, filters, widths, wrapped long text,
number formats and drop-downs for the team's vocabulary. Prices are formulas over the tables
(hours x rate per line, sums, contingency, rounding, discount), so the workbook stays live when
the team edits hours; each formula also carries its result (:mod:`.xlsx_cache`), so a viewer
that does not recalculate shows the totals. Tasks and phases carry the plan's weeks and their
dates from the delivery start. Every sheet prints one page wide with its header repeated and a
footer naming the client, the sheet and the page (:mod:`.xlsx_print`).

Two variants: internal (cost rates, cost, margins, discount approvals) and client, which is
built from the same rows with those columns and rows never written, so nothing internal is in
the file at all (no hidden sheets, comments, names or cached values).

Written in openpyxl's write-only mode through :mod:`.xlsx_tables`, then moved into place by
:func:`.atomic.write_atomic`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.workbook import Workbook

from ..domain import pricing as pricing_mod
from ..domain.wording import device_label, device_noun
from . import workbook_data as hm
from .atomic import write_atomic
from .xlsx_cache import save_with_cached_values
from .xlsx_print import set_print
from .xlsx_tables import (
    Col,
    Fmt,
    Formula,
    TableWriter,
    money_format,
    row_height,
    text_cell,
    text_lines,
)

# Sheet titles: the importer finds sheets by these names.
SUMMARY = "Summary"
CONTACTS = "Contacts & escalation"
ANSWERS = "Answers"
PHASES = "Plan phases"
INVENTORY = "Inventory"
STANDARDS = "Standards"
RISKS = "Risks"
STABILIZATION = "Stabilization tasks"
ROADMAP = "Roadmap"
QUARTERS = "Roadmap by quarter"
CHANGE_ORDERS = "Change orders"
MATRIX = "Responsibility matrix"
PRICING = "Pricing lines"
PSA = "PSA task import"
SHEETS = (SUMMARY, CONTACTS, ANSWERS, INVENTORY, STANDARDS, RISKS, PHASES, STABILIZATION, ROADMAP, QUARTERS,
          CHANGE_ORDERS, MATRIX, PRICING, PSA)
#: The sheets that are one Excel table each (Summary and Contacts are laid out for reading).
TABLE_SHEETS = tuple(t for t in SHEETS if t not in (SUMMARY, CONTACTS))
START_WEEK, END_WEEK, START_DATE, END_DATE = "Start Week", "End Week", "Start Date", "End Date"

# Column headings the importer relies on.
ID = "ID"
INV_COLUMNS = ("Name", "Category", "Kind", "Site", "Owner", "OS", "Model", "Serial", "Purchase Date",
               "Warranty End", "Notes", "Source")
RISK_COLUMNS = ("Title", "Category", "Likelihood", "Impact", "Description", "Why It Matters", "Evidence")
TASK_NAME, ROLE, HOURS, RATE, AMOUNT, COST_RATE, COST = "Task Name", "Role", "Hours", "Rate", "Amount", "Cost Rate", "Cost"
OWNER, PRIORITY, PHASE, STATUS, ORDER, PREDECESSOR, DOD = (
    "Owner", "Priority", "Phase", "Status", "Order", "Predecessor", "Definition of Done")
TASK_STATUSES = tuple(hm.DELIVERY.values())  # "Not started", "In progress", "Blocked", "Done"
ACTUAL_HOURS, DONE_DATE = "Actual Hours", "Done Date"  # delivery fills these in; read back
ENGAGEMENT_LABEL = "Engagement ID"
START_LABEL = "Delivery starts (week 1)"
VARIANT_LABEL = "Variant"
INTERNAL_VARIANT = "Internal: contains cost, margin and approvals. Do not send to the client."
CLIENT_VARIANT = "Client copy"

_TITLE = Font(bold=True, size=14)
_TITLE_2 = Font(bold=True, size=12)
_BOLD = Font(bold=True)
NOT_ANSWERED = "Not answered"
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP_LEFT = Alignment(horizontal="left", vertical="top")


@dataclass(frozen=True)
class WorkbookResult:
    path: Path
    client: bool
    rows: dict[str, int]  # data rows per sheet


def write_workbook(data: hm.HandoffData, target: Path, *, client: bool = False) -> WorkbookResult:
    """Write the workbook to ``target`` completely or not at all (temporary file + rename)."""
    rows: dict[str, int] = {}

    def write(fh: BinaryIO) -> None:
        cached: dict[str, dict[str, object]] = {}
        wb = build_workbook(data, client=client, counts=rows, cached=cached)
        save_with_cached_values(wb, fh, cached)

    path = write_atomic(Path(target), write)
    return WorkbookResult(path, client, rows)


def build_workbook(data: hm.HandoffData, *, client: bool = False, counts: dict[str, int] | None = None,
                   cached: dict[str, dict[str, object]] | None = None) -> Workbook:
    """The workbook; ``cached`` receives the formula results the exporter knows, per sheet (see
    :func:`.xlsx_cache.save_with_cached_values`, which :func:`write_workbook` uses)."""
    wb = Workbook(write_only=True)
    wb.properties.title = f"Delivery handoff - {data.client_name}"
    wb.properties.creator = "Discovery"
    counts = counts if counts is not None else {}
    cached = cached if cached is not None else {}
    with warnings.catch_warnings():
        # Write-only tables get their columns set by hand (see xlsx_tables); openpyxl warns anyway.
        warnings.filterwarnings("ignore", message="In write-only mode you must add table columns manually")
        summary_ws = wb.create_sheet(SUMMARY)
        set_print(summary_ws, client=data.client_name, widths=94, title_rows=None, paper=data.paper)
        _contacts(wb, data)
        answers = _answers(wb, data)
        inv = _inventory(wb, data)
        std = _standards(wb, data)
        risks = _risks(wb, data)
        phases = _phases(wb, data)
        stab = _tasks(wb, data, data.stabilization, STABILIZATION, "StabilizationTasks", client)
        road = _tasks(wb, data, data.roadmap, ROADMAP, "RoadmapTasks", client)
        quarters = _quarters(wb, data)
        orders = _change_orders(wb, data, client)
        mat = _matrix(wb, data)
        pricing = _pricing(wb, data, client)
        psa = _psa(wb, data)
        cached[SUMMARY] = _summary(summary_ws, data, client, stab, road, pricing)
    for t in (answers, inv, std, risks, phases, stab, road, quarters, orders, mat, pricing, psa):
        counts[t.title] = t.n_rows
        if t.columns[-1].header == ID:
            # The IDs are for reading the workbook back, not for paper: printing stops before them
            # (down to the totals row; rows added later print once the print area is cleared).
            t.ws.print_area = f"A1:{t.letters[t.columns[-2].header]}{t.last_row + 2}"
        if t.cached:
            cached[t.title] = t.cached
    return wb


def _printed(data: hm.HandoffData, cols: Sequence[Col]) -> Callable[[object], None]:
    """The print setup of a table sheet with these columns (applied before its first row)."""
    widths = sum(c.width for c in cols)
    return lambda ws: set_print(ws, client=data.client_name, widths=widths, paper=data.paper)


def _table(wb: Workbook, data: hm.HandoffData, title: str, name: str, cols: Sequence[Col], n: int) -> TableWriter:
    return TableWriter(wb, title, name, cols, n, currency=data.currency, setup=_printed(data, cols))


# ---- what delivery reads first ------------------------------------------------------------


def _contacts(wb: Workbook, data: hm.HandoffData) -> None:
    """Who to call, in what order, and when: blocks laid out for reading and printing."""
    ws = wb.create_sheet(CONTACTS)
    for letter, width in zip("ABCDE", (30, 56, 32, 18, 30), strict=True):  # widths of row() below
        ws.column_dimensions[letter].width = width
    set_print(ws, client=data.client_name, widths=166, title_rows="1:1", paper=data.paper)

    def cell(value: Any, *, font: Font | None = None, wrap: bool = False) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            c = text_cell(ws, value, wrap=wrap)
            if font is None:
                return c
            if isinstance(c, str):
                c = WriteOnlyCell(ws, value=c)
        else:
            c = WriteOnlyCell(ws, value=value)
            c.alignment = _TOP_LEFT
        if font is not None:
            c.font = font
        return c

    written = 0

    def put(cells: list[object], height: float | None = None) -> None:
        nonlocal written
        written += 1
        if height:
            ws.row_dimensions[written].height = height
        ws.append(cells)

    def heading(text: str, columns: Sequence[str]) -> None:
        put([])
        put([cell(text, font=_TITLE_2)])
        put([cell(h, font=_BOLD) for h in columns])

    widths = (30, 56, 32, 18, 30)

    def row(*values: object) -> None:
        lines = max((text_lines(v, w) for v, w in zip(values, widths, strict=False) if isinstance(v, str)), default=1)
        put([cell(v, wrap=isinstance(v, str)) for v in values], row_height(lines))

    put([cell(f"Contacts and escalation: {data.client_name}", font=_TITLE)])
    heading("Escalation order", ("Step", "Who (as the client gave it)"))
    for n, step in enumerate(data.escalation, 1):
        row(n, step)
    if not data.escalation:
        row("None recorded", "The discovery answers hold no escalation chain; agree one at kick-off.")
    heading("Contacts", ("Name", "Role", "Email", "Phone", "Decision maker"))
    for p in data.people:
        row(p.name, p.role, p.email, p.phone, "Yes" if p.decision_maker else "")
    if not data.people:
        row("None recorded")
    heading("Sites", ("Site", "Address", "Users", "", "Notes"))
    for site in data.sites:
        row(site.name, site.address, site.users, None, site.notes)
    if not data.sites:
        row("None recorded")
    heading("Hours, after-hours and on-site support", ("Question", "Answer"))
    for label, answer in data.after_hours:
        row(label, answer)
    if not data.after_hours:
        row("None recorded")


def _answers(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    """Every question the client was shown, in form order; unanswered ones say so."""
    cols = [Col("Section", 22, Fmt.WRAP), Col("Question", 44, Fmt.WRAP), Col("Answer", 52, Fmt.WRAP),
            Col("Note", 36, Fmt.WRAP), Col("Said By", 20, Fmt.WRAP), Col("Question ID", 22)]
    t = _table(wb, data, ANSWERS, "Answers", cols, len(data.answers))
    for a in data.answers:
        t.append([a.section, a.question, a.answer or NOT_ANSWERED, a.note, a.said_by, a.question_id])
    t.finish()
    return t


def _phases(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    cols = [Col("No.", 5, Fmt.INT), Col(PHASE, 28, Fmt.WRAP), Col("Purpose", 50, Fmt.WRAP), Col("Tasks", 7, Fmt.INT),
            Col(HOURS, 9, Fmt.HOURS, total=True), Col(START_WEEK, 8, Fmt.INT), Col(END_WEEK, 8, Fmt.INT),
            Col(START_DATE, 12, Fmt.DATE), Col(END_DATE, 12, Fmt.DATE)]
    t = _table(wb, data, PHASES, "PlanPhases", cols, len(data.phases))
    for p in data.phases:
        t.append([p.number, p.name, p.purpose, p.tasks, p.hours, p.start_week, p.end_week, p.start_date, p.end_date])
    t.finish()
    return t


# ---- data sheets --------------------------------------------------------------------------


def _inventory(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    cols = [
        Col("Name", 26), Col("Category", 14, choices=hm.INVENTORY_CATEGORY_LABELS), Col("Kind", 14), Col("Site", 14),
        Col("Owner", 18), Col("OS", 24), Col("Model", 22), Col("Serial", 14),
        Col("Purchase Date", 13, Fmt.DATE), Col("Warranty End", 13, Fmt.DATE), Col("Notes", 40, Fmt.WRAP),
        Col("Source", 20), Col(ID, 38),
    ]
    t = _table(wb, data, INVENTORY, "Inventory", cols, len(data.inventory))
    for i in data.inventory:
        t.append([i.name, i.category, device_label(i.kind), i.site, i.owner, i.os, i.model, i.serial, i.purchase_date,
                  i.warranty_end, i.notes, i.source, i.uid])
    t.finish()
    return t


def _standards(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    cols = [
        Col("Category", 24), Col("Standard Products", 30, Fmt.WRAP), Col("Current Tool", 26, Fmt.WRAP),
        Col(STATUS, 14, choices=hm.STANDARD_STATUS_LABELS), Col("Decision", 16, choices=hm.DECISION_LABELS),
        Col("Monthly Surcharge", 16, Fmt.MONEY, total=True), Col("Notes", 40, Fmt.WRAP),
    ]
    t = _table(wb, data, STANDARDS, "Standards", cols, len(data.standards))
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
    t = _table(wb, data, RISKS, "Risks", cols, len(data.risks))
    band = _band_formula(data.bands)
    for r in data.risks:
        score = r.likelihood * r.impact
        t.append([r.title, r.category, r.likelihood, r.impact, Formula("={Likelihood}*{Impact}", score),
                  Formula(band, hm.band_of(score, data.bands)),
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
        Col(ACTUAL_HOURS, 9, Fmt.HOURS, total=True), Col(DONE_DATE, 12, Fmt.DATE),
        Col(PREDECESSOR, 14), Col(DOD, 44, Fmt.WRAP), Col("Risk", 30, Fmt.WRAP), Col("Plan Phase", 24),
        Col(START_WEEK, 8, Fmt.INT), Col(END_WEEK, 8, Fmt.INT), Col(START_DATE, 12, Fmt.DATE),
        Col(END_DATE, 12, Fmt.DATE), Col(ID, 38),
    ]
    return cols


def _tasks(wb: Workbook, data: hm.HandoffData, tasks: Sequence[hm.Task], title: str, name: str,
           client: bool) -> TableWriter:
    rows = [(task, line) for task in tasks for line in task.lines]
    t = _table(wb, data, title, name, task_columns(data, client), len(rows))
    for task, line in rows:
        values: list[object] = [task.order, task.title, line.role_name, line.hours, line.rate,
                                Formula(f"=ROUND({{{HOURS}}}*{{{RATE}}},2)", pricing_mod.cents(line.hours * line.rate))]
        if not client:
            values += [line.cost_rate, Formula(f"=ROUND({{{HOURS}}}*{{{COST_RATE}}},2)",
                                               pricing_mod.cents(line.hours * line.cost_rate))]
        values += [task.owner, task.priority, task.phase, task.status, line.actual, task.done_on, task.predecessors,
                   task.definition_of_done, task.risk, task.plan_phase, task.start_week, task.end_week,
                   task.start_date, task.end_date, task.uid]
        t.append(values)
    t.finish()
    return t


def _quarters(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    """The roadmap and budget by quarter: each item with its one-time and recurring cost."""
    cols = [Col("Quarter", 10), Col("Item", 44, Fmt.WRAP), Col("Kind", 13), Col("Note", 36, Fmt.WRAP),
            Col("One-time", 14, Fmt.MONEY), Col("Recurring", 14, Fmt.MONEY)]
    t = _table(wb, data, QUARTERS, "RoadmapByQuarter", cols, len(data.quarters))
    for q in data.quarters:
        t.append([q.quarter, q.title, q.kind, q.note, q.one_time, q.recurring or None])
    t.finish()
    return t


def _change_orders(wb: Workbook, data: hm.HandoffData, client: bool) -> TableWriter:
    """The work the client approved after signing: each approved change order's hours by role,
    priced (the order's price adds the form's contingency and rounding, as its PDF shows), and the
    change to the monthly fee. Proposed and declined orders are no work, so they are not here."""
    cols = [Col("Order", 7, Fmt.INT), Col("Change", 40, Fmt.WRAP), Col(ROLE, 22), Col(HOURS, 9, Fmt.HOURS, total=True),
            Col(RATE, 11, Fmt.MONEY), Col(AMOUNT, 13, Fmt.MONEY, total=True)]
    if not client:
        cols += [Col(COST_RATE, 11, Fmt.MONEY), Col(COST, 13, Fmt.MONEY, total=True)]
    cols += [Col("Order Price", 13, Fmt.MONEY, total=True), Col("Monthly Change", 13, Fmt.MONEY, total=True),
             Col("Signed By", 20), Col("Signed On", 12, Fmt.DATE), Col("Reason", 44, Fmt.WRAP), Col(ID, 38)]
    rows = [(w, k, line) for w in data.change_orders for k, line in enumerate(w.task.lines or (None,))]
    t = _table(wb, data, CHANGE_ORDERS, "ChangeOrders", cols, len(rows))
    for w, k, line in rows:
        first = k == 0
        values: list[object] = [w.number, w.task.title.split(": ", 1)[-1], line.role_name if line else None,
                                line.hours if line else None, line.rate if line else None,
                                Formula(f"=ROUND({{{HOURS}}}*{{{RATE}}},2)", pricing_mod.cents(line.hours * line.rate))
                                if line else None]
        if not client:
            values += [line.cost_rate if line else None,
                       Formula(f"=ROUND({{{HOURS}}}*{{{COST_RATE}}},2)", pricing_mod.cents(line.hours * line.cost_rate))
                       if line else None]
        values += [w.price if first else None, (w.monthly_change or None) if first else None,
                   w.approved_by if first else None, w.approved_on if first else None, w.reason if first else None,
                   w.task.uid]
        t.append(values)
    t.finish()
    return t


def _matrix(wb: Workbook, data: hm.HandoffData) -> TableWriter:
    cols = [Col("Function", 30, Fmt.WRAP), Col("Lane", 9)]
    cols += [Col(p, 12) for p in data.matrix_parties]
    cols += [Col("Accountable", 16), Col("Check", 30, Fmt.WRAP), Col("Notes", 36, Fmt.WRAP)]
    t = _table(wb, data, MATRIX, "ResponsibilityMatrix", cols, len(data.matrix))
    for m in data.matrix:
        t.append([m.function, m.lane, *m.letters, m.accountable, m.check, m.notes])
    t.finish()
    return t


def _pricing(wb: Workbook, data: hm.HandoffData, client: bool) -> TableWriter:
    cols = [Col("Section", 26), Col("Type", 12), Col("Line", 44, Fmt.WRAP), Col("Quantity", 10, Fmt.HOURS),
            Col("Unit", 10), Col(RATE, 11, Fmt.MONEY), Col(AMOUNT, 14, Fmt.MONEY)]
    if not client:
        cols.append(Col(COST, 14, Fmt.MONEY))
    t = _table(wb, data, PRICING, "PricingLines", cols, len(data.pricing_lines))
    for ln in data.pricing_lines:
        amount: object = ln.amount
        if ln.quantity is not None and ln.rate is not None:
            amount = Formula("=ROUND({Quantity}*{Rate},2)", pricing_mod.cents(ln.quantity * ln.rate))
        # A device line's unit is its kind id: show the noun ("virtual server"), never the id.
        values: list[object] = [ln.section, ln.kind, ln.label, ln.quantity, device_noun(ln.unit) if ln.unit else "",
                                ln.rate, amount]
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
    t = _table(wb, data, PSA, "PSATasks", cols, len(data.psa_rows))
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
        self.cached: dict[str, object] = {}  # formula results the exporter knows, by cell
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
            if value.value is not None:
                self.cached[f"B{self.row + 1}"] = value.value
        elif isinstance(value, str):
            cell = text_cell(self.ws, value, wrap=len(value) > 60)
            height = row_height(text_lines(value, 60))
            if height:
                self.ws.row_dimensions[self.row + 1].height = height
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
             pricing: TableWriter) -> dict[str, object]:
    """Write the Summary; returns the formula results it knows (cell -> value) from the quote."""
    s = _Summary(ws, money_format(data.currency))
    money = s.money
    q = data.quote
    s.title(f"Delivery handoff: {data.client_name}")
    s.value(VARIANT_LABEL, CLIENT_VARIANT if client else INTERNAL_VARIANT)
    s.value(ENGAGEMENT_LABEL, data.engagement_uid)
    s.value("Consultant", data.consultant)
    s.value("Named internal IT owner", data.internal_it_owner or "Not named yet")
    s.value("Discovery date", data.discovery_date, "yyyy-mm-dd")
    s.value("Exported", data.exported_on, "yyyy-mm-dd")
    s.value("Form", data.form)

    s.heading("Schedule")
    if data.start_date is not None:
        s.value(START_LABEL, data.start_date, "yyyy-mm-dd")
    if data.phases:
        last = max(p.end_week for p in data.phases)
        s.value("Stabilization planned to end", max(p.end_date for p in data.phases), "yyyy-mm-dd")
        s.value("Stabilization length", f"{last} week{'s' if last != 1 else ''}; phases and dates on '{PHASES}'")
    else:
        s.value("Stabilization", "No stabilization tasks planned")

    s.heading("Contacts")
    for c in data.contacts:
        s.value(c.name, c.details)
    if not data.contacts:
        s.value("No contacts recorded", "")
    if data.escalation:
        s.value("Escalation order", f"{' > '.join(data.escalation)} (see '{CONTACTS}')")

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

    def known(get: Callable[[pricing_mod.Quote], object]) -> object:
        return get(q) if q is not None else None

    def ratio(price: object, cost: object) -> object:
        if not isinstance(price, Decimal) or not isinstance(cost, Decimal):
            return None
        return Decimal(0) if price == 0 else (price - cost) / price

    st_hours = sum((ln.hours for t in data.stabilization for ln in t.lines), Decimal(0))
    p = data.price
    s.heading(f"Prices ({data.currency}); the fee follows the hours on '{STABILIZATION}'")
    s.value("Stabilization hours", Formula(f"=SUM({stab.column_ref(HOURS)})", st_hours), "#,##0.00")
    s.value("Stabilization subtotal", Formula(f"=SUM({stab.column_ref(AMOUNT)})",
                                              known(lambda q: q.stabilization.work.subtotal)), money, key="sub")
    s.value(f"Contingency {hm.percent_label(p.contingency_rate, data.locale)}", Formula(
        f"=ROUND({{sub}}*{p.contingency_rate},2)", known(lambda q: q.stabilization.work.contingency)), money, key="cont")
    s.value(f"Rounded ({p.rounding_label})", Formula(
        f"={p.rounding_function}({{sub}}+{{cont}},{p.rounding_increment})", known(lambda q: q.stabilization.gross)),
        money, key="fee")
    s.value(f"Discount {hm.percent_label(p.discount_percent / 100, data.locale)}", Formula(
        f"=-ROUND({{fee}}*{p.discount_percent}/100,2)", known(lambda q: -q.stabilization.discount)), money, key="disc")
    s.value("Credit: discovery fee already paid", Formula(
        f"=-MAX(0,MIN({p.credit_requested},{{fee}}+{{disc}}))", known(lambda q: -q.stabilization.credit)),
        money, key="credit")
    stab_fee = known(lambda q: q.stabilization.net)
    s.value("Launch and stabilization fee", Formula("={fee}+{disc}+{credit}", stab_fee), money, key="stab")
    section = pricing.column_ref("Section")
    monthly_fee = known(lambda q: q.monthly.net)
    s.value("Monthly operations fee", Formula(
        f'=SUMIFS({pricing.column_ref(AMOUNT)},{section},"{hm.MONTHLY_SECTION}")', monthly_fee), money, key="monthly")
    year = known(lambda q: q.first_year_total)
    s.value("First year (fee + 12 x monthly)", Formula("={stab}+12*{monthly}", year), money, key="year")
    s.value("Roadmap projects total", Formula(
        f'=SUMIFS({pricing.column_ref(AMOUNT)},{section},"{hm.ROADMAP_SECTION_PREFIX}*")',
        known(lambda q: q.roadmap_total)), money)
    if data.quote is not None and data.quote.pass_through.lines:
        passed = data.quote.pass_through
        s.value("Pass-through, one-off (not in the fee)", Formula(
            f'=SUMIFS({pricing.column_ref(AMOUNT)},{section},"{hm.PASS_THROUGH_ONE_OFF_SECTION}")',
            passed.one_off_total), money)
        s.value("Pass-through, monthly (not in the fee)", Formula(
            f'=SUMIFS({pricing.column_ref(AMOUNT)},{section},"{hm.PASS_THROUGH_MONTHLY_SECTION}")',
            passed.monthly_total), money)
    s.value("Coverage", p.coverage)
    s.value("Change orders", "No scope expansion without a priced change order.")

    if client:
        return s.cached
    blockers = [r for r in data.readiness if r[0] == "blocker"]
    s.heading("Internal: ready to send?")
    s.value("Proposal can be sent", "No: see below" if blockers else "Yes")
    for severity, message, where in data.readiness:
        s.value("Blocks the proposal" if severity == "blocker" else "Warning", f"{message} ({where})")
    s.heading("Internal: cost and margin")
    stab_cost = known(lambda q: q.stabilization.cost)
    s.value("Stabilization cost", Formula(f"=SUM({stab.column_ref(COST)})", stab_cost), money, key="stab_cost")
    s.value("Stabilization gross margin", Formula("=IF({stab}=0,0,({stab}-{stab_cost})/{stab})",
                                                  ratio(stab_fee, stab_cost)), "0.00%")
    monthly_cost = known(lambda q: q.monthly.cost)
    s.value("Monthly cost", Formula(f'=SUMIFS({pricing.column_ref(COST)},{section},"{hm.MONTHLY_SECTION}")',
                                    monthly_cost), money, key="monthly_cost")
    s.value("Monthly gross margin", Formula("=IF({monthly}=0,0,({monthly}-{monthly_cost})/{monthly})",
                                            ratio(monthly_fee, monthly_cost)), "0.00%")
    year_cost = (stab_cost + 12 * monthly_cost if isinstance(stab_cost, Decimal) and isinstance(monthly_cost, Decimal)
                 else None)
    s.value("First-year gross margin",
            Formula("=IF({year}=0,0,({year}-{stab_cost}-12*{monthly_cost})/{year})", ratio(year, year_cost)), "0.00%")
    s.value("Target gross margin", p.target_margin, "0.00%")
    road_cost = sum((pricing_mod.cents(ln.hours * ln.cost_rate) for t in data.roadmap for ln in t.lines), Decimal(0))
    s.value("Roadmap cost", Formula(f"=SUM({road.column_ref(COST)})", road_cost), money)
    s.heading("Internal: discount approval")
    s.value("Discount reason", p.discount_reason or "None given")
    s.value("Approval", p.approval)
    for n, line in enumerate(p.approvals, 1):
        s.value(f"Approval record {n}", line)
    return s.cached


# Re-exported for callers that build from an engagement.
HandoffData = hm.HandoffData
__all__ = ["SHEETS", "HandoffData", "WorkbookResult", "build_workbook", "write_workbook"]

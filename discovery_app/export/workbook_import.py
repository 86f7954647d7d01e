"""Read an edited delivery workbook back: its Inventory, Risks, Stabilization tasks and Roadmap
sheets, compared with the engagement as a diff (changed fields, new rows, removed rows) that the
consultant previews before anything is applied.

Rows are matched by their ID column; a row with an empty ID is new. Rows are read from the
sheet, not from the table's range, so rows the team appended below a table count too; blank rows
and the totals row are skipped. A cell that cannot be read (wrong type, unknown choice, a formula
where a value belongs) stops the whole import with a message naming the sheet, row and column;
nothing is changed. The task sheets' Status, Actual Hours and Done Date columns (what delivery
did against what was sold) are read back too. Only the columns the engagement keeps are read back: Rate, Amount,
Cost, Order and Predecessor on the task sheets, and Score, Band, Standard and Linked Items on
Risks, are the workbook's own.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from ..domain import handoff
from ..domain.engagement import (
    DeliveryStatus,
    Engagement,
    InventoryItem,
    Priority,
    RemediationItem,
    Risk,
)
from ..domain.forms import FormPackage, Party, Phase
from ..domain.wording import device_kind
from . import workbook as wbk
from . import workbook_data as wd
from .problems import listed
from .untrusted import xlsx_problems

MAX_PROBLEMS = 20
SOURCE_LABEL = "Delivery workbook"


class WorkbookImportError(ValueError):
    """The workbook cannot be read back; ``problems`` name sheet, row and column. Nothing changed."""

    def __init__(self, source: str, problems: Sequence[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source} cannot be imported; nothing was changed:\n{listed(self.problems, limit=MAX_PROBLEMS)}")


class WorkbookUnreadable(WorkbookImportError):
    """The file is not a workbook that can be read at all (damaged, truncated, a zip bomb)."""


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowDiff:
    sheet: str
    kind: str  # "changed", "new" or "removed"
    label: str  # the row's name or title
    row: int | None = None  # the workbook row (None for removed rows)
    uid: str | None = None
    changes: tuple[FieldChange, ...] = ()

    def describe(self) -> str:
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        if self.kind == "new":
            return f"{where}: new: {self.label}"
        if self.kind == "removed":
            return f"{self.sheet}: removed: {self.label}"
        detail = "; ".join(f"{c.column} {c.old or '(empty)'} -> {c.new or '(empty)'}" for c in self.changes)
        return f"{where}: {self.label}: {detail}"


@dataclass
class WorkbookDiff:
    """What applying the workbook would change. The new collections are complete lists, valid only
    while the engagement still matches ``base`` (checked when applied)."""

    source: str
    engagement_uid: str
    base: str
    rows: list[RowDiff] = field(default_factory=list)
    inventory: list[InventoryItem] | None = None
    risks: list[Risk] | None = None
    remediation: list[RemediationItem] | None = None

    @property
    def empty(self) -> bool:
        return not self.rows

    def of(self, sheet: str, kind: str | None = None) -> list[RowDiff]:
        return [r for r in self.rows if r.sheet == sheet and (kind is None or r.kind == kind)]

    def counts(self) -> dict[str, int]:
        out = {"changed": 0, "new": 0, "removed": 0}
        for r in self.rows:
            out[r.kind] += 1
        return out

    def lines(self) -> list[str]:
        return [r.describe() for r in self.rows]


def fingerprint(eng: Engagement) -> str:
    """What the diff was computed against: the three collections it replaces."""
    h = hashlib.sha256()
    for attr in ("inventory", "risks", "remediation"):
        for rec in getattr(eng, attr):
            h.update(rec.model_dump_json().encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


# ---- reading cells -------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, text: str) -> None:
        self.items.append(text)


@dataclass
class _Row:
    sheet: str
    line: int
    cells: dict[str, Any]  # header -> openpyxl cell
    columns: dict[str, int]
    problems: _Problems

    def where(self, header: str) -> str:
        return f"{self.sheet}, row {self.line}, column {header} ({get_column_letter(self.columns[header])})"

    def raw(self, header: str) -> Any:
        cell = self.cells.get(header)
        if cell is None:
            return None
        if getattr(cell, "data_type", None) == "f":
            self.problems.add(f"{self.where(header)}: holds a formula ({cell.value}); type a value instead.")
            return None
        value = cell.value
        return value.strip() if isinstance(value, str) else value

    def text(self, header: str) -> str:
        value = self.raw(header)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime):
            return value.date().isoformat()
        return str(value)

    def date(self, header: str) -> date | None:
        value = self.raw(header)
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problems.add(f"{self.where(header)}: {value!r} is not a date (use YYYY-MM-DD).")
        return None

    def number(self, header: str, *, what: str) -> Decimal | None:
        value = self.raw(header)
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            value = "yes"
        try:
            # str() of a float is its shortest exact decimal text: no binary noise reaches Decimal.
            number = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.problems.add(f"{self.where(header)}: {value!r} is not {what}.")
            return None
        return number

    def whole(self, header: str, low: int, high: int) -> int | None:
        number = self.number(header, what=f"a whole number from {low} to {high}")
        if number is None:
            if self.raw(header) in (None, ""):
                self.problems.add(f"{self.where(header)}: is empty; give a whole number from {low} to {high}.")
            return None
        if number != number.to_integral_value() or not low <= number <= high:
            self.problems.add(f"{self.where(header)}: {self.text(header)} is not a whole number from {low} to {high}.")
            return None
        return int(number)

    def choice(self, header: str, labels: dict, *, default: Any = None) -> Any:
        text = self.text(header)
        if not text:
            if default is None:
                self.problems.add(f"{self.where(header)}: is empty; pick one of {', '.join(labels.values())}.")
            return default
        member = wd.parse_choice(labels, text)
        if member is None:
            self.problems.add(f"{self.where(header)}: {text!r} is not one of {', '.join(labels.values())}.")
        return member


MAX_ROWS = 1_048_576  # a worksheet's own limit


def _rows(wb: Any, sheet: str, required: Sequence[str], problems: _Problems) -> Iterator[_Row]:
    ws = wb[sheet]
    ws.reset_dimensions()  # read the rows that are there; never pad to a declared size
    it = ws.iter_rows()
    header_cells = next(it, ())
    columns = {str(c.value).strip(): n for n, c in enumerate(header_cells, 1) if c.value not in (None, "")}
    missing = [h for h in required if h not in columns]
    if missing:
        problems.add(f"{sheet}: the header row (row 1) has no column {', '.join(repr(m) for m in missing)}; "
                     "put the heading back or export a fresh workbook.")
        return
    for line, cells in enumerate(it, 2):
        if line > MAX_ROWS:
            problems.add(f"{sheet}: more than {MAX_ROWS:,} rows; a worksheet holds at most that many.")
            return
        by_header = {h: cells[i - 1] for h, i in columns.items() if i - 1 < len(cells)}
        values = [c.value for c in by_header.values()]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if any(isinstance(v, str) and v.upper().startswith("=SUBTOTAL(") for v in values):
            continue  # the totals row under the table
        yield _Row(sheet, line, by_header, columns, problems)


def _validate(row: _Row, build: Callable[..., Any], columns: dict[str, str]) -> Any:
    """Build a record; a validation error is reported against the column of the failing field."""
    try:
        return build()
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            header = columns.get(name)
            where = row.where(header) if header else f"{row.sheet}, row {row.line}"
            row.problems.add(f"{where}: {err['msg']}.")
        return None


def _show(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "value"):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


# ---- sheets --------------------------------------------------------------------------------

_INV_FIELDS = {"name": "Name", "category": "Category", "kind": "Kind", "site": "Site", "owner": "Owner",
               "os": "OS", "model": "Model", "serial": "Serial", "purchase_date": "Purchase Date",
               "warranty_end": "Warranty End", "notes": "Notes", "source": "Source"}
_RISK_FIELDS = {"title": "Title", "category": "Category", "likelihood": "Likelihood", "impact": "Impact",
                "description": "Description", "why_it_matters": "Why It Matters", "evidence": "Evidence"}
_TASK_FIELDS = {"title": wbk.TASK_NAME, "owner": wbk.OWNER, "priority": wbk.PRIORITY, "phase": wbk.PHASE,
                "definition_of_done": wbk.DOD}
# What delivery reports back on the task sheets: what they did against what was sold.
_DELIVERY_FIELDS = {"delivery_status": wbk.STATUS, "actual_hours": wbk.ACTUAL_HOURS, "done_on": wbk.DONE_DATE}


def _inventory_values(row: _Row) -> dict[str, Any]:
    return {
        "name": row.text("Name"), "category": row.choice("Category", wd.INVENTORY_CATEGORY),
        "kind": device_kind(row.text("Kind")), "site": row.text("Site"), "owner": row.text("Owner"), "os": row.text("OS"),
        "model": row.text("Model"), "serial": row.text("Serial"), "purchase_date": row.date("Purchase Date"),
        "warranty_end": row.date("Warranty End"), "notes": row.text("Notes"), "source": row.text("Source"),
    }


def _risk_values(row: _Row) -> dict[str, Any]:
    return {
        "title": row.text("Title"), "category": row.choice("Category", wd.RISK_CATEGORY),
        "likelihood": row.whole("Likelihood", 1, 5), "impact": row.whole("Impact", 1, 5),
        "description": row.text("Description"), "why_it_matters": row.text("Why It Matters"),
        "evidence": row.text("Evidence"),
    }


def _records(sheet: str, rows: list[_Row], current: Sequence[Any], fields: dict[str, str],
             values_of: Callable[[_Row], dict[str, Any]], make: Callable[[dict[str, Any]], Any],
             label_field: str, diff: WorkbookDiff, problems: _Problems) -> list[Any] | None:
    """Match rows to records by ID; returns the new list, or None when nothing changed."""
    by_uid = {r.uid: r for r in current}
    seen: dict[str, int] = {}
    updated: dict[str, Any] = {}
    new: list[Any] = []
    for row in rows:
        uid = row.text(wbk.ID)
        values = values_of(row)
        if uid and uid in seen:
            problems.add(f"{row.where(wbk.ID)}: the same ID is on row {seen[uid]}; each row needs its own ID "
                         "(clear the ID of a copied row to add it as new).")
            continue
        if uid and uid not in by_uid:
            problems.add(f"{row.where(wbk.ID)}: {uid!r} is not an ID of this engagement; clear it to add the row as new.")
            continue
        if any(v is None and f in ("category", "likelihood", "impact") for f, v in values.items()):
            continue  # already reported
        if not uid:
            rec = _validate(row, lambda values=values: make(values), fields)
            if rec is not None:
                new.append(rec)
                diff.rows.append(RowDiff(sheet, "new", str(getattr(rec, label_field)), row.line))
            continue
        seen[uid] = row.line
        old = by_uid[uid]
        rec = _validate(row, lambda old=old, values=values: old.model_validate({**old.model_dump(), **values}), fields)
        if rec is None:
            continue
        changes = tuple(FieldChange(fields[f], _show(getattr(old, f)), _show(getattr(rec, f)))
                        for f in fields if getattr(old, f) != getattr(rec, f))
        if changes:
            updated[uid] = rec
            diff.rows.append(RowDiff(sheet, "changed", str(getattr(old, label_field)), row.line, uid, changes))
    removed = [r for r in current if r.uid not in seen]
    for r in removed:
        diff.rows.append(RowDiff(sheet, "removed", str(getattr(r, label_field)), None, r.uid))
    if not (updated or new or removed):
        return None
    return [updated.get(r.uid, r) for r in current if r.uid in seen] + new


@dataclass
class _TaskRows:
    rows: list[_Row] = field(default_factory=list)
    hours: dict[str, Decimal] = field(default_factory=dict)
    values: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    # What delivery reported: each row's status, actual hours per role, done dates.
    statuses: list[DeliveryStatus] = field(default_factory=list)
    actual: dict[str, Decimal] = field(default_factory=dict)
    done: list[date] = field(default_factory=list)


def _delivery(row: _Row, g: _TaskRows, role: str | None, problems: _Problems) -> None:
    """Read the delivery columns (Status, Actual Hours, Done Date) of one task row into ``g``."""
    status = row.choice(wbk.STATUS, wd.DELIVERY, default=DeliveryStatus.NOT_STARTED)
    if status is not None:
        g.statuses.append(status)
    actual = row.number(wbk.ACTUAL_HOURS, what="a number of hours")
    if actual is not None and not Decimal(0) <= actual <= Decimal(100000):
        problems.add(f"{row.where(wbk.ACTUAL_HOURS)}: {actual} hours is outside 0 to 100000.")
        actual = None
    if actual is not None and role is not None:
        g.actual[role] = actual.quantize(Decimal("0.01"), ROUND_HALF_UP)
    done = row.date(wbk.DONE_DATE)
    if done is not None:
        g.done.append(done)


def _progress(g: _TaskRows) -> dict[str, Any]:
    """The task's delivery fields from its rows (domain/handoff.py combines the statuses)."""
    status = handoff.combined_status(g.statuses)
    return {"delivery_status": status, "actual_hours": {r: h for r, h in g.actual.items() if h},
            "done_on": max(g.done) if g.done and status is DeliveryStatus.DONE else None}


def _tasks(rows: list[tuple[Phase, _Row]], current: Sequence[RemediationItem], pkg: FormPackage,
           diff: WorkbookDiff, problems: _Problems) -> list[RemediationItem] | None:
    roles = {r.name.casefold(): r.id for r in pkg.pricing.roles} | {r.id.casefold(): r.id for r in pkg.pricing.roles}
    role_names = {r.id: r.name for r in pkg.pricing.roles}
    by_uid = {r.uid: r for r in current}
    groups: dict[str, _TaskRows] = {}
    for sheet_phase, row in rows:
        uid = row.text(wbk.ID)
        title = row.text(wbk.TASK_NAME)
        if uid and uid not in by_uid:
            problems.add(f"{row.where(wbk.ID)}: {uid!r} is not a task ID of this engagement; clear it to add the row as a new task.")
            continue
        if not uid and not title:
            problems.add(f"{row.where(wbk.TASK_NAME)}: a new task needs a name.")
            continue
        if uid and not by_uid[uid].accepted:
            problems.add(f"{row.where(wbk.ID)}: task {by_uid[uid].title!r} is not accepted in the engagement; "
                         "accept it there first.")
            continue
        key = uid or f"new:{title.casefold()}"
        g = groups.setdefault(key, _TaskRows())
        g.rows.append(row)
        role_text = row.text(wbk.ROLE)
        role = roles.get(role_text.casefold())
        if role is None:
            problems.add(f"{row.where(wbk.ROLE)}: {role_text!r} is not a role of the form "
                         f"({', '.join(role_names.values())}).")
        hours = row.number(wbk.HOURS, what="a number of hours")
        if hours is None and row.raw(wbk.HOURS) in (None, ""):
            hours = Decimal(0)
        if hours is not None and not Decimal(0) <= hours <= Decimal(100000):
            problems.add(f"{row.where(wbk.HOURS)}: {hours} hours is outside 0 to 100000.")
            hours = None
        if role is not None and hours is not None:
            if role in g.hours:
                other = next(r.line for r in g.rows[:-1] if roles.get(r.text(wbk.ROLE).casefold()) == role)
                problems.add(f"{row.where(wbk.ROLE)}: the task already has a {role_names[role]} row (row {other}); "
                             "put the hours on one row.")
            g.hours[role] = hours.quantize(Decimal("0.01"), ROUND_HALF_UP)
        _delivery(row, g, role, problems)
        vals = {
            "title": title,
            "owner": row.choice(wbk.OWNER, wd.PARTY, default=Party.PROVIDER),
            "priority": row.choice(wbk.PRIORITY, wd.PRIORITY, default=Priority.MEDIUM),
            "phase": row.choice(wbk.PHASE, wd.PHASE, default=sheet_phase),
            "definition_of_done": row.text(wbk.DOD),
        }
        for f, v in vals.items():
            g.values.setdefault(f, []).append((row.line, v))

    out: dict[str, RemediationItem] = {}
    new: list[RemediationItem] = []
    for key, g in groups.items():
        first = g.rows[0]
        if key.startswith("new:"):
            data = {f: vs[0][1] for f, vs in g.values.items()}
            for f, vs in g.values.items():
                if len({v for _, v in vs}) > 1:
                    problems.add(f"{first.sheet}, rows {', '.join(str(n) for n, _ in vs)}: the rows of new task "
                                 f"{data['title']!r} disagree on {_TASK_FIELDS[f]}.")
            task_hours = {r: h for r, h in g.hours.items() if h}
            data.update(_progress(g))
            rec = _validate(first, lambda data=data, task_hours=task_hours: RemediationItem(**data, hours=task_hours), {**_TASK_FIELDS, "hours": wbk.HOURS, **_DELIVERY_FIELDS})
            if rec is not None:
                new.append(rec)
                diff.rows.append(RowDiff(first.sheet, "new", rec.title, first.line))
            continue
        old = by_uid[key]
        update: dict[str, Any] = {}
        changes: list[FieldChange] = []
        for f, vs in g.values.items():
            differing = {v for _, v in vs if v != getattr(old, f)}
            if len(differing) > 1:
                problems.add(f"{first.sheet}, rows {', '.join(str(n) for n, _ in vs)}: the rows of task {old.title!r} "
                             f"were given different {_TASK_FIELDS[f]} values; make them the same.")
            elif differing:
                update[f] = differing.pop()
                changes.append(FieldChange(_TASK_FIELDS[f], _show(getattr(old, f)), _show(update[f])))
        old_hours = {r: h for r, h in old.hours.items() if h}
        new_hours = {r: h for r, h in g.hours.items() if h}
        if new_hours != old_hours:
            update["hours"] = new_hours
            for r in sorted(set(old_hours) | set(new_hours)):
                if old_hours.get(r) != new_hours.get(r):
                    changes.append(FieldChange(f"Hours ({role_names.get(r, r)})", _show(old_hours.get(r)),
                                               _show(new_hours.get(r))))
        progress = _progress(g)
        if progress["delivery_status"] != old.delivery_status:
            update["delivery_status"] = progress["delivery_status"]
            changes.append(FieldChange(wbk.STATUS, wd.DELIVERY[old.delivery_status],
                                       wd.DELIVERY[progress["delivery_status"]]))
        if progress["actual_hours"] != {r: h for r, h in old.actual_hours.items() if h}:
            update["actual_hours"] = progress["actual_hours"]
            for r in sorted(set(old.actual_hours) | set(progress["actual_hours"])):
                if old.actual_hours.get(r) != progress["actual_hours"].get(r):
                    changes.append(FieldChange(f"{wbk.ACTUAL_HOURS} ({role_names.get(r, r)})",
                                               _show(old.actual_hours.get(r)), _show(progress["actual_hours"].get(r))))
        if progress["done_on"] != old.done_on:
            update["done_on"] = progress["done_on"]
            changes.append(FieldChange(wbk.DONE_DATE, _show(old.done_on), _show(progress["done_on"])))
        if update:
            rec = _validate(first, lambda old=old, update=update: old.model_validate({**old.model_dump(), **update}),
                            {**_TASK_FIELDS, "hours": wbk.HOURS, **_DELIVERY_FIELDS})
            if rec is not None:
                out[key] = rec
                diff.rows.append(RowDiff(first.sheet, "changed", old.title, first.line, key, tuple(changes)))
    removed = [r for r in current if r.accepted and r.uid not in groups]
    for gone_task in removed:
        sheet = wbk.STABILIZATION if gone_task.phase is Phase.STABILIZATION else wbk.ROADMAP
        diff.rows.append(RowDiff(sheet, "removed", gone_task.title, None, gone_task.uid))
    if not (out or new or removed):
        return None
    gone = {r.uid for r in removed}
    kept = [out.get(r.uid, r).model_copy(update={"depends_on": [d for d in r.depends_on if d not in gone]})
            for r in current if r.uid not in gone]
    return kept + new


# ---- the whole workbook --------------------------------------------------------------------

_REQUIRED_TASK = (wbk.TASK_NAME, wbk.ROLE, wbk.HOURS, wbk.OWNER, wbk.ID)


def read_diff(path: Path, eng: Engagement, pkg: FormPackage) -> WorkbookDiff:
    """Compare the workbook at ``path`` with ``eng``; raises :class:`WorkbookImportError`."""
    path = Path(path)
    name = path.name
    try:
        refused = xlsx_problems(path)
        if refused:
            raise WorkbookUnreadable(name, [f"it is refused before reading: {p}." for p in refused])
        wb = load_workbook(path, read_only=True, data_only=False)
    except WorkbookUnreadable:
        raise
    except FileNotFoundError:
        raise WorkbookUnreadable(name, [f"there is no file {path}."]) from None
    except (InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError,
            TypeError, SyntaxError) as exc:
        raise WorkbookUnreadable(name, [f"it is not an Excel workbook (.xlsx) that can be read "
                                         f"({type(exc).__name__}: the file is damaged or truncated)."]) from None
    try:
        return _read(wb, name, eng, pkg)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, SyntaxError) as exc:
        raise WorkbookUnreadable(name, [f"a part of the workbook is damaged ({type(exc).__name__}); "
                                         "export a fresh workbook and edit that one."]) from None
    finally:
        wb.close()


def _read(wb: Any, name: str, eng: Engagement, pkg: FormPackage) -> WorkbookDiff:
    needed = (wbk.SUMMARY, wbk.INVENTORY, wbk.RISKS, wbk.STABILIZATION, wbk.ROADMAP)
    missing = [s for s in needed if s not in wb.sheetnames]
    if missing:
        raise WorkbookImportError(name, [f"the workbook has no sheet {s!r}; the import needs it "
                                          "(rename it back or export a fresh workbook)." for s in missing])
    problems = _Problems()
    uid = _engagement_uid(wb[wbk.SUMMARY])
    if uid != eng.uid:
        raise WorkbookImportError(name, [
            f"this workbook belongs to another engagement (Summary, '{wbk.ENGAGEMENT_LABEL}' is {uid or 'missing'}); "
            f"export a workbook from {eng.client_name} and edit that one."])
    diff = WorkbookDiff(name, eng.uid, fingerprint(eng))
    inv_rows = list(_rows(wb, wbk.INVENTORY, (*_INV_FIELDS.values(), wbk.ID), problems))
    risk_rows = list(_rows(wb, wbk.RISKS, (*_RISK_FIELDS.values(), wbk.ID), problems))
    task_rows = [(Phase.STABILIZATION, r) for r in _rows(wb, wbk.STABILIZATION, _REQUIRED_TASK, problems)]
    task_rows += [(Phase.ROADMAP, r) for r in _rows(wb, wbk.ROADMAP, _REQUIRED_TASK, problems)]
    if problems.items:
        raise WorkbookImportError(name, problems.items)

    def new_item(v: dict[str, Any]) -> InventoryItem:
        return InventoryItem(**{**v, "source": v["source"] or SOURCE_LABEL})

    diff.inventory = _records(wbk.INVENTORY, inv_rows, eng.inventory, _INV_FIELDS, _inventory_values, new_item,
                              "name", diff, problems)
    diff.risks = _records(wbk.RISKS, risk_rows, eng.risks, _RISK_FIELDS, _risk_values, lambda v: Risk(**v),
                          "title", diff, problems)
    diff.remediation = _tasks(task_rows, eng.remediation, pkg, diff, problems)
    if problems.items:
        raise WorkbookImportError(name, problems.items)
    if diff.risks is not None:
        kept = {r.uid for r in diff.risks}
        items = diff.remediation if diff.remediation is not None else list(eng.remediation)
        if any(i.risk_uid and i.risk_uid not in kept for i in items):
            diff.remediation = [i.model_copy(update={"risk_uid": i.risk_uid if i.risk_uid in kept else None})
                                for i in items]
    return diff


def _engagement_uid(ws: Any) -> str | None:
    for row in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if row and row[0] == wbk.ENGAGEMENT_LABEL:
            return str(row[1]).strip() if len(row) > 1 and row[1] is not None else None
    return None

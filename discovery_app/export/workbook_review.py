"""What a workbook re-import reads and what it ignores, and the ignored cells someone edited.

The delivery workbook carries more than the engagement keeps: rates, amounts and costs come
from the pricing settings, the matrix and pricing sheets are computed. :mod:`.workbook_import`
reads only the columns in :data:`READ_COLUMNS`. This module compares the edited workbook with a
fresh export of the same engagement so that an edit in an ignored cell (a rate typed over) is
listed as refused instead of vanishing silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from . import workbook as wbk
from .workbook_import import _DELIVERY_FIELDS, _INV_FIELDS, _RISK_FIELDS, _TASK_FIELDS

_TASK_READ = (wbk.ID, wbk.TASK_NAME, wbk.ROLE, wbk.HOURS, *_TASK_FIELDS.values(), *_DELIVERY_FIELDS.values())
READ_COLUMNS: dict[str, tuple[str, ...]] = {
    wbk.INVENTORY: (wbk.ID, *_INV_FIELDS.values()),
    wbk.RISKS: (wbk.ID, *_RISK_FIELDS.values()),
    wbk.STABILIZATION: tuple(dict.fromkeys(_TASK_READ)),
    wbk.ROADMAP: tuple(dict.fromkeys(_TASK_READ)),
}
WHY_IGNORED = {
    wbk.RATE: "rates come from the pricing settings",
    wbk.AMOUNT: "amounts are hours times the rate",
    wbk.COST_RATE: "cost rates come from the pricing settings",
    wbk.COST: "costs are hours times the cost rate",
    wbk.START_WEEK: "the schedule follows the plan",
    wbk.END_WEEK: "the schedule follows the plan",
    wbk.START_DATE: "the schedule follows the plan and the delivery start",
    wbk.END_DATE: "the schedule follows the plan and the delivery start",
    wbk.ORDER: "the order follows the plan",
    wbk.PREDECESSOR: "dependencies are set in the engagement's plan",
}


@dataclass
class SheetColumns:
    sheet: str
    read: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if not self.read:
            return f"{self.sheet}: not read back (computed from the engagement)"
        text = f"{self.sheet}: reads {', '.join(self.read)}"
        return text + (f"; ignores {', '.join(self.ignored)}" if self.ignored else "")


@dataclass(frozen=True)
class RefusedCell:
    sheet: str
    row: int
    column: str
    letter: str
    old: str
    new: str

    def describe(self) -> str:
        why = WHY_IGNORED.get(self.column, "this column is not read back" if self.column else
                              "this sheet is not read back")
        col = f"column {self.column} ({self.letter})" if self.column else f"cell {self.letter}{self.row}"
        return (f"{self.sheet}, row {self.row}, {col}: edited ({self.old or '(empty)'} -> "
                f"{self.new or '(empty)'}) but ignored: {why}")


def _headers(ws: Any) -> list[str]:
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    return ["" if v is None else str(v).strip() for v in first]


def columns(path: Path) -> list[SheetColumns]:
    """Per sheet of the edited workbook, the columns the import reads and those it ignores."""
    wb = load_workbook(path, read_only=True)
    try:
        out = []
        for name in wb.sheetnames:
            read = READ_COLUMNS.get(name)
            sc = SheetColumns(name)
            if read is not None:
                headers = [h for h in _headers(wb[name]) if h]
                sc.read = [h for h in headers if h in read]
                sc.ignored = [h for h in headers if h not in read]
            out.append(sc)
        return out
    finally:
        wb.close()


def _same(a: Any, b: Any) -> bool:
    if a == b or (_formula(a) and _formula(b)):  # formulas name their own rows: both computed
        return True
    if a in (None, "") and b in (None, ""):
        return True
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return False


def _formula(v: Any) -> bool:
    return isinstance(v, str) and v.startswith("=")


def _show(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def refused_cells(edited: Path, fresh: Path) -> list[RefusedCell]:
    """Cells the import ignores whose value differs from a fresh export of the engagement.

    Rows of the read sheets are paired by their ID; other sheets cell by cell (the Summary is
    left out: it is a cover, not data).
    """
    a = load_workbook(edited, read_only=True)
    b = load_workbook(fresh, read_only=True)
    out: list[RefusedCell] = []
    try:
        for name in a.sheetnames:
            if name not in b.sheetnames or name == wbk.SUMMARY:
                continue
            read = READ_COLUMNS.get(name)
            if read is None:
                out += _whole_sheet(name, a[name], b[name])
            else:
                out += _by_id(name, a[name], b[name], read)
    finally:
        a.close()
        b.close()
    return out


def _by_id(name: str, ws_a: Any, ws_b: Any, read: tuple[str, ...]) -> list[RefusedCell]:
    ha, hb = _headers(ws_a), _headers(ws_b)
    if wbk.ID not in ha or wbk.ID not in hb:
        return []
    ida, idb = ha.index(wbk.ID), hb.index(wbk.ID)
    # A task split over several roles has one row per role, all with its ID: pair them in order.
    fresh: dict[tuple[str, int], tuple[Any, ...]] = {}
    seen: dict[str, int] = {}
    for values in ws_b.iter_rows(min_row=2, values_only=True):
        if idb < len(values) and values[idb]:
            uid = str(values[idb]).strip()
            seen[uid] = seen.get(uid, -1) + 1
            fresh[(uid, seen[uid])] = values
    out = []
    ignored = [(i, h, hb.index(h)) for i, h in enumerate(ha) if h and h not in read and h in hb]
    seen.clear()
    for line, values in enumerate(ws_a.iter_rows(min_row=2, values_only=True), 2):
        uid = str(values[ida]).strip() if ida < len(values) and values[ida] else ""
        if not uid:
            continue
        seen[uid] = seen.get(uid, -1) + 1
        base = fresh.get((uid, seen[uid]))
        if base is None:
            continue
        for i, h, j in ignored:
            new = values[i] if i < len(values) else None
            old = base[j] if j < len(base) else None
            if not _same(new, old):
                out.append(RefusedCell(name, line, h, get_column_letter(i + 1), _show(old), _show(new)))
    return out


def _whole_sheet(name: str, ws_a: Any, ws_b: Any) -> list[RefusedCell]:
    rows_b = list(ws_b.iter_rows(values_only=True))
    out = []
    for r, values in enumerate(ws_a.iter_rows(values_only=True), 1):
        base = rows_b[r - 1] if r - 1 < len(rows_b) else ()
        for c in range(max(len(values), len(base))):
            new = values[c] if c < len(values) else None
            old = base[c] if c < len(base) else None
            if not _same(new, old):
                out.append(RefusedCell(name, r, "", get_column_letter(c + 1), _show(old), _show(new)))
    return out


def is_client_copy(path: Path) -> bool:
    """Whether the workbook is the client variant (its Summary says so)."""
    wb = load_workbook(path, read_only=True)
    try:
        if wbk.SUMMARY not in wb.sheetnames:
            return False
        for row in wb[wbk.SUMMARY].iter_rows(min_col=1, max_col=2, values_only=True):
            if row and row[0] == wbk.VARIANT_LABEL:
                return len(row) > 1 and row[1] == wbk.CLIENT_VARIANT
        return False
    finally:
        wb.close()


def start_date(path: Path) -> date | None:
    """The delivery start the workbook was exported with (its Summary's "Delivery starts" line),
    so a fresh export for comparison carries the same planned dates."""
    wb = load_workbook(path, read_only=True)
    try:
        if wbk.SUMMARY not in wb.sheetnames:
            return None
        for row in wb[wbk.SUMMARY].iter_rows(min_col=1, max_col=2, values_only=True):
            if row and row[0] == wbk.START_LABEL and len(row) > 1:
                value = row[1]
                return value.date() if isinstance(value, datetime) else value if isinstance(value, date) else None
        return None
    finally:
        wb.close()

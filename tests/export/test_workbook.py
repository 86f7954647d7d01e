"""The delivery handoff workbook, reopened with openpyxl: sheets, tables, frozen headers, drop-downs,
number formats, live formulas that agree with the pricing engine, the formula-injection guard and
a client variant with no cost or margin anywhere in the file."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, range_boundaries

from discovery_app.demo import create_demo
from discovery_app.domain.engagement import InventoryItem
from discovery_app.export import workbook as wbk
from discovery_app.export.atomic import ExportError
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.storage import repository as repo

DANGEROUS = ["=HYPERLINK(\"http://evil.invalid\",\"click\")", "+SUM(1,2)", "-2+3", "@SUM(A1)",
             "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbook")
    service = Discovery.open(AppPaths.resolve(folder / "store.sqlite3"))
    eid = create_demo(service)
    eng = service.engagements.get(eid)
    # Imported and typed data that a spreadsheet would run as a formula if written naively.
    extra = [InventoryItem(name=text, kind="workstation", notes=text, owner=text) for text in DANGEROUS]
    service.inventory.set_items(eid, [*eng.inventory, *extra])
    risks = list(eng.risks)
    risks[0] = risks[0].model_copy(update={"title": "=1+2 risky title", "evidence": "@evidence"})
    repo.replace_children(service.store, eid, "risks", risks)
    internal = service.handoff.export_workbook(eid, folder / "internal.xlsx").path
    client = service.handoff.export_workbook(eid, folder / "client.xlsx", client=True).path
    yield service, eid, internal, client
    service.close()


# ---- a small evaluator for the formulas the workbook writes ---------------------------------

TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?)
  | (?P<str>"[^"]*")
  | (?P<sref>(?:'[^']+'|[A-Za-z_][\w ]*)!\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)
  | (?P<table>[A-Za-z_]\w*\[[^\]]+\])
  | (?P<func>[A-Z]+)\(
  | (?P<ref>\$?[A-Z]+\$?\d+)
  | (?P<op><=|>=|<>|[-+*/(),=<>])
)""", re.X)


def as_decimal(value):
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    return value


class Evaluator:
    def __init__(self, wb):
        self.wb = wb
        self.tables = {name: (ws, ref) for ws in wb.worksheets for name, ref in ws.tables.items()}

    def cell(self, ws, ref):
        value = ws[ref.replace("$", "")].value
        if isinstance(value, str) and value.startswith("="):
            return self.eval(ws, value)
        return as_decimal(value)

    def column(self, spec):
        name, col = spec[:-1].split("[", 1)
        ws, ref = self.tables[name]
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        headers = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
        c = min_col + headers.index(col)
        return [self.cell(ws, ws.cell(r, c).coordinate) for r in range(min_row + 1, max_row + 1)]

    def eval(self, ws, formula):
        saved = getattr(self, "toks", None), getattr(self, "pos", 0), getattr(self, "ws", None)
        self.toks = [(m.lastgroup, m.group(m.lastgroup)) for m in TOKEN.finditer(formula[1:])]
        self.pos, self.ws = 0, ws
        value = self.expr()
        assert self.pos == len(self.toks), formula
        self.toks, self.pos, self.ws = saved  # formulas that refer to formulas evaluate nested
        return value

    def peek(self):
        return self.toks[self.pos] if self.pos < len(self.toks) else (None, None)

    def take(self):
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def expr(self):
        left = self.arith()
        while self.peek()[1] in ("=", ">=", "<=", "<>", ">", "<"):
            op = self.take()[1]
            right = self.arith()
            left = {"=": left == right, ">=": left >= right, "<=": left <= right, "<>": left != right,
                    ">": left > right, "<": left < right}[op]
        return left

    def arith(self):
        left = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.term()
            left = left + right if op == "+" else left - right
        return left

    def term(self):
        left = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            right = self.unary()
            left = left * right if op == "*" else left / right
        return left

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return -self.unary()
        return self.atom()

    def atom(self):
        kind, text = self.take()
        if kind == "num":
            return Decimal(text)
        if kind == "str":
            return text[1:-1]
        if kind == "ref":
            return self.cell(self.ws, text)
        if kind == "sref":
            sheet, ref = text.rsplit("!", 1)
            return self.cell(self.wb[sheet.strip("'")], ref)
        if kind == "table":
            return self.column(text)
        if text == "(":
            value = self.expr()
            assert self.take()[1] == ")"
            return value
        assert kind == "func", text
        args = []
        while self.peek()[1] != ")":
            args.append(self.expr())
            if self.peek()[1] == ",":
                self.take()
        self.take()
        return self.call(text, args)

    def call(self, name, args):
        def flat(values):
            for v in values:
                yield from (v if isinstance(v, list) else [v])

        if name == "SUM":
            return sum(flat(args), Decimal(0))
        if name == "SUBTOTAL":
            assert args[0] == 109
            return sum(flat(args[1:]), Decimal(0))
        if name == "ROUND":
            return args[0].quantize(Decimal(1).scaleb(-int(args[1])), ROUND_HALF_UP)
        if name in ("CEILING", "FLOOR", "MROUND"):
            mode = {"CEILING": ROUND_CEILING, "FLOOR": ROUND_FLOOR, "MROUND": ROUND_HALF_UP}[name]
            return (args[0] / args[1]).to_integral_value(mode) * args[1]
        if name == "MAX":
            return max(flat(args))
        if name == "MIN":
            return min(flat(args))
        if name == "IF":
            return args[1] if args[0] else args[2]
        if name == "SUMIFS":
            total = Decimal(0)
            for n, amount in enumerate(args[0]):
                if all(self.match(args[k][n], args[k + 1]) for k in range(1, len(args), 2)):
                    total += amount
            return total
        raise AssertionError(f"unexpected function {name}")

    @staticmethod
    def match(value, criterion):
        if criterion.endswith("*"):
            return isinstance(value, str) and value.startswith(criterion[:-1])
        return value == criterion


def summary_value(wb, label):
    ws = wb[wbk.SUMMARY]
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == label:
            value = row[1].value
            return Evaluator(wb).eval(ws, value) if isinstance(value, str) and value.startswith("=") else value
    raise KeyError(label)


def summary_label(wb, prefix):
    for (label,) in wb[wbk.SUMMARY].iter_rows(min_col=1, max_col=1, values_only=True):
        if isinstance(label, str) and label.startswith(prefix):
            return label
    raise KeyError(prefix)


# ---- structure -----------------------------------------------------------------------------


def test_every_sheet_is_there_and_each_data_sheet_is_a_filtered_table_with_a_frozen_header(demo):
    service, eid, internal, _ = demo
    wb = load_workbook(internal)
    assert wb.sheetnames == list(wbk.SHEETS)
    eng = service.engagements.get(eid)
    expected_rows = {wbk.INVENTORY: len(eng.inventory), wbk.RISKS: len(eng.risks),
                     wbk.STANDARDS: len(eng.standards), wbk.MATRIX: len(eng.responsibilities)}
    for title in wbk.TABLE_SHEETS:
        ws = wb[title]
        assert len(ws.tables) == 1, title
        table = next(iter(ws.tables.values()))
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        assert (min_col, min_row) == (1, 1)
        headers = [c.value for c in ws[1]][:max_col]
        assert [c.name for c in table.tableColumns] == headers, title
        assert table.autoFilter is not None and table.autoFilter.ref == table.ref
        assert table.tableStyleInfo.name
        assert ws.freeze_panes == "A2", title
        if title in expected_rows:
            assert max_row - 1 == expected_rows[title], title
        # Nothing but the totals row below the table.
        below = [r for r in ws.iter_rows(min_row=max_row + 1, values_only=True) if any(v is not None for v in r)]
        assert len(below) <= 1, title
        assert all(ws.column_dimensions[c].width for c in "AB"), title


def test_inventory_rows_carry_the_engagement_data_with_dates_formatted(demo):
    service, eid, internal, _ = demo
    eng = service.engagements.get(eid)
    ws = load_workbook(internal)[wbk.INVENTORY]
    header = [c.value for c in ws[1]]
    first = eng.inventory[0]
    row = {h: c for h, c in zip(header, ws[2], strict=False)}
    assert row["Name"].value == first.name and row[wbk.ID].value == first.uid
    assert row["Purchase Date"].value.date() == first.purchase_date
    assert row["Purchase Date"].number_format == "yyyy-mm-dd"
    assert row["Notes"].alignment.wrap_text


def test_every_inventory_row_keeps_its_own_values_and_styles(demo):
    """Rows alternate between plain and formula-like notes, dated and undated items: each cell
    shows its own row's value with its own column's style, whatever the row before it held."""
    service, eid, internal, _ = demo
    items = {i.uid: i for i in service.engagements.get(eid).inventory}
    ws = load_workbook(internal)[wbk.INVENTORY]
    header = [c.value for c in ws[1]]
    col = {h: n for n, h in enumerate(header)}
    quoted = plain = 0
    for row in ws.iter_rows(min_row=2, max_row=1 + len(items)):
        item = items[row[col[wbk.ID]].value]
        notes = row[col["Notes"]]
        assert (notes.value or "") == item.notes.replace("\r", "\n")
        if item.notes:
            assert notes.alignment.wrap_text
            assert notes.quotePrefix == item.notes.startswith(("=", "+", "-", "@", "\t", "\r")), item.notes
            quoted += notes.quotePrefix
            plain += not notes.quotePrefix
        for heading, value in (("Purchase Date", item.purchase_date), ("Warranty End", item.warranty_end)):
            cell = row[col[heading]]
            assert (cell.value.date() if cell.value else None) == value, (item.name, heading)
            if value:
                assert cell.number_format == "yyyy-mm-dd"
        assert not row[col["Name"]].alignment.wrap_text
    assert quoted and plain


def test_drop_downs_keep_owner_status_and_phase_in_the_vocabulary(demo):
    _, _, internal, _ = demo
    wb = load_workbook(internal)
    ws = wb[wbk.STABILIZATION]
    header = [c.value for c in ws[1]]
    lists = {}
    for dv in ws.data_validations.dataValidation:
        col = str(dv.sqref).split(":")[0].rstrip("0123456789")
        lists[header[column_index_from_string(col) - 1]] = (dv.type, dv.formula1, str(dv.sqref))
    assert lists[wbk.OWNER][:2] == ("list", '"Provider,Internal IT,Shared"')
    assert lists[wbk.PHASE][:2] == ("list", '"Stabilization,Roadmap"')
    assert lists[wbk.STATUS][1] == '"Not started,In progress,Blocked,Done"'
    assert "Systems engineer" in lists[wbk.ROLE][1]
    # The validations cover every data row (and some rows to grow into).
    last = range_boundaries(next(iter(ws.tables.values())).ref)[3]
    assert int(lists[wbk.OWNER][2].split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) > last
    assert any(dv.formula1 == '"Aligned,Exception,Missing,Not applicable"'
               for dv in wb[wbk.STANDARDS].data_validations.dataValidation)
    # The PSA phases are the stabilization plan's phases, then the roadmap.
    psa = [dv.formula1 for dv in wb[wbk.PSA].data_validations.dataValidation]
    assert any(f.startswith('"Onboarding and baseline,') and f.endswith(',Roadmap"') for f in psa), psa


def test_psa_sheet_uses_headings_a_psa_import_maps_directly(demo):
    service, eid, internal, _ = demo
    ws = load_workbook(internal)[wbk.PSA]
    header = [c.value for c in ws[1]]
    assert header == ["Phase", "Task Name", "Description", "Estimated Hours", "Role", "Owner", "Assigned Resource",
                      "Order", "Predecessor"]
    rows = [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True) if r[1]]
    quote = service.offer.quote(eid)
    hours = sum((Decimal(str(r["Estimated Hours"])) for r in rows), Decimal(0))
    assert hours == quote.stabilization.work.hours + sum((p.hours for p in quote.roadmap), Decimal(0))
    assert [r["Order"] for r in rows] == list(range(1, len(rows) + 1))
    # Internal IT's tasks go to the named internal IT owner.
    owner = service.engagements.get(eid).internal_it_owner
    assert all(r["Assigned Resource"] == owner for r in rows if r["Owner"] == "Internal IT")
    # A predecessor is the Order of an earlier row.
    preds = [int(p) for r in rows if r["Predecessor"] for p in str(r["Predecessor"]).split(", ")]
    assert preds and all(1 <= p <= len(rows) for p in preds)


# ---- formulas ------------------------------------------------------------------------------


def test_line_amounts_are_hours_times_rate_and_totals_are_formulas(demo):
    _, _, internal, _ = demo
    wb = load_workbook(internal)
    ws = wb[wbk.STABILIZATION]
    header = [c.value for c in ws[1]]
    col = {h: n for n, h in enumerate(header)}
    row2 = list(ws[2])
    assert row2[col[wbk.AMOUNT]].value == "=ROUND(D2*E2,2)"
    assert row2[col[wbk.AMOUNT]].number_format.startswith('"$"#,##0.00')
    assert row2[col[wbk.HOURS]].number_format == "#,##0.00"
    last = range_boundaries(next(iter(ws.tables.values())).ref)[3]
    totals = list(ws[last + 2])
    assert totals[0].value == "Total"
    assert totals[col[wbk.AMOUNT]].value == "=SUBTOTAL(109,StabilizationTasks[Amount])"


def test_formula_totals_equal_the_pricing_engine(demo):
    service, eid, internal, _ = demo
    quote = service.offer.quote(eid)
    wb = load_workbook(internal)
    assert summary_value(wb, "Stabilization subtotal") == quote.stabilization.work.subtotal
    assert summary_value(wb, "Stabilization hours") == quote.stabilization.work.hours
    assert summary_value(wb, summary_label(wb, "Rounded")) == quote.stabilization.gross
    assert summary_value(wb, "Launch and stabilization fee") == quote.stabilization.net
    assert summary_value(wb, "Monthly operations fee") == quote.monthly.net
    assert summary_value(wb, "First year (fee + 12 x monthly)") == quote.first_year_total
    assert summary_value(wb, "Roadmap projects total") == quote.roadmap_total
    assert summary_value(wb, "Stabilization cost") == quote.stabilization.cost
    assert summary_value(wb, "Monthly cost") == quote.monthly.cost
    margin = summary_value(wb, "Stabilization gross margin")
    assert (margin * 100).quantize(Decimal("0.01"), ROUND_HALF_UP) == quote.margins.stabilization.percent
    # Every section of the pricing lines adds up to the engine's section total.
    ws = wb[wbk.PRICING]
    ev = Evaluator(wb)
    sections, amounts = ev.column("PricingLines[Section]"), ev.column("PricingLines[Amount]")
    assert sum((a for s, a in zip(sections, amounts, strict=True) if s == "Launch and stabilization"),
               Decimal(0)) == quote.stabilization.net
    assert ws.max_row > 10


def test_editing_hours_in_the_sheet_moves_the_fee(demo, tmp_path):
    _, _, internal, _ = demo
    wb = load_workbook(internal)
    before = summary_value(wb, "Stabilization subtotal")
    ws = wb[wbk.STABILIZATION]
    ws["D2"].value = ws["D2"].value + 10
    rate = Decimal(str(ws["E2"].value))
    assert summary_value(wb, "Stabilization subtotal") == before + 10 * rate


def test_a_risk_score_and_band_are_formulas(demo):
    service, eid, internal, _ = demo
    wb = load_workbook(internal)
    ws = wb[wbk.RISKS]
    risk = service.engagements.get(eid).risks[1]
    ev = Evaluator(wb)
    assert ws["E3"].value == "=C3*D3"
    assert ev.eval(ws, ws["E3"].value) == risk.score
    assert ev.eval(ws, ws["F3"].value) in ("Low", "Medium", "High", "Critical")


# ---- safety --------------------------------------------------------------------------------


def sheet_xml(path: Path, title: str) -> str:
    wb = load_workbook(path, read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


def test_text_that_looks_like_a_formula_is_stored_as_quoted_text(demo):
    _, _, internal, _ = demo
    ws = load_workbook(internal)[wbk.INVENTORY]
    found = {}
    # XML turns a carriage return into a line feed on reading; the cell still starts with it.
    expected = {t.replace("\r", "\n") for t in DANGEROUS}
    for row in ws.iter_rows(min_row=2):
        if row[0].value in expected:
            found[row[0].value] = row[0]
    assert set(found) == expected
    for text, cell in found.items():
        assert cell.data_type == "s" and cell.quotePrefix, text
    xml = sheet_xml(internal, wbk.INVENTORY)
    # Not a single formula on the inventory sheet: every one of those cells is a string.
    assert "<f>" not in xml and "<f " not in xml
    for cell in found.values():
        m = re.search(rf'<c r="{cell.coordinate}"[^>]*>(.*?)</c>', xml)
        assert m and "<is>" in m.group(1) and "<f" not in m.group(1)
    risks = sheet_xml(internal, wbk.RISKS)
    m = re.search(r'<c r="A2"[^>]*>(.*?)</c>', risks)
    assert "=1+2 risky title" in m.group(1) and "<f" not in m.group(1)


def test_the_client_variant_has_no_cost_margin_or_approval_anywhere(demo):
    service, eid, internal, client = demo
    quote = service.offer.quote(eid)
    internal_only = re.compile(r"Cost Rate|\bCost\b|gross margin|Target gross|approval|Approved by|Internal:", re.I)
    # The internal variant does carry them, so the scan below can fail.
    internal_wb = load_workbook(internal)
    assert summary_value(internal_wb, "Stabilization cost") == quote.stabilization.cost
    assert wbk.COST in [c.value for c in internal_wb[wbk.STABILIZATION][1]]
    with zipfile.ZipFile(internal) as z:
        assert any(internal_only.search(z.read(n).decode("utf-8", "replace")) for n in z.namelist())

    wb = load_workbook(client)
    assert wb.sheetnames == list(wbk.SHEETS)
    assert all(ws.sheet_state == "visible" for ws in wb.worksheets)
    assert not wb.defined_names
    data_text = {t for ws in internal_wb.worksheets if ws.title != wbk.SUMMARY and ws.title != wbk.PRICING
                 for row in ws.iter_rows(min_row=2, values_only=True) for t in row if isinstance(t, str)}
    for ws in wb.worksheets:
        headers = [c.value for c in ws[1]]
        assert wbk.COST not in headers and wbk.COST_RATE not in headers, ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.comment is None
                if isinstance(cell.value, str) and cell.value not in data_text:
                    assert not internal_only.search(cell.value), (ws.title, cell.coordinate, cell.value)
    # The raw parts of the file too: no comments, no names, no cached values, no cost figures.
    costs = {quote.stabilization.cost, quote.monthly.cost, quote.first_year_cost}
    with zipfile.ZipFile(client) as z:
        names = z.namelist()
        assert not any("comments" in n or "vml" in n for n in names)
        for name in names:
            text = z.read(name).decode("utf-8", "replace")
            # The only names are the print settings (titles repeated, print area).
            assert set(re.findall(r'<definedName name="([^"]+)"', text)) <= {"_xlnm.Print_Titles", "_xlnm.Print_Area"}
            assert "<definedName>" not in text and "<comment" not in text, name
            assert not re.search(r"\bCost Rate\b|>Cost<|gross margin|Approved by", text), name
            if name.startswith("xl/worksheets/"):
                # Formulas carry their results (for viewers that do not recalculate), none of them a cost.
                for cost in costs:
                    assert f"<v>{cost.normalize():f}</v>" not in text, (name, cost)


def test_the_client_variant_still_prices_like_the_engine(demo):
    service, eid, _, client = demo
    wb = load_workbook(client)
    quote = service.offer.quote(eid)
    assert summary_value(wb, "Launch and stabilization fee") == quote.stabilization.net
    assert summary_value(wb, "Monthly operations fee") == quote.monthly.net
    assert summary_value(wb, "Variant") == wbk.CLIENT_VARIANT


# ---- writing the file ----------------------------------------------------------------------


def test_a_locked_target_names_the_file_and_changes_nothing(demo, tmp_path, monkeypatch):
    service, eid, _, _ = demo
    target = tmp_path / "handoff.xlsx"
    target.write_bytes(b"the team's earlier workbook")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used")

    monkeypatch.setattr("discovery_app.export.atomic.os.replace", locked)
    monkeypatch.setattr("discovery_app.export.atomic.time.sleep", lambda s: None)
    with pytest.raises(ServiceError, match=re.escape(str(target))) as err:
        service.handoff.export_workbook(eid, target)
    assert "open in another program" in str(err.value)
    assert target.read_bytes() == b"the team's earlier workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handoff.xlsx"]


def test_a_missing_folder_is_a_clear_error(demo, tmp_path):
    service, eid, _, _ = demo
    with pytest.raises(ServiceError, match="does not exist"):
        service.handoff.export_workbook(eid, tmp_path / "nowhere" / "handoff.xlsx")


def test_an_engagement_with_nothing_recorded_still_writes_valid_tables(tmp_path):
    service = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"))
    try:
        eid = service.engagements.create("Empty Co", discovery_date=date(2026, 1, 5))
        path = service.handoff.export_workbook(eid, tmp_path / "empty.xlsx").path
    finally:
        service.close()
    wb = load_workbook(path)
    for title in set(wbk.TABLE_SHEETS) - {wbk.PRICING, wbk.ANSWERS}:  # pricing has the monthly user lines
        table = next(iter(wb[title].tables.values()))
        assert range_boundaries(table.ref)[3] == 2, title  # header + one empty row
    assert summary_value(wb, "Launch and stabilization fee") == 0


def test_export_errors_are_export_errors_not_crashes(tmp_path):
    with pytest.raises(ExportError):
        from discovery_app.export.atomic import write_atomic

        write_atomic(tmp_path / "missing" / "x.xlsx", lambda fh: None)

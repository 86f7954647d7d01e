"""Round trip: export the workbook, edit it as the delivery team would (with openpyxl), preview
exactly those differences, apply them, and find them in the engagement. A broken workbook is
refused with a message naming sheet, row and column, and changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from discovery_app.demo import create_demo
from discovery_app.domain.forms import Party, Phase
from discovery_app.export import workbook as wbk
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError


@pytest.fixture
def demo(tmp_path):
    service = Discovery.open(AppPaths.resolve(tmp_path / "store.sqlite3"))
    eid = create_demo(service)
    path = service.handoff.export_workbook(eid, tmp_path / "handoff.xlsx").path
    yield service, eid, path
    service.close()


def columns(ws):
    return {c.value: c.column for c in ws[1]}


def find_row(ws, header, value):
    col = columns(ws)[header]
    for row in ws.iter_rows(min_row=2):
        if row[col - 1].value == value:
            return row[0].row
    raise KeyError(value)


def test_an_unedited_workbook_has_no_changes(demo):
    service, eid, path = demo
    diff = service.handoff.preview_workbook_changes(eid, path)
    assert diff.empty, diff.lines()


def test_edited_hours_owners_and_new_rows_preview_exactly_then_apply(demo):
    service, eid, path = demo
    before = service.engagements.get(eid)
    wb = load_workbook(path)

    # Tasks: more hours on one line, a new owner on every row of another task, one new task.
    ws = wb[wbk.STABILIZATION]
    c = columns(ws)
    task = ws.cell(2, c[wbk.ID]).value
    role_name = ws.cell(2, c[wbk.ROLE]).value
    old_hours = Decimal(str(ws.cell(2, c[wbk.HOURS]).value))
    ws.cell(2, c[wbk.HOURS]).value = float(old_hours + Decimal("2.5"))
    other = next(r.uid for r in before.remediation
                 if r.accepted and r.phase is Phase.STABILIZATION and r.uid != task and r.owner is Party.PROVIDER)
    for row in ws.iter_rows(min_row=2):
        if row[c[wbk.ID] - 1].value == other:
            row[c[wbk.OWNER] - 1].value = "Internal IT"
    new_row = ws.max_row + 1  # below the totals row: where a careless edit lands
    for header, value in {wbk.TASK_NAME: "Label the patch panel", wbk.ROLE: "Service desk technician",
                          wbk.HOURS: 3, wbk.OWNER: "Shared", wbk.PRIORITY: "Low"}.items():
        ws.cell(new_row, c[header]).value = value

    # Inventory: one changed site, one new row, one removed row.
    inv = wb[wbk.INVENTORY]
    ic = columns(inv)
    first = before.inventory[0]
    inv.cell(find_row(inv, wbk.ID, first.uid), ic["Site"]).value = "Eugene"
    gone = before.inventory[-1]
    inv.delete_rows(find_row(inv, wbk.ID, gone.uid))
    r = inv.max_row + 1
    inv.cell(r, ic["Name"]).value = "PDX-WS99"
    inv.cell(r, ic["Category"]).value = "Device"
    inv.cell(r, ic["Kind"]).value = "workstation"
    # Risks: a new likelihood.
    rk = wb[wbk.RISKS]
    rc = columns(rk)
    risk = before.risks[2]
    new_likelihood = 1 if risk.likelihood != 1 else 2
    rk.cell(find_row(rk, wbk.ID, risk.uid), rc["Likelihood"]).value = new_likelihood
    wb.save(path)

    diff = service.handoff.preview_workbook_changes(eid, path)
    assert diff.counts() == {"changed": 4, "new": 2, "removed": 1}, diff.lines()
    changed = {r.uid: r for r in diff.rows if r.kind == "changed"}
    role_id = next(ro.id for ro in service.forms.of(before).pricing.roles if ro.name == role_name)
    assert [(c.column, c.old, c.new) for c in changed[task].changes] == [
        (f"Hours ({role_name})", str(old_hours), str(old_hours + Decimal("2.5")))]
    assert [(c.column, c.new) for c in changed[other].changes] == [("Owner", "internal")]
    assert [(c.column, c.old, c.new) for c in changed[first.uid].changes] == [("Site", first.site, "Eugene")]
    assert [c.column for c in changed[risk.uid].changes] == ["Likelihood"]
    assert {(r.sheet, r.label) for r in diff.rows if r.kind == "new"} == {
        (wbk.STABILIZATION, "Label the patch panel"), (wbk.INVENTORY, "PDX-WS99")}
    assert [(r.sheet, r.uid) for r in diff.rows if r.kind == "removed"] == [(wbk.INVENTORY, gone.uid)]
    # Previewing wrote nothing.
    assert service.engagements.get(eid).model_dump() == before.model_dump()

    assert service.handoff.apply_workbook_changes(eid, diff) == 7
    after = service.engagements.get(eid)
    items = {r.uid: r for r in after.remediation}
    assert items[task].hours[role_id] == old_hours + Decimal("2.5")
    assert items[other].owner is Party.INTERNAL
    added = next(r for r in after.remediation if r.title == "Label the patch panel")
    assert (added.hours, added.owner, added.phase) == ({"technician": Decimal("3.00")}, Party.SHARED, Phase.STABILIZATION)
    inv_after = {i.uid: i for i in after.inventory}
    assert inv_after[first.uid].site == "Eugene"
    assert gone.uid not in inv_after
    assert any(i.name == "PDX-WS99" and i.kind == "workstation" for i in after.inventory)
    assert next(r for r in after.risks if r.uid == risk.uid).likelihood == new_likelihood
    assert len(after.remediation) == len(before.remediation) + 1
    # The price follows: the engine now sees the extra hours.
    assert service.offer.quote(eid).stabilization.work.hours == before_hours(service, before) + Decimal("5.5")
    # A fresh export carries the new rows' IDs, so re-importing it changes nothing.
    fresh = service.handoff.export_workbook(eid, path).path
    assert service.handoff.preview_workbook_changes(eid, fresh).empty


def before_hours(service, eng):
    from discovery_app.domain.basis import Basis
    from discovery_app.domain.pricing import build_quote

    return build_quote(Basis.of(eng), service.forms.of(eng)).stabilization.work.hours


def test_a_diff_is_refused_once_the_engagement_changed_after_the_preview(demo):
    service, eid, path = demo
    wb = load_workbook(path)
    inv = wb[wbk.INVENTORY]
    inv.cell(2, columns(inv)["Site"]).value = "Eugene"
    wb.save(path)
    diff = service.handoff.preview_workbook_changes(eid, path)
    eng = service.engagements.get(eid)
    service.inventory.set_items(eid, eng.inventory[1:])
    with pytest.raises(ServiceError, match="preview the workbook again"):
        service.handoff.apply_workbook_changes(eid, diff)
    assert len(service.engagements.get(eid).inventory) == len(eng.inventory) - 1


@pytest.mark.parametrize(("sheet", "header", "value", "message"), [
    (wbk.STABILIZATION, wbk.HOURS, "lots", "is not a number of hours"),
    (wbk.STABILIZATION, wbk.OWNER, "Somebody", "is not one of Provider, Internal IT, Shared"),
    (wbk.STABILIZATION, wbk.ROLE, "Wizard", "is not a role of the form"),
    (wbk.RISKS, "Likelihood", 9, "is not a whole number from 1 to 5"),
    (wbk.RISKS, "Impact", "=2+2", "holds a formula"),
    (wbk.INVENTORY, "Purchase Date", "last spring", "is not a date"),
    (wbk.INVENTORY, wbk.ID, "not-an-id", "is not an ID of this engagement"),
])
def test_a_bad_cell_names_sheet_row_and_column_and_changes_nothing(demo, sheet, header, value, message):
    service, eid, path = demo
    before = service.engagements.get(eid).model_dump()
    wb = load_workbook(path)
    ws = wb[sheet]
    col = columns(ws)[header]
    ws.cell(3, col).value = value
    # A good edit elsewhere must not be applied either.
    inv = wb[wbk.INVENTORY]
    inv.cell(4, columns(inv)["Site"]).value = "Eugene"
    wb.save(path)
    with pytest.raises(ServiceError) as err:
        service.handoff.preview_workbook_changes(eid, path)
    text = str(err.value)
    letter = ws.cell(3, col).column_letter
    assert f"{sheet}, row 3, column {header} ({letter})" in text
    assert message in text
    assert "nothing was changed" in text
    assert service.engagements.get(eid).model_dump() == before


def test_a_missing_sheet_or_column_is_named(demo):
    service, eid, path = demo
    wb = load_workbook(path)
    del wb[wbk.RISKS]
    ws = wb[wbk.INVENTORY]
    ws.cell(1, columns(ws)["Name"]).value = "Device name"
    wb.save(path)
    with pytest.raises(ServiceError, match="no sheet 'Risks'"):
        service.handoff.preview_workbook_changes(eid, path)
    wb = load_workbook(path)
    wb.create_sheet(wbk.RISKS)
    wb.save(path)
    with pytest.raises(ServiceError) as err:
        service.handoff.preview_workbook_changes(eid, path)
    assert "Inventory: the header row (row 1) has no column 'Name'" in str(err.value)


def test_a_workbook_of_another_engagement_is_refused(demo, tmp_path):
    service, eid, path = demo
    other = service.engagements.duplicate(eid, "Other Client")
    with pytest.raises(ServiceError, match="belongs to another engagement"):
        service.handoff.preview_workbook_changes(other, path)


def test_a_file_that_is_not_a_workbook_is_a_clear_error(demo, tmp_path):
    service, eid, _ = demo
    bad = tmp_path / "notes.xlsx"
    bad.write_text("just text", encoding="utf-8")
    with pytest.raises(ServiceError, match="(?s)notes.xlsx cannot be imported.*not an Excel workbook"):
        service.handoff.preview_workbook_changes(eid, bad)


def test_text_that_looks_like_a_formula_survives_the_round_trip(demo):
    service, eid, path = demo
    wb = load_workbook(path)
    inv = wb[wbk.INVENTORY]
    cell = inv.cell(2, columns(inv)["Notes"])
    cell.value = "=HYPERLINK(\"x\")"
    cell.data_type = "s"  # typed as text, as Excel stores a quote-prefixed entry
    wb.save(path)
    diff = service.handoff.preview_workbook_changes(eid, path)
    service.handoff.apply_workbook_changes(eid, diff)
    assert service.engagements.get(eid).inventory[0].notes == "=HYPERLINK(\"x\")"
    again = service.handoff.export_workbook(eid, path).path
    reread = load_workbook(again)[wbk.INVENTORY].cell(2, columns(inv)["Notes"])
    assert reread.data_type == "s" and reread.quotePrefix

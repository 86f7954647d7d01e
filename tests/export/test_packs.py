"""Import packs for the tools delivery uses: each pack's header matches its tool's table, the demo
engagement's pack passes every check, and a bad value stops the pack with file, row and column."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date

import pytest

from discovery_app.demo import create_demo
from discovery_app.domain import calendar
from discovery_app.export import packs
from discovery_app.export.packs.tools import build_pack
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError

START = date(2027, 1, 4)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packs")
    service = Discovery.open(AppPaths.resolve(folder / "store.sqlite3"))
    eid = create_demo(service)
    yield service, eid, service.handoff.workbook_data(eid, client=True, start=START)
    service.close()


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("tool", packs.TOOLS)
def test_each_tools_pack_of_the_demo_passes_its_checks_and_matches_its_table(demo, tool, tmp_path):
    service, eid, data = demo
    pack = build_pack(data, tool)
    assert packs.check(pack) == []
    table = json.loads(packs.picklist_path(tool).read_text(encoding="utf-8"))["picklists"]
    columns = {c for f in pack.files for c in f.columns}
    assert set(table) <= columns, "every picklist in the table is a column of the pack"
    result = service.handoff.export_pack(eid, tool, tmp_path / tool, start=START)
    assert {p.name for p in result.files} == {f.name for f in pack.files} | {packs.README}
    for f in pack.files:
        raw = (tmp_path / tool / f.name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
        header, rows = read_csv(tmp_path / tool / f.name)
        assert tuple(header) == f.columns
        assert len(rows) == len(f.rows) > 0
        for row in rows:
            for col in f.required:
                assert row[col].strip(), (f.name, col)
            for col in f.dates:
                if row[col]:
                    assert date.fromisoformat(row[col])
            for col, values in table.items():
                if col in row and row[col]:
                    assert row[col] in values["values"], (f.name, col, row[col])
    readme = (tmp_path / tool / packs.README).read_text(encoding="utf-8")
    assert data.client_name in readme and "How to import" in readme
    for f in pack.files:
        assert f.name in readme


def test_the_work_plan_carries_the_plans_weeks_as_dates(demo, tmp_path):
    service, eid, data = demo
    report = service.documents.report(eid)
    service.handoff.export_pack(eid, "connectwise", tmp_path / "cw", start=START)
    _, rows = read_csv(tmp_path / "cw" / "project-work-plan.csv")
    phases = [r for r in rows if r["Type"] == "Phase"]
    assert [r["Summary"] for r in phases] == [p.name for p in report.plan.phases]
    tickets = [r for r in rows if r["Type"] == "Ticket"]
    assert len(tickets) == len(report.plan.tasks)
    for r, t in zip(tickets, report.plan.tasks, strict=True):
        assert r["Summary"] == f"{t.number}. {t.title}"
        assert (r["Start Date"], r["Due Date"]) == tuple(d.isoformat() for d in calendar.span(START, t.start_week,
                                                                                                t.end_week))
        assert r["WBS"].split(".")[0] == str(next(p.number for p in report.plan.phases if p.name == t.phase))


def test_formula_like_text_stops_the_pack_and_names_file_row_and_column(demo, tmp_path):
    _, _, data = demo
    first = replace(data.inventory[0], name='=HYPERLINK("http://evil.invalid","x")')
    hostile = replace(data, inventory=(first, *data.inventory[1:]))
    pack = build_pack(hostile, "itglue")
    problems = packs.check(pack)
    assert any(p.startswith("configurations.csv, row 2, column 'name': starts with '='") for p in problems)
    with pytest.raises(packs.PackError) as err:
        packs.write_pack(pack, tmp_path / "itglue")
    assert "was not written" in str(err.value)
    assert not (tmp_path / "itglue").exists()  # nothing written, not even the folder
    # A phone number starts with "+" but cannot run anything.
    assert packs.check(build_pack(data, "generic")) == []
    assert any(c.phone.startswith("+") for c in data.people)


def test_a_value_outside_the_picklist_or_a_bad_date_is_refused(demo):
    _, _, data = demo
    pack = build_pack(data, "connectwise")
    cfg = pack.files[0]
    bad_rows = (dict(cfg.rows[0], **{"Configuration Type": "Toaster", "Purchase Date": "04/25/2021"}), *cfg.rows[1:])
    bad = replace(pack, files=(replace(cfg, rows=bad_rows), *pack.files[1:]))
    problems = packs.check(bad)
    assert any("row 2, column 'Configuration Type': 'Toaster' is not in the connectwise picklist" in p for p in problems)
    assert any("row 2, column 'Purchase Date': '04/25/2021' is not a date written YYYY-MM-DD" in p for p in problems)
    missing = replace(pack, files=(replace(cfg, columns=cfg.columns[1:]), *pack.files[1:]))
    assert any("the header has no 'Configuration Type' column" in p for p in packs.check(missing))


def test_an_edited_picklist_table_is_used_and_a_broken_one_is_reported(demo, tmp_path):
    _, _, data = demo
    table = json.loads(packs.picklist_path("halopsa").read_text(encoding="utf-8"))
    table["picklists"]["assettype_name"]["values"].append("PC")
    table["picklists"]["assettype_name"]["map"]["workstation"] = "PC"
    edited = tmp_path / "halopsa.json"
    edited.write_text(json.dumps(table), encoding="utf-8")
    pack = build_pack(data, "halopsa", packs.load_picklists("halopsa", edited))
    assert packs.check(pack) == []
    assert "PC" in {r["assettype_name"] for r in pack.files[0].rows}
    table["picklists"]["assettype_name"]["default"] = "Gadget"
    edited.write_text(json.dumps(table), encoding="utf-8")
    with pytest.raises(packs.PackError, match="the default 'Gadget' is not one of its values"):
        packs.load_picklists("halopsa", edited)
    edited.write_text("{not json", encoding="utf-8")
    with pytest.raises(packs.PackError, match="cannot be read"):
        packs.load_picklists("halopsa", edited)


def test_a_missing_parent_folder_is_a_clear_error(demo, tmp_path):
    service, eid, _ = demo
    with pytest.raises(ServiceError, match="does not exist"):
        service.handoff.export_pack(eid, "generic", tmp_path / "no" / "such")


def test_manufacturer_and_asset_tag_reach_the_tools_that_take_them(demo):
    _, _, data = demo
    device = next(i for i in data.inventory if i.category == "Device")
    tagged = replace(device, manufacturer="Dell Inc.", asset_tag="HF-0042")
    data = replace(data, inventory=tuple(tagged if i is device else i for i in data.inventory))
    cw = next(r for r in build_pack(data, "connectwise").files[0].rows if r["Configuration Name"] == device.name)
    assert (cw["Manufacturer Company Name"], cw["Tag Number"]) == ("Dell Inc.", "HF-0042")
    itg = next(r for r in build_pack(data, "itglue").files[0].rows if r["name"] == device.name)
    assert (itg["manufacturer"], itg["asset_tag"]) == ("Dell Inc.", "HF-0042")
    gen = next(r for r in build_pack(data, "generic").files[0].rows if r["ID"] == device.uid)
    assert (gen["Manufacturer"], gen["Asset Tag"]) == ("Dell Inc.", "HF-0042")

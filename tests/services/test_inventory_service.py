from pathlib import Path

import pytest

from discovery_app.domain.inventory import Target
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.services.inventory import ImportRejected

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"


@pytest.fixture
def service(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=FORMS)
    yield s
    s.close()


def write(tmp_path, text, name="export.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_import_is_one_batch_that_undoes_whole(service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    first = service.inventory.import_file(eid, write(tmp_path, "Hostname,Type\nA,Server\nB,Desktop\n"))
    second = service.inventory.import_file(eid, write(tmp_path, "Hostname,Type\nC,Server\n", "b.csv"))
    assert [i.name for i in service.inventory.items(eid)] == ["A", "B", "C"]
    assert service.inventory.undo_import(eid, first.batch) == 2
    assert [i.name for i in service.inventory.items(eid)] == ["C"]
    assert second.batch != first.batch


def test_all_or_nothing_leaves_the_store_unchanged(service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    with pytest.raises(ImportRejected) as info:
        service.inventory.import_file(eid, write(tmp_path, "Hostname,Warranty End\nA,2027-01-01\n,2027-01-01\n"))
    assert info.value.report.reject_lines() == ["export.csv, line 3: Name is empty"]
    assert service.inventory.items(eid) == []


def test_a_corrected_mapping_is_remembered_for_the_next_file(service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    text = "Asset,Where\nFS01,Portland\n"
    first = service.inventory.preview_file(write(tmp_path, text))
    assert not first.remembered and first.mapping == {}
    service.inventory.import_file(eid, write(tmp_path, text), mapping={0: Target.NAME, 1: Target.SITE})
    again = service.inventory.preview_file(write(tmp_path, text, "next-month.csv"))
    assert again.remembered and again.mapping == {0: Target.NAME, 1: Target.SITE}
    assert service.inventory.items(eid)[0].site == "Portland"


def test_a_kind_the_form_does_not_know_keeps_the_tools_word(service, tmp_path):
    # The mini form knows only workstation and server, and has no "other" kind.
    eid = service.engagements.create("Acme", form_key="mini")
    service.inventory.import_file(eid, write(tmp_path, "Hostname,Type\nSW1,Switch\nPC1,Desktop\n"))
    assert [(i.name, i.kind) for i in service.inventory.items(eid)] == [("SW1", "Switch"), ("PC1", "workstation")]


SNIPE = ("Asset Tag,Item Name,Category,Manufacturer,Model,Serial,Checked Out To: Username,Location\n"
         "A-1,Reception PC,Desktop,HP,ProDesk 400,CZC1,jdoe,HQ\n"
         "A-2,Sales laptop,Laptop,Lenovo,ThinkPad T14,PF2X,asmith,HQ\n"
         "A-3,File server,Server,Dell,PowerEdge T440,7XK2,,Server room\n")


def test_importing_the_same_file_twice_does_not_double_the_devices(service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    first = service.inventory.import_file(eid, write(tmp_path, SNIPE))
    assert (first.imported, first.updated, first.unchanged) == (3, 0, 0)
    again = service.inventory.import_file(eid, write(tmp_path, SNIPE))
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)
    assert again.counts_text() == "0 new, 0 updated, 3 unchanged"
    assert len(service.inventory.items(eid)) == 3  # pricing counts the inventory: not doubled either


def test_a_reimport_updates_what_changed_and_adds_only_new_devices(service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    service.inventory.import_file(eid, write(tmp_path, SNIPE))
    typed = service.inventory.items(eid)
    typed[0] = typed[0].model_copy(update={"notes": "typed by the consultant"})
    service.inventory.set_items(eid, typed)
    # Next month: the laptop moved and was renamed (same serial), the PC's owner cell is empty,
    # a new device arrived.
    later = SNIPE.replace("A-2,Sales laptop,Laptop,Lenovo,ThinkPad T14,PF2X,asmith,HQ",
                          "A-2,SALES-LT-02,Laptop,Lenovo,ThinkPad T14,PF2X,asmith,Branch")
    later = later.replace("CZC1,jdoe,HQ", "CZC1,,HQ") + "A-4,New laptop,Laptop,Dell,Latitude 5440,9ZZ9,bkim,HQ\n"
    report = service.inventory.import_file(eid, write(tmp_path, later, "next-month.csv"))
    assert (report.imported, report.updated, report.unchanged) == (1, 1, 2)
    items = {i.serial: i for i in service.inventory.items(eid)}
    assert len(items) == 4
    assert (items["PF2X"].name, items["PF2X"].site) == ("SALES-LT-02", "Branch")
    assert items["CZC1"].owner == "jdoe"  # an empty cell never clears a value
    assert items["CZC1"].notes == "typed by the consultant"
    assert items["9ZZ9"].kind == "Laptop"  # the mini form has no laptop kind: the tool's word is kept


def test_names_match_case_insensitively_when_there_is_no_serial(service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    service.inventory.import_file(eid, write(tmp_path, "Hostname,Type\nPDX-WS01,Desktop\nPDX-SW01,Switch\n"))
    report = service.inventory.import_file(eid, write(tmp_path, "Hostname,Type\npdx-ws01,Server\nPDX-SW01,Switch\n"))
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 1)
    assert [(i.name, i.kind) for i in service.inventory.items(eid)] == [("PDX-WS01", "server"), ("PDX-SW01", "Switch")]


def test_as_new_forces_every_row_in_as_a_new_item(service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    service.inventory.import_file(eid, write(tmp_path, SNIPE))
    report = service.inventory.import_file(eid, write(tmp_path, SNIPE), as_new=True)
    assert report.imported == 3 and len(service.inventory.items(eid)) == 6


def test_a_dry_run_counts_and_writes_nothing(service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    service.inventory.import_file(eid, write(tmp_path, SNIPE))
    report = service.inventory.import_file(eid, write(tmp_path, SNIPE + "A-9,Extra,Desktop,HP,X,QQ1,,HQ\n"), dry_run=True)
    assert report.counts_text() == "1 new, 0 updated, 3 unchanged"
    assert len(service.inventory.items(eid)) == 3


def test_a_profile_saved_once_maps_the_next_export_of_that_tool(service, tmp_path):
    text = "Gadget,Where,Box\nPC-1,HQ,Desktop\n"
    path = write(tmp_path, text)
    preview = service.inventory.preview_file(path)
    assert Target.NAME not in preview.mapping.values()
    service.inventory.save_profile("Acme CMDB", preview.headers, {0: Target.NAME, 1: Target.SITE, 2: Target.KIND})
    # Next month's export has the columns in another order.
    later = service.inventory.preview_file(write(tmp_path, "Box,Gadget,Where\nLaptop,PC-2,HQ\n", "b.csv"),
                                           profile="acme cmdb")
    assert later.mapping == {0: Target.KIND, 1: Target.NAME, 2: Target.SITE}
    assert list(service.inventory.profiles()) == ["Acme CMDB"]

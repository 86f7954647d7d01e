from pathlib import Path

import pytest

from discovery_app.domain.inventory import Target
from discovery_app.paths import AppPaths
from discovery_app.services import DiscoveryService
from discovery_app.services.inventory import ImportRejected

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"


@pytest.fixture
def service(tmp_path):
    s = DiscoveryService.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=FORMS)
    yield s
    s.close()


def write(tmp_path, text, name="export.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_import_is_one_batch_that_undoes_whole(service, tmp_path):
    eid = service.create_engagement("Acme", form_key="mini")
    first = service.import_inventory(eid, write(tmp_path, "Hostname,Type\nA,Server\nB,Desktop\n"))
    second = service.import_inventory(eid, write(tmp_path, "Hostname,Type\nC,Server\n", "b.csv"))
    assert [i.name for i in service.inventory(eid)] == ["A", "B", "C"]
    assert service.undo_inventory_import(eid, first.batch) == 2
    assert [i.name for i in service.inventory(eid)] == ["C"]
    assert second.batch != first.batch


def test_all_or_nothing_leaves_the_store_unchanged(service, tmp_path):
    eid = service.create_engagement("Acme", form_key="mini")
    with pytest.raises(ImportRejected) as info:
        service.import_inventory(eid, write(tmp_path, "Hostname,Warranty End\nA,2027-01-01\n,2027-01-01\n"))
    assert info.value.report.reject_lines() == ["export.csv, line 3: Name is empty"]
    assert service.inventory(eid) == []


def test_a_corrected_mapping_is_remembered_for_the_next_file(service, tmp_path):
    eid = service.create_engagement("Acme", form_key="mini")
    text = "Asset,Where\nFS01,Portland\n"
    first = service.preview_inventory_file(write(tmp_path, text))
    assert not first.remembered and first.mapping == {}
    service.import_inventory(eid, write(tmp_path, text), mapping={0: Target.NAME, 1: Target.SITE})
    again = service.preview_inventory_file(write(tmp_path, text, "next-month.csv"))
    assert again.remembered and again.mapping == {0: Target.NAME, 1: Target.SITE}
    assert service.inventory(eid)[0].site == "Portland"


def test_a_kind_the_form_does_not_know_keeps_the_tools_word(service, tmp_path):
    # The mini form knows only workstation and server, and has no "other" kind.
    eid = service.create_engagement("Acme", form_key="mini")
    service.import_inventory(eid, write(tmp_path, "Hostname,Type\nSW1,Switch\nPC1,Desktop\n"))
    assert [(i.name, i.kind) for i in service.inventory(eid)] == [("SW1", "Switch"), ("PC1", "workstation")]

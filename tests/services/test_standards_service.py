from pathlib import Path

import pytest

from discovery_app.domain.engagement import ExceptionDecision, InventoryItem, StandardStatus
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"


@pytest.fixture
def service(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=FORMS)
    yield s
    s.close()


@pytest.fixture
def eid(service):
    return service.engagements.create("Acme", form_key="mini")


def test_categories_start_unassessed(service, eid):
    view = service.standards.view(eid)
    assert [c.id for c in view.categories] == ["rmm", "backup"]
    assert view.assessments == {}
    assert (view.alignment.assessed, view.alignment.total, view.alignment.percent) == (0, 2, None)


def test_exception_in_the_lane_is_saved_and_priced(service, eid):
    service.standards.set_assessment(eid, "rmm", status="exception", current_tool="Kaseya")
    service.standards.set_assessment(eid, "rmm", decision=ExceptionDecision.EXCEPTION_LANE)
    service.standards.set_assessment(eid, "backup", status=StandardStatus.ALIGNED)
    view = service.standards.view(eid)
    rmm = view.assessments["rmm"]
    assert (rmm.status, rmm.current_tool, rmm.decision) == (StandardStatus.EXCEPTION, "Kaseya", ExceptionDecision.EXCEPTION_LANE)
    assert view.alignment.percent == 50
    surcharges = service.offer.quote(eid).monthly.surcharges
    assert [(s.category_id, str(s.amount)) for s in surcharges] == [("rmm", "100.00")]


def test_leaving_exception_clears_its_decision(service, eid):
    service.standards.set_assessment(eid, "rmm", status="exception", decision="remediate")
    record = service.standards.set_assessment(eid, "rmm", status="aligned")
    assert record.decision is None
    assert service.standards.view(eid).assessments["rmm"].decision is None


def test_restore_puts_a_category_back_to_not_assessed(service, eid):
    service.standards.set_assessment(eid, "backup", status="missing", notes="USB disk")
    service.standards.restore_assessment(eid, "backup", None)
    assert "backup" not in service.standards.view(eid).assessments


def test_unknown_category_and_bad_status_are_refused(service, eid):
    with pytest.raises(ServiceError, match="no standards category"):
        service.standards.set_assessment(eid, "coffee", status="aligned")
    with pytest.raises(ServiceError):
        service.standards.set_assessment(eid, "rmm", status="sort of")


# ---- inventory edits by uid (services/inventory.py) -------------------------------------

def _items(service, eid, n=5):
    items = [InventoryItem(name=f"PC-{i}", kind="workstation", site="Portland") for i in range(n)]
    service.inventory.add_items(eid, items)
    return items


def test_single_item_update_touches_only_that_item(service, eid):
    items = _items(service, eid)
    service.inventory.update_item(eid, items[2].model_copy(update={"owner": "Grace"}))
    assert [i.owner for i in service.inventory.items(eid)] == ["", "", "Grace", "", ""]


def test_bulk_fields_and_delete_restore_keep_order(service, eid):
    items = _items(service, eid)
    assert service.inventory.update_fields(eid, [([items[0].uid, items[4].uid], {"site": "Salem"})]) == 2
    assert [i.site for i in service.inventory.items(eid)] == ["Salem", "Portland", "Portland", "Portland", "Salem"]
    removed = service.inventory.delete_items(eid, [items[1].uid, items[3].uid])
    assert [i.name for i in service.inventory.items(eid)] == ["PC-0", "PC-2", "PC-4"]
    service.inventory.restore_items(eid, removed)
    assert [i.name for i in service.inventory.items(eid)] == [f"PC-{i}" for i in range(5)]


def test_bulk_edit_refuses_other_fields(service, eid):
    items = _items(service, eid, 1)
    with pytest.raises(ServiceError):
        service.inventory.update_fields(eid, [([items[0].uid], {"name": ""})])

"""Suggested findings through the service: accept makes the risk with its evidence and links,
dismiss is remembered with its reason, and the lists follow the answers and the inventory."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from discovery_app.demo import create_demo
from discovery_app.domain.engagement import StandardStatus
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError

SHIPPED_FORMS = Path(__file__).parents[2] / "forms"
TODAY = date(2026, 12, 3)


@pytest.fixture
def service(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=SHIPPED_FORMS)
    yield s
    s.close()


@pytest.fixture
def demo(service):
    return create_demo(service)


def keys(service, eid, **kw):
    return [s.key for s in service.suggestions.current(eid, today=TODAY, **kw)]


def test_accept_creates_the_risk_with_evidence_and_linked_devices(service, demo):
    s = next(x for x in service.suggestions.current(demo, today=TODAY) if x.key == "risk:servers_out_of_warranty")
    before = len(service.findings.risks(demo))
    risk = service.suggestions.accept(demo, s.key, today=TODAY)
    assert len(service.findings.risks(demo)) == before + 1
    assert risk.template_id == "servers_out_of_warranty"
    assert "PDX-HV01" in risk.evidence and risk.evidence.startswith("Suggested from the discovery: ")
    names = service.inventory.names(demo, risk.linked_inventory)
    assert set(names.values()) == {"PDX-HV01", "PDX-NAS01"}
    assert s.key not in keys(service, demo)  # in the register now: no longer suggested
    with pytest.raises(ServiceError, match="no suggestion"):
        service.suggestions.accept(demo, s.key, today=TODAY)


def test_accepting_a_standards_gap_records_the_category_as_missing(service, demo):
    service.standards.restore_assessment(demo, "saas_backup", None)
    assert "standard:saas_backup" in keys(service, demo)
    record = service.suggestions.accept(demo, "standard:saas_backup", today=TODAY)
    assert record.status is StandardStatus.MISSING and "separate tool?: No" in record.notes
    assert "standard:saas_backup" not in keys(service, demo)


def test_dismiss_is_remembered_with_its_reason_and_can_be_undone(service, demo):
    count = service.suggestions.open_count(demo, today=TODAY)
    service.suggestions.dismiss(demo, "risk:no_security_training", "  Training starts in January  ")
    assert service.suggestions.open_count(demo, today=TODAY) == count - 1
    dismissed = [s for s in service.suggestions.current(demo, today=TODAY) if s.dismissed]
    assert [(s.key, s.dismiss_reason) for s in dismissed] == [("risk:no_security_training", "Training starts in January")]
    assert keys(service, demo, include_dismissed=False).count("risk:no_security_training") == 0
    service.suggestions.restore(demo, "risk:no_security_training")
    assert service.suggestions.open_count(demo, today=TODAY) == count
    with pytest.raises(ServiceError, match="suggest nothing called"):
        service.suggestions.dismiss(demo, "risk:made_up")


def test_suggestions_follow_the_answers(service, demo):
    assert "risk:mfa_not_enforced" not in keys(service, demo)  # the demo's register has it
    eid = service.engagements.create("Acme", form_key="co-managed-discovery")
    assert keys(service, eid) == []
    service.interview.set_answer(eid, "mfa_coverage", "admins_only")
    assert keys(service, eid) == ["risk:mfa_not_enforced"]
    service.interview.set_answer(eid, "mfa_coverage", "everywhere")
    assert keys(service, eid) == []


def test_end_of_support_and_replacements_come_from_the_form(service, demo):
    support = service.suggestions.end_of_support(demo, today=TODAY)
    names = service.inventory.names(demo, list(support))
    dc = next(uid for uid, n in names.items() if n == "PDX-DC01")
    assert support[dc].entry.name == "Windows Server 2016" and support[dc].status == "soon"
    plan = service.suggestions.replacement_plan(demo, today=TODAY)
    assert plan[0].quarter == "2026 Q4" and all(r.unit_cost is not None for r in plan)


def test_dismissals_and_client_answers_to_confirm_travel_with_the_engagement(service, demo, tmp_path):
    """They are records of the engagement: its JSON file and its archive carry them, and a copy
    opened elsewhere shows the same suggestions dismissed and the same answers to confirm."""
    from discovery_app.domain.engagement import ClientAnswer
    from discovery_app.storage import repository as repo

    key = keys(service, demo)[0]
    service.suggestions.dismiss(demo, key, "Handled by their last MSP", today=TODAY)
    repo.replace_children(service.store, demo, "client_answers", [
        ClientAnswer(question_id="monthly_ticket_volume", value=75, by="Elena Finch (client)", imported_on=TODAY,
                     differs=True)])
    expected_open = keys(service, demo, include_dismissed=False)
    to_confirm = service.prework.to_confirm(demo)
    assert set(to_confirm) == {"monthly_ticket_volume"} and key not in expected_open

    service.engagements.export_json(demo, tmp_path / "e.json")
    service.archives.write(demo, tmp_path / "e.discovery")
    other = Discovery.open(AppPaths.resolve(tmp_path / "other.sqlite3"), forms_root=SHIPPED_FORMS)
    try:
        for eid in (other.engagements.import_json(tmp_path / "e.json"), other.archives.open(tmp_path / "e.discovery")):
            assert keys(other, eid, include_dismissed=False) == expected_open
            [gone] = [s for s in other.suggestions.current(eid, today=TODAY) if s.dismissed]
            assert gone.key == key
            assert other.prework.to_confirm(eid) == to_confirm
    finally:
        other.close()
    service.engagements.delete(demo)  # deleting the engagement leaves nothing of it behind
    with service.store.engine.connect() as conn:
        for table, where in (("client_answer", "1 = 1"), ("dismissed_suggestion", "1 = 1"), ("setting", "key LIKE :p")):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {where}"),
                                {"p": "suggestions.%"} if ":p" in where else {}).scalar() == 0

"""Suggested findings through the service: accept makes the risk with its evidence and links,
dismiss is remembered with its reason, and the lists follow the answers and the inventory."""

from datetime import date
from pathlib import Path

import pytest

from discovery_app.demo import create_demo
from discovery_app.domain.engagement import StandardStatus
from discovery_app.paths import AppPaths
from discovery_app.services import DiscoveryService, ServiceError

SHIPPED_FORMS = Path(__file__).parents[2] / "forms"
TODAY = date(2026, 12, 3)


@pytest.fixture
def service(tmp_path):
    s = DiscoveryService.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=SHIPPED_FORMS)
    yield s
    s.close()


@pytest.fixture
def demo(service):
    return create_demo(service)


def keys(service, eid, **kw):
    return [s.key for s in service.suggested_findings(eid, today=TODAY, **kw)]


def test_accept_creates_the_risk_with_evidence_and_linked_devices(service, demo):
    s = next(x for x in service.suggested_findings(demo, today=TODAY) if x.key == "risk:servers_out_of_warranty")
    before = len(service.risks(demo))
    risk = service.accept_suggested_finding(demo, s.key, today=TODAY)
    assert len(service.risks(demo)) == before + 1
    assert risk.template_id == "servers_out_of_warranty"
    assert "PDX-HV01" in risk.evidence and risk.evidence.startswith("Suggested from the discovery: ")
    names = service.inventory_names(demo, risk.linked_inventory)
    assert set(names.values()) == {"PDX-HV01", "PDX-NAS01"}
    assert s.key not in keys(service, demo)  # in the register now: no longer suggested
    with pytest.raises(ServiceError, match="no suggestion"):
        service.accept_suggested_finding(demo, s.key, today=TODAY)


def test_accepting_a_standards_gap_records_the_category_as_missing(service, demo):
    service.restore_standard_assessment(demo, "saas_backup", None)
    assert "standard:saas_backup" in keys(service, demo)
    record = service.accept_suggested_finding(demo, "standard:saas_backup", today=TODAY)
    assert record.status is StandardStatus.MISSING and "separate tool?: No" in record.notes
    assert "standard:saas_backup" not in keys(service, demo)


def test_dismiss_is_remembered_with_its_reason_and_can_be_undone(service, demo):
    count = service.open_suggestion_count(demo, today=TODAY)
    service.dismiss_suggested_finding(demo, "risk:no_security_training", "  Training starts in January  ")
    assert service.open_suggestion_count(demo, today=TODAY) == count - 1
    dismissed = [s for s in service.suggested_findings(demo, today=TODAY) if s.dismissed]
    assert [(s.key, s.dismiss_reason) for s in dismissed] == [("risk:no_security_training", "Training starts in January")]
    assert keys(service, demo, include_dismissed=False).count("risk:no_security_training") == 0
    service.restore_suggested_finding(demo, "risk:no_security_training")
    assert service.open_suggestion_count(demo, today=TODAY) == count
    with pytest.raises(ServiceError, match="suggest nothing called"):
        service.dismiss_suggested_finding(demo, "risk:made_up")


def test_suggestions_follow_the_answers(service, demo):
    assert "risk:mfa_not_enforced" not in keys(service, demo)  # the demo's register has it
    eid = service.create_engagement("Acme", form_key="co-managed-discovery")
    assert keys(service, eid) == []
    service.set_answer(eid, "mfa_coverage", "admins_only")
    assert keys(service, eid) == ["risk:mfa_not_enforced"]
    service.set_answer(eid, "mfa_coverage", "everywhere")
    assert keys(service, eid) == []


def test_end_of_support_and_replacements_come_from_the_form(service, demo):
    support = service.end_of_support(demo, today=TODAY)
    names = service.inventory_names(demo, list(support))
    dc = next(uid for uid, n in names.items() if n == "PDX-DC01")
    assert support[dc].entry.name == "Windows Server 2016" and support[dc].status == "soon"
    plan = service.replacement_plan(demo, today=TODAY)
    assert plan[0].quarter == "2026 Q4" and all(r.unit_cost is not None for r in plan)

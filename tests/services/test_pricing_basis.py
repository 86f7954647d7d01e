"""The quote the pricing page shows is read without the inventory's records (counts per kind):
it must be the very quote the whole engagement gives, line for line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from discovery_app.demo import create_demo
from discovery_app.domain import pricing as pricing_mod
from discovery_app.domain.basis import Basis
from discovery_app.domain.engagement import InventoryCategory, InventoryItem
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery

SHIPPED_FORMS = Path(__file__).parents[2] / "forms"


@pytest.fixture
def service(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=SHIPPED_FORMS)
    yield s
    s.close()


def full_quote(service, eid):
    eng = service.engagements.get(eid)
    return pricing_mod.build_quote(Basis.of(eng), service.forms.of(eng), service.assessments.sentence_locale())


def test_the_quote_from_counts_equals_the_quote_from_every_record(service):
    eid = create_demo(service)
    # Odd items too: a kind the form does not price, no kind at all, a licence.
    service.inventory.add_items(eid, [
        InventoryItem(category=InventoryCategory.DEVICE, kind="workstation", name=f"WS-{n}",
                      warranty_end=date(2024, 1, n % 28 + 1))
        for n in range(40)
    ] + [
        InventoryItem(category=InventoryCategory.DEVICE, kind="", name="Unknown box"),
        InventoryItem(category=InventoryCategory.DEVICE, kind="tape-robot", name="Old library"),
        InventoryItem(category=InventoryCategory.LICENCE, kind="m365", name="M365 Business Premium"),
    ])
    ours = service.offer.quote(eid)
    assert ours == full_quote(service, eid)
    assert ours.first_year_total > 0 and ours.lines()  # a real quote, not two empty ones


def test_pricing_edits_show_in_the_next_quote(service):
    eid = create_demo(service)
    before = service.offer.quote(eid)
    inputs = service.engagements.get(eid).pricing.model_copy(update={"coverage": "extended", "user_count_override": 80})
    service.offer.set_pricing_inputs(eid, inputs)
    after = service.offer.quote(eid)
    assert after == full_quote(service, eid)
    assert after.monthly != before.monthly


def test_one_risk_edited_leaves_the_others_and_the_order_alone(service):
    eid = create_demo(service)
    risks = service.findings.risks(eid)
    target = risks[len(risks) // 2]
    service.findings.update_risk(eid, target.uid, title="Edited in place", likelihood=1)
    again = service.findings.risks(eid)
    assert [r.uid for r in again] == [r.uid for r in risks]
    assert again[len(risks) // 2].title == "Edited in place" and again[len(risks) // 2].likelihood == 1
    assert [r for r in again if r.uid != target.uid] == [r for r in risks if r.uid != target.uid]


def test_documents_read_without_the_inventory_records_say_exactly_the_same(service):
    from datetime import date

    from discovery_app.domain.assessment import assess
    from discovery_app.domain.roadmap import build_roadmap
    from discovery_app.export import report as report_mod

    eid = create_demo(service)
    eng = service.engagements.get(eid)
    pkg = service.forms.of(eng)
    issued = date(2026, 11, 23)
    for client in (True, False):
        expected = report_mod.build_report(
            eng, pkg, assess(Basis.of(eng), pkg, service.settings.commercial_terms(), service.assessments.sentence_locale()),
            service.settings.provider(), client=client, issued_on=issued)
        got = service.documents.report(eid, client=client, issued_on=issued)
        # The proposal's roadmap (added by the service) reads three columns of the devices, not the records.
        extras = got.extra.pop("proposal_extras")
        quote = assess(Basis.of(eng), pkg, service.settings.commercial_terms(), service.assessments.sentence_locale()).quote
        assert extras.roadmap == build_roadmap(eng, quote, issued) and extras.roadmap.items
        assert got == expected
    assert service.assessments.check(eid) == assess(Basis.of(eng), pkg, service.settings.commercial_terms(), service.assessments.sentence_locale()).readiness

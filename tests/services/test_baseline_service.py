"""Acceptance freezes an engagement in the service; change orders, re-assessment and progress."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from discovery_app.demo import create_demo
from discovery_app.domain.engagement import ChangeOrderStatus, DeliveryStatus, Status
from discovery_app.domain.forms import Phase
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.storage.repository import EngagementFrozen

SHIPPED_FORMS = Path(__file__).parents[2] / "forms"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "d.sqlite3"), forms_root=SHIPPED_FORMS)
    yield s, create_demo(s)
    s.close()


@pytest.fixture
def accepted(demo, tmp_path):
    s, eid = demo
    s.baseline.add_option(eid, "As proposed")
    s.documents.export_proposal(eid, tmp_path / "p.pdf")
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(PDF)
    s.baseline.accept(eid, option=1, signed_by="Dana Whitfield", title="COO", signed_on=date(2026, 1, 15),
                      signed_file=signed)
    return s, eid


def test_the_proposal_sent_is_fingerprinted_at_export_and_frozen_into_the_baseline(demo, tmp_path):
    s, eid = demo
    with pytest.raises(ServiceError, match="export it first"):
        s.baseline.accept(eid, option=0, signed_by="Dana", title="COO", signed_on=date(2026, 1, 15))
    s.documents.export_proposal(eid, tmp_path / "draft.pdf", draft=True)  # a clean engagement: not a draft
    pdf = tmp_path / "p.pdf"
    s.documents.export_proposal(eid, pdf)
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert s.engagements.header(eid).proposal_sha256 == sha
    eng = s.baseline.accept(eid, option=0, signed_by="Dana", title="COO", signed_on=date(2026, 1, 15))
    assert eng.status is Status.ACCEPTED and eng.frozen
    assert eng.acceptance.proposal_sha256 == sha == eng.acceptance.baseline["proposal_sha256"]
    assert eng.acceptance.baseline["quote"] == s.assessments.of(eid).quote.to_json_dict()
    # Exporting again after acceptance never changes the fingerprint of what was signed.
    s.documents.export_proposal(eid, tmp_path / "again.pdf")
    assert s.engagements.get(eid).acceptance.proposal_sha256 == sha


def test_an_edit_to_a_frozen_engagement_is_refused_in_the_service(accepted):
    s, eid = accepted
    eng = s.engagements.get(eid)
    assert eng.acceptance.document_uid in {a.uid for a in eng.attachments}
    before = s.engagements.get(eid).model_dump()
    risk = eng.risks[0]
    writes = [
        lambda: s.interview.set_answer(eid, eng.answers[0].question_id, eng.answers[0].value),
        lambda: s.offer.set_pricing_inputs(eid, eng.pricing.model_copy(update={"discount_percent": Decimal("1")})),
        lambda: s.findings.update_risk(eid, risk.uid, likelihood=1),
        lambda: s.inventory.remove(eid, [eng.inventory[0].uid]),
        lambda: s.baseline.add_option(eid, "Cheaper"),
        lambda: s.baseline.accept_risk(eid, risk.uid, owner="x", rationale="y", review_on=date(2027, 1, 1),
                                       approved_by="z"),
        lambda: s.engagements.set_status(eid, Status.DRAFT),
        lambda: s.baseline.move_roadmap_item(eid, s.baseline.roadmap(eid).items[0].key, "2030-Q1"),
    ]
    for write in writes:
        with pytest.raises((ServiceError, EngagementFrozen)) as info:
            write()
        assert "frozen" in str(info.value) or "accepted" in str(info.value)
    after = s.engagements.get(eid).model_dump()
    assert after == before
    # Filing it away is no edit.
    s.engagements.archive(eid)
    assert s.engagements.header(eid).archived


def test_frozen_message_names_the_way_forward(accepted):
    s, eid = accepted
    with pytest.raises(EngagementFrozen, match="change order"):
        s.offer.set_pricing_inputs(eid, s.engagements.get(eid).pricing)


def test_a_signed_file_that_is_no_pdf_is_refused_and_nothing_is_frozen(demo, tmp_path):
    s, eid = demo
    s.documents.export_proposal(eid, tmp_path / "p.pdf")
    bad = tmp_path / "signed.pdf"
    bad.write_bytes(b"just some notes, typed")
    with pytest.raises(ServiceError, match="not a PDF"):
        s.baseline.accept(eid, option=0, signed_by="Dana", title="COO", signed_on=date(2026, 1, 15), signed_file=bad)
    bad.write_bytes(b"MZ\x90\x00 a program")
    with pytest.raises(ServiceError, match="program"):
        s.baseline.accept(eid, option=0, signed_by="Dana", title="COO", signed_on=date(2026, 1, 15), signed_file=bad)
    assert not s.engagements.get(eid).frozen


def test_change_orders_on_a_frozen_engagement(accepted):
    s, eid = accepted
    role = s.forms.of(s.engagements.header(eid)).pricing.roles[0].id
    order = s.baseline.add_change_order(eid, title="Second site", reason="New office in March",
                                        hours={role: Decimal("12")}, monthly_change=Decimal("300"),
                                        requested_on=date(2026, 3, 1))
    assert order.number == 1 and order.status is ChangeOrderStatus.PROPOSED
    totals = s.baseline.contract_totals(eid)
    assert totals.one_time == totals.one_time_baseline and totals.one_time_pending > 0
    s.baseline.approve_change_order(eid, 1, approved_by="Dana Whitfield", title="COO", approved_on=date(2026, 3, 3))
    totals = s.baseline.contract_totals(eid)
    assert totals.one_time > totals.one_time_baseline and totals.monthly == totals.monthly_baseline + 300
    with pytest.raises(ServiceError, match="already approved"):
        s.baseline.decline_change_order(eid, 1)
    with pytest.raises(ServiceError, match="no change order 9"):
        s.baseline.approve_change_order(eid, 9, approved_by="x")


def test_a_change_order_before_acceptance_is_refused(demo):
    s, eid = demo
    with pytest.raises(ServiceError, match="accepted engagements"):
        s.baseline.add_change_order(eid, title="x", reason="y", hours={"engineer": Decimal(1)})


def test_delivery_may_still_report_progress_on_a_frozen_engagement(accepted):
    s, eid = accepted
    from discovery_app.storage import repository as repo

    eng = s.engagements.get(eid)
    done = [r.model_copy(update={"delivery_status": DeliveryStatus.DONE, "done_on": date(2026, 4, 1)})
            if r.phase is Phase.STABILIZATION else r for r in eng.remediation]
    repo.set_delivery_progress(s.store, eid, done)
    assert all(r.delivery_status is DeliveryStatus.DONE for r in s.engagements.get(eid).remediation
               if r.phase is Phase.STABILIZATION)


def test_reassessment_and_progress_against_the_baseline(accepted):
    s, eid = accepted
    new = s.baseline.reassess(eid, today=date(2027, 1, 20))
    eng = s.engagements.get(new)
    assert eng.status is Status.DRAFT and not eng.frozen and eng.to_confirm
    assert s.baseline.baseline_of(new) == eid
    risk = eng.risks[0]
    s.findings.update_risk(new, risk.uid, likelihood=1, impact=1)
    left = s.baseline.confirm(new, [f"risk:{risk.uid}"])
    assert left == len(eng.to_confirm) - 1
    data = s.baseline.progress(new)
    assert data.diff.risks_by(data.diff.risks[0].outcome)
    assert any(r.title == risk.title for r in data.diff.risks if r.outcome.value == "reduced")
    with pytest.raises(ServiceError, match="not a re-assessment"):
        s.baseline.progress(eid)
    with pytest.raises(ServiceError, match="accepted"):
        s.baseline.reassess(new)


def test_accepted_risks_and_expired_acceptances(demo):
    s, eid = demo
    risk = s.engagements.get(eid).risks[0]
    with pytest.raises(ServiceError, match="not complete"):
        s.baseline.accept_risk(eid, risk.uid, owner="", rationale="", review_on=date.today(), approved_by="")
    s.baseline.accept_risk(eid, risk.uid, owner="Dana", rationale="Legacy app retires in June",
                           review_on=date.today() - timedelta(days=1), approved_by="Dana Whitfield")
    assert s.baseline.expired_acceptances() == {eid: 1}
    assert s.engagements.summaries()[0].expired_acceptances == 1
    road = s.baseline.roadmap(eid)
    assert road.item(f"review:{risk.uid}") is not None


def test_the_new_records_travel_in_the_json_file_and_the_archive(accepted, tmp_path):
    s, eid = accepted
    role = s.forms.of(s.engagements.header(eid)).pricing.roles[0].id
    s.baseline.add_change_order(eid, title="Second site", reason="New office", hours={role: Decimal("3")})
    original = s.engagements.get(eid)
    s.engagements.export_json(eid, tmp_path / "e.json")
    copy = s.engagements.get(s.engagements.import_json(tmp_path / "e.json"))
    s.archives.write(eid, tmp_path / "e.archive")
    opened = s.engagements.get(s.archives.open(tmp_path / "e.archive"))
    for other in (copy, opened):
        for attr in ("options", "risk_acceptances", "roadmap_quarters", "change_orders", "acceptance",
                     "proposal_sha256", "baseline_of", "to_confirm", "proposal_fingerprint", "proposal_issued_on"):
            assert getattr(other, attr) == getattr(original, attr), attr
        assert other.frozen


def test_acceptance_is_refused_when_the_engagement_changed_since_the_proposal_was_exported(demo, tmp_path):
    s, eid = demo
    s.documents.export_proposal(eid, tmp_path / "p.pdf", issued_on=date(2026, 1, 5))
    h = s.engagements.header(eid)
    assert h.proposal_issued_on == date(2026, 1, 5) and len(h.proposal_fingerprint) == 64
    assert s.baseline.proposal_is_current(eid) is True
    eng = s.engagements.get(eid)
    s.offer.set_pricing_inputs(eid, eng.pricing.model_copy(update={"discount_percent": Decimal("3")}))
    assert s.baseline.proposal_is_current(eid) is False
    with pytest.raises(ServiceError, match="changed since the proposal was exported on 2026-01-05") as info:
        s.baseline.accept(eid, option=0, signed_by="Dana", title="COO", signed_on=date(2026, 1, 15))
    assert "Export the proposal again" in str(info.value)
    assert not s.engagements.get(eid).frozen
    # Put back as it was, the engagement says what the client holds again (the fingerprint is of
    # the content, not of the edits).
    s.offer.set_pricing_inputs(eid, eng.pricing)
    assert s.baseline.proposal_is_current(eid) is True
    s.offer.set_pricing_inputs(eid, eng.pricing.model_copy(update={"discount_percent": Decimal("3")}))
    s.documents.export_proposal(eid, tmp_path / "p2.pdf")
    accepted = s.baseline.accept(eid, option=0, signed_by="Dana", title="COO", signed_on=date(2026, 1, 15))
    assert accepted.frozen and accepted.acceptance.baseline["quote"] == s.assessments.of(eid).quote.to_json_dict()


def test_an_edit_that_does_not_change_the_proposal_leaves_it_current(demo, tmp_path):
    s, eid = demo
    s.documents.export_proposal(eid, tmp_path / "p.pdf")
    s.timer.start(eid, note="Call with Dana about the signature date")  # time logged is no proposal content
    s.timer.stop(eid)
    assert s.baseline.proposal_is_current(eid) is True


def test_an_option_is_edited_in_place_and_priced_again_by_the_same_engine(demo):
    from discovery_app.domain import baseline as bl
    from discovery_app.domain.pricing import build_quote

    s, eid = demo
    s.baseline.add_option(eid, "Business hours")
    opt = s.baseline.options(eid)[0]
    varied = opt.pricing.model_copy(update={"coverage": "extended", "discount_percent": Decimal("2")})
    priced = s.baseline.edit_option(eid, 1, label=" Extended hours ", note="Evenings too", pricing=varied)
    (stored,) = s.baseline.options(eid)
    assert (stored.label, stored.note, stored.pricing) == ("Extended hours", "Evenings too", varied)
    basis = s.assessments.basis(eid)
    same = build_quote(bl.option_basis(basis, 1), s.forms.of(basis.engagement))
    assert priced.quote is not None and priced.quote.monthly_fee == same.monthly_fee
    assert priced.quote.stabilization_fee == same.stabilization_fee
    assert s.baseline.edit_option(eid, 1, note="Only the note").label == "Extended hours"
    with pytest.raises(ServiceError, match="no option 3; the proposal offers options 1"):
        s.baseline.edit_option(eid, 3, label="x")
    with pytest.raises(ServiceError, match="not valid"):
        s.baseline.edit_option(eid, 1, label="   ")


def test_an_option_cannot_be_edited_after_acceptance(accepted):
    s, eid = accepted
    before = s.baseline.options(eid)
    with pytest.raises(ServiceError, match="frozen as the signed baseline"):
        s.baseline.edit_option(eid, 1, label="Cheaper")
    assert s.baseline.options(eid) == before


def test_approved_change_orders_reach_the_workbook_the_psa_packs_and_the_progress_hours(accepted, tmp_path):
    import csv

    from openpyxl import load_workbook

    from discovery_app.export import workbook as wbk

    s, eid = accepted
    s.baseline.add_change_order(eid, title="Second site", reason="New office in March",
                                hours={"engineer": Decimal("12"), "technician": Decimal("4")},
                                monthly_change=Decimal("300"), requested_on=date(2026, 3, 1))
    s.baseline.approve_change_order(eid, 1, approved_by="Dana Whitfield", approved_on=date(2026, 3, 3))
    s.baseline.add_change_order(eid, title="Not approved", reason="Still talking", hours={"engineer": Decimal("5")},
                                requested_on=date(2026, 3, 4))
    result = s.handoff.export_workbook(eid, tmp_path / "d.xlsx")
    ws = load_workbook(result.path)[wbk.CHANGE_ORDERS]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)]  # not the totals
    header = [c.value for c in ws[1]]
    assert [(r[0], r[1], r[header.index(wbk.HOURS)]) for r in rows] == [(1, "Second site", 12), (1, "Second site", 4)]
    price = s.baseline.contract_totals(eid).one_time_approved
    assert rows[0][header.index("Order Price")] == price and rows[1][header.index("Order Price")] is None
    assert rows[0][header.index("Monthly Change")] == 300 and rows[0][header.index("Signed By")] == "Dana Whitfield"

    s.handoff.export_pack(eid, "generic", tmp_path / "pack")
    plan = list(csv.DictReader((tmp_path / "pack" / "plan.csv").open(encoding="utf-8-sig")))
    added = [r for r in plan if r["Phase"] == "Change orders"]
    assert [(r["Record"], r["Title"], r["Hours"]) for r in added] == [
        ("Phase", "Change orders", "16"), ("Task", "Change order 1: Second site", "16")]
    assert added[1]["Start Date"] == "2026-03-03" and not any("Not approved" in r["Title"] for r in plan)

    new = s.baseline.reassess(eid, today=date(2027, 1, 20))
    diff = s.baseline.progress(new).diff
    assert [(c.number, c.hours_sold) for c in diff.change_orders] == [(1, Decimal("16"))]
    assert diff.hours_sold == diff.plan_hours_sold + 16

"""Options, acceptance and the baseline, change orders, the roadmap and the diff: pure domain."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from discovery_app import resources
from discovery_app.demo import build_demo
from discovery_app.domain import baseline as bl
from discovery_app.domain import progress as pg
from discovery_app.domain import roadmap as rm
from discovery_app.domain.assessment import Severity, assess
from discovery_app.domain.basis import Basis
from discovery_app.domain.engagement import (
    ChangeOrderStatus,
    DeliveryStatus,
    PricingOption,
    RiskAcceptance,
    StandardStatus,
)
from discovery_app.domain.forms import Lane, Phase
from discovery_app.domain.pricing import build_quote
from discovery_app.formsio import load_package

PKG = load_package(resources.forms_dir() / "co-managed-discovery").package
assert PKG is not None
SHA = "a" * 64


@pytest.fixture
def demo():
    eng = build_demo(PKG)[0]
    cov = [c.id for c in PKG.pricing.coverage]
    eng.options = [
        PricingOption(number=1, label="Business hours", pricing=eng.pricing.model_copy(update={"coverage": cov[0]})),
        PricingOption(number=2, label="Extended", pricing=eng.pricing.model_copy(update={"coverage": cov[-1]})),
        PricingOption(number=3, label="Run only", pricing=eng.pricing.model_copy(
            update={"lanes_run_by_provider": [Lane.RUN], "discount_percent": Decimal("40")})),
    ]
    eng.proposal_sha256 = SHA
    return eng


def test_each_option_is_the_quote_made_with_its_own_inputs(demo):
    basis = Basis.of(demo)
    priced = bl.price_options(basis, PKG)
    assert [p.number for p in priced] == [1, 2, 3]
    for p, opt in zip(priced, demo.options, strict=True):
        alone = build_quote(basis.with_inputs(opt.pricing), PKG)
        assert p.quote is not None
        assert p.quote.to_json_dict() == alone.to_json_dict()
        assert (p.one_time, p.recurring) == (alone.stabilization_fee, alone.monthly_fee)
    # Coverage tiers price differently; the recurring and one-time totals are kept apart.
    assert priced[0].recurring != priced[1].recurring
    assert priced[0].one_time == priced[1].one_time


def test_each_option_passes_the_discount_rules_on_its_own(demo):
    priced = bl.price_options(Basis.of(demo), PKG)
    assert priced[0].ready and priced[1].ready
    assert not priced[2].ready  # a 40 % discount is beyond the approval matrix
    items = bl.option_readiness(priced)
    assert any(i.severity is Severity.BLOCKER and i.message.startswith("Option 3 (Run only)") for i in items)
    assert not any(i.message.startswith("Option 1") and i.blocks for i in items)


def test_the_side_by_side_shows_only_what_differs(demo):
    diffs = {d.label: d.values for d in bl.option_differences(PKG, demo.options)}
    assert set(diffs) == {"Coverage", "Lanes we run", "Discount"}
    assert diffs["Lanes we run"][2] == "Run"


def test_acceptance_needs_the_option_the_sent_proposal_and_no_blocker(demo):
    a = assess(Basis.of(demo), PKG)
    assert bl.acceptance_problems(demo, 1, a.readiness) == []
    assert "say which one" in bl.acceptance_problems(demo, 0, a.readiness)[0]
    assert "no option 4" in bl.acceptance_problems(demo, 4, a.readiness)[0]
    unsent = demo.model_copy(update={"proposal_sha256": ""})
    assert "export it first" in bl.acceptance_problems(unsent, 1, a.readiness)[0]


def _accepted(eng, option=1):
    basis = Basis.of(eng)
    quote = build_quote(bl.option_basis(basis, option), PKG)
    baseline = bl.freeze(eng, PKG, assess(basis, PKG), quote, option)
    eng.acceptance = bl.accept(eng, option, "Dana Whitfield", "COO", date(2026, 1, 15), baseline)
    return eng, quote


def test_the_baseline_freezes_the_chosen_options_quote_plan_matrix_and_fingerprint(demo):
    eng, quote = _accepted(demo, 2)
    base = eng.acceptance.baseline
    assert eng.frozen and eng.acceptance.proposal_sha256 == SHA == base["proposal_sha256"]
    assert base["quote"] == quote.to_json_dict()
    assert base["option_label"] == "Extended"
    assert [t["number"] for t in base["plan"]] == list(range(1, len(base["plan"]) + 1))
    assert base["matrix"] and all("raci" in r for r in base["matrix"])
    assert "was accepted on 2026-01-15" in bl.frozen_message("Acme", eng.acceptance)
    with pytest.raises(bl.BaselineError):
        bl.accept(eng, 2, " ", "COO", date(2026, 1, 15), base)


def test_a_change_order_is_priced_by_the_engine_and_no_work_starts_unapproved(demo):
    with pytest.raises(bl.BaselineError, match="accepted engagements"):
        bl.new_change_order(demo, PKG, "Add a site", "New office", {"engineer": Decimal("10")}, Decimal(0), date(2026, 3, 1))
    eng, _ = _accepted(demo)
    role = PKG.pricing.roles[0]
    order = bl.new_change_order(eng, PKG, "Add a site", "New office opens", {role.id: Decimal("10")},
                                Decimal("250"), date(2026, 3, 1))
    assert order.number == 1 and not bl.work_allowed(order)
    price = bl.price_change_order(order, PKG)
    expected = 10 * role.bill_rate * (1 + PKG.pricing.contingency)
    assert abs(price.price - expected) <= PKG.pricing.rounding.increment
    with pytest.raises(bl.BaselineError, match="before"):
        bl.approve(order, "Dana", "COO", date(2026, 2, 1))
    approved = bl.approve(order, "Dana", "COO", date(2026, 3, 2))
    assert approved.status is ChangeOrderStatus.APPROVED and bl.work_allowed(approved)
    with pytest.raises(bl.BaselineError, match="already approved"):
        bl.decline(approved)
    with pytest.raises(pytest.importorskip("pydantic").ValidationError):
        bl.new_change_order(eng, PKG, "Bad role", "x", {"nobody": Decimal("-1")}, Decimal(0), date(2026, 3, 1))
    with pytest.raises(bl.BaselineError, match="Change order .* does not define"):
        bl.new_change_order(eng, PKG, "Bad role", "x", {"nobody": Decimal("1")}, Decimal(0), date(2026, 3, 1))
    pending = bl.new_change_order(eng.model_copy(update={"change_orders": [approved]}), PKG, "More", "Growth",
                                  {role.id: Decimal("4")}, Decimal(0), date(2026, 3, 5))
    assert pending.number == 2
    eng.change_orders = [approved, pending]
    totals = bl.contract_totals(eng, PKG)
    assert totals.one_time == totals.one_time_baseline + price.price
    assert totals.monthly == totals.monthly_baseline + Decimal("250")
    assert totals.one_time_pending == bl.price_change_order(pending, PKG).price


def test_roadmap_places_projects_replacements_and_reviews_by_quarter_and_moves_them(demo):
    demo.risk_acceptances = [RiskAcceptance(risk_uid=demo.risks[0].uid, owner="Dana", rationale="Low value",
                                            review_on=date(2026, 9, 30), approved_by="Dana")]
    quote = build_quote(Basis.of(demo), PKG)
    road = rm.build_roadmap(demo, quote, date(2026, 1, 20))
    assert road.first == "2026-Q2" and len(road.quarters) == rm.HORIZON
    projects = [i for i in road.items if i.kind is rm.ItemKind.PROJECT]
    assert {i.key.split(":")[1] for i in projects} == {p.uid for p in quote.roadmap}
    assert sum(i.one_time for i in projects) == quote.roadmap_total
    review = road.item(f"review:{demo.risks[0].uid}")
    assert review is not None and review.quarter == "2026-Q3"
    assert all(q.operations == quote.monthly_fee * 3 for q in road.quarters)
    p = projects[0]
    placements = rm.move(demo.roadmap_quarters, road, p.key, "2027-Q4")
    demo.roadmap_quarters = placements
    moved = rm.build_roadmap(demo, quote, date(2026, 1, 20))
    assert moved.item(p.key).quarter == "2027-Q4" and moved.item(p.key).moved
    assert next(q for q in moved.quarters if q.quarter == "2027-Q4").one_time >= p.one_time
    assert rm.move(placements, moved, p.key, p.default_quarter) == []
    with pytest.raises(rm.RoadmapError):
        rm.move(placements, moved, p.key, "2025-Q1")
    with pytest.raises(rm.RoadmapError):
        rm.quarter_index("2027-Q5")


def test_reassessment_carries_records_marked_to_confirm(demo):
    eng, _ = _accepted(demo)
    new = bl.reassess(eng, date(2027, 1, 20), datetime(2027, 1, 20, tzinfo=UTC))
    assert new.baseline_of == eng.uid and not new.frozen and new.acceptance is None
    assert new.answers == eng.answers and new.inventory == eng.inventory and new.form_hash == eng.form_hash
    assert new.remediation == []
    assert f"risk:{eng.risks[0].uid}" in new.to_confirm and f"answer:{eng.answers[0].question_id}" in new.to_confirm
    assert new.pricing == eng.options[0].pricing  # the option the client signed
    with pytest.raises(bl.BaselineError):
        bl.reassess(new, date(2027, 1, 20), datetime(2027, 1, 20, tzinfo=UTC))


def test_the_diff_sorts_risks_closed_reduced_new_and_counts_work_done(demo):
    eng, quote = _accepted(demo)
    stab = [i for i in eng.remediation if i.phase is Phase.STABILIZATION]
    stab[0].delivery_status = DeliveryStatus.DONE
    stab[0].actual_hours = {k: v + 1 for k, v in stab[0].hours.items()}
    new = bl.reassess(eng, date(2027, 1, 20), datetime(2027, 1, 20, tzinfo=UTC))
    closed, reduced = eng.risks[0], eng.risks[1]
    new.risks = [r for r in new.risks if r.uid != closed.uid]
    i = next(n for n, r in enumerate(new.risks) if r.uid == reduced.uid)
    new.risks[i] = reduced.model_copy(update={"likelihood": 1, "impact": 1})
    new.risks.append(closed.model_copy(update={"uid": "fresh", "template_id": None, "title": "A new one"}))
    cat = eng.standards[0].category_id
    new.standards = [s.model_copy(update={"status": StandardStatus.ALIGNED}) if s.category_id == cat else s
                     for s in new.standards]
    q = new.answers[0]
    new.answers[0] = q.model_copy(update={"value": "changed"})
    after_quote = build_quote(Basis.of(new), PKG)
    d = pg.compare(eng, new, PKG, PKG, quote, after_quote)
    assert [r.title for r in d.risks_by(pg.RiskOutcome.CLOSED)] == [closed.title]
    assert [r.title for r in d.risks_by(pg.RiskOutcome.NEW)] == ["A new one"]
    assert [r.title for r in d.risks_by(pg.RiskOutcome.REDUCED)] == [reduced.title]
    assert [a.question_id for a in d.answers] == [q.question_id]
    assert sum(map(sum, d.heat_before)) == len(eng.risks) and sum(map(sum, d.heat_after)) == len(new.risks)
    assert d.heat_after[0][0] >= 1
    assert d.aligned_after >= d.aligned_before
    if eng.standards[0].status is not StandardStatus.ALIGNED:
        assert d.aligned_after == d.aligned_before + 1
    assert d.tasks_done == 1 and len(d.tasks) == len(stab)
    assert d.hours_spent == sum(stab[0].actual_hours.values())
    assert d.hours_sold == sum((sum(i.hours.values()) for i in stab), Decimal(0))
    assert [p.label for p in d.prices][0] == "Monthly operations fee"


def test_the_diff_of_an_engagement_with_itself_is_empty(demo):
    quote = build_quote(Basis.of(demo), PKG)
    d = pg.compare(demo, demo, PKG, PKG, quote, quote)
    assert d.answers == () and all(r.outcome is pg.RiskOutcome.UNCHANGED for r in d.risks)
    assert all(p.change == 0 for p in d.prices)


def test_the_one_assessment_blocks_the_proposal_while_an_option_breaks_the_discount_rules(demo):
    a = assess(Basis.of(demo), PKG)
    blockers = [i for i in a.readiness.blockers if i.code.startswith("option.")]
    assert [i.message.split(":")[0] for i in blockers] == ["Option 3 (Run only)"]
    assert blockers[0].where.page == "pricing"
    demo.options = demo.options[:2]
    assert assess(Basis.of(demo), PKG).readiness.ready


def test_acceptance_needs_the_proposal_the_client_holds_to_say_what_the_engagement_says(demo):
    a = assess(Basis.of(demo), PKG)
    demo.proposal_fingerprint = "b" * 64
    assert bl.acceptance_problems(demo, 1, a.readiness, proposal_now="b" * 64) == []
    (stale,) = bl.acceptance_problems(demo, 1, a.readiness, proposal_now="c" * 64)
    assert "changed since the proposal was exported" in stale and "Export the proposal again" in stale
    demo.proposal_fingerprint = ""  # exported before fingerprints were kept
    (old,) = bl.acceptance_problems(demo, 1, a.readiness, proposal_now="c" * 64)
    assert "earlier version" in old and "export the proposal again" in old

"""One assessment: readiness, risk treatment, coverage from its answer, numbers that agree."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discovery_app import resources
from discovery_app.demo import build_demo
from discovery_app.domain import links
from discovery_app.domain.assessment import Severity, TreatmentKind, assess
from discovery_app.domain.basis import Basis
from discovery_app.domain.engagement import (
    Answer,
    ExceptionDecision,
    Priority,
    RiskTreatment,
    StandardStatus,
)
from discovery_app.domain.forms import CommercialTerms, Phase
from discovery_app.export import report as report_mod
from discovery_app.formsio import load_package

PKG = load_package(resources.forms_dir() / "co-managed-discovery").package
assert PKG is not None


@pytest.fixture
def demo():
    return build_demo(PKG)[0]


def codes(a, severity=None):
    return [i.code for i in a.readiness.items if severity is None or i.severity is severity]


def test_the_demo_is_ready_and_every_surface_numbers_the_plan_alike(demo):
    a = assess(Basis.of(demo), PKG)
    assert a.readiness.ready, a.readiness.blocker_messages()
    report = report_mod.build_report(demo, PKG, a)
    assert [(t.number, t.uid, t.start_week, t.end_week) for t in report.plan.tasks] == [
        (s.number, s.item.uid, s.start_week, s.end_week) for s in a.plan.steps]
    first = report.plan.tasks[0]
    assert f"task 1 of the stabilization plan, “{first.title}”" in " ".join(report.next_steps)
    assert report.plan.weeks == a.plan.weeks


def test_an_undecided_exception_and_a_blank_definition_of_done_block(demo):
    std = [s.model_copy(update={"decision": None}) if s.category_id == "firewall" else s for s in demo.standards]
    items = list(demo.remediation)
    victim = next(i for i in items if i.phase is Phase.STABILIZATION)
    items[items.index(victim)] = victim.model_copy(update={"definition_of_done": " "})
    a = assess(Basis.of(demo.model_copy(update={"standards": std, "remediation": items})), PKG)
    assert not a.readiness.ready
    undecided = next(i for i in a.readiness.blockers if i.code == "standards.undecided")
    assert (undecided.where.page, undecided.where.record) == ("standards", "firewall")
    done = next(i for i in a.readiness.blockers if i.code == "remediation.done")
    assert done.where.record == victim.uid and done.message.startswith("Task ")


def test_a_gap_no_item_covers_blocks_until_an_item_covers_it(demo):
    items = [i for i in demo.remediation if i.standard_category != "psa"]
    a = assess(Basis.of(demo.model_copy(update={"remediation": items})), PKG)
    (gap,) = [i for i in a.readiness.blockers if i.code == "standards.no_task"]
    assert gap.where.record == "psa"


def test_a_risk_says_how_it_is_treated_from_its_link_not_a_guess(demo):
    risk = demo.risks[0]
    items = [i for i in demo.remediation if i.risk_uid != risk.uid]
    eng = demo.model_copy(update={"remediation": items})
    a = assess(Basis.of(eng), PKG)
    assert a.treatments[risk.uid].kind is TreatmentKind.NONE
    assert "risk.treatment" in codes(a, Severity.BLOCKER)  # the demo's first risk is critical
    tracked = eng.model_copy(update={"risks": [risk.model_copy(update={"treatment": RiskTreatment.TRACKED}),
                                               *eng.risks[1:]]})
    a = assess(Basis.of(tracked), PKG)
    assert a.treatments[risk.uid].kind is TreatmentKind.TRACKED
    assert "risk.treatment" not in codes(a)
    linked = assess(Basis.of(demo), PKG)
    t = linked.treatments[risk.uid]
    assert t.kind is TreatmentKind.PLAN
    numbers = {s.item.uid: s.number for s in linked.plan.steps}
    assert set(t.tasks) == {numbers[i.uid] for i in demo.remediation if i.risk_uid == risk.uid}
    assert "Fixed in the stabilization plan (task" in t.text


def test_the_coverage_answer_is_priced_and_an_override_is_shown_as_one(demo):
    def with_coverage(answer, override=None):
        answers = [a for a in demo.answers if a.question_id != "coverage_need"]
        answers.append(Answer(question_id="coverage_need", value=answer))
        return demo.model_copy(update={"answers": answers,
                                       "pricing": demo.pricing.model_copy(update={"coverage": override})})

    business = assess(Basis.of(with_coverage("business_hours")), PKG).quote
    extended = assess(Basis.of(with_coverage("extended")), PKG).quote
    assert extended.coverage.level.id == "extended" and not extended.coverage.overridden
    assert extended.monthly.net > business.monthly.net
    overridden = assess(Basis.of(with_coverage("extended", "business_hours")), PKG)
    assert overridden.quote.monthly.net == business.monthly.net
    assert any(i.code == "pricing.warning" and "overrides the coverage answer" in i.message
               for i in overridden.readiness.warnings)


def test_missing_commercial_terms_block_and_settings_fill_them(demo):
    bare = PKG.model_copy(update={"pricing": PKG.pricing.model_copy(update={"terms": None})})
    a = assess(Basis.of(demo), bare)
    (terms,) = [i for i in a.readiness.blockers if i.code == "terms.missing"]
    assert "payment schedule, contract term and notice period" in terms.message
    filled = assess(Basis.of(demo), bare, {"payment_schedule": "On signing", "minimum_term_months": 12,
                                           "notice_days": 60})
    assert "terms.missing" not in codes(filled)
    assert filled.terms == CommercialTerms(payment_schedule="On signing", minimum_term_months=12, notice_days=60)


def test_links_to_deleted_records_are_dropped_and_reported(demo):
    risk = demo.risks[0]
    damaged = demo.model_copy(update={
        "risks": [risk.model_copy(update={"linked_inventory": ["gone", *risk.linked_inventory]}), *demo.risks[1:]],
        "remediation": [demo.remediation[0].model_copy(update={"depends_on": ["gone"], "risk_uid": "gone"}),
                        *demo.remediation[1:]],
    })
    fixed, notes = links.repair(damaged)
    assert fixed.risks[0].linked_inventory == risk.linked_inventory
    assert fixed.remediation[0].depends_on == [] and fixed.remediation[0].risk_uid is None
    assert len(notes) == 3
    assert links.repair(fixed) == (fixed, [])


# ---- generated engagements: one truth on every surface -------------------------------------------

@st.composite
def engagements(draw):
    eng = build_demo(PKG)[0]
    stab = [i for i in eng.remediation if i.phase is Phase.STABILIZATION]
    n = draw(st.integers(min_value=0, max_value=len(stab)))
    chosen = stab[:n]
    uids = [i.uid for i in chosen]
    items = []
    for i in chosen:
        deps = draw(st.lists(st.sampled_from(uids), max_size=2, unique=True)) if uids else []
        items.append(i.model_copy(update={
            "priority": draw(st.sampled_from(list(Priority))),
            "depends_on": [d for d in deps if d != i.uid],
            "hours": {"engineer": Decimal(draw(st.integers(min_value=0, max_value=60)))},
            "definition_of_done": draw(st.sampled_from(["Done.", ""])),
        }))
    roadmap = [i for i in eng.remediation if i.phase is Phase.ROADMAP]
    std = [s.model_copy(update={"decision": draw(st.sampled_from([None, *ExceptionDecision]))})
           if s.status is StandardStatus.EXCEPTION else s for s in eng.standards]
    return eng.model_copy(update={"remediation": [*items, *roadmap], "standards": std})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(engagements())
def test_generated_engagements_agree_on_blockers_and_task_numbers(eng):
    a = assess(Basis.of(eng), PKG)
    report = report_mod.build_report(eng, PKG, a)
    assert list(report.blockers) == a.readiness.blocker_messages()
    assert [(t.number, t.uid, t.start_week, t.end_week) for t in report.plan.tasks] == [
        (s.number, s.item.uid, s.start_week, s.end_week) for s in a.plan.steps]
    # Dependencies hold in the weeks, and numbers follow phases.
    steps = {s.item.uid: s for s in a.plan.steps}
    for s in a.plan.steps:
        if not s.in_cycle:
            for d in s.waits_for:
                assert steps[d].end_week < s.start_week
    assert [s.phase for s in a.plan.steps] == sorted(s.phase for s in a.plan.steps)
    for s in a.plan.steps:
        if not s.item.definition_of_done.strip():
            assert any(i.code == "remediation.done" and i.where.record == s.item.uid for i in a.readiness.blockers)


def test_the_assessments_sentences_write_percents_as_the_provider_does(demo):
    eng = demo.model_copy(update={"pricing": demo.pricing.model_copy(update={"discount_percent": Decimal("12.5")})})
    german = assess(Basis.of(eng), PKG, locale="de_DE")
    (blocker,) = [i for i in german.readiness.blockers if i.code == "pricing.discount"]
    assert "12,5\xa0%" in blocker.message and "12.5%" not in blocker.message  # Babel keeps % with its number
    assert any(ln.label == "Discount 12,5\xa0%" for ln in german.quote.lines())
    plain = assess(Basis.of(eng), PKG)
    assert any("12.5%" in i.message for i in plain.readiness.blockers)

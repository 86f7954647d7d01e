from decimal import Decimal
from pathlib import Path

from discovery_app.domain import fit as fit_mod
from discovery_app.domain.fit import CriterionResult, FitResult, Verdict, evaluate
from discovery_app.domain.forms import FitCriterion
from discovery_app.formsio import load_package

FORM = load_package(Path(__file__).parents[1] / "fixtures" / "forms" / "mini").package


def test_good_fit_with_reasons():
    r = evaluate(FORM, {"employee_count": 45, "has_internal_it": True, "internal_it_owner": "Sam", "adopt": "full"})
    assert r.verdict is Verdict.GOOD
    assert str(r.score) == "100.0"
    assert any(line.startswith("Strength - Company size") for line in r.reasons)


def test_weighted_score_and_poor_verdict():
    # size 0.3*2 + owner 0*3 + adopt 0*2 = 0.6 of 7 -> 8.6
    r = evaluate(FORM, {"employee_count": 5, "has_internal_it": False, "adopt": "refuses"})
    assert str(r.score) == "8.6"
    assert r.verdict is Verdict.POOR
    assert r.reasons[0].startswith("Concern")


def test_critical_criterion_at_zero_caps_a_good_score():
    # Without the owner criterion answered the rest scores 100, a good fit ...
    assert evaluate(FORM, {"employee_count": 45, "adopt": "full"}).verdict is Verdict.GOOD
    # ... but a critical criterion at zero holds it at conditional, and says why.
    form = FORM.model_copy(deep=True)
    crit = [c.model_copy(update={"weight": 1 if c.id == "owner" else 10}) for c in form.fit.criteria]
    form = form.model_copy(update={"fit": form.fit.model_copy(update={"criteria": crit})})
    r = evaluate(form, {"employee_count": 45, "has_internal_it": False, "adopt": "full"})
    assert r.score > 75
    assert r.verdict is Verdict.CONDITIONAL
    assert r.capped_by == ("Named internal IT owner",)
    assert r.reasons[0] == "Capped at conditional: Named internal IT owner"


def test_too_few_answers_is_incomplete_not_a_guess():
    r = evaluate(FORM, {"employee_count": 45})
    assert r.verdict is Verdict.INCOMPLETE


def test_a_verdict_with_unanswered_criteria_is_provisional():
    from decimal import Decimal as _D

    from discovery_app.domain.fit import CriterionResult, FitResult, Verdict
    from discovery_app.domain.forms import FitCriterion

    def crit(q, critical=False):
        return FitCriterion.model_validate({"id": q, "question": q, "label": q.title(), "weight": 10, "critical": critical})

    answered = CriterionResult(crit("a"), True, _D(1))
    done = FitResult(_D(80), Verdict.GOOD, (answered,))
    assert not done.provisional and done.status == "Good fit" and done.headline == "Good fit: 80 of 100"
    two = FitResult(_D(80), Verdict.GOOD, (answered, CriterionResult(crit("b", True), False, _D(0)),
                                           CriterionResult(crit("c"), False, _D(0))))
    assert two.provisional and two.status == "Good fit (provisional)"
    assert two.headline == "Good fit (provisional): 80 of 100. 2 criteria not answered yet, 1 of them critical"
    one = FitResult(_D(80), Verdict.GOOD, (answered, CriterionResult(crit("b", True), False, _D(0))))
    assert one.headline.endswith("1 criterion not answered yet (a critical one)")
    none = FitResult(_D(0), Verdict.INCOMPLETE, (CriterionResult(crit("b"), False, _D(0)),))
    assert not none.provisional and none.headline == "Not enough answers yet: 1 criterion not answered yet"


def test_the_score_reads_as_whole_points_everywhere_rounded_half_up():
    """The engine keeps one decimal (86.0); a reader sees "86", the half rounded up like every figure."""
    assert fit_mod.score_of_100(Decimal("86.0"), "en_US") == "86 of 100"
    assert fit_mod.score_text(Decimal("86.5"), "en_US") == "87"
    assert fit_mod.score_text(Decimal("86.4"), "en_US") == "86"
    assert fit_mod.score_text(Decimal("0"), "en_US") == "0"
    assert fit_mod.score_text(Decimal("100.0"), "de_DE") == "100"
    crit = FitCriterion.model_validate({"id": "a", "question": "a", "label": "A", "weight": 10})
    answered = CriterionResult(crit, True, Decimal(1))
    assert FitResult(Decimal("86.0"), Verdict.GOOD, (answered,)).headline == "Good fit: 86 of 100"

from decimal import Decimal

from discovery_app.domain.engagement import ExceptionDecision, StandardAssessment, StandardStatus
from discovery_app.domain.standards import alignment

S = StandardStatus


def a(cid: str, status: StandardStatus, decision: ExceptionDecision | None = None) -> StandardAssessment:
    return StandardAssessment(category_id=cid, status=status, decision=decision)


def test_alignment_is_aligned_over_applicable():
    result = alignment(
        ["rmm", "psa", "backup", "mfa", "wifi"],
        [a("rmm", S.ALIGNED), a("psa", S.NOT_APPLICABLE), a("backup", S.MISSING), a("mfa", S.ALIGNED)],
    )
    assert (result.aligned, result.applicable, result.assessed, result.total) == (2, 3, 4, 5)
    assert result.percent == Decimal("67")


def test_nothing_applicable_has_no_percent():
    assert alignment(["rmm"], [a("rmm", S.NOT_APPLICABLE)]).percent is None
    assert alignment(["rmm"], []).percent is None


def test_exceptions_listed_with_their_decision_and_undecided_flagged():
    result = alignment(
        ["rmm", "backup", "firewall"],
        [a("rmm", S.EXCEPTION, ExceptionDecision.REMEDIATE), a("backup", S.EXCEPTION),
         a("firewall", S.EXCEPTION, ExceptionDecision.EXCEPTION_LANE)],
    )
    assert [(e.category_id, e.decision) for e in result.exceptions] == [
        ("rmm", ExceptionDecision.REMEDIATE), ("backup", None), ("firewall", ExceptionDecision.EXCEPTION_LANE)]
    assert result.undecided == ("backup",)
    assert result.percent == Decimal("0")


def test_categories_the_form_does_not_define_are_ignored():
    result = alignment(["rmm"], [a("rmm", S.ALIGNED), a("gone", S.EXCEPTION)])
    assert (result.aligned, result.applicable, result.exceptions) == (1, 1, ())

"""Target-customer-profile fit: weighted criteria give a score, a verdict and the reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from .answers import is_empty, visible_values
from .forms import CHOICE_TYPES, FitCriterion, FormPackage, QuestionType
from .locale_text import format_number
from .wording import count


class Verdict(StrEnum):
    GOOD = "good_fit"
    CONDITIONAL = "conditional"
    POOR = "poor_fit"
    INCOMPLETE = "incomplete"


VERDICT_LABELS = {
    Verdict.GOOD: "Good fit",
    Verdict.CONDITIONAL: "Conditional fit",
    Verdict.POOR: "Poor fit",
    Verdict.INCOMPLETE: "Not enough answers yet",
}


def score_text(score: Decimal | float | int, locale: str | None = None) -> str:
    """The fit score as every surface writes it: a whole number, rounded half up like every other
    figure (86.0 -> "86", 86.5 -> "87", 86.4 -> "86"). The engine keeps one decimal to compare
    with the thresholds; a reader gets the whole points."""
    return format_number(Decimal(str(score)), locale, decimals=0)


def score_of_100(score: Decimal | float | int, locale: str | None = None) -> str:
    """``"86 of 100"``: the score with its scale, for labels, tooltips and summaries."""
    return f"{score_text(score, locale)} of 100"


@dataclass(frozen=True)
class CriterionResult:
    criterion: FitCriterion
    answered: bool
    score: Decimal  # 0..1

    @property
    def reason(self) -> str:
        c = self.criterion
        if not self.answered:
            return f"{c.label}: not answered yet"
        pct = int((self.score * 100).to_integral_value(ROUND_HALF_UP))
        return f"{c.label}: {pct}% of weight {c.weight}" + (f" ({c.why})" if c.why else "")


@dataclass(frozen=True)
class FitResult:
    score: Decimal  # 0..100 over answered criteria
    verdict: Verdict
    results: tuple[CriterionResult, ...]
    capped_by: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def score_words(self) -> str:
        """``"86 of 100"``: see :func:`score_of_100`."""
        return score_of_100(self.score)

    @property
    def unanswered(self) -> tuple[CriterionResult, ...]:
        """The criteria whose question has no answer yet."""
        return tuple(r for r in self.results if not r.answered)

    @property
    def provisional(self) -> bool:
        """A verdict reached while some criteria are still unanswered: it may change when they are."""
        return self.verdict is not Verdict.INCOMPLETE and bool(self.unanswered)

    @property
    def status(self) -> str:
        """The verdict as every surface shows it: "Good fit", or "Good fit (provisional)" while
        criteria are unanswered."""
        return f"{self.label} (provisional)" if self.provisional else self.label

    @property
    def headline(self) -> str:
        """One line for a summary: the verdict, the score and, while provisional, what is still
        missing: "Good fit (provisional): 80 of 100. 2 criteria not answered yet, 1 of them critical"."""
        text = f"{self.status}: {self.score_words}"
        if self.verdict is Verdict.INCOMPLETE:
            return f"{self.label}: {count(len(self.unanswered), 'criterion', 'criteria')} not answered yet"
        if not self.provisional:
            return text
        missing = self.unanswered
        critical = sum(1 for r in missing if r.criterion.critical)
        tail = f", {critical} of them critical" if critical and len(missing) > 1 else \
            " (a critical one)" if critical else ""
        return f"{text}. {count(len(missing), 'criterion', 'criteria')} not answered yet{tail}"

    @property
    def reasons(self) -> list[str]:
        weak = [r for r in self.results if r.answered and r.score < Decimal("0.5")]
        strong = [r for r in self.results if r.answered and r.score >= Decimal("0.5")]
        lines = [f"Capped at conditional: {c}" for c in self.capped_by]
        lines += [f"Concern - {r.reason}" for r in sorted(weak, key=lambda r: r.score)]
        lines += [f"Strength - {r.reason}" for r in strong]
        lines += [r.reason for r in self.results if not r.answered]
        return lines


def _criterion_score(pkg: FormPackage, crit: FitCriterion, value: Any) -> Decimal:
    q = pkg.questionnaire.question(crit.question)
    assert q is not None  # checked by formcheck
    if q.type is QuestionType.YES_NO:
        return (crit.yes_score if value else crit.no_score) or Decimal(0)
    if q.type in CHOICE_TYPES:
        cl = pkg.questionnaire.choice_list(q.choices or "")
        scores = {c.value: c.score or Decimal(0) for c in cl.choices} if cl else {}
        if isinstance(value, list):
            # Multi choice: the weakest chosen option decides.
            return min((scores.get(v, Decimal(0)) for v in value), default=Decimal(0))
        return scores.get(value, Decimal(0))
    number = Decimal(str(value))
    for band in crit.bands:
        if (band.min is None or number >= band.min) and (band.max is None or number <= band.max):
            return band.score
    return Decimal(0)


def evaluate(pkg: FormPackage, values: Mapping[str, Any]) -> FitResult:
    shown = visible_values(pkg.questionnaire, values)
    results = []
    for crit in pkg.fit.criteria:
        value = shown.get(crit.question)
        if crit.question not in shown:
            # The question is hidden by an earlier answer: it counts as its lowest score.
            results.append(CriterionResult(crit, True, Decimal(0)))
        elif is_empty(value):
            results.append(CriterionResult(crit, False, Decimal(0)))
        else:
            results.append(CriterionResult(crit, True, _criterion_score(pkg, crit, value)))
    answered = [r for r in results if r.answered]
    total_weight = sum((r.criterion.weight for r in answered), Decimal(0))
    if not answered or total_weight == 0:
        return FitResult(Decimal(0), Verdict.INCOMPLETE, tuple(results))
    score = sum((r.criterion.weight * r.score for r in answered), Decimal(0)) * 100 / total_weight
    score = score.quantize(Decimal("0.1"), ROUND_HALF_UP)
    th = pkg.fit.thresholds
    verdict = Verdict.GOOD if score >= th.good else Verdict.CONDITIONAL if score >= th.conditional else Verdict.POOR
    capped: tuple[str, ...] = ()
    if verdict is Verdict.GOOD:
        capped = tuple(r.criterion.label for r in answered if r.criterion.critical and r.score == 0)
        if capped:
            verdict = Verdict.CONDITIONAL
    # More than half the weight unanswered: say so rather than guess.
    all_weight = sum((c.weight for c in pkg.fit.criteria), Decimal(0))
    if total_weight * 2 < all_weight:
        verdict = Verdict.INCOMPLETE
    return FitResult(score, verdict, tuple(results), capped)

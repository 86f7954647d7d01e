"""Standards fit: how far the client's tools match the provider's standard stack.

Alignment = aligned / applicable, where applicable means assessed and not "not applicable".
A category the consultant has not assessed yet counts in neither (progress shows it instead).
Every exception is listed with its decision; an exception without one is a defect: the proposal
must say whether it is priced in the exception lane or remediated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .engagement import ExceptionDecision, StandardAssessment, StandardStatus

STATUS_LABELS = {
    StandardStatus.ALIGNED: "Aligned",
    StandardStatus.EXCEPTION: "Exception",
    StandardStatus.MISSING: "Missing",
    StandardStatus.NOT_APPLICABLE: "Not applicable",
}

DECISION_LABELS = {
    ExceptionDecision.EXCEPTION_LANE: "Price in exception lane",
    ExceptionDecision.REMEDIATE: "Remediate",
}


@dataclass(frozen=True)
class ExceptionEntry:
    category_id: str
    decision: ExceptionDecision | None

    @property
    def undecided(self) -> bool:
        return self.decision is None


@dataclass(frozen=True)
class Alignment:
    aligned: int
    applicable: int
    assessed: int
    total: int
    exceptions: tuple[ExceptionEntry, ...]

    @property
    def percent(self) -> Decimal | None:
        """Aligned / applicable as a percent with no decimals (half up); None when nothing applies."""
        if not self.applicable:
            return None
        return (Decimal(self.aligned) * 100 / Decimal(self.applicable)).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    @property
    def undecided(self) -> tuple[str, ...]:
        """Category ids of the exceptions that have no decision yet."""
        return tuple(e.category_id for e in self.exceptions if e.undecided)


def alignment(category_ids: Sequence[str], assessments: Iterable[StandardAssessment]) -> Alignment:
    """Alignment of the form's categories (in form order) from the engagement's assessments.

    Assessments for categories the form does not define are ignored.
    """
    by_id = {a.category_id: a for a in assessments}
    aligned = applicable = assessed = 0
    exceptions: list[ExceptionEntry] = []
    for cid in category_ids:
        a = by_id.get(cid)
        if a is None:
            continue
        assessed += 1
        if a.status is StandardStatus.NOT_APPLICABLE:
            continue
        applicable += 1
        if a.status is StandardStatus.ALIGNED:
            aligned += 1
        elif a.status is StandardStatus.EXCEPTION:
            exceptions.append(ExceptionEntry(cid, a.decision))
    return Alignment(aligned, applicable, assessed, len(category_ids), tuple(exceptions))

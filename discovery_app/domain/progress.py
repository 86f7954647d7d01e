"""Comparing two engagements: a baseline and its re-assessment a year later.

:func:`compare` is the one place the difference is computed (answers, standards, risks, plan and
prices); the progress report and the command line only render its :class:`Progress`.
Records are matched by what the re-assessment carried over: answers by question, standards by
category, risks by uid (else by their library template), so a risk re-scored is "reduced", not
"closed and new".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .engagement import (
    ChangeOrderStatus,
    DeliveryStatus,
    Engagement,
    Risk,
    RiskTreatment,
    StandardStatus,
)
from .forms import FormPackage, Phase
from .pricing import ZERO, Quote


@dataclass(frozen=True)
class AnswerChange:
    question_id: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class StandardChange:
    category_id: str
    name: str
    before: StandardStatus | None
    after: StandardStatus | None


class RiskOutcome(StrEnum):
    CLOSED = "closed"
    REDUCED = "reduced"
    UNCHANGED = "unchanged"
    INCREASED = "increased"
    NEW = "new"


@dataclass(frozen=True)
class RiskChange:
    title: str
    outcome: RiskOutcome
    before_score: int | None
    after_score: int | None
    accepted: bool  # accepted by the client (after, or before when closed)


@dataclass(frozen=True)
class TaskProgress:
    title: str
    status: DeliveryStatus
    hours_sold: Decimal
    hours_spent: Decimal


@dataclass(frozen=True)
class ChangeOrderHours:
    """An approved change order's hours: sold after the signature, on top of the plan."""

    number: int
    title: str
    hours_sold: Decimal


@dataclass(frozen=True)
class PriceChange:
    label: str
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class Progress:
    answers: tuple[AnswerChange, ...]
    standards: tuple[StandardChange, ...]
    aligned_before: int
    aligned_after: int
    assessed: int  # categories that apply (not "not applicable") after
    risks: tuple[RiskChange, ...]
    heat_before: tuple[tuple[int, ...], ...]  # [likelihood-1][impact-1]
    heat_after: tuple[tuple[int, ...], ...]
    tasks: tuple[TaskProgress, ...]
    prices: tuple[PriceChange, ...]
    change_orders: tuple[ChangeOrderHours, ...] = ()  # approved ones only: no work on any other

    def risks_by(self, outcome: RiskOutcome) -> list[RiskChange]:
        return [r for r in self.risks if r.outcome is outcome]

    @property
    def accepted_risks(self) -> list[RiskChange]:
        return [r for r in self.risks if r.accepted and r.outcome is not RiskOutcome.CLOSED]

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.tasks if t.status is DeliveryStatus.DONE)

    @property
    def plan_hours_sold(self) -> Decimal:
        """The signed plan's hours."""
        return sum((t.hours_sold for t in self.tasks), Decimal(0))

    @property
    def change_order_hours(self) -> Decimal:
        return sum((c.hours_sold for c in self.change_orders), Decimal(0))

    @property
    def hours_sold(self) -> Decimal:
        """Every hour sold: the signed plan's and the approved change orders'."""
        return self.plan_hours_sold + self.change_order_hours

    @property
    def hours_spent(self) -> Decimal:
        return sum((t.hours_spent for t in self.tasks), Decimal(0))

    @property
    def standards_improved(self) -> list[StandardChange]:
        return [s for s in self.standards
                if s.after is StandardStatus.ALIGNED and s.before is not StandardStatus.ALIGNED]


def heat_counts(risks: Sequence[Risk]) -> tuple[tuple[int, ...], ...]:
    grid = [[0] * 5 for _ in range(5)]
    for r in risks:
        grid[r.likelihood - 1][r.impact - 1] += 1
    return tuple(tuple(row) for row in grid)


def _accepted(eng: Engagement, risk: Risk) -> bool:
    return risk.treatment is RiskTreatment.ACCEPTED or any(a.risk_uid == risk.uid for a in eng.risk_acceptances)


def _match_risks(before: Engagement, after: Engagement) -> list[RiskChange]:
    out: list[RiskChange] = []
    after_by_uid = {r.uid: r for r in after.risks}
    after_by_template = {r.template_id: r for r in after.risks if r.template_id}
    matched: set[str] = set()
    for b in before.risks:
        a = after_by_uid.get(b.uid) or (after_by_template.get(b.template_id) if b.template_id else None)
        if a is not None and a.uid in matched:
            a = None
        if a is None:
            out.append(RiskChange(b.title, RiskOutcome.CLOSED, b.score, None, _accepted(before, b)))
            continue
        matched.add(a.uid)
        outcome = (RiskOutcome.REDUCED if a.score < b.score else
                   RiskOutcome.INCREASED if a.score > b.score else RiskOutcome.UNCHANGED)
        out.append(RiskChange(a.title, outcome, b.score, a.score, _accepted(after, a)))
    for a in after.risks:
        if a.uid not in matched:
            out.append(RiskChange(a.title, RiskOutcome.NEW, None, a.score, _accepted(after, a)))
    order = list(RiskOutcome)
    return sorted(out, key=lambda r: (order.index(r.outcome), -(r.after_score or r.before_score or 0), r.title))


def compare(before: Engagement, after: Engagement, form_before: FormPackage, form_after: FormPackage,
            quote_before: Quote | None, quote_after: Quote | None) -> Progress:
    """What changed from ``before`` (the baseline, with delivery read back) to ``after``."""
    b_vals, a_vals = before.answer_values(), after.answer_values()
    answers = []
    for qid in list(b_vals) + [q for q in a_vals if q not in b_vals]:
        if b_vals.get(qid) != a_vals.get(qid):
            q = form_after.questionnaire.question(qid) or form_before.questionnaire.question(qid)
            answers.append(AnswerChange(qid, q.label if q else qid, b_vals.get(qid), a_vals.get(qid)))

    names = {c.id: c.name for c in form_before.standards} | {c.id: c.name for c in form_after.standards}
    b_std = {s.category_id: s.status for s in before.standards}
    a_std = {s.category_id: s.status for s in after.standards}
    standards = tuple(StandardChange(cid, names.get(cid, cid), b_std.get(cid), a_std.get(cid))
                      for cid in list(b_std) + [c for c in a_std if c not in b_std])
    applies = [s for s in a_std.values() if s is not StandardStatus.NOT_APPLICABLE]

    tasks = tuple(
        TaskProgress(i.title, i.delivery_status, sum(i.hours.values(), Decimal(0)), sum(i.actual_hours.values(), Decimal(0)))
        for i in before.remediation if i.accepted and i.phase is Phase.STABILIZATION)

    orders = tuple(ChangeOrderHours(o.number, o.title, sum(o.hours.values(), Decimal(0)))
                   for o in sorted(before.change_orders, key=lambda o: o.number)
                   if o.status is ChangeOrderStatus.APPROVED and any(o.hours.values()))

    prices: list[PriceChange] = []
    if quote_before and quote_after:
        prices = [
            PriceChange("Monthly operations fee", quote_before.monthly_fee, quote_after.monthly_fee),
            PriceChange("Fixed-fee work proposed", quote_before.stabilization_fee, quote_after.stabilization_fee),
            PriceChange("Roadmap projects proposed", quote_before.roadmap_total, quote_after.roadmap_total),
        ]
    return Progress(
        answers=tuple(answers), standards=standards,
        aligned_before=sum(1 for s in b_std.values() if s is StandardStatus.ALIGNED),
        aligned_after=sum(1 for s in a_std.values() if s is StandardStatus.ALIGNED),
        assessed=len(applies), risks=tuple(_match_risks(before, after)),
        heat_before=heat_counts(before.risks), heat_after=heat_counts(after.risks),
        tasks=tasks, prices=tuple(prices), change_orders=orders,
    )


__all__ = ["ZERO", "AnswerChange", "ChangeOrderHours", "PriceChange", "Progress", "RiskChange", "RiskOutcome", "StandardChange",
           "TaskProgress", "compare", "heat_counts"]

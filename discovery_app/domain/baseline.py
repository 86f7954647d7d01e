"""From proposal to signed baseline: options, acceptance and freezing, change orders, re-assessment.

* An option is a variation of the pricing inputs, priced by the one engine
  (:func:`~discovery_app.domain.pricing.build_quote`) and checked by the one assessment: each
  option passes the margin and discount rules on its own (:func:`option_readiness`).
* Accepting an engagement freezes its proposal state as the baseline (:func:`freeze`): the exact
  quote of the chosen option, the plan, the matrix, the accepted risks and the SHA-256 of the
  proposal PDF that was sent. A frozen engagement is not edited in place (:func:`frozen_message`
  is the sentence every refused write gives); later changes are change orders.
* A change order is priced like a roadmap project (:func:`price_change_order`); no work starts on
  one the client has not approved (:func:`work_allowed`).
* :func:`reassess` starts a new engagement from an accepted one, each carried record marked
  "from the baseline, to confirm".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from . import assessment as assessment_mod
from . import pricing as pricing_mod
from .basis import Basis
from .engagement import (
    Acceptance,
    ChangeOrder,
    ChangeOrderStatus,
    Engagement,
    PricingInputs,
    PricingOption,
    RemediationItem,
    RiskAcceptance,
    Status,
    new_uid,
)
from .forms import FormPackage, Phase

MAX_OPTIONS = 3


class BaselineError(ValueError):
    """A request about options, acceptance or change orders that cannot be carried out; the
    message is for the consultant."""


# ---- options ----------------------------------------------------------------------------------


def option_inputs(eng: Engagement, number: int) -> PricingInputs:
    """The pricing inputs of option ``number`` (0: the pricing page's own inputs)."""
    if number == 0:
        return eng.pricing
    for opt in eng.options:
        if opt.number == number:
            return opt.pricing
    offered = ", ".join(str(o.number) for o in eng.options) or "none"
    raise BaselineError(f"There is no option {number}; the proposal offers options {offered}.")


def option_basis(basis: Basis, number: int) -> Basis:
    """The basis priced with option ``number``'s inputs (the approvals are shared)."""
    return basis.with_inputs(option_inputs(basis.engagement, number))


def check_options(options: Sequence[PricingOption]) -> None:
    """Up to three options numbered 1..3 once each, each with a label."""
    if len(options) > MAX_OPTIONS:
        raise BaselineError(f"A proposal offers at most {MAX_OPTIONS} options, not {len(options)}.")
    numbers = [o.number for o in options]
    if len(set(numbers)) != len(numbers):
        raise BaselineError("Two options have the same number; number them 1, 2 and 3.")


@dataclass(frozen=True)
class PricedOption:
    number: int
    label: str
    note: str
    quote: pricing_mod.Quote | None
    readiness: tuple[assessment_mod.ReadinessItem, ...]  # this option's pricing items only
    error: str = ""

    @property
    def ready(self) -> bool:
        return self.quote is not None and not any(i.blocks for i in self.readiness)

    @property
    def one_time(self) -> Decimal:
        return self.quote.stabilization_fee if self.quote else pricing_mod.ZERO

    @property
    def recurring(self) -> Decimal:
        return self.quote.monthly_fee if self.quote else pricing_mod.ZERO


def price_option(basis: Basis, form: FormPackage, option: PricingOption, locale: str | None = None,
                 terms_override: Any = None) -> PricedOption:
    """One option priced by the same engine and checked by the same rules as the pricing page."""
    opt_basis = basis.with_inputs(option.pricing)
    a = assessment_mod.assess(opt_basis, form, terms_override, locale)
    items = tuple(i for i in a.readiness.items if i.where.page == "pricing" and not i.code.startswith("option."))
    return PricedOption(option.number, option.label, option.note, a.quote, items, a.pricing_error)


def price_options(basis: Basis, form: FormPackage, locale: str | None = None,
                  terms_override: Any = None) -> list[PricedOption]:
    return [price_option(basis, form, o, locale, terms_override)
            for o in sorted(basis.engagement.options, key=lambda o: o.number)]


def option_readiness(options: Sequence[PricedOption]) -> list[assessment_mod.ReadinessItem]:
    """Each option's own blockers and warnings, named by the option (for the Review page)."""
    out = []
    for o in options:
        for item in o.readiness:
            out.append(assessment_mod.ReadinessItem(
                item.severity, item.code, f"Option {o.number} ({o.label}): {item.message}", item.where))
        if o.quote is None:
            out.append(assessment_mod.ReadinessItem(
                assessment_mod.Severity.BLOCKER, "option.error",
                f"Option {o.number} ({o.label}) cannot be priced: {o.error}",
                assessment_mod.Where("pricing", "Pricing")))
    return out


@dataclass(frozen=True)
class OptionDifference:
    """One input that differs between the options, with each option's value as words."""

    label: str
    values: tuple[str, ...]


def option_differences(form: FormPackage, options: Sequence[PricingOption]) -> list[OptionDifference]:
    """What differs between the options' inputs, for the side-by-side table."""
    coverage = {c.id: c.label for c in form.pricing.coverage}

    def words(o: PricingOption) -> dict[str, str]:
        p = o.pricing
        return {
            "Coverage": coverage.get(p.coverage, p.coverage) if p.coverage else "As answered",
            "Lanes we run": ", ".join(lane.value.capitalize() for lane in p.lanes_run_by_provider) or "None",
            "Users priced": str(p.user_count_override) if p.user_count_override is not None else "As counted",
            "Discount": f"{pricing_mod.percent_text(p.discount_percent)}%" if p.discount_percent else "None",
            "Discovery fee credited": "Yes" if p.credit_discovery_fee else "No",
        }

    if not options:
        return []
    table = [words(o) for o in options]
    return [OptionDifference(label, tuple(t[label] for t in table))
            for label in table[0] if len({t[label] for t in table}) > 1]


# ---- acceptance and the baseline --------------------------------------------------------------


def frozen_message(eng_name: str, acceptance: Acceptance | None) -> str:
    """The sentence every refused edit of a frozen engagement gives."""
    when = f" on {acceptance.signed_on.isoformat()}" if acceptance else ""
    return (f"{eng_name} was accepted{when} and is frozen as the signed baseline; it cannot be edited in "
            f"place. Record the change as a change order, or start a re-assessment.")


def acceptance_problems(eng: Engagement, option: int, readiness: assessment_mod.Readiness,
                        option_items: Sequence[assessment_mod.ReadinessItem] = (),
                        proposal_now: str | None = None) -> list[str]:
    """Why the engagement cannot be accepted with ``option`` (empty: it can). ``proposal_now``:
    the fingerprint of what the client proposal would say now, for the issue date of the last
    export; the baseline must freeze the proposal the client holds, so it must equal the one
    taken at that export."""
    problems = []
    if eng.frozen:
        problems.append("This engagement is already accepted.")
    if eng.status is Status.DECLINED:
        problems.append("The proposal was declined; reopen it as a draft first.")
    if eng.options and option == 0:
        problems.append("The proposal offers options; say which one the client chose (--option N).")
    if option and option not in {o.number for o in eng.options}:
        problems.append(f"The proposal has no option {option}.")
    if not eng.proposal_sha256:
        problems.append("No client proposal was exported yet: export it first, so the baseline keeps the "
                        "fingerprint of the document the client signed.")
    elif proposal_now is not None and not eng.proposal_fingerprint:
        problems.append("The proposal was exported by an earlier version of Discovery, which kept no fingerprint "
                        "of what it says, so it cannot be told whether the engagement still says the same: export "
                        "the proposal again and record the acceptance of that one.")
    elif proposal_now is not None and proposal_now != eng.proposal_fingerprint:
        when = f" on {eng.proposal_issued_on.isoformat()}" if eng.proposal_issued_on else ""
        problems.append(f"The engagement changed since the proposal was exported{when}: the client holds a proposal "
                        "that no longer says what the engagement says. Export the proposal again, send it, and "
                        "record the acceptance of that one.")
    blockers = [i for i in readiness.blockers if i.where.page != "pricing"] + [i for i in option_items if i.blocks]
    if blockers:
        problems.append(f"The proposal still has {len(blockers)} blocker{'s' if len(blockers) != 1 else ''}: "
                        + blockers[0].message)
    return problems


def freeze(eng: Engagement, form: FormPackage, a: assessment_mod.Assessment, quote: pricing_mod.Quote,
           option: int) -> dict[str, Any]:
    """The baseline: what the client signed, as JSON that never changes again."""
    titles = {r.uid: r.title for r in eng.risks}
    return {
        "option": option,
        "option_label": next((o.label for o in eng.options if o.number == option), "As proposed"),
        "form": form.key,
        "proposal_sha256": eng.proposal_sha256,
        "frozen_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quote": quote.to_json_dict(),
        "plan": [{"number": s.number, "uid": s.item.uid, "title": s.item.title,
                  "hours": str(sum(s.item.hours.values(), Decimal(0))),
                  "start_week": s.start_week, "end_week": s.end_week} for s in a.plan.steps],
        "matrix": [{"function": r.assignment.function_id, "name": r.name, "lane": r.assignment.lane.value,
                    "raci": dict(r.assignment.raci)} for r in a.matrix.rows],
        "accepted_risks": [{"risk_uid": ra.risk_uid, "title": titles.get(ra.risk_uid, ""), "owner": ra.owner,
                            "review_on": ra.review_on.isoformat(), "approved_by": ra.approved_by}
                           for ra in eng.risk_acceptances],
    }


def accept(eng: Engagement, option: int, signed_by: str, title: str, signed_on: date,
           baseline: dict[str, Any], document_uid: str | None = None) -> Acceptance:
    if not signed_by.strip() or not title.strip():
        raise BaselineError("Say who signed: their name and their title.")
    return Acceptance(option=option, signed_by=signed_by.strip(), title=title.strip(), signed_on=signed_on,
                      document_uid=document_uid, proposal_sha256=eng.proposal_sha256, baseline=baseline)


# ---- accepted risks ---------------------------------------------------------------------------


def expired_acceptances(eng: Engagement, today: date) -> list[RiskAcceptance]:
    """Risk acceptances whose review date has passed: the client must accept again or treat them."""
    return [ra for ra in eng.risk_acceptances if ra.review_on < today]


# ---- change orders ----------------------------------------------------------------------------


def price_change_order(order: ChangeOrder, form: FormPackage) -> pricing_mod.ProjectPrice:
    """A change order's one-time price: its hours by role, priced like a roadmap project."""
    item = RemediationItem(uid=order.uid, title=order.title, hours=dict(order.hours), phase=Phase.ROADMAP)
    return pricing_mod.price_work(order.title, pricing_mod.hours_lines(item, form.pricing), form.pricing, uid=order.uid)


def next_order_number(orders: Sequence[ChangeOrder]) -> int:
    return max((o.number for o in orders), default=0) + 1


def new_change_order(eng: Engagement, form: FormPackage, title: str, reason: str, hours: dict[str, Decimal],
                     monthly_change: Decimal, requested_on: date) -> ChangeOrder:
    """A proposed change order for an accepted engagement (priced, not yet approved)."""
    if not eng.frozen:
        raise BaselineError("Change orders are for accepted engagements; before acceptance, edit the proposal.")
    if not title.strip() or not reason.strip():
        raise BaselineError("A change order needs a title and the reason for the change.")
    if not any(hours.values()) and not monthly_change:
        raise BaselineError("A change order needs hours (one-time work) or a change to the monthly fee.")
    order = ChangeOrder(uid=new_uid(), number=next_order_number(eng.change_orders), title=title.strip(),
                        reason=reason.strip(), hours=hours, monthly_change=pricing_mod.cents(monthly_change),
                        requested_on=requested_on)
    try:
        price_change_order(order, form)
    except pricing_mod.PricingError as exc:
        raise BaselineError(str(exc).replace("Remediation item", "Change order", 1)) from None
    return order


def approve(order: ChangeOrder, approved_by: str, title: str, approved_on: date) -> ChangeOrder:
    """The client's approval: only after it may the work start."""
    if order.status is not ChangeOrderStatus.PROPOSED:
        raise BaselineError(f"Change order {order.number} is already {order.status.value}.")
    if not approved_by.strip():
        raise BaselineError("Say who approved the change order on the client's side.")
    if approved_on < order.requested_on:
        raise BaselineError("The approval cannot be dated before the change order was requested.")
    return order.model_copy(update={"status": ChangeOrderStatus.APPROVED, "approved_by": approved_by.strip(),
                                    "approved_title": title.strip(), "approved_on": approved_on})


def decline(order: ChangeOrder) -> ChangeOrder:
    if order.status is not ChangeOrderStatus.PROPOSED:
        raise BaselineError(f"Change order {order.number} is already {order.status.value}.")
    return order.model_copy(update={"status": ChangeOrderStatus.DECLINED})


def work_allowed(order: ChangeOrder) -> bool:
    """The proposal's change-order rule: no work without an approved order."""
    return order.status is ChangeOrderStatus.APPROVED


@dataclass(frozen=True)
class ContractTotals:
    """The baseline's prices plus every approved change order; proposed ones are listed apart."""

    one_time_baseline: Decimal
    monthly_baseline: Decimal
    one_time_approved: Decimal
    monthly_approved: Decimal
    one_time_pending: Decimal
    monthly_pending: Decimal

    @property
    def one_time(self) -> Decimal:
        return self.one_time_baseline + self.one_time_approved

    @property
    def monthly(self) -> Decimal:
        return self.monthly_baseline + self.monthly_approved


def contract_totals(eng: Engagement, form: FormPackage) -> ContractTotals:
    if eng.acceptance is None:
        raise BaselineError("The engagement is not accepted yet.")
    q = eng.acceptance.baseline.get("quote", {})
    stab = Decimal(q.get("stabilization", {}).get("net", "0"))
    monthly = Decimal(q.get("monthly", {}).get("net", "0"))
    sums = {s: [pricing_mod.ZERO, pricing_mod.ZERO] for s in ChangeOrderStatus}
    for o in eng.change_orders:
        sums[o.status][0] += price_change_order(o, form).price
        sums[o.status][1] += o.monthly_change
    a, p = sums[ChangeOrderStatus.APPROVED], sums[ChangeOrderStatus.PROPOSED]
    return ContractTotals(stab, monthly, a[0], a[1], p[0], p[1])


# ---- re-assessment ----------------------------------------------------------------------------


def reassess(eng: Engagement, today: date, now: datetime) -> Engagement:
    """A new engagement from an accepted one: answers, inventory, standards, risks, accepted risks,
    sites, contacts, responsibilities, pricing inputs and the form version carried over, each
    marked "from the baseline, to confirm". Remediation is not carried: the new plan is new."""
    if not eng.frozen:
        raise BaselineError("Only an accepted engagement is a baseline to re-assess against.")
    carried = (
        [f"answer:{a.question_id}" for a in eng.answers]
        + [f"inventory:{i.uid}" for i in eng.inventory]
        + [f"standard:{s.category_id}" for s in eng.standards]
        + [f"risk:{r.uid}" for r in eng.risks]
        + [f"acceptance:{a.risk_uid}" for a in eng.risk_acceptances]
    )
    assert eng.acceptance is not None
    return Engagement(
        client_name=eng.client_name, status=Status.DRAFT, consultant=eng.consultant,
        internal_it_owner=eng.internal_it_owner, industry=eng.industry, discovery_date=today,
        created_at=now, updated_at=now, form_id=eng.form_id, form_version=eng.form_version,
        form_hash=eng.form_hash, notes="", baseline_of=eng.uid, to_confirm=carried,
        sites=list(eng.sites), contacts=list(eng.contacts), answers=list(eng.answers),
        inventory=list(eng.inventory), standards=list(eng.standards),
        risks=[r.model_copy(update={"treatment": r.treatment}) for r in eng.risks],
        responsibilities=list(eng.responsibilities),
        pricing=option_inputs(eng, eng.acceptance.option),
        risk_acceptances=list(eng.risk_acceptances),
    )


def confirm_key(kind: str, key: str) -> str:
    return f"{kind}:{key}"


__all__ = [
    "MAX_OPTIONS", "BaselineError", "ContractTotals", "OptionDifference", "PricedOption", "accept",
    "acceptance_problems", "approve", "check_options", "contract_totals", "decline", "expired_acceptances",
    "freeze", "frozen_message", "new_change_order", "option_basis", "option_differences", "option_inputs",
    "option_readiness", "price_change_order", "price_option", "price_options", "reassess", "work_allowed",
]

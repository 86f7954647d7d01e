"""Pricing: the launch & stabilization fixed fee, the monthly operations fee, roadmap projects,
discounts and their approval, and gross margin. Pure functions over an engagement and its form.

Money is :class:`~decimal.Decimal` from end to end, quantized to cents (half up). Every total in a
:class:`Quote` is the sum of lines the quote keeps, so a consultant can defend a price line by
line: :meth:`Quote.lines` flattens them in the order a proposal shows them.

The rules, in the order they apply:

* Stabilization fee: each accepted stabilization item's hours x the role's bill rate (one line
  per item and role), + contingency on the subtotal, rounded by the form's rule. The discount
  applies to the rounded fee; the discovery-fee credit (if chosen) comes after it, never taking
  the fee below zero. Cost is hours x cost rate, with no contingency.
* Monthly fee: per lane the provider runs, users x per-user rate + devices x per-device rate,
  times the coverage factor; plus one exception-lane surcharge per standards category kept as a
  priced exception (not multiplied by coverage). The discount applies to the total. Cost is each
  lane's amount x its cost ratio; surcharges cost at the run lane's ratio.
* Roadmap: each accepted roadmap item priced like the fixed fee, on its own, not in the fee.
* Gross margin = (price - cost) / price, for the fixed fee, the monthly fee and the first year
  (net fixed fee + 12 x net monthly fee).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from typing import Any

from . import approvals as approvals_mod
from . import facts as facts_mod
from .basis import Basis
from .engagement import (
    DiscountApproval,
    Engagement,
    ExceptionDecision,
    RemediationItem,
    StandardStatus,
)
from .forms import (
    ApprovalLevel,
    Billing,
    CoverageLevel,
    Fact,
    FormPackage,
    Lane,
    Phase,
    PricingDefaults,
    RoundingMode,
    RoundingRule,
)
from .tasks import PassThrough, pass_through
from .wording import count, device_noun

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MONTHS_IN_YEAR = 12

_LANE_ORDER = (Lane.RUN, Lane.CHANGE, Lane.GOVERN)


class PricingError(ValueError):
    """The engagement cannot be priced as recorded; the message says what to fix."""


def cents(amount: Decimal) -> Decimal:
    """``amount`` quantized to cents, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """``part / whole`` as a percent with 2 decimals (half up); 0 when ``whole`` is 0."""
    if whole == 0:
        return ZERO
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(value: Decimal, locale: str | None = None) -> str:
    """Percent points for a sentence: "12.5%" when no locale is given (the command line's JSON
    and the stored form), else as the locale writes them ("12,5 %" in de_DE)."""
    if locale is None:
        return f"{percent_text(value)}%"
    from .locale_text import format_percent

    return format_percent(value, locale)


def percent_text(value: Decimal) -> str:
    """A percent for a label, without trailing zeros: ``Decimal("5.00")`` -> ``"5"``."""
    return f"{value.normalize():f}"


def money_str(amount: Decimal) -> str:
    """Money as a decimal string with exactly two decimals, e.g. ``"12350.00"``."""
    return str(cents(amount))


_ROUNDING = {RoundingMode.UP: ROUND_CEILING, RoundingMode.DOWN: ROUND_FLOOR, RoundingMode.NEAREST: ROUND_HALF_UP}


def round_amount(amount: Decimal, rule: RoundingRule) -> Decimal:
    """``amount`` rounded to a multiple of the rule's increment: up, down or nearest (half up)."""
    with localcontext() as ctx:
        ctx.prec = 60
        steps = (amount / rule.increment).to_integral_value(rounding=_ROUNDING[rule.mode])
        return cents(steps * rule.increment)


# ---- counts -----------------------------------------------------------------------------------


class CountSource(StrEnum):
    DERIVED = "derived"
    OVERRIDE = "override"


@dataclass(frozen=True)
class Count:
    """A count that drives the monthly fee, and where it came from."""

    value: int
    source: CountSource
    derived: int  # what the engagement's data says, whether or not it is overridden
    basis: str  # how ``derived`` was found, for the consultant

    @property
    def overridden(self) -> bool:
        return self.source is CountSource.OVERRIDE

    def to_json_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source.value, "derived": self.derived, "basis": self.basis}


@dataclass(frozen=True)
class Counts:
    users: Count
    devices: Mapping[str, Count]  # by device kind: the form's kinds first, then any others
    warnings: tuple[str, ...] = ()

    def device(self, kind: str) -> int:
        c = self.devices.get(kind)
        return c.value if c else 0

    @property
    def device_total(self) -> int:
        return sum(c.value for c in self.devices.values())

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "users": self.users.to_json_dict(),
            "devices": {k: c.to_json_dict() for k, c in self.devices.items()},
        }


def _answered_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    if not number.is_finite() or number < 0 or number != number.to_integral_value():
        return None
    return int(number)


def count_units(basis: Basis, pkg: FormPackage) -> Counts:
    """Users and devices by kind, each derived from the engagement or overridden in its pricing.

    Users come from the question bound to the ``users`` fact, else the sites' user counts;
    devices from the inventory's counts per kind."""
    eng = basis.engagement
    inputs = eng.pricing
    warnings: list[str] = []

    question = facts_mod.question_for(pkg, Fact.USERS)
    answered = _answered_int(eng.answer_values().get(question.id)) if question else None
    site_counts = [s.user_count for s in eng.sites if s.user_count is not None]
    if answered is not None and question is not None:
        derived_users, basis_text = answered, f"answer to “{question.label}”"
    elif site_counts:
        derived_users = sum(site_counts)
        basis_text = f"sum of user counts of {len(site_counts)} site{'s' if len(site_counts) != 1 else ''}"
    else:
        derived_users, basis_text = 0, "no user count recorded"
    if inputs.user_count_override is not None:
        users = Count(inputs.user_count_override, CountSource.OVERRIDE, derived_users, basis_text)
    else:
        users = Count(derived_users, CountSource.DERIVED, derived_users, basis_text)
        if answered is None and not site_counts:
            warnings.append("No user count is recorded (question, sites or override): per-user rates price 0 users.")

    by_kind = basis.devices_by_kind()
    unkinded = basis.devices_without_kind()
    if unkinded:
        warnings.append(f"{unkinded} device{'s have' if unkinded != 1 else ' has'} no kind and "
                        f"{'are' if unkinded != 1 else 'is'} not priced; give each a kind.")
    for kind, n in inputs.device_count_overrides.items():
        if n < 0:
            raise PricingError(f"The device count override for {kind!r} is negative ({n}).")

    kinds = list(pkg.device_kinds)
    kinds += sorted(k for k in by_kind if k not in kinds)
    kinds += sorted(k for k in inputs.device_count_overrides if k not in kinds)
    devices: dict[str, Count] = {}
    for kind in kinds:
        derived = by_kind.get(kind, 0)
        n_basis = f"{count(derived, device_noun(kind))} in the inventory"
        if kind in inputs.device_count_overrides:
            devices[kind] = Count(inputs.device_count_overrides[kind], CountSource.OVERRIDE, derived, n_basis)
        else:
            devices[kind] = Count(derived, CountSource.DERIVED, derived, n_basis)
        if kind not in pkg.device_kinds and devices[kind].value:
            warnings.append(f"{count(devices[kind].value, device_noun(kind))}, which the form does not price; "
                            f"map them to one of its kinds.")
    return Counts(users, devices, tuple(warnings))


@dataclass(frozen=True)
class CoverageChoice:
    """The coverage priced, and where it came from: the bound answer, or an override of it."""

    level: CoverageLevel
    source: CountSource
    answered: CoverageLevel | None  # what the questionnaire says, None when unanswered

    @property
    def overridden(self) -> bool:
        return self.source is CountSource.OVERRIDE

    @property
    def differs_from_answer(self) -> bool:
        return self.answered is not None and self.answered.id != self.level.id

    def to_json_dict(self) -> dict[str, Any]:
        return {"id": self.level.id, "source": self.source.value,
                "answered": self.answered.id if self.answered else None}


def resolve_coverage(eng: Engagement, pkg: FormPackage) -> CoverageChoice:
    """The pricing page's choice when it overrides, else the answer to the coverage question,
    else the form's first level (and a warning says the answer is missing)."""
    question = facts_mod.question_for(pkg, Fact.COVERAGE)
    value = eng.answer_values().get(question.id) if question else None
    answered = next((lv for lv in pkg.pricing.coverage if lv.id == value), None)
    if eng.pricing.coverage is not None:
        return CoverageChoice(coverage_level(pkg.pricing, eng.pricing.coverage), CountSource.OVERRIDE, answered)
    return CoverageChoice(answered or pkg.pricing.coverage[0], CountSource.DERIVED, answered)


# ---- margins ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Margin:
    """Gross margin: money = price - cost; percent = money / price x 100 (0 when price is 0)."""

    price: Decimal
    cost: Decimal
    money: Decimal
    percent: Decimal

    def to_json_dict(self) -> dict[str, str]:
        return {"percent": str(self.percent), "money": money_str(self.money),
                "price": money_str(self.price), "cost": money_str(self.cost)}


def price_for_margin(cost: Decimal, target_percent: Decimal) -> Decimal:
    """The price that earns ``target_percent`` gross margin on ``cost``: cost / (1 - target),
    rounded up to the cent (so the margin is at least the target)."""
    share = 1 - target_percent / 100
    if share <= 0:
        raise PricingError(f"A {target_percent} % margin cannot be reached at any price.")
    return (cost / share).quantize(CENT, ROUND_CEILING)


def gross_margin(price: Decimal, cost: Decimal) -> Margin:
    money = cents(price - cost)
    return Margin(cents(price), cents(cost), money, percent_of(money, price))


@dataclass(frozen=True)
class MarginImpact:
    """What a discount does to one margin."""

    before: Margin
    after: Margin

    @property
    def money_change(self) -> Decimal:
        return self.after.money - self.before.money

    @property
    def money_change_percent(self) -> Decimal:
        """Change in margin money as a percent of the margin money before (negative: lost)."""
        return percent_of(self.money_change, self.before.money)

    @property
    def points_change(self) -> Decimal:
        return self.after.percent - self.before.percent

    def to_json_dict(self) -> dict[str, Any]:
        return {"before": self.before.to_json_dict(), "after": self.after.to_json_dict(),
                "money_change": money_str(self.money_change),
                "money_change_percent": str(self.money_change_percent),
                "points_change": str(self.points_change)}


def margin_impact(price: Decimal, cost: Decimal, discount_percent: Decimal) -> MarginImpact:
    """The margin at ``price`` and after cutting it by ``discount_percent`` (cost unchanged)."""
    cut = discount_amount(price, discount_percent)
    return MarginImpact(gross_margin(price, cost), gross_margin(price - cut, cost))


def discount_amount(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, in cents (half up)."""
    return cents(amount * percent / HUNDRED)


# ---- projects: hours x rates + contingency, rounded ----------------------------------------


@dataclass(frozen=True)
class HoursLine:
    """One role's hours on one remediation item."""

    item_uid: str
    item_title: str
    role_id: str
    role_name: str
    hours: Decimal
    bill_rate: Decimal
    cost_rate: Decimal
    amount: Decimal  # hours x bill rate
    cost: Decimal  # hours x cost rate


def hours_lines(item: RemediationItem, pricing: PricingDefaults) -> tuple[HoursLine, ...]:
    """The item's hours priced per role, in the form's role order. Unknown roles are an error."""
    order = {r.id: n for n, r in enumerate(pricing.roles)}
    unknown = [rid for rid in item.hours if rid not in order]
    if unknown:
        known = ", ".join(order)
        raise PricingError(
            f"Remediation item {item.title!r} has hours for role {unknown[0]!r}, which the form's pricing "
            f"does not define (roles: {known})."
        )
    lines = []
    for rid in sorted(item.hours, key=order.__getitem__):
        hours = item.hours[rid]
        if hours == 0:
            continue
        role = pricing.role(rid)
        assert role is not None
        lines.append(HoursLine(
            item_uid=item.uid, item_title=item.title, role_id=rid, role_name=role.name, hours=hours,
            bill_rate=role.bill_rate, cost_rate=role.cost_rate,
            amount=cents(hours * role.bill_rate), cost=cents(hours * role.cost_rate),
        ))
    return tuple(lines)


@dataclass(frozen=True)
class ProjectPrice:
    """Priced work: subtotal + contingency + rounding adjustment = price."""

    title: str
    lines: tuple[HoursLine, ...]
    hours: Decimal
    subtotal: Decimal
    contingency_rate: Decimal
    contingency: Decimal
    before_rounding: Decimal
    rounding: Decimal  # price - before_rounding: what the form's rounding rule added (or took)
    price: Decimal
    cost: Decimal
    uid: str | None = None  # the remediation item, for a roadmap project

    @property
    def margin(self) -> Margin:
        return gross_margin(self.price, self.cost)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "title": self.title,
            "hours": str(self.hours),
            "lines": [
                {"item_uid": ln.item_uid, "item": ln.item_title, "role": ln.role_id, "role_name": ln.role_name,
                 "hours": str(ln.hours), "bill_rate": money_str(ln.bill_rate), "amount": money_str(ln.amount),
                 "cost_rate": money_str(ln.cost_rate), "cost": money_str(ln.cost)}
                for ln in self.lines
            ],
            "subtotal": money_str(self.subtotal),
            "contingency_rate": str(self.contingency_rate),
            "contingency": money_str(self.contingency),
            "rounding": money_str(self.rounding),
            "price": money_str(self.price),
            "cost": money_str(self.cost),
            "gross_margin": self.margin.to_json_dict(),
        }


def price_work(title: str, lines: Sequence[HoursLine], pricing: PricingDefaults, uid: str | None = None) -> ProjectPrice:
    """Sum the lines, add the form's contingency, round by the form's rule."""
    subtotal = sum((ln.amount for ln in lines), ZERO)
    contingency = cents(subtotal * pricing.contingency)
    before = subtotal + contingency
    price = round_amount(before, pricing.rounding)
    return ProjectPrice(
        title=title, lines=tuple(lines), hours=sum((ln.hours for ln in lines), Decimal(0)),
        subtotal=subtotal, contingency_rate=pricing.contingency, contingency=contingency,
        before_rounding=before, rounding=price - before, price=price,
        cost=sum((ln.cost for ln in lines), ZERO), uid=uid,
    )


def _accepted(eng: Engagement, phase: Phase) -> list[RemediationItem]:
    return [r for r in eng.remediation if r.accepted and r.phase is phase]


def fixed_fee(eng: Engagement, pkg: FormPackage) -> ProjectPrice:
    """The launch & stabilization fee before discount and credit: every accepted stabilization item."""
    lines = [ln for item in _accepted(eng, Phase.STABILIZATION) for ln in hours_lines(item, pkg.pricing)]
    return price_work("Launch and stabilization", lines, pkg.pricing)


def roadmap_projects(eng: Engagement, pkg: FormPackage) -> tuple[ProjectPrice, ...]:
    """Each accepted roadmap item priced on its own, as a change project."""
    return tuple(
        price_work(item.title, hours_lines(item, pkg.pricing), pkg.pricing, uid=item.uid)
        for item in _accepted(eng, Phase.ROADMAP)
    )


@dataclass(frozen=True)
class StabilizationFee:
    """gross (the rounded project fee) - discount - credit = net."""

    work: ProjectPrice
    discount_percent: Decimal
    discount: Decimal
    credit: Decimal  # the discovery fee credited, capped so the net never goes below zero
    credit_requested: Decimal  # the form's discovery fee when the credit is chosen, else 0
    net: Decimal

    @property
    def gross(self) -> Decimal:
        return self.work.price

    @property
    def cost(self) -> Decimal:
        return self.work.cost

    def to_json_dict(self) -> dict[str, Any]:
        out = self.work.to_json_dict()
        out.pop("gross_margin")
        out.update({
            "gross": money_str(self.gross),
            "discount_percent": str(self.discount_percent),
            "discount": money_str(self.discount),
            "credit": money_str(self.credit),
            "net": money_str(self.net),
        })
        return out


def stabilization_fee(eng: Engagement, pkg: FormPackage, discount_percent: Decimal | None = None,
                      work: ProjectPrice | None = None) -> StabilizationFee:
    """The fixed fee with the engagement's discount (or ``discount_percent``) and credit applied;
    ``work``: the fixed fee already priced (it does not depend on the discount)."""
    pct = eng.pricing.discount_percent if discount_percent is None else discount_percent
    work = work or fixed_fee(eng, pkg)
    discount = discount_amount(work.price, pct)
    after_discount = work.price - discount
    requested = pkg.pricing.discovery_fee if eng.pricing.credit_discovery_fee else ZERO
    credit = max(ZERO, min(requested, after_discount))
    return StabilizationFee(work, pct, discount, credit, requested, after_discount - credit)


# ---- monthly ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyLine:
    """Quantity x monthly rate in one lane: the users, or the devices of one kind."""

    lane: Lane
    unit: str  # "users" or a device kind
    label: str
    quantity: int
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class LaneFee:
    """base (sum of lines) + coverage uplift = amount; cost = amount x cost ratio."""

    lane: Lane
    lines: tuple[MonthlyLine, ...]
    base: Decimal
    coverage_factor: Decimal
    coverage_uplift: Decimal
    amount: Decimal
    cost_ratio: Decimal
    cost: Decimal


@dataclass(frozen=True)
class Surcharge:
    """The monthly exception-lane surcharge for one standards category kept as an exception."""

    category_id: str
    category_name: str
    current_tool: str
    amount: Decimal
    cost_ratio: Decimal
    cost: Decimal


@dataclass(frozen=True)
class MonthlyFee:
    """lanes + surcharges = gross; gross - discount = net."""

    coverage: CoverageLevel
    lanes: tuple[LaneFee, ...]
    surcharges: tuple[Surcharge, ...]
    lanes_total: Decimal
    surcharges_total: Decimal
    gross: Decimal
    discount_percent: Decimal
    discount: Decimal
    net: Decimal
    cost: Decimal
    unpriced_lanes: tuple[Lane, ...] = ()  # run by the provider but without rates in the form

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "coverage": {"id": self.coverage.id, "label": self.coverage.label, "factor": str(self.coverage.factor)},
            "lanes": [
                {"lane": lf.lane.value,
                 "lines": [{"unit": ln.unit, "label": ln.label, "quantity": ln.quantity,
                            "rate": money_str(ln.rate), "amount": money_str(ln.amount)} for ln in lf.lines],
                 "base": money_str(lf.base), "coverage_factor": str(lf.coverage_factor),
                 "coverage_uplift": money_str(lf.coverage_uplift), "amount": money_str(lf.amount),
                 "cost_ratio": str(lf.cost_ratio), "cost": money_str(lf.cost)}
                for lf in self.lanes
            ],
            "surcharges": [
                {"category": s.category_id, "name": s.category_name, "current_tool": s.current_tool,
                 "amount": money_str(s.amount), "cost_ratio": str(s.cost_ratio), "cost": money_str(s.cost)}
                for s in self.surcharges
            ],
            "lanes_total": money_str(self.lanes_total),
            "surcharges_total": money_str(self.surcharges_total),
            "gross": money_str(self.gross),
            "discount_percent": str(self.discount_percent),
            "discount": money_str(self.discount),
            "net": money_str(self.net),
            "cost": money_str(self.cost),
            "unpriced_lanes": [lane.value for lane in self.unpriced_lanes],
        }


def coverage_level(pricing: PricingDefaults, coverage_id: str) -> CoverageLevel:
    for level in pricing.coverage:
        if level.id == coverage_id:
            return level
    known = ", ".join(level.id for level in pricing.coverage)
    raise PricingError(f"Coverage {coverage_id!r} is not one of the form's coverage levels ({known}).")


def surcharge_cost_ratio(pricing: PricingDefaults) -> Decimal:
    """The run lane's cost ratio, or the average of the form's lanes when it has no run lane."""
    run = pricing.lanes.get(Lane.RUN)
    if run is not None:
        return run.cost_ratio
    ratios = [r.cost_ratio for r in pricing.lanes.values()]
    return sum(ratios, Decimal(0)) / len(ratios) if ratios else Decimal(0)


def exception_surcharges(eng: Engagement, pkg: FormPackage) -> tuple[Surcharge, ...]:
    """One surcharge per standards category the client keeps as a priced exception."""
    categories = {c.id: c for c in pkg.standards}
    ratio = surcharge_cost_ratio(pkg.pricing)
    out: list[Surcharge] = []
    seen: set[str] = set()
    for a in eng.standards:
        if a.status is not StandardStatus.EXCEPTION or a.decision is not ExceptionDecision.EXCEPTION_LANE:
            continue
        if a.category_id in seen:
            continue
        cat = categories.get(a.category_id)
        if cat is None:
            raise PricingError(f"The standards assessment for {a.category_id!r} names a category the form does not define.")
        seen.add(a.category_id)
        amount = cents(cat.exception_surcharge)
        out.append(Surcharge(cat.id, cat.name, a.current_tool, amount, ratio, cents(amount * ratio)))
    return tuple(out)


def _unit_label(unit: str) -> str:
    return "Users" if unit == "users" else f"Devices: {unit.replace('_', ' ')}"


def lane_fee(lane: Lane, pkg: FormPackage, counts: Counts, coverage: CoverageLevel) -> LaneFee:
    rates = pkg.pricing.lanes[lane]
    lines = [MonthlyLine(lane, "users", "Users", counts.users.value, rates.per_user,
                         cents(counts.users.value * rates.per_user))]
    kinds = list(counts.devices) + [k for k in rates.per_device if k not in counts.devices]
    for kind in kinds:
        rate = rates.per_device.get(kind)
        n = counts.device(kind)
        if rate is None or n == 0:
            continue
        lines.append(MonthlyLine(lane, kind, _unit_label(kind), n, rate, cents(n * rate)))
    base = sum((ln.amount for ln in lines), ZERO)
    amount = cents(base * coverage.factor)
    return LaneFee(lane, tuple(lines), base, coverage.factor, amount - base, amount,
                   rates.cost_ratio, cents(amount * rates.cost_ratio))


def monthly_fee(
    eng: Engagement, pkg: FormPackage, counts: Counts | None = None, discount_percent: Decimal | None = None
) -> MonthlyFee:
    """The co-managed operations fee per month, with the engagement's discount (or ``discount_percent``).
    ``counts`` default to counting the engagement's own inventory records."""
    counts = counts or count_units(Basis.of(eng), pkg)
    pct = eng.pricing.discount_percent if discount_percent is None else discount_percent
    coverage = resolve_coverage(eng, pkg).level
    run_by_provider = set(eng.pricing.lanes_run_by_provider)
    lanes = tuple(lane_fee(lane, pkg, counts, coverage)
                  for lane in _LANE_ORDER if lane in run_by_provider and lane in pkg.pricing.lanes)
    unpriced = tuple(lane for lane in _LANE_ORDER if lane in run_by_provider and lane not in pkg.pricing.lanes)
    surcharges = exception_surcharges(eng, pkg)
    lanes_total = sum((lf.amount for lf in lanes), ZERO)
    surcharges_total = sum((s.amount for s in surcharges), ZERO)
    gross = lanes_total + surcharges_total
    discount = discount_amount(gross, pct)
    cost = sum((lf.cost for lf in lanes), ZERO) + sum((s.cost for s in surcharges), ZERO)
    return MonthlyFee(coverage, lanes, surcharges, lanes_total, surcharges_total, gross, pct, discount,
                      gross - discount, cost, unpriced)


# ---- discount approval ----------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalRequirement:
    """What a discount needs from the form's approval matrix."""

    percent: Decimal
    allowed: bool  # False: above the highest level, not allowed at all
    role: str | None  # who must approve; None: no approval needed (or not allowed)
    level_max_percent: Decimal | None  # the ceiling of the level that applies
    top_percent: Decimal  # the highest discount the matrix allows

    @property
    def needs_approval(self) -> bool:
        return self.allowed and self.role is not None


def approval_requirement(levels: Iterable[ApprovalLevel], percent: Decimal) -> ApprovalRequirement:
    """The first level (by max_percent) whose ceiling covers ``percent``; no discount needs nothing."""
    ordered = sorted(levels, key=lambda lv: lv.max_percent)
    top = ordered[-1].max_percent if ordered else ZERO
    if percent <= 0:
        return ApprovalRequirement(percent, True, None, None, top)
    for level in ordered:
        if level.max_percent >= percent:
            return ApprovalRequirement(percent, True, level.role, level.max_percent, top)
    return ApprovalRequirement(percent, False, None, None, top)


def _norm_role(role: str) -> str:
    return " ".join(role.replace("_", " ").replace("-", " ").split()).casefold()


def find_approval(requirement: ApprovalRequirement,
                  approvals: Iterable[approvals_mod.VerifiedApproval]) -> approvals_mod.VerifiedApproval | None:
    """The latest verified approval that covers the discount (see :mod:`.approvals`: the signature,
    the approver's role against the matrix and the figures are checked there). A role typed as text
    is not an approval. None when there is none (or none is needed)."""
    if not requirement.needs_approval:
        return None
    ok = [a for a in approvals if a.percent >= requirement.percent]
    return max(ok, key=lambda a: a.approved_on) if ok else None


def current_statement(eng: Engagement, currency: str, stab: StabilizationFee, monthly: MonthlyFee, *,
                      day: date, option: int = 0, option_label: str = "",
                      requested_by: str = "") -> approvals_mod.ApprovalStatement:
    """What an approver of this engagement's discount approves, as priced now."""
    return approvals_mod.ApprovalStatement(
        engagement_uid=eng.uid, option=option, option_label=option_label, currency=currency,
        discount_percent=eng.pricing.discount_percent, discount_fixed=stab.discount, discount_monthly=monthly.discount,
        fixed_fee=stab.net, monthly_fee=monthly.net, requested_by=requested_by, date=day)


def role_label(role: str) -> str:
    """An approval-matrix role for messages: ``service_leader`` -> ``service leader``, and a short
    id is an acronym: ``ceo`` -> ``CEO``."""
    text = role.replace("_", " ")
    return text.upper() if len(text) <= 3 else text


# ---- the quote --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Margins:
    stabilization: Margin
    monthly: Margin
    first_year: Margin

    def to_json_dict(self) -> dict[str, Any]:
        return {"stabilization": self.stabilization.to_json_dict(), "monthly": self.monthly.to_json_dict(),
                "first_year": self.first_year.to_json_dict()}


@dataclass(frozen=True)
class DiscountInfo:
    percent: Decimal
    reason: str
    amount_stabilization: Decimal
    amount_monthly: Decimal
    amount_first_year: Decimal  # stabilization + 12 x monthly
    requirement: ApprovalRequirement
    approval: approvals_mod.VerifiedApproval | None
    before: Margins  # the margins with no discount
    after: Margins  # the margins as quoted
    # Each signed approval recorded and whether it counts; the approvals typed by hand (which never do).
    checks: tuple[approvals_mod.ApprovalCheck, ...] = ()
    typed: tuple[DiscountApproval, ...] = ()

    @property
    def required_role(self) -> str | None:
        return self.requirement.role

    @property
    def allowed(self) -> bool:
        return self.requirement.allowed

    @property
    def approved(self) -> bool:
        """Allowed, and either needing no approval or carrying a recorded one that covers it."""
        return self.allowed and (not self.requirement.needs_approval or self.approval is not None)

    def approval_record(self) -> tuple[str, ...]:
        """Who approved what, for internal records: each signed approval verified or why it does
        not count, then each approval typed by hand (unverified, clears nothing)."""
        out = []
        for c in self.checks:
            st = c.statement
            what = (f"{percent(st.discount_percent)} on {st.date.isoformat()}"
                    + (f" (option {st.option})" if st.option else "")) if st else "an unreadable statement"
            if c.approval:
                a = c.approval
                out.append(f"{a.approver}, {role_label(a.role)}, approved {what}; signature verified, "
                           f"key {a.fingerprint}")
            else:
                out.append(f"{c.record.approver or 'Unknown approver'} signed {what}; does not count: {c.problem}")
        for t in self.typed:
            out.append(f"{t.approver}, {t.role}, {percent(t.percent)} on {t.approved_on.isoformat()}: unverified, typed by "
                       "hand (clears nothing)")
        return tuple(out)

    def status(self) -> str:
        """The discount's approval in one line, for the internal records (the delivery workbook and
        the proposal's internal copy)."""
        if self.percent <= 0:
            return "No discount"
        if not self.allowed:
            return "Not allowed: above the approval matrix"
        if not self.requirement.needs_approval:
            return "No approval needed"
        a = self.approval
        if a is not None:
            return (f"Approved by {a.approver} ({role_label(a.role)}) on {a.approved_on.isoformat()}, "
                    f"signature verified, key "
                    f"{a.fingerprint}")
        return f"NOT APPROVED: needs the {role_label(self.required_role or '')}"

    def impact(self, scope: str) -> MarginImpact:
        """``scope``: "stabilization", "monthly" or "first_year"."""
        return MarginImpact(getattr(self.before, scope), getattr(self.after, scope))

    def to_json_dict(self) -> dict[str, Any]:
        a = self.approval
        return {
            "percent": str(self.percent),
            "reason": self.reason,
            "amount_stabilization": money_str(self.amount_stabilization),
            "amount_monthly": money_str(self.amount_monthly),
            "amount_first_year": money_str(self.amount_first_year),
            "required_role": self.required_role,
            "needs_approval": self.requirement.needs_approval,
            "allowed": self.allowed,
            "max_allowed_percent": str(self.requirement.top_percent),
            "approved": self.approved,
            "approved_by": a.approver if a else None,
            "approver_role": a.role if a else None,
            "approved_on": a.approved_on.isoformat() if a else None,
            "approved_percent": str(a.percent) if a else None,
            "approval_verified": a is not None,
            "approver_key_fingerprint": a.fingerprint if a else None,
            "signed_approvals": [{**(c.approval.to_json_dict() if c.approval else {}), "verified": c.verified,
                                  "problem": c.problem} for c in self.checks],
            "unverified_typed_approvals": len(self.typed),
            "impact": {s: self.impact(s).to_json_dict() for s in ("stabilization", "monthly", "first_year")},
        }


#: Quote line sections of the hardware and licences passed through (domain/tasks.py).
PASS_THROUGH_ONE_OFF = "pass_through:one_off"
PASS_THROUGH_MONTHLY = "pass_through:monthly"


@dataclass(frozen=True)
class QuoteLine:
    """One line of the flattened breakdown; within a section the amounts add up to its total."""
    section: str  # "stabilization", "monthly", "roadmap:<uid>", "pass_through:one_off" or "pass_through:monthly"
    kind: str  # hours, contingency, rounding, discount, credit, lane, coverage, surcharge
    label: str
    quantity: Decimal | None
    unit: str
    rate: Decimal | None
    amount: Decimal
    cost: Decimal | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "section": self.section, "kind": self.kind, "label": self.label,
            "quantity": None if self.quantity is None else str(self.quantity), "unit": self.unit,
            "rate": None if self.rate is None else money_str(self.rate),
            "amount": money_str(self.amount), "cost": None if self.cost is None else money_str(self.cost),
        }


@dataclass(frozen=True)
class TargetGap:
    """A fee under the margin target: its price now and the price that would meet the target."""

    scope: str  # "stabilization" or "monthly"
    price: Decimal
    needed: Decimal
    target_percent: Decimal

    @property
    def rise_percent(self) -> Decimal:
        return percent_of(self.needed - self.price, self.price) if self.price else Decimal(0)

    def rise_text(self, locale: str | None = None) -> str:
        return percent(self.rise_percent.quantize(Decimal(1), ROUND_CEILING), locale)


@dataclass(frozen=True)
class Quote:
    currency: str
    counts: Counts
    coverage: CoverageChoice
    stabilization: StabilizationFee
    monthly: MonthlyFee
    roadmap: tuple[ProjectPrice, ...]
    roadmap_total: Decimal
    first_year_total: Decimal
    first_year_cost: Decimal
    margins: Margins
    target_margin_percent: Decimal
    discount: DiscountInfo
    warnings: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    locale: str | None = None  # how its sentences and labels write percents (None: "12.5%")
    # Hardware and licences the plan's tasks need, passed through at the form's prices: never in
    # the labour fees, margins or first-year total above (domain/tasks.py).
    pass_through: PassThrough = field(default_factory=PassThrough)

    @property
    def stabilization_fee(self) -> Decimal:
        return self.stabilization.net

    @property
    def monthly_fee(self) -> Decimal:
        return self.monthly.net

    def section_totals(self) -> dict[str, Decimal]:
        out = {"stabilization": self.stabilization.net, "monthly": self.monthly.net}
        for p in self.roadmap:
            out[f"roadmap:{p.uid}"] = p.price
        if self.pass_through.one_off:
            out[PASS_THROUGH_ONE_OFF] = self.pass_through.one_off_total
        if self.pass_through.monthly:
            out[PASS_THROUGH_MONTHLY] = self.pass_through.monthly_total
        return out

    def target_gaps(self) -> list[TargetGap]:
        """For each of the fixed fee and the monthly fee whose margin is under the target: the
        price that would meet it (cost / (1 - target)) and how far the rates would have to rise."""
        out = []
        for scope, m in (("stabilization", self.margins.stabilization), ("monthly", self.margins.monthly)):
            if (m.price or m.cost) and m.percent < self.target_margin_percent:
                needed = price_for_margin(m.cost, self.target_margin_percent)
                out.append(TargetGap(scope, m.price, needed, self.target_margin_percent))
        return out

    def target_advice(self) -> str:
        """One sentence for the pricing page: what would meet the margin target, or "" when met."""
        from .locale_text import format_money

        def money(amount: Decimal) -> str:
            return format_money(amount, self.locale, self.currency)

        parts = []
        for g in self.target_gaps():
            name = _SCOPE_NAMES[g.scope]
            if g.scope == "stabilization":
                parts.append(f"a {name} of {money(g.needed)} (role rates about {g.rise_text(self.locale)} higher)")
            else:
                # Lane cost follows the fee (cost ratio), so only the net fee, not a rate, closes the gap.
                parts.append(f"a {name} of {money(g.needed)} (now {money(g.price)})")
        if not parts:
            return ""
        return (f"To meet the {percent(self.target_margin_percent, self.locale)} margin target: "
                + " and ".join(parts) + ".")

    def lines(self) -> list[QuoteLine]:
        """Every priced line, section by section; each section's amounts sum to its total."""
        out: list[QuoteLine] = []
        s = self.stabilization
        out += _project_lines("stabilization", s.work, self.locale)
        if s.discount:
            out.append(QuoteLine("stabilization", "discount", f"Discount {percent(s.discount_percent, self.locale)}", None, "", None, -s.discount))
        if s.credit:
            out.append(QuoteLine("stabilization", "credit", "Credit: discovery fee already paid", None, "", None, -s.credit))
        m = self.monthly
        for lf in m.lanes:
            for ln in lf.lines:
                out.append(QuoteLine("monthly", "lane", f"{lf.lane.value.capitalize()} lane - {ln.label}",
                                     Decimal(ln.quantity), ln.unit, ln.rate, ln.amount))
            if lf.coverage_uplift:
                out.append(QuoteLine("monthly", "coverage",
                                     f"{lf.lane.value.capitalize()} lane - coverage {m.coverage.label} x {lf.coverage_factor}",
                                     None, "", None, lf.coverage_uplift))
        for sc in m.surcharges:
            tool = f" ({sc.current_tool})" if sc.current_tool else ""
            out.append(QuoteLine("monthly", "surcharge", f"Exception lane - {sc.category_name}{tool}",
                                 Decimal(1), "category", sc.amount, sc.amount, sc.cost))
        if m.discount:
            out.append(QuoteLine("monthly", "discount", f"Discount {percent(m.discount_percent, self.locale)}", None, "", None, -m.discount))
        for p in self.roadmap:
            out += _project_lines(f"roadmap:{p.uid}", p, self.locale)
        for pt in self.pass_through.lines:
            section = PASS_THROUGH_ONE_OFF if pt.billing is Billing.ONE_OFF else PASS_THROUGH_MONTHLY
            out.append(QuoteLine(section, "pass_through", f"{pt.description} ({pt.item_title})", Decimal(pt.quantity),
                                 pt.unit, pt.unit_price, pt.amount))
        return out

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "stabilization_fee": money_str(self.stabilization_fee),
            "monthly_fee": money_str(self.monthly_fee),
            "first_year_total": money_str(self.first_year_total),
            "roadmap_total": money_str(self.roadmap_total),
            "discount": self.discount.to_json_dict(),
            "gross_margin": self.margins.to_json_dict(),
            "target_margin_percent": str(self.target_margin_percent),
            "counts": self.counts.to_json_dict(),
            "coverage": self.coverage.to_json_dict(),
            "stabilization": self.stabilization.to_json_dict(),
            "monthly": self.monthly.to_json_dict(),
            "lines": [ln.to_json_dict() for ln in self.lines()],
            "roadmap": [p.to_json_dict() for p in self.roadmap],
            "pass_through": self.pass_through.to_json_dict(),
            "warnings": list(self.warnings),
            "blocking": list(self.blocking),
        }


def _project_lines(section: str, work: ProjectPrice, locale: str | None = None) -> list[QuoteLine]:
    out = [QuoteLine(section, "hours", f"{ln.item_title} - {ln.role_name}", ln.hours, "hours", ln.bill_rate,
                     ln.amount, ln.cost) for ln in work.lines]
    if work.contingency:
        out.append(QuoteLine(section, "contingency", f"Contingency {percent(work.contingency_rate * HUNDRED, locale)}",
                             None, "", None, work.contingency))
    if work.rounding:
        out.append(QuoteLine(section, "rounding", "Rounding", None, "", None, work.rounding))
    return out


def _margins(stab_price: Decimal, stab_cost: Decimal, monthly_price: Decimal, monthly_cost: Decimal) -> Margins:
    return Margins(
        gross_margin(stab_price, stab_cost),
        gross_margin(monthly_price, monthly_cost),
        gross_margin(stab_price + MONTHS_IN_YEAR * monthly_price, stab_cost + MONTHS_IN_YEAR * monthly_cost),
    )


_SCOPE_NAMES = {"stabilization": "launch & stabilization fee", "monthly": "monthly fee", "first_year": "first-year total"}


def build_quote(basis: Basis, pkg: FormPackage, locale: str | None = None) -> Quote:
    """Price an engagement's basis with its form. Raises :class:`PricingError` for data that
    cannot be priced. ``locale``: how its sentences write percents (None: "12.5%")."""
    eng = basis.engagement
    pricing = pkg.pricing
    counts = count_units(basis, pkg)
    coverage = resolve_coverage(eng, pkg)
    stab = stabilization_fee(eng, pkg)
    monthly = monthly_fee(eng, pkg, counts)
    projects = roadmap_projects(eng, pkg)
    warnings = list(counts.warnings)
    blocking: list[str] = []
    if coverage.differs_from_answer:
        assert coverage.answered is not None
        warnings.append(f"Pricing overrides the coverage answer: it prices {coverage.level.label}, the client "
                        f"answered {coverage.answered.label}.")
    elif coverage.answered is None and not coverage.overridden:
        warnings.append(f"The coverage the client needs is not answered yet: priced at {coverage.level.label}.")

    pct = eng.pricing.discount_percent
    stab0 = stabilization_fee(eng, pkg, Decimal(0), stab.work)
    before = _margins(stab0.net, stab0.cost, monthly.gross, monthly.cost)
    after = _margins(stab.net, stab.cost, monthly.net, monthly.cost)

    requirement = approval_requirement(pricing.discount_approvals, pct)
    current = current_statement(eng, pricing.currency, stab, monthly, day=date.min)
    checks = tuple(approvals_mod.check(
        eng.signed_approvals, approvers=approvals_mod.merge_approvers(basis.approvers, pkg.approvers or ()),
        levels=pricing.discount_approvals, current=current, consultant=eng.consultant))
    approval = find_approval(requirement, [c.approval for c in checks if c.approval])
    discount = DiscountInfo(
        percent=pct, reason=eng.pricing.discount_reason,
        amount_stabilization=stab.discount, amount_monthly=monthly.discount,
        amount_first_year=stab.discount + MONTHS_IN_YEAR * monthly.discount,
        requirement=requirement, approval=approval, before=before, after=after,
        checks=checks, typed=tuple(eng.discount_approvals),
    )
    if not requirement.allowed:
        blocking.append(f"A {percent(pct, locale)} discount is above the highest level of the approval matrix "
                        f"({percent(requirement.top_percent, locale)}) and is not allowed; trade scope instead of price.")
    elif requirement.needs_approval and approval is None:
        assert requirement.role is not None
        failed = [c for c in checks if not c.verified]
        text = (f"The {percent(pct, locale)} discount needs a signed approval by the {role_label(requirement.role)}")
        if failed:
            blocking.append(f"{text}; the recorded approval does not count: {failed[-1].problem}")
        elif eng.discount_approvals:
            blocking.append(f"{text}; approvals typed by hand are not verified and clear nothing "
                            "(request a signed approval).")
        else:
            blocking.append(f"{text} (request one and add the signed file).")

    target = percent_of(pricing.target_margin, Decimal(1))
    for scope in ("stabilization", "monthly", "first_year"):
        m: Margin = getattr(after, scope)
        if (m.price or m.cost) and m.percent < target:
            warnings.append(f"Gross margin on the {_SCOPE_NAMES[scope]} is {percent(m.percent, locale)}, under the "
                            f"{percent(target, locale)} target.")
    for p in projects:
        m = p.margin
        if (m.price or m.cost) and m.percent < target:
            warnings.append(f"Gross margin on roadmap project {p.title!r} is {percent(m.percent, locale)}, under the {percent(target, locale)} target.")

    if stab.credit_requested and stab.credit < stab.credit_requested:
        warnings.append(f"Only {money_str(stab.credit)} of the {money_str(stab.credit_requested)} discovery fee "
                        f"can be credited: the stabilization fee is smaller.")
    for lane in monthly.unpriced_lanes:
        warnings.append(f"The provider runs the {lane.value} lane, but the form has no rates for it; it is not priced.")

    first_year = stab.net + MONTHS_IN_YEAR * monthly.net
    return Quote(
        currency=pricing.currency, counts=counts, coverage=coverage, stabilization=stab, monthly=monthly, roadmap=projects,
        roadmap_total=sum((p.price for p in projects), ZERO), first_year_total=first_year,
        first_year_cost=stab.cost + MONTHS_IN_YEAR * monthly.cost, margins=after, target_margin_percent=target,
        discount=discount, warnings=warnings, blocking=blocking, locale=locale,
        pass_through=pass_through(eng, pkg.risk_library.risks, pkg.standards, counts.users.value,
                                  {k: c.value for k, c in counts.devices.items()}),
    )

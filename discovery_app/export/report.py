"""The report model: everything the client documents and the delivery workbook show, built once
from an engagement, its form, its quote and its matrix.

Plain frozen dataclasses of plain values (``str``, ``int``, ``Decimal``, ``date``, tuples), so a
renderer (the proposal and plan PDFs, the Excel workbook) only lays things out and never
recomputes a number. Money stays :class:`~decimal.Decimal` here; :func:`format_money` and
:func:`format_amount` turn it into text for the provider's locale, and every renderer (and the
tests that read a PDF back) use those two so a price prints the same everywhere.

Two audiences: :func:`build_report` with ``client=True`` leaves :attr:`Report.internal` as None,
so a client document cannot print a cost or a margin even by mistake; ``client=False`` adds the
costs, margins, targets and warnings for the provider's own eyes.

Stable contract (the workbook builds on it): fields are only ever added, never renamed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ..domain import assessment as assessment_mod
from ..domain import facts as facts_mod
from ..domain import fit as fit_mod
from ..domain import locale_text
from ..domain import matrix as matrix_mod
from ..domain import plan as plan_mod
from ..domain import pricing as pricing_mod
from ..domain import risks as risks_mod
from ..domain.engagement import (
    Engagement,
    EngagementHeader,
    ExceptionDecision,
    Priority,
    Risk,
    StandardStatus,
)
from ..domain.forms import CommercialTerms, Fact, FormPackage, Lane, Party, Phase
from ..domain.provider import ProviderProfile
from ..domain.tasks import PassThroughLine
from ..domain.wording import appositive, count, device_noun, join_and, with_article

CLIENT = "client"
INTERNAL = "internal"

DEFAULT_LOCALE = locale_text.DEFAULT_LOCALE

PARTY_LABELS = {Party.PROVIDER: "Provider", Party.INTERNAL: "Internal IT", Party.SHARED: "Shared"}
PRIORITY_LABELS = {Priority.CRITICAL: "Critical", Priority.HIGH: "High", Priority.MEDIUM: "Medium",
                   Priority.LOW: "Low"}
STATUS_LABELS = {StandardStatus.ALIGNED: "Aligned", StandardStatus.EXCEPTION: "Exception",
                 StandardStatus.MISSING: "Missing", StandardStatus.NOT_APPLICABLE: "Not applicable"}
DECISION_LABELS = {ExceptionDecision.EXCEPTION_LANE: "Kept, supported in the exception lane (monthly surcharge)",
                   ExceptionDecision.REMEDIATE: "Replaced with our standard during stabilization"}
LANE_TITLES = {Lane.RUN: "Run: day-to-day operations", Lane.CHANGE: "Change: projects and changes",
               Lane.GOVERN: "Govern: standards, budget and risk decisions"}
LANE_INTROS = {
    Lane.RUN: "Tickets, monitoring, patching and device health: the work that keeps your people productive.",
    Lane.CHANGE: "Projects, migrations, security upgrades and lifecycle replacements, under change control.",
    Lane.GOVERN: "Standards, the risk and exception registers, budget and quarterly planning.",
}

# Risk bands by minimum score (likelihood x impact, 1-25), low to high: the shipped cut-offs of
# domain/risks.py. A report carries its form's own in ``RiskSummary.bands``.
RISK_BANDS: tuple[tuple[int, str], ...] = risks_mod.SHIPPED_CUTS.labelled_floors()
LIKELIHOOD_WORDS = risks_mod.LIKELIHOOD_WORDS
IMPACT_WORDS = risks_mod.IMPACT_WORDS

TOP_RISKS = 5
EVIDENCE_EXCERPT = 320
# Timeline planning lives in domain/plan.py; these names are kept for the renderers.
HOURS_PER_TASK_WEEK = plan_mod.HOURS_PER_TASK_WEEK
PARALLEL_TASKS = plan_mod.PARALLEL_TASKS


# ---- formatting (shared by every renderer and by the tests) --------------------------------


# The documents' names for the one formatter (domain/locale_text.py), in the argument order the
# renderers use.


def format_money(amount: Decimal, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """``Decimal("24237.5")``, USD, en_US -> ``"$24,237.50"``; the locale's currency format."""
    return locale_text.format_money(amount, locale, currency)


def format_amount(amount: Decimal, locale: str = DEFAULT_LOCALE) -> str:
    """Money without the symbol, for a column whose header names the currency: ``"24,237.50"``."""
    return locale_text.format_amount(amount, locale)


def format_hours(hours: Decimal, locale: str = DEFAULT_LOCALE) -> str:
    return locale_text.format_hours(hours, locale)


def format_day(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """A date the way the locale writes it in a letter: ``"November 23, 2026"``."""
    return locale_text.format_date_long(day, locale)


def format_percent(points: Decimal, locale: str = DEFAULT_LOCALE, decimals: int = 2) -> str:
    """Percent points as the locale writes them: ``12.5%`` (en_US), ``12,5 %`` (de_DE)."""
    return locale_text.format_percent(points, locale, decimals=decimals)


def currency_symbol(currency: str, locale: str = DEFAULT_LOCALE) -> str:
    return locale_text.currency_symbol(currency, locale)


# ---- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    name: str
    role: str
    email: str
    phone: str
    decision_maker: bool


@dataclass(frozen=True)
class ClientInfo:
    name: str
    industry: str
    consultant: str
    internal_it_owner: str
    discovery_date: date | None
    decision_maker: ContactRow | None  # who signs; the first contact marked decision maker
    contacts: tuple[ContactRow, ...]
    sites: tuple[tuple[str, int | None], ...]  # (site name, users)


@dataclass(frozen=True)
class FitSummary:
    verdict: str  # fit.Verdict value: good_fit, conditional, poor_fit, incomplete
    label: str  # "Good fit"
    plain: str  # one sentence to the client
    score: Decimal  # 0-100
    strengths: tuple[str, ...]  # criterion labels, client-readable
    concerns: tuple[str, ...]
    reasons: tuple[str, ...]  # the fit engine's own reasons (internal wording)


@dataclass(frozen=True)
class UnitCounts:
    users: int
    devices: int
    devices_by_kind: tuple[tuple[str, int], ...]  # ("Workstation", 29), kinds with devices only
    basis: str  # where the user count came from


@dataclass(frozen=True)
class ScopeFunction:
    name: str
    description: str
    kept_by: str  # for a function not included: who keeps it ("your internal IT team", "Ricoh USA")


@dataclass(frozen=True)
class ScopeLane:
    lane: str  # "run", "change", "govern"
    title: str
    intro: str
    run_by_provider: bool  # the lane is in the monthly fee
    included: tuple[ScopeFunction, ...]  # the provider is Responsible or Accountable
    not_included: tuple[ScopeFunction, ...]


@dataclass(frozen=True)
class MatrixRow:
    function: str
    lane: str
    letters: tuple[str, ...]  # RACI letters per party, in MatrixTable.parties order
    accountable: str  # party label(s) holding A, ", "-joined
    problem: str  # "" when exactly one party is Accountable
    accepted_as_is: bool
    notes: str


@dataclass(frozen=True)
class MatrixTable:
    parties: tuple[str, ...]  # column labels: "Provider", "Internal IT", third parties
    rows: tuple[MatrixRow, ...]
    issues: tuple[str, ...]  # rows flagged and not accepted (these block the proposal)


@dataclass(frozen=True)
class StandardRow:
    category_id: str
    name: str
    standard: str  # our standard product(s), "; "-joined
    current_tool: str
    status: str  # label: Aligned / Exception / Missing / Not applicable
    status_id: str
    decision: str  # label of the exception decision, "" when none applies
    decision_id: str
    surcharge: Decimal | None  # monthly exception-lane surcharge when kept as priced exception
    notes: str
    plan_text: str = ""  # where the work to reach the standard is: "Stabilization plan, task 4"


@dataclass(frozen=True)
class StandardsSummary:
    aligned: int
    applicable: int
    alignment_percent: Decimal  # aligned / applicable x 100, 2 decimals
    rows: tuple[StandardRow, ...]

    @property
    def exceptions(self) -> tuple[StandardRow, ...]:
        return tuple(r for r in self.rows if r.status_id == StandardStatus.EXCEPTION.value)

    @property
    def missing(self) -> tuple[StandardRow, ...]:
        return tuple(r for r in self.rows if r.status_id == StandardStatus.MISSING.value)


@dataclass(frozen=True)
class ProposedAction:
    title: str
    phase: str  # "stabilization" or "roadmap"
    task_number: int | None  # the stabilization plan's task number
    price: Decimal | None  # a roadmap option's price


@dataclass(frozen=True)
class RiskRow:
    uid: str
    rank: int  # 1 = highest score
    title: str
    category: str  # "Security"
    likelihood: int
    impact: int
    score: int
    band: str  # "Critical"
    seen: str  # what was seen: the description
    evidence: str  # evidence excerpt (shortened), with attachment notes
    why_it_matters: str
    proposals: tuple[ProposedAction, ...]
    treatment: str = ""  # how it is treated, from the links (domain/assessment.py), for the client
    treatment_kind: str = ""  # plan, roadmap, accepted, tracked, none


@dataclass(frozen=True)
class EvidencePhoto:
    """A photo of a finding for the proposal's appendix. :meth:`read` gives its bytes, None when
    the store has none (the appendix then shows a placeholder with the file's name); they are read
    one photo at a time while the appendix is laid out, never all at once."""

    uid: str
    finding: str  # the finding's title
    rank: int  # the finding's rank in the register (1 = highest score)
    file_name: str
    caption: str  # the consultant's note on the photo, "" when none
    load: Callable[[str], bytes | None] | None = field(default=None, repr=False, compare=False)

    def read(self) -> bytes | None:
        if self.load is None:
            return None
        try:
            return self.load(self.uid)
        except Exception:  # a missing blob is shown as a placeholder, never stops the proposal
            return None


@dataclass(frozen=True)
class RiskSummary:
    heat_map: tuple[tuple[int, ...], ...]  # [likelihood - 1][impact - 1] -> number of risks
    band_counts: tuple[tuple[str, int], ...]  # ("Critical", 3) ... in RISK_BANDS order, high first
    all: tuple[RiskRow, ...]  # by score, highest first
    top: tuple[RiskRow, ...]
    bands: tuple[tuple[int, str], ...] = RISK_BANDS  # the form's cut-offs: (lowest score, label), low first

    @property
    def total(self) -> int:
        return len(self.all)


@dataclass(frozen=True)
class PlanTask:
    number: int  # order in the plan, 1-based
    uid: str
    title: str
    phase: str  # the plan phase's name
    priority: str
    owner: str  # Provider / Internal IT / Shared
    hours: tuple[tuple[str, Decimal], ...]  # (role name, hours), form role order, non-zero only
    total_hours: Decimal
    depends_on: tuple[int, ...]  # task numbers
    depends_on_other: tuple[str, ...]  # titles of dependencies outside the plan (roadmap items)
    definition_of_done: str
    risk_title: str
    start_week: int  # 1-based, inclusive
    end_week: int


@dataclass(frozen=True)
class PlanPhase:
    number: int
    name: str
    purpose: str
    tasks: tuple[PlanTask, ...]
    hours: Decimal
    hours_by_role: tuple[tuple[str, Decimal], ...]
    start_week: int
    end_week: int


@dataclass(frozen=True)
class Plan:
    phases: tuple[PlanPhase, ...]
    roles: tuple[str, ...]  # role names with hours, form order
    hours_by_role: tuple[tuple[str, Decimal], ...]
    total_hours: Decimal
    weeks: int
    owners: tuple[tuple[str, int], ...]  # ("Provider", 6): tasks per owner
    scheduling_note: str
    warnings: tuple[str, ...]  # e.g. circular dependencies

    @property
    def tasks(self) -> tuple[PlanTask, ...]:
        return tuple(t for p in self.phases for t in p.tasks)


@dataclass(frozen=True)
class RoadmapOption:
    uid: str
    title: str
    priority: str
    owner: str
    hours: Decimal
    price: Decimal
    definition_of_done: str
    risk_title: str


@dataclass(frozen=True)
class PassThroughRow:
    description: str  # "Cisco Meraki MR access point"
    task: str  # the plan task it is for
    basis: str  # "2 per site × 3 sites"
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    task_uid: str = ""


@dataclass(frozen=True)
class PriceLine:
    label: str
    amount: Decimal
    detail: str = ""


@dataclass(frozen=True)
class DiscountSummary:
    percent: Decimal
    reason: str
    amount_stabilization: Decimal
    amount_monthly: Decimal
    approved: bool
    approved_by: str  # "" when no approval was needed or none is recorded
    needs_approval: bool


@dataclass(frozen=True)
class Prices:
    currency: str
    stabilization_hours: Decimal
    stabilization_tasks: int
    stabilization_gross: Decimal  # the rounded fee before discount and credit
    stabilization_discount: Decimal
    discovery_credit: Decimal
    stabilization_net: Decimal  # THE fixed fee
    monthly_lines: tuple[PriceLine, ...]  # per lane (coverage included) and per surcharge
    monthly_gross: Decimal
    monthly_discount: Decimal
    monthly_net: Decimal  # THE monthly fee
    coverage: str
    first_year_total: Decimal
    roadmap_total: Decimal
    discount: DiscountSummary | None  # None when there is no discount
    contingency_percent: Decimal
    # Hardware and licences the plan's tasks need, passed through at cost (domain/tasks.py): not
    # in the fees above. Each (what, for which task, quantity basis, unit price, amount).
    pass_through_one_off: tuple[PassThroughRow, ...] = ()
    pass_through_monthly: tuple[PassThroughRow, ...] = ()
    pass_through_one_off_total: Decimal = Decimal(0)
    pass_through_monthly_total: Decimal = Decimal(0)


@dataclass(frozen=True)
class InternalFigures:
    """Costs and margins: never in a client document."""

    stabilization_cost: Decimal
    monthly_cost: Decimal
    first_year_cost: Decimal
    margin_stabilization: Decimal  # percent
    margin_monthly: Decimal
    margin_first_year: Decimal
    margin_money_first_year: Decimal
    target_margin_percent: Decimal
    roadmap_margins: tuple[tuple[str, Decimal], ...]  # (title, percent)
    warnings: tuple[str, ...]
    quote: dict[str, Any]  # Quote.to_json_dict(): every line with cost
    # Who approved the discount, verified (name, role, date, key fingerprint), and what does not count.
    approvals: tuple[str, ...] = ()
    # The discount's approval in one line (pricing.DiscountInfo.status).
    approval_status: str = ""


@dataclass(frozen=True)
class Report:
    audience: str  # CLIENT or INTERNAL
    provider: ProviderProfile
    client: ClientInfo
    engagement_id: int | None
    engagement_uid: str
    proposal_number: str
    issued_on: date
    valid_until: date
    currency: str
    locale: str
    fit: FitSummary
    counts: UnitCounts
    top_findings: tuple[str, ...]
    offer_summary: str  # one paragraph, prices written in
    scope: tuple[ScopeLane, ...]
    matrix: MatrixTable
    standards: StandardsSummary
    risks: RiskSummary
    plan: Plan
    roadmap: tuple[RoadmapOption, ...]
    prices: Prices
    assumptions: tuple[str, ...]
    exclusions: tuple[str, ...]
    change_order_rule: str
    next_steps: tuple[str, ...]
    blockers: tuple[str, ...]  # what stops the client-facing export
    internal: InternalFigures | None = None
    terms: tuple[tuple[str, str], ...] = ()  # (label, text): payment schedule, term, notice
    photos: tuple[EvidencePhoto, ...] = ()  # the evidence-photos appendix, by finding rank
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_client(self) -> bool:
        return self.audience == CLIENT

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.currency, self.locale)

    def amount(self, amount: Decimal) -> str:
        return format_amount(amount, self.locale)

    def day(self, d: date) -> str:
        return format_day(d, self.locale)

    def percent(self, points: Decimal, decimals: int = 2) -> str:
        return format_percent(points, self.locale, decimals)


# ---- building -----------------------------------------------------------------------------------


def band_of(score: int, bands: Sequence[tuple[int, str]] = RISK_BANDS) -> str:
    """The band label of a score: "Low", "Medium", "High" or "Critical", by ``bands`` (lowest
    score, label), low first: a report's ``risks.bands``, the form's cut-offs (domain/risks.py)."""
    if not 1 <= score <= 25:
        raise ValueError(f"a risk score is 1-25, not {score!r}")
    return next(name for floor, name in reversed(tuple(bands)) if score >= floor)


def proposal_number(eng: EngagementHeader, issued_on: date) -> str:
    return f"P-{issued_on.year}-{eng.id or 0:04d}"


_VERDICT_PLAIN = {
    fit_mod.Verdict.GOOD: "You are a good fit for a co-managed arrangement: your team and ours can share "
    "the work with clear lines between us.",
    fit_mod.Verdict.CONDITIONAL: "A co-managed arrangement can work well for you, provided the concerns "
    "below are addressed during stabilization.",
    fit_mod.Verdict.POOR: "Today, a co-managed arrangement is not a natural fit for you; the concerns "
    "below would need to change first.",
    fit_mod.Verdict.INCOMPLETE: "We do not yet have enough answers to judge how well a co-managed "
    "arrangement fits you.",
}


def _fit(pkg: FormPackage, eng: Engagement) -> FitSummary:
    result = fit_mod.evaluate(pkg, eng.answer_values())
    strengths = tuple(r.criterion.label for r in result.results if r.answered and r.score >= Decimal("0.5"))
    concerns = tuple(r.criterion.label for r in sorted(result.results, key=lambda r: r.score)
                     if r.answered and r.score < Decimal("0.5"))
    return FitSummary(result.verdict.value, result.status, _VERDICT_PLAIN[result.verdict], result.score,
                      strengths, concerns, tuple(result.reasons))


def _kept_by(raci: Mapping[str, str]) -> str:
    for letter in ("A", "R"):
        for party, letters in raci.items():
            if letter in letters and party != matrix_mod.PROVIDER:
                return "your internal IT team" if party == matrix_mod.INTERNAL else party
    return "you"


def _scope(eng: Engagement, pkg: FormPackage) -> tuple[ScopeLane, ...]:
    described = {f.id: f.description for f in pkg.responsibilities.functions}
    run_by = set(eng.pricing.lanes_run_by_provider)
    out = []
    for lane in matrix_mod.LANES:
        inc: list[ScopeFunction] = []
        exc: list[ScopeFunction] = []
        for a in eng.responsibilities:
            if a.lane is not lane:
                continue
            fn = ScopeFunction(a.name, described.get(a.function_id, "") or a.notes, _kept_by(a.raci))
            provider_letters = a.raci.get(matrix_mod.PROVIDER, "")
            ours = lane in run_by and ("R" in provider_letters or "A" in provider_letters)
            (inc if ours else exc).append(fn)
        out.append(ScopeLane(lane.value, LANE_TITLES[lane], LANE_INTROS[lane], lane in run_by, tuple(inc), tuple(exc)))
    return tuple(out)


def _matrix(report: matrix_mod.MatrixReport) -> MatrixTable:
    rows = tuple(
        MatrixRow(
            function=r.name, lane=r.lane.value,
            letters=tuple(r.assignment.raci.get(p, "") for p in report.parties),
            accountable=", ".join(matrix_mod.party_label(p) for p in r.accountable),
            problem=r.problem or "", accepted_as_is=r.assignment.accepted_as_is, notes=r.assignment.notes,
        )
        for lane in matrix_mod.LANES for r in report.rows_in(lane)
    )
    return MatrixTable(tuple(matrix_mod.party_label(p) for p in report.parties), rows, tuple(report.issues))


def _standards(eng: Engagement, pkg: FormPackage, plan: plan_mod.Plan) -> StandardsSummary:
    cats = {c.id: c for c in pkg.standards}
    order = {c.id: n for n, c in enumerate(pkg.standards)}
    numbers = plan.numbers()
    work: dict[str, list[str]] = {}
    for item in eng.remediation:
        if item.accepted and item.standard_category:
            if item.uid in numbers:
                work.setdefault(item.standard_category, []).append(f"task {numbers[item.uid]}")
            elif item.phase is Phase.ROADMAP:
                work.setdefault(item.standard_category, []).append("roadmap")
    rows = []
    for a in sorted(eng.standards, key=lambda a: order.get(a.category_id, len(order))):
        cat = cats.get(a.category_id)
        decision = a.decision if a.status is StandardStatus.EXCEPTION else None
        surcharge = (cat.exception_surcharge if cat and decision is ExceptionDecision.EXCEPTION_LANE else None)
        plan_text = ""
        if plan_mod.is_gap(a):
            tasks = [w for w in work.get(a.category_id, []) if w != "roadmap"]
            if tasks:
                plan_text = "Stabilization plan, " + ", ".join(tasks)
            elif "roadmap" in work.get(a.category_id, []):
                plan_text = "Roadmap project, priced separately"
        rows.append(StandardRow(
            category_id=a.category_id, name=cat.name if cat else a.category_id,
            standard="; ".join(cat.standard_products) if cat else "", current_tool=a.current_tool,
            status=STATUS_LABELS[a.status], status_id=a.status.value,
            decision=DECISION_LABELS[decision] if decision else ("Decision pending" if a.status is StandardStatus.EXCEPTION else ""),
            decision_id=decision.value if decision else "", surcharge=surcharge, notes=a.notes, plan_text=plan_text,
        ))
    applicable = sum(1 for a in eng.standards if a.status is not StandardStatus.NOT_APPLICABLE)
    aligned = sum(1 for a in eng.standards if a.status is StandardStatus.ALIGNED)
    return StandardsSummary(aligned, applicable, pricing_mod.percent_of(Decimal(aligned), Decimal(applicable)), tuple(rows))


def _excerpt(text: str, limit: int = EVIDENCE_EXCERPT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + " …"


# -- the plan: numbers, phases and weeks all come from domain/plan.py ------------------------------


def _plan(eng: Engagement, pkg: FormPackage, built: plan_mod.Plan, risk_titles: Mapping[str, str]) -> Plan:
    roles = {r.id: r.name for r in pkg.pricing.roles}
    role_order = [r.id for r in pkg.pricing.roles]
    titles = {r.uid: r.title for r in eng.remediation}
    number = built.numbers()
    warnings = [f"Circular dependency: {plan_mod.describe_cycle(c, titles)}; these tasks are listed last."
                for c in built.cycles]
    tasks: list[PlanTask] = []
    for step in built.steps:
        it = step.item
        tasks.append(PlanTask(
            number=step.number, uid=it.uid, title=it.title, phase=step.phase_name,
            priority=PRIORITY_LABELS[it.priority], owner=PARTY_LABELS[it.owner],
            hours=tuple((roles.get(r, r), it.hours[r]) for r in sorted(it.hours, key=lambda r: role_order.index(r) if r in role_order else 99) if it.hours[r]),
            total_hours=step.total_hours, depends_on=tuple(sorted(number[d] for d in step.waits_for)),
            depends_on_other=tuple(titles[d] for d in it.depends_on if d not in number and d in titles),
            definition_of_done=it.definition_of_done, risk_title=risk_titles.get(it.risk_uid or "", ""),
            start_week=step.start_week, end_week=step.end_week,
        ))

    def role_sums(ts: Sequence[PlanTask]) -> tuple[tuple[str, Decimal], ...]:
        sums: dict[str, Decimal] = {}
        for t in ts:
            for name, h in t.hours:
                sums[name] = sums.get(name, Decimal(0)) + h
        return tuple((roles[r], sums[roles[r]]) for r in role_order if roles[r] in sums) + tuple(
            (n, h) for n, h in sums.items() if n not in roles.values())

    phases: list[PlanPhase] = []
    for name, purpose in plan_mod.PHASES:
        ts = tuple(t for t in tasks if t.phase == name)
        if not ts:
            continue
        phases.append(PlanPhase(len(phases) + 1, name, purpose, ts, sum((t.total_hours for t in ts), Decimal(0)),
                                role_sums(ts), min(t.start_week for t in ts), max(t.end_week for t in ts)))
    by_role = role_sums(tasks)
    owners: dict[str, int] = {}
    for t in tasks:
        owners[t.owner] = owners.get(t.owner, 0) + 1
    return Plan(
        phases=tuple(phases), roles=tuple(n for n, _ in by_role), hours_by_role=by_role,
        total_hours=sum((t.total_hours for t in tasks), Decimal(0)), weeks=built.weeks,
        owners=tuple(sorted(owners.items(), key=lambda kv: -kv[1])),
        scheduling_note=f"Weeks assume about {plan_mod.HOURS_PER_TASK_WEEK} hours of work a week on each task, at "
        f"most {plan_mod.PARALLEL_TASKS} tasks at a time, and that a task starts only when the tasks it depends on "
        "are done; more urgent tasks are scheduled first.",
        warnings=tuple(warnings),
    )


def _risks(eng: Engagement, quote: pricing_mod.Quote, plan: Plan,
           treated: Mapping[str, assessment_mod.Treatment], cuts: risks_mod.BandCuts = risks_mod.SHIPPED_CUTS) -> RiskSummary:
    floors = cuts.labelled_floors()
    heat = [[0] * 5 for _ in range(5)]
    for r in eng.risks:
        heat[r.likelihood - 1][r.impact - 1] += 1
    task_no = {t.uid: t.number for t in plan.tasks}
    roadmap_price = {p.uid: p.price for p in quote.roadmap}
    notes: dict[str, list[str]] = {}
    for a in eng.attachments:
        if a.risk_uid:
            notes.setdefault(a.risk_uid, []).append(f"Photo/file “{a.file_name}”" + (f": {a.note}" if a.note else ""))

    def key(r: Risk) -> tuple[int, int, int, str]:
        return (-r.score, -r.impact, -r.likelihood, r.title.casefold())

    rows = []
    for rank, r in enumerate(sorted(eng.risks, key=key), 1):
        acts = tuple(
            ProposedAction(i.title, i.phase.value, task_no.get(i.uid), roadmap_price.get(i.uid))
            for i in eng.remediation if i.accepted and i.risk_uid == r.uid
        )
        evidence = " ".join(x for x in [r.evidence.strip(), *notes.get(r.uid, [])] if x)
        rows.append(RiskRow(
            uid=r.uid, rank=rank, title=r.title, category=r.category.value.capitalize(), likelihood=r.likelihood,
            impact=r.impact, score=r.score, band=band_of(r.score, floors), seen=" ".join(r.description.split()),
            evidence=_excerpt(evidence), why_it_matters=" ".join(r.why_it_matters.split()), proposals=acts,
            treatment=treated[r.uid].text if r.uid in treated else "",
            treatment_kind=treated[r.uid].kind.value if r.uid in treated else "",
        ))
    bands = {name: 0 for _, name in floors}
    for row in rows:
        bands[row.band] += 1
    counts = tuple((name, bands[name]) for _, name in reversed(floors))
    return RiskSummary(tuple(tuple(r) for r in heat), counts, tuple(rows), tuple(rows[:TOP_RISKS]), floors)


def _counts(quote: pricing_mod.Quote) -> UnitCounts:
    c = quote.counts
    kinds = tuple((device_noun(k).capitalize(), v.value) for k, v in c.devices.items() if v.value)
    return UnitCounts(c.users.value, c.device_total, kinds, c.users.basis)


def _and(words: Sequence[str]) -> str:
    return join_and(words)


def _risk_summary(risks: RiskSummary) -> str:
    """The executive summary's risk sentence: how many, how they spread over the bands, and the
    three to deal with first by name (not a count of "high or critical" ones)."""
    spread = join_and([f"{n} {band.lower()}" for band, n in risks.band_counts if n])
    top = [f"“{r.title}”" for r in risks.top[:3]]
    head = f"We recorded {count(risks.total, 'risk')} ({spread})."
    if len(top) == 1:
        return f"{head} The one to deal with first is {top[0]}."
    first = {2: "two", 3: "three"}[len(top)]
    return f"{head} The {first} to deal with first are {join_and(top)}."


def _lane_detail(lf: pricing_mod.LaneFee) -> str:
    users = sum(ln.quantity for ln in lf.lines if ln.unit == "users")
    devices = sum(ln.quantity for ln in lf.lines if ln.unit != "users")
    text = count(users, "user") + (f", {count(devices, 'device')}" if devices else "")
    return text + (f"; coverage × {lf.coverage_factor.normalize():f}" if lf.coverage_factor != 1 else "")


def _prices(eng: Engagement, pkg: FormPackage, quote: pricing_mod.Quote) -> Prices:
    s, m = quote.stabilization, quote.monthly
    lines = [PriceLine(LANE_TITLES[lf.lane], lf.amount, _lane_detail(lf)) for lf in m.lanes]
    lines += [PriceLine(f"Exception lane: {sc.category_name}", sc.amount, sc.current_tool) for sc in m.surcharges]
    d = quote.discount
    discount = None
    if d.percent > 0:
        a = d.approval
        discount = DiscountSummary(d.percent, d.reason, d.amount_stabilization, d.amount_monthly, d.approved,
                                   f"{a.approver} ({pricing_mod.role_label(a.role)})" if a else "",
                                   d.requirement.needs_approval)
    return Prices(
        currency=quote.currency, stabilization_hours=s.work.hours,
        stabilization_tasks=len({ln.item_uid for ln in s.work.lines}),
        stabilization_gross=s.gross, stabilization_discount=s.discount, discovery_credit=s.credit,
        stabilization_net=s.net, monthly_lines=tuple(lines), monthly_gross=m.gross, monthly_discount=m.discount,
        monthly_net=m.net, coverage=m.coverage.label, first_year_total=quote.first_year_total,
        roadmap_total=quote.roadmap_total, discount=discount,
        contingency_percent=pkg.pricing.contingency * 100,
        pass_through_one_off=tuple(_pass_row(ln) for ln in quote.pass_through.one_off),
        pass_through_monthly=tuple(_pass_row(ln) for ln in quote.pass_through.monthly),
        pass_through_one_off_total=quote.pass_through.one_off_total,
        pass_through_monthly_total=quote.pass_through.monthly_total,
    )


def _pass_row(ln: PassThroughLine) -> PassThroughRow:
    return PassThroughRow(ln.description, ln.item_title, ln.basis, Decimal(ln.quantity), ln.unit_price, ln.amount,
                          ln.item_uid)


def _terms(terms: CommercialTerms) -> tuple[tuple[str, str], ...]:
    out = []
    if terms.payment_schedule.strip():
        pay = terms.payment_schedule.strip()
        if terms.payment_days is not None:
            pay += f" Invoices are payable within {terms.payment_days} days."
        out.append(("Payment", pay))
    if terms.minimum_term_months is not None:
        n = terms.minimum_term_months
        out.append(("Contract term", f"Co-managed operations run for a minimum of {n} month{'s' if n != 1 else ''} "
                                     "from the end of stabilization, then continue month to month."))
    if terms.notice_days is not None:
        n = terms.notice_days
        out.append(("Notice", f"Either party may end co-managed operations with {n} day{'s' if n != 1 else ''}' "
                              "written notice, effective at the end of the minimum term at the earliest."))
    return tuple(out)


def internal_figures(quote: pricing_mod.Quote) -> InternalFigures:
    """Costs, margins and approvals of a quote: the internal documents' part, never a client's."""
    mg = quote.margins
    return InternalFigures(
        stabilization_cost=quote.stabilization.cost, monthly_cost=quote.monthly.cost,
        first_year_cost=quote.first_year_cost, margin_stabilization=mg.stabilization.percent,
        margin_monthly=mg.monthly.percent, margin_first_year=mg.first_year.percent,
        margin_money_first_year=mg.first_year.money, target_margin_percent=quote.target_margin_percent,
        roadmap_margins=tuple((p.title, p.margin.percent) for p in quote.roadmap),
        warnings=tuple(quote.warnings), quote=quote.to_json_dict(), approvals=quote.discount.approval_record(),
        approval_status=quote.discount.status(),
    )


def build_report(
    eng: Engagement,
    pkg: FormPackage,
    assessment: assessment_mod.Assessment,
    provider: ProviderProfile | None = None,
    *,
    client: bool = True,
    issued_on: date | None = None,
    photo_bytes: Callable[[str], bytes | None] | None = None,
) -> Report:
    """The one report model of an engagement, laid out from its assessment (which it never
    recomputes). ``client=False`` adds :class:`InternalFigures`. Raises
    :class:`~discovery_app.domain.pricing.PricingError` when the engagement cannot be priced."""
    if assessment.quote is None:
        raise pricing_mod.PricingError(assessment.pricing_error)
    quote, matrix = assessment.quote, assessment.matrix
    provider = provider or ProviderProfile()
    issued_on = issued_on or date.today()
    loc = provider.document_locale
    money = lambda a: format_money(a, quote.currency, loc)  # noqa: E731

    contacts = tuple(ContactRow(c.name, c.role, c.email, c.phone, c.decision_maker) for c in eng.contacts)
    known = facts_mod.fact_values(pkg, eng.answer_values())

    def fact_text(fact: Fact, fallback: str) -> str:
        v = known[fact]
        return facts_mod.display_text(pkg.questionnaire, v.question, v.value) if v.question and v.answered else fallback

    info = ClientInfo(
        name=eng.client_name, industry=fact_text(Fact.INDUSTRY, eng.industry), consultant=eng.consultant,
        internal_it_owner=fact_text(Fact.INTERNAL_IT_OWNER, eng.internal_it_owner), discovery_date=eng.discovery_date,
        decision_maker=next((c for c in contacts if c.decision_maker), None), contacts=contacts,
        sites=tuple((s.name, s.user_count) for s in eng.sites),
    )
    risk_titles = {r.uid: r.title for r in eng.risks}
    plan = _plan(eng, pkg, assessment.plan, risk_titles)
    risks = _risks(eng, quote, plan, assessment.treatments, risks_mod.cuts_of(pkg))
    standards = _standards(eng, pkg, assessment.plan)
    prices = _prices(eng, pkg, quote)
    counts = _counts(quote)
    fit = _fit(pkg, eng)
    items_by_uid = {i.uid: i for i in eng.remediation}
    roadmap = tuple(
        RoadmapOption(p.uid or "", p.title, PRIORITY_LABELS[items_by_uid[p.uid].priority] if p.uid in items_by_uid else "",
                      PARTY_LABELS[items_by_uid[p.uid].owner] if p.uid in items_by_uid else "", p.hours, p.price,
                      items_by_uid[p.uid].definition_of_done if p.uid in items_by_uid else "",
                      risk_titles.get(items_by_uid[p.uid].risk_uid or "", "") if p.uid in items_by_uid else "")
        for p in quote.roadmap
    )

    top_findings = []
    if risks.total:
        top_findings.append(_risk_summary(risks))
    if standards.applicable:
        top_findings.append(
            f"Your environment matches our standard in {standards.aligned} of {standards.applicable} areas "
            f"({format_percent(standards.alignment_percent, loc, 0)}); "
            f"{len(standards.exceptions)} use a different tool and {len(standards.missing)} are missing.")
    if counts.users or counts.devices:
        top_findings.append(f"{count(counts.users, 'user')} and {count(counts.devices, 'device')} across "
                            f"{count(len(info.sites) or 1, 'site')}.")
    weeks = f" over about {plan.weeks} weeks" if plan.weeks else ""
    offer = (
        f"We propose to bring your environment to a stable, documented baseline in a fixed-fee launch and "
        f"stabilization project of {count(len(plan.tasks), 'task')}{weeks}, for {money(prices.stabilization_net)}, "
        f"and then to run the agreed lanes with your internal IT team for {money(prices.monthly_net)} a month "
        f"({prices.coverage.split(' (')[0].lower()} coverage). Further improvements are offered as separate "
        f"roadmap projects, each priced before it starts."
    )

    run_lanes = [LANE_TITLES[lane].split(":")[0].lower() for lane in matrix_mod.LANES
                 if lane in set(eng.pricing.lanes_run_by_provider)]
    assumptions = [
        f"The monthly fee is based on {count(counts.users, 'user')} and {count(counts.devices, 'device')} "
        f"({', '.join(count(n, k.lower()) for k, n in counts.devices_by_kind)}). When the counts change, the monthly "
        f"fee follows at the same per-user and per-device rates from the next month.",
        f"Coverage hours: {prices.coverage}.",
        f"We run the {_and(run_lanes) or 'agreed'} {'lane' if len(run_lanes) == 1 else 'lanes'} as set out in the "
        "responsibility matrix; whatever the matrix gives to your team stays with your team.",
        (f"{appositive(info.internal_it_owner)} is your internal IT owner, takes part in the quarterly reviews and can "
         "approve changes on your behalf." if info.internal_it_owner else
         "You name an internal IT owner who takes part in the quarterly reviews and can approve changes."),
        "You give us administrator access to the systems in scope, and a contact on site, in the first week.",
        f"The fixed fee includes {with_article(format_percent(prices.contingency_percent, loc))} contingency; we do "
        "not invoice more than the fixed fee for the work listed in the stabilization plan.",
    ]
    if prices.discovery_credit:
        assumptions.append(f"The discovery fee you have paid ({money(prices.discovery_credit)}) is credited against "
                           "the fixed fee.")
    if prices.discount and prices.discount.percent:
        # The reason is printed once, with the prices (section 6), not here as well.
        assumptions.append(f"The {format_percent(prices.discount.percent, loc)} discount applies to "
                           f"the fees in this proposal if it is signed by {format_day(issued_on + timedelta(days=provider.validity_days), loc)}.")
    if provider.terms:
        assumptions.append(provider.terms)
    exclusions = [
        "Hardware, software licences and third-party subscriptions; we can quote them separately.",
        "Roadmap projects, until you approve each one as a priced change order.",
        "Work on functions the responsibility matrix leaves with your team or a third party.",
        "On-site visits outside the coverage hours, unless agreed in advance.",
    ]
    if standards.exceptions:
        kept = [r.name for r in standards.exceptions if r.decision_id == ExceptionDecision.EXCEPTION_LANE.value]
        if kept:
            exclusions.append(f"Replacing the tools you keep as exceptions ({'; '.join(kept)}); they are supported "
                              "as they are for the monthly surcharge shown.")
    change_order = (
        "Anything not described in this proposal is outside its scope. We do not expand the scope without a "
        "priced change order that you approve in writing before the work starts. A change order states the work, "
        f"the hours by role, the price (hours × our role rates plus {format_percent(prices.contingency_percent, loc)} "
        "contingency) and the effect on the monthly fee, if any. Roadmap projects are delivered the same way."
    )
    signer = info.decision_maker.name if info.decision_maker else "You"
    valid_until = issued_on + timedelta(days=provider.validity_days)
    next_steps = (
        f"{signer} signs the acceptance at the end of this proposal by {format_day(valid_until, loc)}.",
        "We agree a kick-off date with you and " + (f"{info.internal_it_owner}" if info.internal_it_owner
                                                    else "your internal IT owner") + " within five working days.",
        (f"Week 1: we collect access and start task 1 of the stabilization plan, “{plan.tasks[0].title}”."
         if plan.tasks else "Week 1: we collect access and agree the first tasks with you."),
        f"We report progress every week; the stabilization project is planned for about {plan.weeks} weeks, "
        "then co-managed operations start at the monthly fee.",
    )
    report = Report(
        audience=CLIENT if client else INTERNAL, provider=provider, client=info, engagement_id=eng.id,
        engagement_uid=eng.uid, proposal_number=proposal_number(eng, issued_on), issued_on=issued_on,
        valid_until=valid_until, currency=quote.currency, locale=loc, fit=fit, counts=counts,
        top_findings=tuple(top_findings), offer_summary=offer, scope=_scope(eng, pkg),
        matrix=_matrix(matrix), standards=standards, risks=risks, plan=plan, roadmap=roadmap, prices=prices,
        assumptions=tuple(assumptions), exclusions=tuple(exclusions), change_order_rule=change_order,
        next_steps=next_steps, blockers=tuple(assessment.readiness.blocker_messages()),
        internal=None if client else internal_figures(quote), terms=_terms(assessment.terms),
        photos=_photos(eng, risks, photo_bytes),
    )
    return report


def _photos(eng: Engagement, risks: RiskSummary, load: Callable[[str], bytes | None] | None) -> tuple[EvidencePhoto, ...]:
    """The photos the consultant left in the proposal (Attachment.shows_in_proposal), grouped by
    finding in register order, each finding's in the order they were attached. ``load``: an
    attachment's bytes by uid (None: the report carries no bytes and the appendix shows names)."""
    rank = {row.uid: row.rank for row in risks.all}
    titles = {row.uid: row.title for row in risks.all}
    shown = [(rank[a.risk_uid], n, a) for n, a in enumerate(eng.attachments)
             if a.shows_in_proposal and a.risk_uid in rank]
    out = []
    for r, _n, a in sorted(shown, key=lambda x: (x[0], x[1])):
        out.append(EvidencePhoto(a.uid, titles[a.risk_uid or ""], r, a.file_name, a.note.strip(), load))
    return tuple(out)


__all__ = [
    "CLIENT", "INTERNAL", "ClientInfo", "ContactRow", "DiscountSummary", "FitSummary", "InternalFigures",
    "MatrixRow", "MatrixTable", "Plan", "PlanPhase", "PlanTask", "PriceLine", "Prices", "ProposedAction",
    "Report", "RiskRow", "RiskSummary", "RoadmapOption", "ScopeFunction", "ScopeLane",
    "StandardRow", "StandardsSummary", "UnitCounts", "band_of", "build_report", "format_amount",
    "format_day", "format_hours", "format_money",
]

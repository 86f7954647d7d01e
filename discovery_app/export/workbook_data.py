"""What the delivery workbook shows, as plain rows: an adapter from an engagement (and its quote,
form and matrix) to the sheets of :mod:`.workbook`.

The labels for the team's vocabulary (owner, phase, status, category) live here too, because the
importer reads them back: :func:`parse_choice` accepts a label or the stored value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from ..domain import calendar
from ..domain import fit as fit_mod
from ..domain import handoff as handoff_mod
from ..domain import pricing as pricing_mod
from ..domain.assessment import Assessment
from ..domain.engagement import (
    DeliveryStatus,
    Engagement,
    ExceptionDecision,
    InventoryCategory,
    Priority,
    RemediationItem,
    StandardStatus,
)
from ..domain.forms import FormPackage, Party, Phase, RiskCategory, RoundingMode
from . import report as report_mod

if TYPE_CHECKING:
    from ..domain.roadmap import Roadmap
    from .change_order_work import ChangeOrderWork

MONTHLY_SECTION = "Monthly operations"
STABILIZATION_SECTION = "Launch and stabilization"
ROADMAP_SECTION_PREFIX = "Roadmap: "
# Hardware and licences passed through at the form's prices (domain/tasks.py), apart from labour.
PASS_THROUGH_ONE_OFF_SECTION = "Pass-through, one-off"
PASS_THROUGH_MONTHLY_SECTION = "Pass-through, monthly"

PARTY = {Party.PROVIDER: "Provider", Party.INTERNAL: "Internal IT", Party.SHARED: "Shared"}
PHASE = {Phase.STABILIZATION: "Stabilization", Phase.ROADMAP: "Roadmap"}
PRIORITY = {Priority.CRITICAL: "Critical", Priority.HIGH: "High", Priority.MEDIUM: "Medium", Priority.LOW: "Low"}
INVENTORY_CATEGORY = {InventoryCategory.DEVICE: "Device", InventoryCategory.APPLICATION: "Application",
                      InventoryCategory.CLOUD_SERVICE: "Cloud service", InventoryCategory.VENDOR: "Vendor",
                      InventoryCategory.LICENCE: "Licence"}
RISK_CATEGORY = {c: c.value.capitalize() for c in RiskCategory}
STANDARD_STATUS = {StandardStatus.ALIGNED: "Aligned", StandardStatus.EXCEPTION: "Exception",
                   StandardStatus.MISSING: "Missing", StandardStatus.NOT_APPLICABLE: "Not applicable"}
DELIVERY = {DeliveryStatus.NOT_STARTED: "Not started", DeliveryStatus.IN_PROGRESS: "In progress",
            DeliveryStatus.BLOCKED: "Blocked", DeliveryStatus.DONE: "Done"}
DECISION = {ExceptionDecision.EXCEPTION_LANE: "Exception lane", ExceptionDecision.REMEDIATE: "Remediate"}

PARTY_LABELS = tuple(PARTY.values())
PHASE_LABELS = tuple(PHASE.values())
PRIORITY_LABELS = tuple(PRIORITY.values())
INVENTORY_CATEGORY_LABELS = tuple(INVENTORY_CATEGORY.values())
RISK_CATEGORY_LABELS = tuple(RISK_CATEGORY.values())
STANDARD_STATUS_LABELS = tuple(STANDARD_STATUS.values())
DECISION_LABELS = tuple(DECISION.values())

RISK_BANDS = report_mod.RISK_BANDS  # by minimum score, low to high


E = TypeVar("E", bound=StrEnum)


def parse_choice(labels: Mapping[E, str], text: str) -> E | None:
    """The enum member whose label or value is ``text`` (any case, spaces or underscores)."""
    key = " ".join(text.replace("_", " ").split()).casefold()
    for member, label in labels.items():
        if key in (label.casefold(), member.value.replace("_", " ").casefold()):
            return member
    return None


def percent_label(fraction: Decimal, locale: str = report_mod.DEFAULT_LOCALE) -> str:
    """A fraction as a percent label in the provider's locale: ``0.125`` -> ``12.5%`` / ``12,5 %``."""
    return report_mod.format_percent(fraction * 100, locale)


def band_of(score: int, bands: Sequence[tuple[int, str]] = RISK_BANDS) -> str:
    label = bands[0][1]
    for minimum, name in bands:
        if score >= minimum:
            label = name
    return label


# ---- rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InventoryRow:
    uid: str
    name: str
    category: str
    kind: str
    site: str
    owner: str
    os: str
    model: str
    serial: str
    purchase_date: date | None
    warranty_end: date | None
    notes: str
    source: str
    manufacturer: str = ""  # for the import packs (the Inventory sheet does not show them)
    asset_tag: str = ""


@dataclass(frozen=True)
class StandardRow:
    category: str
    standard_products: str
    current_tool: str
    status: str
    decision: str
    surcharge: Decimal | None
    notes: str


@dataclass(frozen=True)
class RiskRow:
    uid: str
    title: str
    category: str
    likelihood: int
    impact: int
    description: str
    why_it_matters: str
    evidence: str
    standard: str
    linked_items: str


@dataclass(frozen=True)
class TaskLine:
    role_id: str
    role_name: str
    hours: Decimal
    rate: Decimal
    cost_rate: Decimal
    actual: Decimal | None = None  # hours delivery reported for this role


@dataclass(frozen=True)
class Task:
    uid: str
    order: int
    title: str
    lines: tuple[TaskLine, ...]
    owner: str
    priority: str
    phase: str
    predecessors: str
    definition_of_done: str
    risk: str
    plan_phase: str  # the plan's phase name (stabilization) or "Roadmap"
    start_week: int | None = None  # the plan's weeks (domain/plan.py); None for roadmap projects
    end_week: int | None = None
    start_date: date | None = None  # the weeks as dates from the delivery start (domain/calendar.py)
    end_date: date | None = None
    status: str = DELIVERY[DeliveryStatus.NOT_STARTED]  # what delivery reported (read back from the workbook)
    done_on: date | None = None


@dataclass(frozen=True)
class MatrixRow:
    function: str
    lane: str
    letters: tuple[str, ...]
    accountable: str
    check: str
    notes: str


@dataclass(frozen=True)
class PricingLine:
    section: str
    kind: str
    label: str
    quantity: Decimal | None
    unit: str
    rate: Decimal | None
    amount: Decimal
    cost: Decimal | None


@dataclass(frozen=True)
class PsaRow:
    phase: str
    task_name: str
    description: str
    hours: Decimal
    role: str
    owner: str
    resource: str
    order: int
    predecessor: str


@dataclass(frozen=True)
class ContactRow:
    name: str
    details: str


@dataclass(frozen=True)
class AnswerRow:
    section: str
    question: str
    answer: str  # as the client reads it; "" when not answered
    note: str
    question_id: str
    said_by: str = ""  # who gave the answer


@dataclass(frozen=True)
class SiteRow:
    name: str
    address: str
    users: int | None
    notes: str


#: A contact as the Contacts & escalation sheet lists it: the report model's row, every field.
PersonRow = report_mod.ContactRow


@dataclass(frozen=True)
class PhaseRow:
    number: int
    name: str
    purpose: str
    tasks: int
    hours: Decimal
    start_week: int
    end_week: int
    start_date: date
    end_date: date


@dataclass(frozen=True)
class PriceFacts:
    contingency_rate: Decimal
    rounding_function: str  # CEILING, FLOOR or MROUND
    rounding_increment: Decimal
    rounding_label: str
    discount_percent: Decimal
    credit_requested: Decimal
    coverage: str
    target_margin: Decimal  # a fraction: 0.40
    discount_reason: str
    approval: str
    warnings: tuple[str, ...] = ()
    approvals: tuple[str, ...] = ()  # every approval recorded: verified (who, role, date, key) or why not


@dataclass(frozen=True)
class HandoffData:
    engagement_uid: str
    client_name: str
    consultant: str
    internal_it_owner: str
    discovery_date: date | None
    exported_on: date
    form: str
    currency: str
    contacts: tuple[ContactRow, ...]
    fit: str
    alignment: str
    users: int
    devices: int
    high_risks: int
    inventory: tuple[InventoryRow, ...]
    standards: tuple[StandardRow, ...]
    risks: tuple[RiskRow, ...]
    stabilization: tuple[Task, ...]
    roadmap: tuple[Task, ...]
    role_names: tuple[str, ...]
    matrix_parties: tuple[str, ...]
    matrix: tuple[MatrixRow, ...]
    pricing_lines: tuple[PricingLine, ...]
    psa_rows: tuple[PsaRow, ...]
    price: PriceFacts
    plan_phases: tuple[str, ...] = ()
    bands: tuple[tuple[int, str], ...] = RISK_BANDS
    quote: pricing_mod.Quote | None = field(default=None, compare=False)
    # What the readiness check says (domain/assessment.py): (severity, message, where to fix it).
    readiness: tuple[tuple[str, str, str], ...] = ()
    locale: str = report_mod.DEFAULT_LOCALE  # the provider's: how labels write percents
    # The handoff: when delivery starts, what the client answered, who to call.
    start_date: date | None = None
    phases: tuple[PhaseRow, ...] = ()
    answers: tuple[AnswerRow, ...] = ()
    sites: tuple[SiteRow, ...] = ()
    people: tuple[PersonRow, ...] = ()
    escalation: tuple[str, ...] = ()
    after_hours: tuple[tuple[str, str], ...] = ()  # (question, answer), answered ones only
    paper: str = "Letter"  # the provider's page size: Letter or A4
    # The roadmap and budget by quarter (domain/roadmap.py), as the proposal shows it.
    quarters: tuple[QuarterRow, ...] = ()
    # Approved change orders as work (export/change_order_work.py); none before acceptance.
    change_orders: tuple[ChangeOrderWork, ...] = ()


# ---- building ------------------------------------------------------------------------------


_ROUNDING = {RoundingMode.UP: ("CEILING", "up"), RoundingMode.DOWN: ("FLOOR", "down"),
             RoundingMode.NEAREST: ("MROUND", "nearest")}


@dataclass(frozen=True)
class QuarterRow:
    quarter: str
    title: str
    kind: str
    note: str
    one_time: Decimal | None  # None: the client's own purchase
    recurring: Decimal


def quarter_rows(road: Roadmap) -> tuple[QuarterRow, ...]:
    """One row per roadmap item, then each quarter's operations (the monthly fee x 3)."""
    from ..domain.roadmap import KIND_LABELS

    rows: list[QuarterRow] = []
    for q in road.quarters:
        name = q.quarter.replace("-", " ")
        for i in q.items:
            rows.append(QuarterRow(name, i.title, KIND_LABELS[i.kind], i.detail, i.one_time, i.recurring))
        if q.operations:
            rows.append(QuarterRow(name, "Co-managed operations (3 months)", "Operations", "", None, q.operations))
    return tuple(rows)


def from_report(rep: report_mod.Report, eng: Engagement, pkg: FormPackage, assessment: Assessment,
                today: date, start: date | None = None) -> HandoffData:
    """The workbook's rows from the report model, plus what the report does not carry (the
    adapter, kept here rather than in report.py): the inventory, the full text of risks and
    tasks (the report shortens evidence; a sheet that is re-imported must hold the real text),
    each task's hours per role with bill and cost rates, every pricing line for the client
    variant too, the rounding rule and the discovery-fee credit for the live fee formulas.

    ``start``: the day delivery starts (plan week 1); by default the Monday after the report's
    issue date. Task and phase dates come from it through :mod:`~discovery_app.domain.calendar`."""
    start = start or calendar.next_monday(rep.issued_on)

    def dates(first: int | None, last: int | None) -> tuple[date | None, date | None]:
        if first is None or last is None:
            return None, None
        return calendar.span(start, first, last)
    quote = assessment.quote
    assert quote is not None  # build_report refused an engagement that cannot be priced
    roles = {r.id: r for r in pkg.pricing.roles}
    role_ids = {r.name: r.id for r in pkg.pricing.roles}
    role_order = [r.id for r in pkg.pricing.roles]
    items = {r.uid: r for r in eng.remediation}
    risks_by_uid = {r.uid: r for r in eng.risks}
    inv_names = {i.uid: i.name for i in eng.inventory}
    std_names = {c.id: c.name for c in pkg.standards}

    inventory = tuple(InventoryRow(
        i.uid, i.name, INVENTORY_CATEGORY[i.category], i.kind, i.site, i.owner, i.os, i.model, i.serial,
        i.purchase_date, i.warranty_end, i.notes, i.source, i.manufacturer, i.asset_tag) for i in eng.inventory)

    st = rep.standards
    standards = tuple(StandardRow(
        r.name, r.standard, r.current_tool, r.status,
        DECISION[ExceptionDecision(r.decision_id)] if r.decision_id else "", r.surcharge, r.notes) for r in st.rows)
    alignment = (f"{rep.percent(st.alignment_percent)} ({st.aligned} of {st.applicable} applicable categories "
                 "aligned)") if st.applicable else "Not assessed"

    risks = []
    for row in rep.risks.all:  # highest score first
        r = risks_by_uid[row.uid]
        risks.append(RiskRow(
            r.uid, r.title, RISK_CATEGORY[r.category], r.likelihood, r.impact, r.description, r.why_it_matters,
            r.evidence, std_names.get(r.standard_category or "", r.standard_category or ""),
            ", ".join(inv_names.get(u, u) for u in r.linked_inventory)))

    def lines_of(item: RemediationItem) -> tuple[TaskLine, ...]:
        """One line per role with sold or reported hours, in the form's role order."""
        used = [r for r in role_order if item.hours.get(r) or item.actual_hours.get(r)]
        return tuple(
            TaskLine(rid, roles[rid].name, item.hours.get(rid, Decimal(0)), roles[rid].bill_rate,
                     roles[rid].cost_rate, item.actual_hours.get(rid))
            for rid in used)

    def progress(item: RemediationItem) -> tuple[str, date | None]:
        return DELIVERY[item.delivery_status], item.done_on

    stab = tuple(Task(
        t.uid, t.number, t.title, lines_of(items[t.uid]), t.owner, t.priority, PHASE[Phase.STABILIZATION],
        ", ".join([*(str(n) for n in t.depends_on), *t.depends_on_other]), items[t.uid].definition_of_done,
        t.risk_title, t.phase, t.start_week, t.end_week, *dates(t.start_week, t.end_week),
        *progress(items[t.uid])) for t in rep.plan.tasks)
    road_numbers = {o.uid: n for n, o in enumerate(rep.roadmap, 1)}
    road = []
    for n, o in enumerate(rep.roadmap, 1):
        item = items[o.uid]
        deps = [str(road_numbers[d]) for d in item.depends_on if d in road_numbers]
        deps += [items[d].title for d in item.depends_on if d not in road_numbers and d in items]
        road.append(Task(o.uid, n, o.title, lines_of(item), o.owner, o.priority, PHASE[Phase.ROADMAP],
                         ", ".join(deps), item.definition_of_done, o.risk_title, PHASE[Phase.ROADMAP],
                         None, None, None, None, *progress(item)))

    m = rep.matrix
    matrix_rows = tuple(MatrixRow(
        r.function, r.lane.capitalize(), r.letters, r.accountable,
        (r.problem or "OK") + (" (accepted as is)" if r.problem and r.accepted_as_is else ""), r.notes)
        for r in m.rows)

    road_titles = {p.uid: p.title for p in quote.roadmap}
    lines = []
    for ln in quote.lines():
        if ln.section == "stabilization":
            section = STABILIZATION_SECTION
        elif ln.section == "monthly":
            section = MONTHLY_SECTION
        elif ln.section == pricing_mod.PASS_THROUGH_ONE_OFF:
            section = PASS_THROUGH_ONE_OFF_SECTION
        elif ln.section == pricing_mod.PASS_THROUGH_MONTHLY:
            section = PASS_THROUGH_MONTHLY_SECTION
        else:
            section = ROADMAP_SECTION_PREFIX + road_titles.get(ln.section.split(":", 1)[1], "")
        kind = "Pass-through" if ln.kind == "pass_through" else ln.kind.capitalize()
        lines.append(PricingLine(section, kind, ln.label, ln.quantity, ln.unit, ln.rate,
                                 ln.amount, ln.cost))
    monthly_costs = _monthly_costs(quote)
    lines = [replace(ln, cost=monthly_costs.get(n, ln.cost)) for n, ln in enumerate(lines)]

    # PSA import: one row per task and role, numbered in order; a predecessor is the row number
    # of the dependency's last row.
    psa_tasks = [*stab, *road]
    last_row: dict[str, int] = {}
    n = 0
    for task in psa_tasks:
        n += len(task.lines)
        last_row[task.uid] = n
    resource = {PARTY[Party.INTERNAL]: rep.client.internal_it_owner}
    psa = []
    n = 0
    for task in psa_tasks:
        pred = ", ".join(str(last_row[d]) for d in items[task.uid].depends_on if d in last_row)
        desc = task.definition_of_done
        if task.risk:
            desc = f"{desc}\nAddresses: {task.risk}" if desc else f"Addresses: {task.risk}"
        for line in task.lines:
            n += 1
            name = f"{task.title} ({line.role_name})" if len(task.lines) > 1 else task.title
            psa.append(PsaRow(task.plan_phase, name, desc, line.hours, line.role_name, task.owner,
                              resource.get(task.owner, ""), n, pred))

    func, mode_label = _ROUNDING[pkg.pricing.rounding.mode]
    d = rep.prices.discount
    approval = quote.discount.status()
    internal = rep.internal
    price = PriceFacts(
        contingency_rate=pkg.pricing.contingency, rounding_function=func,
        rounding_increment=pkg.pricing.rounding.increment,
        rounding_label=f"{mode_label} to {pricing_mod.money_str(pkg.pricing.rounding.increment)}",
        discount_percent=quote.discount.percent, credit_requested=quote.stabilization.credit_requested,
        coverage=rep.prices.coverage,
        target_margin=(internal.target_margin_percent / 100) if internal else Decimal(0),
        discount_reason=d.reason if d else "", approval=approval,
        approvals=internal.approvals if internal else (),
        warnings=tuple(quote.blocking) + (internal.warnings if internal else ()),
    )
    contacts = tuple(ContactRow(c.name, " | ".join(x for x in (c.role, c.email, c.phone,
                                                                "decision maker" if c.decision_maker else "") if x))
                     for c in rep.client.contacts)
    plan_phases = tuple(dict.fromkeys([*(p.name for p in rep.plan.phases), *(t.plan_phase for t in road)]))
    phases = tuple(PhaseRow(p.number, p.name, p.purpose, len(p.tasks), p.hours, p.start_week, p.end_week,
                            *calendar.span(start, p.start_week, p.end_week)) for p in rep.plan.phases)
    qn = pkg.questionnaire
    values = eng.answer_values()
    shown = handoff_mod.shown_answers(qn, values, {a.question_id: a.note for a in eng.answers})
    said_by = {a.question_id: a.said_by for a in eng.answers}
    answers = tuple(AnswerRow(a.section, a.label, a.answer, a.note, a.question_id, said_by.get(a.question_id, ""))
                    for a in shown)
    by_id = {a.question_id: a for a in shown}
    escalation: list[str] = []
    for qid in handoff_mod.ESCALATION_QUESTIONS:
        if qid in by_id and by_id[qid].answer:
            escalation = handoff_mod.escalation_steps(by_id[qid].answer)
            break
    after_hours = tuple((by_id[q].label, by_id[q].answer) for q in handoff_mod.AFTER_HOURS_QUESTIONS
                        if q in by_id and by_id[q].answer)
    extras = rep.extra.get("proposal_extras")
    quarters = quarter_rows(extras.roadmap) if extras is not None and extras.roadmap is not None else ()
    return HandoffData(
        quarters=quarters,
        engagement_uid=rep.engagement_uid, client_name=rep.client.name, consultant=rep.client.consultant,
        internal_it_owner=rep.client.internal_it_owner, discovery_date=rep.client.discovery_date, exported_on=today,
        form=f"{pkg.title} ({pkg.id} v{pkg.version})", currency=rep.currency, contacts=contacts,
        fit=f"{rep.fit.label} ({fit_mod.score_of_100(rep.fit.score, rep.locale)})", alignment=alignment,
        users=rep.counts.users, devices=rep.counts.devices,
        high_risks=sum(n for band, n in rep.risks.band_counts if band in ("High", "Critical")),
        inventory=inventory, standards=standards, risks=tuple(risks), stabilization=stab, roadmap=tuple(road),
        role_names=tuple(role_ids), matrix_parties=m.parties, matrix=matrix_rows,
        pricing_lines=tuple(lines), psa_rows=tuple(psa), price=price, plan_phases=plan_phases,
        bands=rep.risks.bands, quote=quote, locale=rep.locale,
        readiness=tuple((i.severity.value, i.message, str(i.where)) for i in assessment.readiness.items),
        start_date=start, phases=phases, answers=answers,
        sites=tuple(SiteRow(s.name, s.address, s.user_count, s.notes) for s in eng.sites),
        people=rep.client.contacts,
        escalation=tuple(escalation), after_hours=after_hours, paper=rep.provider.page_size,
    )


def _monthly_costs(quote: pricing_mod.Quote) -> dict[int, Decimal]:
    """Quote lines carry cost only for hours and surcharges; give each monthly lane line and
    coverage uplift its share of the lane's cost so the Cost column adds up to the monthly cost."""
    out: dict[int, Decimal] = {}
    costs = {lf.lane: lf for lf in quote.monthly.lanes}
    lines = quote.lines()
    for lane, lf in costs.items():
        idx = [n for n, ln in enumerate(lines) if ln.section == "monthly" and ln.kind in ("lane", "coverage")
               and ln.label.startswith(f"{lane.value.capitalize()} lane - ")]
        remaining = lf.cost
        for k, n in enumerate(idx):
            if k == len(idx) - 1:
                out[n] = remaining
            else:
                share = pricing_mod.cents(lines[n].amount * lf.cost_ratio)
                out[n] = share
                remaining -= share
    for n, ln in enumerate(lines):
        if ln.section == "monthly" and ln.kind == "discount":
            out[n] = Decimal("0.00")
    return out

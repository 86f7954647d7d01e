"""One assessment of an engagement: its quote, its schedule, its matrix and its readiness.

:func:`assess` is the one place these are computed. The summary panel, the navigator's marks,
the Review page, ``discovery-app check`` and ``export``, the PDFs and the workbook all read its
result, so no two surfaces can disagree about what blocks the proposal, what a task is numbered
or when it runs.

Readiness is one list of :class:`ReadinessItem`: a severity (``blocker`` stops the client-facing
proposal; ``warning`` is shown but does not), a stable ``code``, a plain message, and where to
fix it (:class:`Where`: the workspace page and, where there is one, the record).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from . import answers as answers_mod
from . import matrix as matrix_mod
from . import plan as plan_mod
from . import pricing as pricing_mod
from . import risks as risks_mod
from .basis import Basis
from .engagement import Engagement, RiskTreatment, StandardStatus
from .facts import question_for
from .forms import CommercialTerms, Fact, FormPackage, Phase


class Severity(StrEnum):
    BLOCKER = "blocker"
    WARNING = "warning"


#: Workspace pages by id (the ids the GUI's pages carry), with the titles their navigator shows.
PAGE_TITLES: Mapping[str, str] = {
    "client": "Client & sites",
    "fit": "Fit",
    "inventory": "Inventory",
    "standards": "Standards fit",
    "risks": "Risks",
    "remediation": "Remediation",
    "responsibilities": "Responsibilities",
    "pricing": "Pricing",
    "review": "Review & export",
    "settings": "Settings",
}


def question_page(section_id: str) -> str:
    """The page id of a questionnaire section."""
    return f"q:{section_id}"


@dataclass(frozen=True)
class Where:
    """Where to fix something: a page id and, where there is one, a record on it."""

    page: str
    page_title: str
    record: str | None = None  # question id, risk uid, item uid, category id, function id
    record_label: str = ""

    def __str__(self) -> str:
        return f"{self.page_title} › {self.record_label}" if self.record_label else self.page_title


@dataclass(frozen=True)
class ReadinessItem:
    severity: Severity
    code: str
    message: str
    where: Where

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.BLOCKER

    def to_json_dict(self) -> dict[str, Any]:
        return {"severity": self.severity.value, "code": self.code, "message": self.message,
                "where": str(self.where), "page": self.where.page, "record": self.where.record}


@dataclass(frozen=True)
class Readiness:
    items: tuple[ReadinessItem, ...]

    @property
    def ready(self) -> bool:
        return not any(i.blocks for i in self.items)

    @property
    def blockers(self) -> tuple[ReadinessItem, ...]:
        return tuple(i for i in self.items if i.blocks)

    @property
    def warnings(self) -> tuple[ReadinessItem, ...]:
        return tuple(i for i in self.items if not i.blocks)

    def on_page(self, page: str) -> tuple[ReadinessItem, ...]:
        return tuple(i for i in self.items if i.where.page == page)

    def blocker_messages(self) -> list[str]:
        return [i.message for i in self.blockers]

    def to_json_dict(self) -> dict[str, Any]:
        return {"ready": self.ready, "items": [i.to_json_dict() for i in self.items]}


# ---- risk treatment: from the links, never a guess -----------------------------------------------


class TreatmentKind(StrEnum):
    PLAN = "plan"  # a stabilization task linked to the risk fixes it inside the fixed fee
    ROADMAP = "roadmap"  # a roadmap project linked to it, priced separately
    ACCEPTED = "accepted"
    TRACKED = "tracked"
    NONE = "none"  # nothing says how it is treated: readiness flags it


@dataclass(frozen=True)
class Treatment:
    kind: TreatmentKind
    tasks: tuple[int, ...] = ()  # plan task numbers, for PLAN
    projects: tuple[str, ...] = ()  # roadmap item titles, for ROADMAP

    @property
    def text(self) -> str:
        """The sentence a client reads in the risk register."""
        if self.kind is TreatmentKind.PLAN:
            word = "task" if len(self.tasks) == 1 else "tasks"
            nums = ", ".join(str(n) for n in self.tasks[:-1]) + (" and " if len(self.tasks) > 1 else "") + str(self.tasks[-1])
            return f"Fixed in the stabilization plan ({word} {nums}), inside the fixed fee."
        if self.kind is TreatmentKind.ROADMAP:
            return "Proposed as a roadmap project, priced separately: " + "; ".join(self.projects) + "."
        if self.kind is TreatmentKind.ACCEPTED:
            return "Accepted by you as it is; no work is planned."
        if self.kind is TreatmentKind.TRACKED:
            return "Tracked in the risk register and reviewed each quarter; no work is promised yet."
        return "Treatment not decided yet."


def treatments(eng: Engagement, plan: plan_mod.Plan) -> dict[str, Treatment]:
    """Each risk's treatment: a linked stabilization task, else a linked roadmap project, else
    what the consultant recorded (accepted, tracked), else none."""
    numbers = plan.numbers()
    by_risk: dict[str, list[int]] = {}
    projects: dict[str, list[str]] = {}
    for item in eng.remediation:
        if not item.accepted or not item.risk_uid:
            continue
        if item.phase is Phase.STABILIZATION and item.uid in numbers:
            by_risk.setdefault(item.risk_uid, []).append(numbers[item.uid])
        elif item.phase is Phase.ROADMAP:
            projects.setdefault(item.risk_uid, []).append(item.title)
    out = {}
    for r in eng.risks:
        if r.uid in by_risk:
            out[r.uid] = Treatment(TreatmentKind.PLAN, tasks=tuple(sorted(by_risk[r.uid])))
        elif r.uid in projects:
            out[r.uid] = Treatment(TreatmentKind.ROADMAP, projects=tuple(projects[r.uid]))
        elif r.treatment is RiskTreatment.ACCEPTED:
            out[r.uid] = Treatment(TreatmentKind.ACCEPTED)
        elif r.treatment is RiskTreatment.TRACKED:
            out[r.uid] = Treatment(TreatmentKind.TRACKED)
        else:
            out[r.uid] = Treatment(TreatmentKind.NONE)
    return out


# ---- the assessment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    quote: pricing_mod.Quote | None  # None when the engagement cannot be priced (a blocker says why)
    plan: plan_mod.Plan
    matrix: matrix_mod.MatrixReport
    treatments: Mapping[str, Treatment]
    terms: CommercialTerms
    readiness: Readiness
    pricing_error: str = ""


def resolve_terms(form_terms: CommercialTerms | None, override: Mapping[str, Any] | None = None) -> CommercialTerms:
    """The form's commercial terms with the provider's own (Settings) laid over them."""
    base = (form_terms or CommercialTerms()).model_dump()
    for key, value in (override or {}).items():
        if key in base and value not in (None, ""):
            base[key] = value
    try:
        return CommercialTerms.model_validate(base)
    except ValueError:
        return form_terms or CommercialTerms()


def assess(basis: Basis, form: FormPackage, terms_override: Mapping[str, Any] | None = None,
           locale: str | None = None) -> Assessment:
    """Price, schedule and check an engagement's basis with its form. Pure: no store, no files.
    ``locale``: how its sentences write percents (None: "12.5%")."""
    eng = basis.engagement
    role_order = [r.id for r in form.pricing.roles]
    plan = plan_mod.build_plan(eng.remediation, role_order)
    matrix = matrix_mod.build_matrix(eng.responsibilities)
    quote: pricing_mod.Quote | None
    error = ""
    try:
        quote = pricing_mod.build_quote(basis, form, locale)
    except pricing_mod.PricingError as exc:
        quote, error = None, str(exc)
    treated = treatments(eng, plan)
    terms = resolve_terms(form.pricing.terms, terms_override)
    items = _readiness(eng, form, quote, error, plan, matrix, treated, terms)
    items += _option_readiness(basis, form, locale)
    items += _carried_readiness(basis, form)
    return Assessment(quote, plan, matrix, treated, terms, Readiness(tuple(items)), error)


def _option_readiness(basis: Basis, form: FormPackage, locale: str | None) -> list[ReadinessItem]:
    """Each option the proposal offers passes the discount and margin rules on its own."""
    out: list[ReadinessItem] = []
    for opt in sorted(basis.engagement.options, key=lambda o: o.number):
        name = f"Option {opt.number} ({opt.label})"
        where = Where("pricing", PAGE_TITLES["pricing"], f"option:{opt.number}", name)
        try:
            q = pricing_mod.build_quote(basis.with_inputs(opt.pricing), form, locale)
        except pricing_mod.PricingError as exc:
            out.append(ReadinessItem(Severity.BLOCKER, "option.error", f"{name} cannot be priced: {exc}", where))
            continue
        for message in q.blocking:
            out.append(ReadinessItem(Severity.BLOCKER, "option.discount", f"{name}: {message}", where))
        for message in q.warnings:
            if "margin" in message.casefold():
                out.append(ReadinessItem(Severity.WARNING, "option.margin", f"{name}: {message}", where))
    return out


def _carried_readiness(basis: Basis, form: FormPackage) -> list[ReadinessItem]:
    """A re-assessment's records carried from the baseline and not confirmed yet, by page."""
    from . import carried as carried_mod
    from .wording import count

    eng = basis.engagement
    if not eng.to_confirm:
        return []
    c = carried_mod.still_to_confirm(eng, inventory_loaded=False)
    out: list[ReadinessItem] = []

    def add(n: int, noun: str, where: Where) -> None:
        if n:
            out.append(ReadinessItem(Severity.WARNING, "carried.to_confirm",
                                     f"{count(n, noun)} carried over from the baseline still to confirm on "
                                     f"{where.page_title}.", where))

    answers = set(c.of(carried_mod.Kind.ANSWER))
    for section in form.questionnaire.sections:
        n = sum(1 for question in section.questions if question.id in answers)
        add(n, "answer", Where(question_page(section.id), section.title))
    add(len(c.of(carried_mod.Kind.INVENTORY)), "inventory record", _page("inventory"))
    add(len(c.of(carried_mod.Kind.STANDARD)), "standard", _page("standards"))
    add(len(c.of(carried_mod.Kind.RISK)), "risk", _page("risks"))
    add(len(c.of(carried_mod.Kind.ACCEPTANCE)), "risk acceptance", Where("baseline", "Acceptance & changes"))
    return out


def _page(page: str, record: str | None = None, label: str = "") -> Where:
    return Where(page, PAGE_TITLES.get(page, page), record, label)


def _readiness(eng: Engagement, form: FormPackage, quote: pricing_mod.Quote | None, pricing_error: str,
               plan: plan_mod.Plan, matrix: matrix_mod.MatrixReport, treated: Mapping[str, Treatment],
               terms: CommercialTerms) -> list[ReadinessItem]:
    out: list[ReadinessItem] = []

    def add(severity: Severity, code: str, message: str, where: Where) -> None:
        out.append(ReadinessItem(severity, code, message, where))

    blocker, warning = Severity.BLOCKER, Severity.WARNING
    q = form.questionnaire
    values = eng.answer_values()

    # Answers
    shown = answers_mod.visible_values(q, values)
    for section in q.sections:
        for qid in answers_mod.section_progress(section, shown).missing:
            question = q.question(qid)
            label = question.label if question else qid
            add(blocker, "answer.required", f"Required question not answered: “{label}”.",
                Where(question_page(section.id), section.title, qid, label))

    # Facts kept in step: the sites listed against the number of sites answered.
    sites_q = question_for(form, Fact.SITES)
    answered_sites = values.get(sites_q.id) if sites_q else None
    if isinstance(answered_sites, int) and eng.sites and len(eng.sites) != answered_sites:
        add(warning, "facts.sites",
            f"The questionnaire says {answered_sites} site{'s' if answered_sites != 1 else ''}; Client & sites "
            f"lists {len(eng.sites)}. Correct whichever is wrong.", _page("client"))

    # Standards
    names = {c.id: c.name for c in form.standards}
    gaps_covered = {i.standard_category: i for i in eng.remediation if i.accepted and i.standard_category}
    for a in eng.standards:
        name = names.get(a.category_id, a.category_id)
        if a.status is StandardStatus.EXCEPTION and a.decision is None:
            add(blocker, "standards.undecided",
                f"The standards exception for {name} has no decision: keep it in the exception lane (priced) "
                f"or replace it.", _page("standards", a.category_id, name))
        if plan_mod.is_gap(a) and a.category_id not in gaps_covered:
            add(blocker, "standards.no_task",
                f"{name} is to be brought to the standard, but no remediation item covers it, so the plan and "
                f"the fixed fee leave it out. Accept its suggestion on the Remediation page or link an item.",
                _page("remediation", a.category_id, name))

    # Risks
    cuts = risks_mod.cuts_of(form)
    for r in eng.risks:
        band = cuts.of(r.likelihood, r.impact)
        severe = risks_mod.BAND_RANK[band] >= risks_mod.BAND_RANK[risks_mod.Band.HIGH]
        if severe and not r.why_it_matters.strip():
            add(blocker, "risk.why", f"Risk “{r.title}” is {band.value} but does not say why it matters.",
                _page("risks", r.uid, r.title))
        if treated.get(r.uid, Treatment(TreatmentKind.NONE)).kind is TreatmentKind.NONE:
            add(blocker if severe else warning, "risk.treatment",
                f"Risk “{r.title}” has no treatment: link a remediation item to it, or record that the client "
                f"accepts it or that it is tracked.", _page("risks", r.uid, r.title))

    # Remediation and the plan
    for step in plan.steps:
        item = step.item
        if not item.definition_of_done.strip():
            add(blocker, "remediation.done", f"Task {step.number} “{item.title}” has no definition of done.",
                _page("remediation", item.uid, item.title))
        if not any(item.hours.values()):
            add(blocker, "remediation.hours",
                f"Task {step.number} “{item.title}” has no hours, so the fixed fee leaves it out.",
                _page("remediation", item.uid, item.title))
    titles = {i.uid: i.title for i in eng.remediation}
    for cycle in plan.cycles:
        add(blocker, "remediation.loop", f"The plan has a dependency loop: {plan_mod.describe_cycle(cycle, titles)}.",
            _page("remediation", cycle[0], titles.get(cycle[0], "")))

    # Responsibilities
    for row in matrix.rows:
        if row.flagged and row.message:
            add(blocker, "matrix.row", f"Responsibility matrix: {row.message}",
                _page("responsibilities", row.assignment.function_id, row.name))

    # Pricing
    if quote is None:
        add(blocker, "pricing.error", f"The engagement cannot be priced: {pricing_error}", _page("pricing"))
    else:
        for message in quote.blocking:
            add(blocker, "pricing.discount", message, _page("pricing"))
        for message in quote.warnings:
            code = "pricing.margin" if "margin" in message.casefold() else "pricing.warning"
            add(warning, code, message, _page("pricing"))
        if quote.discount.percent > 0 and not quote.discount.reason.strip():
            add(warning, "pricing.discount_reason",
                "The discount has no reason; the proposal prints it for the client.", _page("pricing"))

    # Commercial terms
    missing = []
    if not terms.payment_schedule.strip():
        missing.append("payment schedule")
    if terms.minimum_term_months is None:
        missing.append("contract term")
    if terms.notice_days is None:
        missing.append("notice period")
    if missing:
        joined = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        add(blocker, "terms.missing", f"The proposal states no {joined}: set "
            f"{'it' if len(missing) == 1 else 'them'} in Settings › Terms.", _page("settings", "terms", "Terms"))
    return out


__all__ = [
    "PAGE_TITLES", "Assessment", "Readiness", "ReadinessItem", "Severity", "Treatment", "TreatmentKind", "Where",
    "assess", "question_page", "resolve_terms", "treatments",
]


"""Cross-reference checks over a form package, in the spirit of XLSForm's validators.

Pydantic checks each field's shape; these checks look across the package: ids are unique,
every reference resolves, conditions parse and name only earlier questions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .expressions import ExpressionError, parse
from .facts import FACT_TYPES
from .forms import CHOICE_TYPES, NUMERIC_TYPES, FormPackage, QuestionType

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form, at a path into the package's data."""

    loc: Loc
    message: str

    @property
    def path(self) -> str:
        return format_loc(self.loc)


def format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _duplicates(items: Iterable[tuple[str, Loc]], what: str) -> list[Problem]:
    seen: dict[str, Loc] = {}
    problems = []
    for value, loc in items:
        if value in seen:
            problems.append(Problem(loc, f"duplicate {what} {value!r} (first at {format_loc(seen[value])})"))
        else:
            seen[value] = loc
    return problems


def _task_problems(pkg: FormPackage) -> list[Problem]:
    """Title templates name only known placeholders; cost lines count only known device kinds."""
    from .forms import CostLine, CostPer
    from .tasks import template_problem

    kinds = set(pkg.device_kinds)
    problems: list[Problem] = []

    def cost(line: CostLine | None, loc: Loc) -> None:
        if line is None:
            return
        for j, kind in enumerate(line.device_kinds):
            if kind not in kinds:
                problems.append(Problem((*loc, "device_kinds", j), f"device kind {kind!r} is not in device_kinds"))
        if line.device_kinds and line.per is not CostPer.DEVICE:
            problems.append(Problem((*loc, "device_kinds"), f"device_kinds apply only to a line priced per device, not per {line.per.value}"))

    for i, cat in enumerate(pkg.standards):
        if cat.task_titles is not None:
            for key in ("missing", "exception"):
                bad = template_problem(getattr(cat.task_titles, key))
                if bad:
                    problems.append(Problem(("standards", i, "task_titles", key), bad))
        cost(cat.cost_line, ("standards", i, "cost_line"))
    for i, risk in enumerate(pkg.risk_library.risks):
        if risk.task_title is not None:
            bad = template_problem(risk.task_title)
            if bad:
                problems.append(Problem(("risk_library", "risks", i, "task_title"), bad))
        cost(risk.cost_line, ("risk_library", "risks", i, "cost_line"))
    return problems


def check_package(pkg: FormPackage) -> list[Problem]:
    problems: list[Problem] = []
    q = pkg.questionnaire
    qloc: Loc = ("questionnaire",)

    problems += _duplicates(
        ((s.id, (*qloc, "sections", i, "id")) for i, s in enumerate(q.sections)), "section id"
    )
    problems += _duplicates(
        ((c.id, (*qloc, "choice_lists", i, "id")) for i, c in enumerate(q.choice_lists)), "choice list id"
    )
    for i, listed in enumerate(q.choice_lists):
        problems += _duplicates(
            ((c.value, (*qloc, "choice_lists", i, "choices", j, "value")) for j, c in enumerate(listed.choices)),
            f"choice value in list {listed.id!r}",
        )
    all_q = [
        (question, (*qloc, "sections", si, "questions", qi))
        for si, s in enumerate(q.sections)
        for qi, question in enumerate(s.questions)
    ]
    problems += _duplicates(((qq.id, (*loc, "id")) for qq, loc in all_q), "question id")

    list_ids = {cl.id for cl in q.choice_lists}
    earlier: set[str] = set()
    for question, loc in all_q:
        if question.choices and question.choices not in list_ids:
            problems.append(Problem((*loc, "choices"), f"choice list {question.choices!r} is not defined"))
        if question.show_if:
            try:
                cond = parse(question.show_if)
            except ExpressionError as exc:
                problems.append(Problem((*loc, "show_if"), str(exc)))
            else:
                for name in sorted(cond.names):
                    if name == question.id:
                        problems.append(Problem((*loc, "show_if"), f"condition refers to its own question {name!r}"))
                    elif name not in earlier:
                        known = any(name == other.id for other, _ in all_q)
                        why = "a later question" if known else "no question"
                        problems.append(
                            Problem((*loc, "show_if"), f"condition names {name!r}, which is {why}; conditions may only name earlier questions")
                        )
        earlier.add(question.id)

    # Facts: each bound by at most one question of a fitting type; coverage choices are levels.
    problems += _duplicates(((qq.binds.value, (*loc, "binds")) for qq, loc in all_q if qq.binds), "binding of fact")
    coverage_ids = {lv.id for lv in pkg.pricing.coverage}
    for question, loc in all_q:
        fact = question.binds
        if fact is None:
            continue
        if question.type not in FACT_TYPES[fact]:
            allowed = " or ".join(sorted(t.value for t in FACT_TYPES[fact]))
            problems.append(Problem((*loc, "binds"), f"fact {fact.value!r} needs a {allowed} question, not {question.type.value}"))
        elif fact.value == "coverage" and question.choices:
            cl = q.choice_list(question.choices)
            for c in cl.choices if cl else ():
                if c.value not in coverage_ids:
                    problems.append(Problem((*loc, "binds"), f"choice {c.value!r} of {question.choices!r} is not a coverage level in pricing.coverage"))

    # Fit criteria
    by_id = {qq.id: qq for qq, _ in all_q}
    problems += _duplicates(
        ((c.id, ("fit", "criteria", i, "id")) for i, c in enumerate(pkg.fit.criteria)), "fit criterion id"
    )
    for i, crit in enumerate(pkg.fit.criteria):
        loc = ("fit", "criteria", i)
        target = by_id.get(crit.question)
        if target is None:
            problems.append(Problem((*loc, "question"), f"question {crit.question!r} is not defined"))
            continue
        if target.type in NUMERIC_TYPES or target.type is QuestionType.RATING:
            if not crit.bands:
                problems.append(Problem((*loc, "bands"), f"numeric question {target.id!r} needs score bands"))
        elif target.type is QuestionType.YES_NO:
            if crit.yes_score is None or crit.no_score is None:
                problems.append(Problem(loc, f"yes/no question {target.id!r} needs yes_score and no_score"))
        elif target.type in CHOICE_TYPES:
            cl = q.choice_list(target.choices or "")
            if cl and any(c.score is None for c in cl.choices):
                problems.append(
                    Problem((*loc, "question"), f"every choice in list {cl.id!r} needs a score to be a fit criterion")
                )
        else:
            problems.append(Problem((*loc, "question"), f"a {target.type.value} question cannot be scored for fit"))

    # Standards, risks, responsibilities, pricing
    roles = {r.id for r in pkg.pricing.roles}
    problems += _duplicates(((r.id, ("pricing", "roles", i, "id")) for i, r in enumerate(pkg.pricing.roles)), "role id")
    problems += _duplicates(
        ((c.id, ("pricing", "coverage", i, "id")) for i, c in enumerate(pkg.pricing.coverage)), "coverage id"
    )
    cats = {c.id for c in pkg.standards}
    problems += _duplicates(((c.id, ("standards", i, "id")) for i, c in enumerate(pkg.standards)), "standards category id")
    for i, cat in enumerate(pkg.standards):
        for role in cat.remediation_hours:
            if role not in roles:
                problems.append(Problem(("standards", i, "remediation_hours", role), f"role {role!r} is not defined in pricing.roles"))
    problems += _task_problems(pkg)
    risks = pkg.risk_library.risks
    problems += _duplicates(((r.id, ("risk_library", "risks", i, "id")) for i, r in enumerate(risks)), "risk id")
    for i, risk in enumerate(risks):
        loc = ("risk_library", "risks", i)
        if risk.standard_category and risk.standard_category not in cats:
            problems.append(Problem((*loc, "standard_category"), f"standards category {risk.standard_category!r} is not defined"))
        for role in risk.remediation.hours:
            if role not in roles:
                problems.append(Problem((*loc, "remediation", "hours", role), f"role {role!r} is not defined in pricing.roles"))
    if pkg.risk_library.bands is not None:
        from .risks import cuts_of

        for key, message in cuts_of(pkg).problems():
            problems.append(Problem(("risk_library", "bands", key), message))
    funcs = pkg.responsibilities.functions
    problems += _duplicates(
        ((f.id, ("responsibilities", "functions", i, "id")) for i, f in enumerate(funcs)), "function id"
    )
    for i, fn in enumerate(funcs):
        accountable = [p for p, letters in fn.raci.items() if "A" in letters]
        if len(accountable) != 1:
            problems.append(
                Problem(("responsibilities", "functions", i, "raci"),
                        f"function {fn.id!r} must have exactly one Accountable party, has {len(accountable)}")
            )
    kinds = set(pkg.device_kinds)
    for lane, rates in pkg.pricing.lanes.items():
        for kind in rates.per_device:
            if kind not in kinds:
                problems.append(Problem(("pricing", "lanes", lane.value, "per_device", kind), f"device kind {kind!r} is not in device_kinds"))
    levels = sorted(pkg.pricing.discount_approvals, key=lambda a: a.max_percent)
    if list(pkg.pricing.discount_approvals) != levels:
        problems.append(Problem(("pricing", "discount_approvals"), "approval levels must be listed by rising max_percent"))
    problems += _approver_problems(pkg)
    from .suggestions import check_rules  # imported here: it builds on this module's Problem

    problems += check_rules(pkg)
    return problems


def _approver_problems(pkg: FormPackage) -> list[Problem]:
    """Each listed approver holds a role of the approval matrix; a key is listed once."""
    from .approvals import norm

    roles = {norm(lv.role): lv.role for lv in pkg.pricing.discount_approvals if lv.role}
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, a in enumerate(pkg.approvers or []):
        if norm(a.role) not in roles:
            out.append(Problem(("approvers", i, "role"), f"role {a.role!r} is not a role of pricing.discount_approvals "
                                                         f"({', '.join(roles.values()) or 'none'})"))
        if a.public_key in seen:
            out.append(Problem(("approvers", i, "public_key"), f"the same key is listed for approver {seen[a.public_key] + 1}"))
        seen.setdefault(a.public_key, i)
    return out

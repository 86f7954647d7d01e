"""Findings that suggest themselves: the form's rules (``suggestions.yaml``) over the answers and
the inventory, each naming what triggered it.

A rule's ``when`` is a condition in the same safe language as ``show_if``
(:mod:`.expressions`): it names question ids (hidden questions count as unanswered) and two
inventory aggregates, ``devices`` (how many devices the rule's ``select`` picks) and
``devices_total``. A rule whose risk is already in the register (same library id), or whose
standards category is already assessed, suggests nothing; a dismissed one is listed apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from . import answers as answers_mod
from . import lifecycle
from .engagement import InventoryCategory, Risk, StandardAssessment
from .expressions import ExpressionError, parse
from .formcheck import Loc, Problem
from .forms import (
    NUMERIC_TYPES,
    DeviceSelect,
    FormPackage,
    Questionnaire,
    QuestionType,
    SuggestionRule,
)
from .lifecycle import Device

#: The inventory aggregates a rule's condition may name, besides question ids.
AGGREGATES = {
    "devices": "how many devices the rule's select picks",
    "devices_total": "how many devices the inventory holds",
}
NAMES_SHOWN = 6  # device names listed in a trigger before "and N more"


@dataclass(frozen=True)
class Suggestion:
    """One suggested finding: a library risk or a standards gap, with every rule that raised it."""

    key: str  # "risk:<library id>" or "standard:<category id>": what is accepted or dismissed
    title: str  # the risk's title, or "Standards gap: <category>"
    risk: str | None  # risk library id
    standard: str | None  # standards category id
    rules: tuple[str, ...]  # the rules that raised it
    triggers: tuple[str, ...]  # what raised it, in words
    device_uids: tuple[str, ...] = ()  # the devices that triggered it (linked when accepted)
    why: str = ""
    dismissed: bool = False
    dismiss_reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "risk": self.risk, "standard": self.standard,
                "rules": list(self.rules), "triggers": list(self.triggers), "devices": len(self.device_uids),
                "why": self.why, "dismissed": self.dismissed, "dismiss_reason": self.dismiss_reason}


def key_of(rule: SuggestionRule) -> str:
    return f"risk:{rule.risk}" if rule.risk else f"standard:{rule.standard}"


# ---- words ----------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _names(items: Sequence[Device]) -> str:
    names = sorted(i.name for i in items)
    more = len(names) - NAMES_SHOWN
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" and {more} more" if more > 0 else "")


def answer_text(questionnaire: Questionnaire, qid: str, value: Any) -> str:
    """An answer as a consultant reads it: choice labels, Yes/No, the value as typed."""
    q = questionnaire.question(qid)
    if q is None or value is None:
        return "not answered"
    if q.type is QuestionType.YES_NO:
        return "Yes" if value else "No"
    if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE):
        cl = questionnaire.choice_list(q.choices or "")
        labels = {c.value: c.label for c in cl.choices} if cl else {}
        values = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(v, str(v)) for v in values)
    return str(value)


# ---- device selection -------------------------------------------------------------------------


@dataclass
class _Picked:
    items: list[Device] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _kind_noun(items: Sequence[Device]) -> str:
    nouns = {"workstation": ("workstation", "workstations"), "laptop": ("laptop", "laptops"),
             "server": ("server", "servers"), "virtual_server": ("virtual server", "virtual servers"),
             "storage": ("storage unit", "storage units"), "firewall": ("firewall", "firewalls"),
             "network": ("network device", "network devices"), "printer": ("printer", "printers")}
    n = len(items)
    kinds = {i.kind for i in items}
    if len(kinds) == 1 and (kind := kinds.pop()) in nouns:
        one, many = nouns[kind]
        return f"{n} {one if n == 1 else many}"
    return _plural(n, "device")


def select_devices(sel: DeviceSelect, items: Sequence[Device], pkg: FormPackage, today: date) -> _Picked:
    """The devices ``sel`` picks, with one line per group saying why they were picked."""
    table = pkg.lifecycle
    older_than = None if sel.older_than_years is None else float(sel.older_than_years) * 365.25
    picked: list[Device] = []
    for item in items:
        if item.category is not InventoryCategory.DEVICE:
            continue
        if sel.kinds and item.kind not in sel.kinds:
            continue
        if sel.os_past_end_of_support or sel.os_support_ends_within_months is not None:
            entry = lifecycle.os_entry(table, item.os)
            if sel.os_past_end_of_support and not (entry and entry.end_of_support <= today):
                continue
            if sel.os_support_ends_within_months is not None and not (
                    entry and entry.end_of_support <= lifecycle.add_months(today, sel.os_support_ends_within_months)):
                continue
        if sel.warranty_ends_within_months is not None and not (
                item.warranty_end and item.warranty_end <= lifecycle.add_months(today, sel.warranty_ends_within_months)):
            continue
        if older_than is not None and not (item.purchase_date and (today - item.purchase_date).days > older_than):
            continue
        if sel.not_from_source is not None and sel.not_from_source.casefold() in item.source.casefold():
            continue
        picked.append(item)
    out = _Picked(picked)
    if not picked:
        return out
    if sel.os_past_end_of_support or sel.os_support_ends_within_months is not None:
        by_os: dict[str, list[Device]] = {}
        for item in picked:
            entry = lifecycle.os_entry(table, item.os)
            by_os.setdefault(entry.name if entry else item.os, []).append(item)
        for os_name, group in sorted(by_os.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            entry = lifecycle.os_entry(table, group[0].os)
            assert entry is not None
            verb = "runs" if len(group) == 1 else "run"
            when = (f"past end of support since {entry.end_of_support.isoformat()}" if entry.end_of_support <= today
                    else f"end of support on {entry.end_of_support.isoformat()}")
            out.lines.append(f"{_kind_noun(group)} {verb} {os_name}, {when}: {_names(group)}")
        return out
    n = len(picked)
    parts = []
    if sel.warranty_ends_within_months is not None:
        ended = sum(1 for i in picked if i.warranty_end and i.warranty_end <= today)
        parts.append("warranty ended" if ended == n else (
            f"warranty ends within {_plural(sel.warranty_ends_within_months, 'month')}" if ended == 0 else
            f"warranty ended ({ended}) or ends within {_plural(sel.warranty_ends_within_months, 'month')}"))
    if sel.older_than_years is not None:
        parts.append(f"older than {sel.older_than_years} years")
    if sel.not_from_source is not None:
        parts.append(f"not in the {sel.not_from_source} export")
    what = _kind_noun(picked)
    line = f"{what}: {', '.join(parts)}" if parts else what
    oldest = min((i for i in picked if i.purchase_date), key=lambda i: i.purchase_date or today, default=None)
    detail = _names(picked)
    if sel.older_than_years is not None and oldest is not None and oldest.purchase_date is not None:
        detail += f" (oldest: {oldest.name}, bought {oldest.purchase_date.isoformat()})"
    out.lines.append(f"{line}: {detail}")
    return out


# ---- evaluating -------------------------------------------------------------------------------


def _target_title(pkg: FormPackage, rule: SuggestionRule) -> str:
    if rule.risk:
        tpl = next((t for t in pkg.risk_library.risks if t.id == rule.risk), None)
        return tpl.title if tpl else rule.risk
    cat = next((c for c in pkg.standards if c.id == rule.standard), None)
    return f"Standards gap: {cat.name if cat else rule.standard}"


def suggest(pkg: FormPackage, answers: Mapping[str, Any], inventory: Sequence[Device], risks: Sequence[Risk],
            standards: Sequence[StandardAssessment], today: date,
            dismissed: Mapping[str, str] | None = None) -> list[Suggestion]:
    """The form's suggestions for this engagement, in the form's order: the open ones and the
    dismissed ones (``dismissed``: suggestion key -> the reason given). Rules that suggest the
    same risk or gap make one suggestion with all their triggers. Rules whose risk is in the
    register or whose standards category is assessed are left out."""
    dismissed = dismissed or {}
    shown = answers_mod.visible_values(pkg.questionnaire, typed_values(pkg.questionnaire, answers))
    in_register = {r.template_id for r in risks if r.template_id}
    assessed = {s.category_id for s in standards}
    devices_total = sum(1 for i in inventory if i.category is InventoryCategory.DEVICE)
    merged: dict[str, dict[str, Any]] = {}
    for rule in pkg.suggestion_rules or ():
        if (rule.risk and rule.risk in in_register) or (rule.standard and rule.standard in assessed):
            continue
        picked = select_devices(rule.select, inventory, pkg, today) if rule.select else _Picked()
        values = dict(shown)
        values["devices"] = len(picked.items)
        values["devices_total"] = devices_total
        try:
            cond = parse(rule.when)
            if not cond.evaluate(values):
                continue
        except ExpressionError:  # forms check refuses it; a stored older form is read leniently
            continue
        triggers = list(picked.lines)
        for name in sorted(cond.names - AGGREGATES.keys(), key=lambda n: _order(pkg.questionnaire, n)):
            q = pkg.questionnaire.question(name)
            if q is not None:
                triggers.append(f"{q.label}: {answer_text(pkg.questionnaire, name, shown.get(name))}")
        m = merged.setdefault(key_of(rule), {"rule": rule, "rules": [], "triggers": [], "devices": [], "why": []})
        m["rules"].append(rule.id)
        m["triggers"] += [t for t in triggers if t not in m["triggers"]]
        m["devices"] += [i.uid for i in picked.items if i.uid not in m["devices"]]
        if rule.why and rule.why not in m["why"]:
            m["why"].append(rule.why)
    out = []
    for key, m in merged.items():
        rule = m["rule"]
        out.append(Suggestion(
            key, _target_title(pkg, rule), rule.risk, rule.standard, tuple(m["rules"]), tuple(m["triggers"]),
            tuple(m["devices"]), " ".join(m["why"]), key in dismissed, dismissed.get(key, "")))
    return out


def typed_values(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as conditions compare them: decimals and money (stored as text) as numbers."""
    out = dict(answers)
    for q in questionnaire.questions():
        v = out.get(q.id)
        if q.type in NUMERIC_TYPES and isinstance(v, str):
            try:
                out[q.id] = Decimal(v)
            except InvalidOperation:
                out[q.id] = None
    return out


def _order(questionnaire: Questionnaire, qid: str) -> int:
    for n, q in enumerate(questionnaire.questions()):
        if q.id == qid:
            return n
    return 10**6


# ---- checking a form's rules (forms check) ----------------------------------------------------


def check_rules(pkg: FormPackage) -> list[Problem]:
    """Cross-reference checks of the suggestion rules and the lifecycle table."""
    import re

    problems: list[Problem] = []
    qids = {q.id for q in pkg.questionnaire.questions()}
    risks = {r.id for r in pkg.risk_library.risks}
    cats = {c.id for c in pkg.standards}
    kinds = set(pkg.device_kinds)
    seen: dict[str, int] = {}
    for i, rule in enumerate(pkg.suggestion_rules or ()):
        loc: Loc = ("suggestion_rules", i)
        if rule.id in seen:
            problems.append(Problem((*loc, "id"), f"duplicate rule id {rule.id!r} (first at suggestion_rules[{seen[rule.id]}])"))
        seen.setdefault(rule.id, i)
        if rule.risk and rule.risk not in risks:
            problems.append(Problem((*loc, "risk"), f"risk {rule.risk!r} is not in the risk library"))
        if rule.standard and rule.standard not in cats:
            problems.append(Problem((*loc, "standard"), f"standards category {rule.standard!r} is not defined"))
        if rule.select:
            for j, kind in enumerate(rule.select.kinds):
                if kind not in kinds:
                    problems.append(Problem((*loc, "select", "kinds", j), f"device kind {kind!r} is not in device_kinds"))
            uses_os = rule.select.os_past_end_of_support or rule.select.os_support_ends_within_months is not None
            if uses_os and pkg.lifecycle is None:
                problems.append(Problem((*loc, "select"), "selects by end of support, but the package has no lifecycle.yaml"))
        try:
            cond = parse(rule.when)
        except ExpressionError as exc:
            problems.append(Problem((*loc, "when"), str(exc)))
            continue
        for name in sorted(cond.names):
            if name in qids:
                continue
            if name == "devices" and rule.select is None:
                problems.append(Problem((*loc, "when"), "condition names 'devices', but the rule has no 'select'"))
            elif name not in AGGREGATES:
                problems.append(Problem((*loc, "when"), f"condition names {name!r}, which is neither a question nor "
                                        f"an inventory aggregate ({', '.join(AGGREGATES)})"))
    table = pkg.lifecycle
    if table is not None:
        for i, entry in enumerate(table.operating_systems):
            for j, pattern in enumerate(entry.match):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    problems.append(Problem(("lifecycle", "operating_systems", i, "match", j),
                                            f"not a valid regular expression: {exc}"))
        for kind in table.replace_after_years:
            if kind not in kinds:
                problems.append(Problem(("lifecycle", "replace_after_years", kind), f"device kind {kind!r} is not in device_kinds"))
    for kind in pkg.pricing.replacement_costs or {}:
        if kind not in kinds:
            problems.append(Problem(("pricing", "replacement_costs", kind), f"device kind {kind!r} is not in device_kinds"))
    return problems

"""Remediation task titles from the form's templates, and the hardware and licence lines tasks bring.

**Titles.** Each standards category carries two title templates (``task_titles.missing`` when the
client has nothing, ``task_titles.exception`` when a non-standard tool is to be replaced) and each
library risk may carry ``task_title``. Placeholders in braces:

- ``{option}``: the standard product of the category ("KnowBe4 Security Awareness Training");
- ``{current}``: the client's current tool for the category ("Ubiquiti UniFi"); an exception
  whose tool is not recorded takes the ``missing`` title instead ("Install Cisco Meraki MR access
  points at all 3 sites" rather than "Replace the current tool with ..."), elsewhere it reads
  "the current tool";
- ``{category}``: the category's name;
- ``{site}``: the client's first (main) site, or "the main site" when none is recorded;
- ``{sites}``: where a task applies across sites: the site's name when there is one, "both sites",
  "all 3 sites", or "every site" when none is recorded.

A category without templates keeps the old rule ("Put <name> in place on <product>"), a risk without
one its remediation title, so forms written before templates still work. formcheck.py refuses an
unknown placeholder or unbalanced braces, naming file and key.

**Cost lines.** A category or a library risk may carry a ``cost_line``: hardware or a licence the
task needs, passed through to the client (not labour): a description, a unit price, what the
quantity counts (per user, per device of some kinds, per site, or a fixed number) and whether it
is one-off or monthly. An accepted stabilization task brings its risk's line or, failing that, its
standards category's line when that category is a gap (missing, or an exception to replace). The
same category's line is counted once however many tasks point at it. :func:`pass_through` prices
them; pricing.py puts the result in the quote beside (never inside) the labour fees.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from .forms import Billing, CostLine, CostPer, Phase, RiskTemplate, StandardCategory
from .wording import count

if TYPE_CHECKING:
    from .engagement import Engagement, StandardAssessment

#: The placeholders a title template may use, with what each stands for (for formcheck's message).
PLACEHOLDERS = {
    "option": "the category's standard product",
    "current": "the client's current tool",
    "category": "the category's name",
    "site": "the client's main site",
    "sites": "the sites a task applies to",
}
ZERO = Decimal(0)


def template_problem(template: str) -> str | None:
    """What is wrong with a title template, or None: unbalanced braces, an unknown placeholder, a
    format spec or an index (``{option:>5}``, ``{option[0]}``)."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"the title template has unbalanced braces ({exc}); write a literal brace as {{{{ or }}}}"
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + k + "}" for k in PLACEHOLDERS)
            shown = "{" + name + "}" if name else "{}"
            return f"unknown placeholder {shown} in the title template; use {known}"
        if spec or conversion:
            return f"placeholder {{{name}}} takes no format or conversion in the title template"
    return None


@dataclass(frozen=True)
class TaskContext:
    """What a title's placeholders are filled from: the client's sites and current tools."""

    sites: tuple[str, ...] = ()
    current_tools: Mapping[str, str] = field(default_factory=dict)  # category id -> current tool

    @classmethod
    def of(cls, sites: Iterable[str], assessments: Iterable[StandardAssessment]) -> TaskContext:
        return cls(tuple(s for s in sites if s.strip()),
                   {a.category_id: a.current_tool.strip() for a in assessments if a.current_tool.strip()})


def render(template: str, ctx: TaskContext, category: StandardCategory | None) -> str:
    """The template with its placeholders filled; a placeholder without data reads generically."""
    sites = ctx.sites
    values = {
        "option": category.standard_products[0] if category else "the standard",
        "current": (ctx.current_tools.get(category.id, "") if category else "") or "the current tool",
        "category": category.name if category else "",
        "site": sites[0] if sites else "the main site",
        "sites": (sites[0] if len(sites) == 1 else "both sites" if len(sites) == 2
                  else f"all {len(sites)} sites" if sites else "every site"),
    }
    text = template.format_map(values)
    return " ".join(text.split())


def gap_title(cat: StandardCategory, missing: bool, ctx: TaskContext) -> str:
    """A standards gap's task title: the category's template, or the old rule without one."""
    if cat.task_titles is not None:
        exception = cat.task_titles.exception
        if missing or ("{current}" in exception and not ctx.current_tools.get(cat.id)):
            return render(cat.task_titles.missing, ctx, cat)
        return render(exception, ctx, cat)
    standard = cat.standard_products[0]
    return f"Put {cat.name} in place on {standard}" if missing else f"Move {cat.name} to {standard}"


def risk_title(tpl: RiskTemplate, category: StandardCategory | None, ctx: TaskContext) -> str:
    """A library risk's task title: its template, or its remediation title without one."""
    if tpl.task_title is None:
        return tpl.remediation.title
    return render(tpl.task_title, ctx, category)


# ---- cost lines ---------------------------------------------------------------------------------

_UNIT_WORDS = {CostPer.USER: ("user", "users"), CostPer.SITE: ("site", "sites"), CostPer.FIXED: ("item", "items")}


@dataclass(frozen=True)
class PassThroughLine:
    """One hardware or licence line of the quote: passed through at the form's price, not labour."""

    item_uid: str
    item_title: str
    description: str
    per: CostPer
    units: int  # users, devices or sites counted (or the fixed number)
    quantity: int  # units x the line's quantity per unit
    unit: str  # "user", "device", "site", "item": what one unit is
    unit_price: Decimal
    amount: Decimal
    billing: Billing
    source: str  # "risk:<template id>" or "standard:<category id>"

    @property
    def basis(self) -> str:
        """How the quantity was found, in words: "85 users", "2 per site x 3 sites", "1 item"."""
        words = _UNIT_WORDS.get(self.per, ("device", "devices"))
        units = count(self.units, *words)
        if self.per is CostPer.FIXED:
            return units
        per_unit = self.quantity // self.units if self.units else 0
        return units if per_unit == 1 else f"{per_unit} per {words[0]} × {units}"

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "item_uid": self.item_uid, "item_title": self.item_title, "description": self.description,
            "per": self.per.value, "quantity": self.quantity, "unit": self.unit,
            "unit_price": f"{self.unit_price:.2f}", "amount": f"{self.amount:.2f}", "billing": self.billing.value,
            "source": self.source,
        }


@dataclass(frozen=True)
class PassThrough:
    """The quote's hardware and licences: one-off lines and monthly lines, each with its total."""

    lines: tuple[PassThroughLine, ...] = ()

    @property
    def one_off(self) -> tuple[PassThroughLine, ...]:
        return tuple(ln for ln in self.lines if ln.billing is Billing.ONE_OFF)

    @property
    def monthly(self) -> tuple[PassThroughLine, ...]:
        return tuple(ln for ln in self.lines if ln.billing is Billing.MONTHLY)

    @property
    def one_off_total(self) -> Decimal:
        return sum((ln.amount for ln in self.one_off), ZERO)

    @property
    def monthly_total(self) -> Decimal:
        return sum((ln.amount for ln in self.monthly), ZERO)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "one_off_total": f"{self.one_off_total:.2f}", "monthly_total": f"{self.monthly_total:.2f}",
            "lines": [ln.to_json_dict() for ln in self.lines],
        }


def units(line: CostLine, users: int, devices: Mapping[str, int], sites: int) -> int:
    """How many users, devices or sites a line counts (a fixed line: 1)."""
    if line.per is CostPer.USER:
        return max(0, users)
    if line.per is CostPer.DEVICE:
        kinds = line.device_kinds or list(devices)
        return sum(max(0, devices.get(k, 0)) for k in kinds)
    if line.per is CostPer.SITE:
        return max(1, sites)
    return 1


def _unit(line: CostLine) -> str:
    if line.per is CostPer.DEVICE:
        kinds = line.device_kinds
        return kinds[0].replace("_", " ") if len(kinds) == 1 else "device"
    return _UNIT_WORDS[line.per][0]


def price_line(line: CostLine, item_uid: str, item_title: str, source: str, users: int,
               devices: Mapping[str, int], sites: int) -> PassThroughLine:
    n = units(line, users, devices, sites)
    qty = line.quantity if line.per is CostPer.FIXED else n * line.quantity
    amount = (line.unit_price * qty).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return PassThroughLine(item_uid, item_title, line.description, line.per, n, qty, _unit(line), line.unit_price,
                           amount, line.billing, source)


def is_gap(a: StandardAssessment) -> bool:
    # plan.py owns the rule; imported here because plan.py imports this module.
    from .plan import is_gap as plan_gap

    return plan_gap(a)


def pass_through(eng: Engagement, templates: Sequence[RiskTemplate], categories: Sequence[StandardCategory],
                 users: int, devices: Mapping[str, int]) -> PassThrough:
    """The hardware and licence lines of the accepted stabilization tasks (the fixed-fee plan), in
    plan order. A task brings its library risk's line, else its standards category's line when the
    category is a gap; a line a category or risk brings is counted once, on its first task."""
    by_tpl = {t.id: t for t in templates}
    by_cat = {c.id: c for c in categories}
    risk_tpl = {r.uid: r.template_id for r in eng.risks if r.template_id}
    gaps = {a.category_id for a in eng.standards if is_gap(a)}
    sites = len(eng.sites)
    seen: set[str] = set()
    out: list[PassThroughLine] = []
    for item in eng.remediation:
        if not item.accepted or item.phase is not Phase.STABILIZATION:
            continue
        line: CostLine | None = None
        source = ""
        tpl = by_tpl.get(risk_tpl.get(item.risk_uid or "", "") or "")
        if tpl is not None and tpl.cost_line is not None:
            line, source = tpl.cost_line, f"risk:{tpl.id}"
        elif item.standard_category in gaps and item.standard_category in by_cat:
            cat = by_cat[item.standard_category]
            line, source = cat.cost_line, f"standard:{cat.id}"
        if line is None or source in seen:
            continue
        seen.add(source)
        out.append(price_line(line, item.uid, item.title, source, users, devices, sites))
    return PassThrough(tuple(out))


def describe(line: CostLine) -> str:
    """A cost line in words for the consultant: "Cisco Meraki MR access point: 2 per site, one-off"."""
    per = {CostPer.USER: "user", CostPer.SITE: "site", CostPer.FIXED: ""}.get(line.per, _unit(line))
    how = (count(line.quantity, "item") if line.per is CostPer.FIXED
           else f"{line.quantity} per {per}" if line.quantity != 1 else f"per {per}")
    when = "one-off" if line.billing is Billing.ONE_OFF else "a month"
    return f"{line.description}: {how}, {when}"


"""Lifecycle: when a device's operating system stops getting fixes, and when the device itself is
due for replacement, from the form's lifecycle table (``lifecycle.yaml``).

The table lists operating system versions with the day their vendor's published lifecycle ends
support; a device's OS text ("Microsoft Windows 10 Pro 22H2") is matched against each row's
regular expressions, first match wins, so specific rows (an LTSC edition) come before general
ones. A device is due for replacement when it reaches the years its kind is kept (from its
purchase date; its warranty end when no purchase date is known).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Protocol

from .engagement import InventoryCategory
from .forms import Lifecycle, LifecycleEntry, PricingDefaults


class Device(Protocol):
    """What lifecycle and suggestion rules read of an inventory item (an Device, or the
    light :class:`DeviceFacts` a large inventory is read into)."""

    @property
    def uid(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def category(self) -> InventoryCategory: ...
    @property
    def kind(self) -> str: ...
    @property
    def os(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def purchase_date(self) -> date | None: ...
    @property
    def warranty_end(self) -> date | None: ...


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    uid: str
    name: str
    category: InventoryCategory
    kind: str
    os: str
    source: str
    purchase_date: date | None
    warranty_end: date | None


@lru_cache(maxsize=512)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


# Per table (kept alive with it): OS text -> its row. An inventory repeats a few dozen OS names
# over thousands of devices, so each name is matched once.
_MEMO: dict[int, tuple[Lifecycle, dict[str, LifecycleEntry | None]]] = {}


def os_entry(table: Lifecycle | None, os_text: str) -> LifecycleEntry | None:
    """The lifecycle row for an operating system as the inventory names it, None if no row matches."""
    if table is None or not os_text.strip():
        return None
    held = _MEMO.get(id(table))
    if held is None or held[0] is not table:
        if len(_MEMO) > 32:
            _MEMO.clear()
        held = _MEMO[id(table)] = (table, {})
    memo = held[1]
    if os_text in memo:
        return memo[os_text]
    found = None
    for entry in table.operating_systems:
        if any(_pattern(p).search(os_text) for p in entry.match):
            found = entry
            break
    if len(memo) < 10_000:
        memo[os_text] = found
    return found


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


class Support:
    """How a device's operating system stands (labels the inventory page and filter use)."""

    PAST = "past"  # end of support has passed
    SOON = "soon"  # ends within the warning window
    SUPPORTED = "supported"
    UNKNOWN = "unknown"  # no lifecycle row matches the OS text (or no OS recorded)


SOON_MONTHS = 12  # the inventory page's "ends within a year" window


@dataclass(frozen=True)
class DeviceSupport:
    entry: LifecycleEntry | None
    status: str

    @property
    def end_of_support(self) -> date | None:
        return self.entry.end_of_support if self.entry else None


def device_support(table: Lifecycle | None, item: Device, today: date,
                   soon_months: int = SOON_MONTHS) -> DeviceSupport:
    entry = os_entry(table, item.os) if item.category is InventoryCategory.DEVICE else None
    if entry is None:
        return DeviceSupport(None, Support.UNKNOWN)
    if entry.end_of_support <= today:
        return DeviceSupport(entry, Support.PAST)
    if entry.end_of_support <= add_months(today, soon_months):
        return DeviceSupport(entry, Support.SOON)
    return DeviceSupport(entry, Support.SUPPORTED)


def support_by_uid(table: Lifecycle | None, items: Iterable[Device], today: date) -> dict[str, DeviceSupport]:
    """Every device's support status, by uid (devices whose OS no row matches are left out)."""
    out = {}
    for item in items:
        s = device_support(table, item, today)
        if s.entry is not None:
            out[item.uid] = s
    return out


# ---- the replacement plan ---------------------------------------------------------------------


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(q: tuple[int, int]) -> str:
    return f"{q[0]} Q{q[1]}"


@dataclass(frozen=True)
class Due:
    item: Device
    due: date
    reason: str  # "Windows 10 end of support", "warranty ends", "5 years old"


def replacement_due(item: Device, table: Lifecycle | None) -> Due | None:
    """When a device is due for replacement and why: its purchase date plus the years its kind is
    kept, or (no purchase date) the end of its warranty. An operating system past support is an
    upgrade, not by itself a new machine, so it does not date the replacement. None: nothing dates it."""
    if item.category is not InventoryCategory.DEVICE:
        return None
    years = table.replace_after_years.get(item.kind) if table else None
    if years and item.purchase_date is not None:
        return Due(item, add_years(item.purchase_date, years), f"{years} years old")
    if item.warranty_end is not None:
        return Due(item, item.warranty_end, "warranty ends")
    return None


@dataclass(frozen=True)
class ReplacementLine:
    """Devices of one kind due in one quarter, with what replacing them costs."""

    quarter: str  # "2026 Q4"; devices already overdue are in the current quarter
    kind: str
    count: int
    unit_cost: Decimal | None  # None: the form's price list has no cost for this kind
    devices: tuple[str, ...]  # device names
    overdue: int  # of ``count``, how many were already due before the quarter started

    @property
    def total(self) -> Decimal | None:
        return None if self.unit_cost is None else self.unit_cost * self.count


def replacement_plan(items: Sequence[Device], table: Lifecycle | None, pricing: PricingDefaults,
                     today: date) -> list[ReplacementLine]:
    """Hardware replacements by quarter (overdue ones in the current quarter), within the table's
    ``plan_quarters``, counted per device kind and priced from ``pricing.replacement_costs``.
    Only kinds that are replaced (with a replacement age or a unit cost) are planned: a phone's
    iOS version alone does not put it in the budget."""
    costs = pricing.replacement_costs or {}
    replaced = set(costs) | set(table.replace_after_years if table else ())
    horizon_q = quarter_of(add_months(today, 3 * (table.plan_quarters if table else 8)))
    now_q = quarter_of(today)
    buckets: dict[tuple[tuple[int, int], str], list[Due]] = {}
    for item in items:
        if item.kind not in replaced:
            continue
        due = replacement_due(item, table)
        if due is None:
            continue
        q = max(quarter_of(due.due), now_q)
        if q >= horizon_q:
            continue
        buckets.setdefault((q, item.kind), []).append(due)
    out = []
    start_of_now = date(now_q[0], 3 * now_q[1] - 2, 1)
    for (q, kind), dues in sorted(buckets.items()):
        out.append(ReplacementLine(
            quarter_label(q), kind, len(dues), costs.get(kind), tuple(sorted(d.item.name for d in dues)),
            sum(1 for d in dues if d.due < start_of_now)))
    return out

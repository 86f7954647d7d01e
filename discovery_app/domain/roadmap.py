"""The roadmap and budget by quarter.

Three kinds of item are placed in quarters, each with a one-time and a recurring cost:

* roadmap projects: accepted remediation items in the roadmap phase, at the price the one engine
  gives them (:attr:`Quote.roadmap`); default quarter by priority (critical and high first);
* lifecycle replacements: devices whose warranty ends (or that pass the refresh age) in a quarter,
  grouped by kind; the hardware is the client's purchase, so they carry no price of ours;
* accepted risks' review dates: the quarter the client's acceptance must be renewed.

Each quarter also carries the monthly operations fee three times over (the recurring budget).
The consultant moves items between quarters; a move is a :class:`RoadmapPlacement` by key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .engagement import Engagement, InventoryCategory, Priority, RoadmapPlacement
from .forms import Phase
from .pricing import ZERO, Quote
from .wording import count, device_noun

#: How many quarters the roadmap shows.
HORIZON = 8
#: A device older than this (years from purchase) is due for replacement when it has no warranty date.
REFRESH_YEARS = 5

_PRIORITY_OFFSET = {Priority.CRITICAL: 1, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}


class RoadmapError(ValueError):
    pass


# ---- quarters -----------------------------------------------------------------------------------


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_index(q: str) -> int:
    try:
        year, n = q.split("-Q")
        index = int(year) * 4 + int(n) - 1
    except ValueError:
        raise RoadmapError(f"{q!r} is not a quarter (write it as 2027-Q1).") from None
    if not 1 <= int(n) <= 4:
        raise RoadmapError(f"{q!r} is not a quarter (write it as 2027-Q1).")
    return index


def quarter_at(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def shift(q: str, quarters: int) -> str:
    return quarter_at(quarter_index(q) + quarters)


def quarter_start(q: str) -> date:
    i = quarter_index(q)
    return date(i // 4, (i % 4) * 3 + 1, 1)


def quarters_from(first: str, n: int = HORIZON) -> list[str]:
    return [shift(first, i) for i in range(n)]


# ---- items --------------------------------------------------------------------------------------


class ItemKind(StrEnum):
    PROJECT = "project"
    LIFECYCLE = "lifecycle"
    REVIEW = "review"


KIND_LABELS = {ItemKind.PROJECT: "Project", ItemKind.LIFECYCLE: "Replacement", ItemKind.REVIEW: "Risk review"}


@dataclass(frozen=True)
class RoadmapItem:
    key: str
    kind: ItemKind
    title: str
    quarter: str
    default_quarter: str
    one_time: Decimal | None  # None: not priced by us (the client's own purchase)
    recurring: Decimal = ZERO  # per quarter
    detail: str = ""

    @property
    def moved(self) -> bool:
        return self.quarter != self.default_quarter


@dataclass(frozen=True)
class QuarterBudget:
    quarter: str
    items: tuple[RoadmapItem, ...]
    operations: Decimal  # the monthly fee x 3

    @property
    def one_time(self) -> Decimal:
        return sum((i.one_time for i in self.items if i.one_time is not None), ZERO)

    @property
    def recurring(self) -> Decimal:
        return self.operations + sum((i.recurring for i in self.items), ZERO)

    @property
    def total(self) -> Decimal:
        return self.one_time + self.recurring


@dataclass(frozen=True)
class Roadmap:
    first: str
    quarters: tuple[QuarterBudget, ...]
    later: tuple[RoadmapItem, ...] = field(default=())  # placed beyond the horizon

    @property
    def items(self) -> list[RoadmapItem]:
        return [i for q in self.quarters for i in q.items] + list(self.later)

    def item(self, key: str) -> RoadmapItem | None:
        return next((i for i in self.items if i.key == key), None)

    @property
    def one_time(self) -> Decimal:
        return sum((q.one_time for q in self.quarters), ZERO)

    @property
    def recurring(self) -> Decimal:
        return sum((q.recurring for q in self.quarters), ZERO)


def _due(item_warranty: date | None, purchased: date | None) -> date | None:
    if item_warranty is not None:
        return item_warranty
    if purchased is not None:
        try:
            return purchased.replace(year=purchased.year + REFRESH_YEARS)
        except ValueError:  # 29 February
            return purchased.replace(year=purchased.year + REFRESH_YEARS, day=28)
    return None


#: What lifecycle replacement reads of a device: (kind, purchase date, warranty end).
DeviceDates = tuple[str, date | None, date | None]


def device_dates(eng: Engagement) -> list[DeviceDates]:
    return [(i.kind, i.purchase_date, i.warranty_end) for i in eng.inventory if i.category is InventoryCategory.DEVICE]


def default_items(eng: Engagement, quote: Quote | None, first: str,
                  devices: Sequence[DeviceDates] | None = None) -> list[RoadmapItem]:
    """Every roadmap item in its default quarter (before the consultant's moves). ``devices``:
    the devices' dates when the engagement was read without its inventory records."""
    out: list[RoadmapItem] = []
    prices = {p.uid: p.price for p in quote.roadmap} if quote else {}
    for item in eng.remediation:
        if item.accepted and item.phase is Phase.ROADMAP:
            q = shift(first, _PRIORITY_OFFSET[item.priority] - 1)
            out.append(RoadmapItem(f"project:{item.uid}", ItemKind.PROJECT, item.title, q, q,
                                   prices.get(item.uid, ZERO), detail=f"{item.priority.value.capitalize()} priority"))
    first_i = quarter_index(first)
    groups: dict[tuple[str, str], int] = {}
    for raw_kind, purchased, warranty in (device_dates(eng) if devices is None else devices):
        due = _due(warranty, purchased)
        if due is None:
            continue
        qi = max(quarter_index(quarter_of(due)), first_i)
        if qi >= first_i + HORIZON:
            continue
        kind = raw_kind.strip() or "device"
        if kind.startswith("virtual"):  # no hardware of its own to replace
            continue
        groups[(kind, quarter_at(qi))] = groups.get((kind, quarter_at(qi)), 0) + 1
    for (kind, q), n in sorted(groups.items(), key=lambda kv: (quarter_index(kv[0][1]), kv[0][0])):
        out.append(RoadmapItem(f"lifecycle:{kind}:{q}", ItemKind.LIFECYCLE, f"Replace {count(n, device_noun(kind))}", q, q, None,
                               detail="Warranty ends or past the refresh age; your purchase"))
    titles = {r.uid: r.title for r in eng.risks}
    for ra in eng.risk_acceptances:
        q = quarter_of(ra.review_on)
        if quarter_index(q) < first_i:
            q = first
        out.append(RoadmapItem(f"review:{ra.risk_uid}", ItemKind.REVIEW,
                               f"Review accepted risk: {titles.get(ra.risk_uid, 'removed risk')}", q, q, ZERO,
                               detail=f"Owner {ra.owner}; acceptance due {ra.review_on.isoformat()}"))
    return out


def build_roadmap(eng: Engagement, quote: Quote | None, start: date,
                  devices: Sequence[DeviceDates] | None = None) -> Roadmap:
    """The roadmap from the quarter after ``start`` (the proposal or acceptance date), with the
    consultant's placements applied."""
    first = shift(quarter_of(start), 1)
    placed: Mapping[str, str] = {p.key: p.quarter for p in eng.roadmap_quarters}
    items = [i if i.key not in placed else RoadmapItem(i.key, i.kind, i.title, placed[i.key], i.default_quarter,
                                                         i.one_time, i.recurring, i.detail)
             for i in default_items(eng, quote, first, devices)]
    names = quarters_from(first)
    operations = quote.monthly_fee * 3 if quote else ZERO
    by_q: dict[str, list[RoadmapItem]] = {q: [] for q in names}
    later = []
    for i in items:
        if i.quarter in by_q:
            by_q[i.quarter].append(i)
        else:
            later.append(i)
    return Roadmap(first, tuple(QuarterBudget(q, tuple(by_q[q]), operations) for q in names), tuple(later))


def move(placements: Sequence[RoadmapPlacement], roadmap: Roadmap, key: str, quarter: str) -> list[RoadmapPlacement]:
    """The placements after moving item ``key`` to ``quarter`` (back to its default: no placement)."""
    item = roadmap.item(key)
    if item is None:
        raise RoadmapError(f"There is no roadmap item {key!r}.")
    if quarter_index(quarter) < quarter_index(roadmap.first):
        raise RoadmapError(f"{quarter} is before the roadmap starts ({roadmap.first}).")
    kept = [p for p in placements if p.key != key]
    if quarter != item.default_quarter:
        kept.append(RoadmapPlacement(key=key, quarter=quarter))
    return kept


__all__ = [
    "HORIZON", "KIND_LABELS", "ItemKind", "QuarterBudget", "Roadmap", "RoadmapError", "RoadmapItem",
    "build_roadmap", "default_items", "move", "quarter_index", "quarter_of", "quarter_start", "quarters_from", "shift",
]

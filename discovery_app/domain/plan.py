"""The remediation plan: suggestions, dependency order, cycles and hours per role.

- **Suggestions** come from two places: each risk added from the form's library brings its
  template's suggested remediation (title, hours per role, phase, owner, definition of done);
  each standards gap (a category *missing*, or an *exception* the client decided to *remediate*)
  brings a "move to the standard" item with the category's ``remediation_hours``. A risk or a
  category that an item already covers (same ``risk_uid`` / ``standard_category``) is not
  suggested again, and a gap that a suggested risk item already covers is not suggested twice.
- **Order**: the stabilization plan is a topological order of the accepted stabilization items
  over ``depends_on`` (an item comes after everything it depends on); among the items that are
  ready, the higher priority goes first, then the title (case-insensitive), then the uid so the
  order never depends on storage order. Dependencies on items outside the stabilization plan (a
  roadmap item, a deleted one) do not hold the order up; :attr:`Plan.outside_dependencies` lists
  them so the page can flag them.
- **Cycles** are found with Tarjan's strongly connected components; each is reported as one
  loop of items ``[a, b, c]`` meaning a waits for b, b for c and c for a. Items in a cycle are
  placed after every orderable item, marked ``in_cycle``.
- **Waves**: wave 1 is what can start at once, wave n+1 waits only for waves up to n.
- **Phases**: 1 (onboarding and baseline) for work others depend on that depends on nothing,
  2 (urgent risk reduction) for critical and high items, 3 (standardization and handover) for
  the rest; never earlier than a dependency's phase. Tasks are **numbered** by phase, then in
  dependency order, so task 1 is the first task of the first phase.
- **Weeks**: each task takes ``ceil(hours / HOURS_PER_TASK_WEEK)`` weeks (at least one), starts
  the week after its last dependency ends, and at most ``PARALLEL_TASKS`` run in any week. Tasks
  are placed by priority (critical first), then number, each in the earliest weeks with room, so
  a critical task never waits behind lower-priority work for capacity (a task takes the
  priority of the most urgent task that waits for it).

This is the one schedule: the remediation page, the plan PDF, the proposal and the workbook all
read these numbers, phases and weeks.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .engagement import (
    ExceptionDecision,
    Priority,
    RemediationItem,
    Risk,
    StandardAssessment,
    StandardStatus,
)
from .forms import Party, Phase, RiskTemplate, StandardCategory
from .risks import SHIPPED_CUTS, Band, BandCuts
from .tasks import TaskContext, gap_title, risk_title

PRIORITY_RANK = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}
PRIORITY_LABELS = {Priority.CRITICAL: "Critical", Priority.HIGH: "High", Priority.MEDIUM: "Medium", Priority.LOW: "Low"}
PHASE_LABELS = {Phase.STABILIZATION: "Stabilization", Phase.ROADMAP: "Roadmap"}
OWNER_LABELS = {Party.PROVIDER: "Provider", Party.INTERNAL: "Internal IT", Party.SHARED: "Shared"}
#: Scheduling assumptions: one task gets about this many hours a week; at most this many run at once.
HOURS_PER_TASK_WEEK = Decimal(16)
PARALLEL_TASKS = 3
#: The plan's phases: (name, purpose), numbered from 1.
PHASES: tuple[tuple[str, str], ...] = (
    ("Onboarding and baseline", "Bring every device under management and write down what exists, so the "
     "rest of the work is done on known ground."),
    ("Urgent risk reduction", "Close the critical and high risks found in discovery."),
    ("Standardization and handover", "Finish the remaining standards work and hand over to steady-state "
     "co-managed operations."),
)
BAND_PRIORITY = {Band.CRITICAL: Priority.CRITICAL, Band.HIGH: Priority.HIGH, Band.MEDIUM: Priority.MEDIUM, Band.LOW: Priority.LOW}


# ---- suggestions ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """A remediation item the app proposes; the consultant accepts it (maybe edited) or not."""

    key: str  # "risk:<risk uid>" or "standard:<category id>": stable while the source exists
    source: str  # what it comes from, in words
    title: str
    hours: Mapping[str, Decimal]
    phase: Phase
    owner: Party
    priority: Priority
    definition_of_done: str
    risk_uid: str | None = None
    standard_category: str | None = None

    def to_item(self, **changes: object) -> RemediationItem:
        data: dict[str, object] = {
            "title": self.title, "risk_uid": self.risk_uid, "standard_category": self.standard_category,
            "hours": dict(self.hours), "priority": self.priority, "owner": self.owner, "phase": self.phase,
            "definition_of_done": self.definition_of_done, "accepted": True,
        }
        data.update(changes)
        return RemediationItem.model_validate(data)


def _risk_suggestion(risk: Risk, tpl: RiskTemplate, cuts: BandCuts = SHIPPED_CUTS,
                     category: StandardCategory | None = None, ctx: TaskContext | None = None) -> Suggestion:
    rem = tpl.remediation
    return Suggestion(
        key=f"risk:{risk.uid}", source=f"Risk: {risk.title}", title=risk_title(tpl, category, ctx or TaskContext()),
        hours={role: Decimal(h) for role, h in rem.hours.items()}, phase=rem.phase, owner=rem.owner,
        priority=BAND_PRIORITY[cuts.of(risk.likelihood, risk.impact)], definition_of_done=rem.definition_of_done,
        risk_uid=risk.uid, standard_category=risk.standard_category or tpl.standard_category,
    )


def _gap_suggestion(cat: StandardCategory, a: StandardAssessment, ctx: TaskContext | None = None) -> Suggestion:
    standard = cat.standard_products[0]
    title = gap_title(cat, a.status is StandardStatus.MISSING, ctx or TaskContext.of((), [a]))
    if a.status is StandardStatus.MISSING:
        source = f"Standards gap: {cat.name} is missing"
        priority = Priority.HIGH
    else:
        now = f" (now: {a.current_tool})" if a.current_tool else ""
        source = f"Standards exception to remediate: {cat.name}{now}"
        priority = Priority.MEDIUM
    done = (f"{cat.name} runs on {standard} wherever it applies; the configuration is documented and "
            f"reviewed with the client's internal IT owner.")
    return Suggestion(
        key=f"standard:{cat.id}", source=source, title=title,
        hours={role: Decimal(h) for role, h in cat.remediation_hours.items()}, phase=Phase.STABILIZATION,
        owner=Party.PROVIDER, priority=priority, definition_of_done=done, standard_category=cat.id,
    )


def is_gap(a: StandardAssessment) -> bool:
    """A category that needs remediation work: missing, or an exception decided for remediation."""
    return a.status is StandardStatus.MISSING or (
        a.status is StandardStatus.EXCEPTION and a.decision is ExceptionDecision.REMEDIATE)


def suggest(
    risks: Iterable[Risk],
    library: Iterable[RiskTemplate],
    categories: Iterable[StandardCategory],
    assessments: Iterable[StandardAssessment],
    existing: Iterable[RemediationItem],
    cuts: BandCuts = SHIPPED_CUTS,
    sites: Iterable[str] = (),
) -> list[Suggestion]:
    """What is not covered yet: risk suggestions in register order, then gaps in form order.
    Titles follow the form's templates (domain/tasks.py), filled from ``sites`` (names, main
    first) and the assessments' current tools."""
    templates = {t.id: t for t in library}
    categories = list(categories)
    assessments = list(assessments)
    by_id = {c.id: c for c in categories}
    ctx = TaskContext.of(sites, assessments)
    existing = list(existing)
    covered_risks = {i.risk_uid for i in existing if i.risk_uid}
    # Only accepted items cover a gap: a declined item leaves the category to be suggested again.
    covered_cats = {i.standard_category for i in existing if i.standard_category and i.accepted}
    out: list[Suggestion] = []
    for risk in risks:
        tpl = templates.get(risk.template_id or "")
        if tpl is not None and risk.uid not in covered_risks:
            cat_id = risk.standard_category or tpl.standard_category
            out.append(_risk_suggestion(risk, tpl, cuts, by_id.get(cat_id or ""), ctx))
    covered_cats |= {s.standard_category for s in out if s.standard_category}
    by_cat = {a.category_id: a for a in assessments}
    for cat in categories:
        a = by_cat.get(cat.id)
        if a is not None and is_gap(a) and cat.id not in covered_cats:
            out.append(_gap_suggestion(cat, a, ctx))
    return out


# ---- dependencies -----------------------------------------------------------------------------

def _sort_key(item: RemediationItem) -> tuple[int, str, str]:
    return (PRIORITY_RANK[item.priority], item.title.casefold(), item.uid)


def find_cycles(items: Sequence[RemediationItem]) -> list[list[str]]:
    """Every dependency loop among ``items``, as lists of uids ``[a, b, ...]`` (a waits for b ...).

    One loop per strongly connected component, starting at its first item by title, the
    shortest way round; loops are listed in the order of those first items.
    """
    by_uid = {i.uid: i for i in items}
    edges = {i.uid: [d for d in dict.fromkeys(i.depends_on) if d in by_uid] for i in items}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0

    for root in by_uid:
        if root in index:
            continue
        # Iterative Tarjan: (node, next edge position) frames.
        work = [(root, 0)]
        while work:
            node, pos = work.pop()
            if pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for i in range(pos, len(edges[node])):
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((node, i + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                if len(comp) > 1 or node in edges[node]:
                    components.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])

    cycles = []
    for comp in components:
        members = set(comp)
        start = min(comp, key=lambda u: _sort_key(by_uid[u]))
        cycles.append(_shortest_loop(start, edges, members))
    cycles.sort(key=lambda c: _sort_key(by_uid[c[0]]))
    return cycles


def _shortest_loop(start: str, edges: Mapping[str, Sequence[str]], members: set[str]) -> list[str]:
    if start in edges[start]:
        return [start]
    prev: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for nxt in edges[node]:
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return list(reversed(path))
            if nxt in members and nxt not in seen:
                seen.add(nxt)
                prev[nxt] = node
                queue.append(nxt)
    return [start]  # not reached for a real component


def cycle_if(items: Sequence[RemediationItem], uid: str, depends_on: Sequence[str]) -> list[str] | None:
    """The loop that giving item ``uid`` these dependencies would close, or None.

    Returned as ``[uid, d, ..., x]``: uid would wait for d, ..., and x waits for uid.
    """
    edges = {i.uid: list(i.depends_on) for i in items}
    edges[uid] = list(depends_on)
    for dep in dict.fromkeys(depends_on):
        if dep == uid:
            return [uid]
        # Breadth-first from dep along "waits for" edges, looking for uid.
        prev: dict[str, str] = {}
        queue = deque([dep])
        seen = {dep}
        while queue:
            node = queue.popleft()
            if node == uid:
                path = [prev[uid]]
                while path[-1] != dep:
                    path.append(prev[path[-1]])
                return [uid, *reversed(path)]
            for nxt in edges.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    prev[nxt] = node
                    queue.append(nxt)
    return None


def describe_cycle(cycle: Sequence[str], titles: Mapping[str, str]) -> str:
    """'“A” → “B” → “A”': each item waits for the next."""
    names = [f"“{titles.get(u, u)}”" for u in cycle]
    return " → ".join([*names, names[0]])


# ---- the plan ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanStep:
    number: int  # the task number every surface shows
    item: RemediationItem
    wave: int | None  # None for an item caught in a dependency loop
    waits_for: tuple[str, ...] = ()  # uids of the plan items it waits for
    phase: int = 1  # 1-based index into PHASES
    start_week: int = 1
    end_week: int = 1

    @property
    def in_cycle(self) -> bool:
        return self.wave is None

    @property
    def phase_name(self) -> str:
        return PHASES[self.phase - 1][0]

    @property
    def total_hours(self) -> Decimal:
        return sum(self.item.hours.values(), Decimal(0))


@dataclass(frozen=True)
class Plan:
    steps: tuple[PlanStep, ...]
    roadmap: tuple[RemediationItem, ...]
    hours: dict[str, Decimal]  # stabilization hours per role
    roadmap_hours: dict[str, Decimal]
    cycles: tuple[tuple[str, ...], ...] = ()
    outside_dependencies: tuple[tuple[str, str], ...] = ()  # (item uid, uid it waits for outside the plan)
    waves: int = field(default=0)

    @property
    def total_hours(self) -> Decimal:
        return sum(self.hours.values(), Decimal(0))

    @property
    def weeks(self) -> int:
        return max((s.end_week for s in self.steps), default=0)

    def step(self, uid: str) -> PlanStep | None:
        return next((s for s in self.steps if s.item.uid == uid), None)

    def numbers(self) -> dict[str, int]:
        return {s.item.uid: s.number for s in self.steps}


def task_weeks(item: RemediationItem) -> int:
    return max(1, math.ceil(sum(item.hours.values(), Decimal(0)) / HOURS_PER_TASK_WEEK))


def _phases(order: Sequence[str], by_uid: Mapping[str, RemediationItem],
            deps: Mapping[str, Sequence[str]]) -> dict[str, int]:
    depended = {d for ds in deps.values() for d in ds}
    phase: dict[str, int] = {}
    for u in order:
        item = by_uid[u]
        if u in depended and not deps[u]:
            p = 1
        elif item.priority in (Priority.CRITICAL, Priority.HIGH):
            p = 2
        else:
            p = 3
        phase[u] = max([p, *(phase[d] for d in deps[u] if d in phase)])
    return phase


def _weeks(numbered: Sequence[str], by_uid: Mapping[str, RemediationItem],
           deps: Mapping[str, Sequence[str]], in_cycle: set[str]) -> dict[str, tuple[int, int]]:
    """(start, end) week of each task: dependencies first, then by priority and number, each in
    the earliest weeks where fewer than PARALLEL_TASKS already run."""
    number = {u: n for n, u in enumerate(numbered)}
    # Inside a loop no order is right: those tasks wait only for tasks outside it.
    hard = {u: [d for d in deps[u] if not (u in in_cycle and d in in_cycle)] for u in numbered}
    waiting = {u: len(hard[u]) for u in numbered}
    dependants: dict[str, list[str]] = {u: [] for u in numbered}
    for u, ds in hard.items():
        for d in ds:
            dependants[d].append(u)

    # A task inherits the priority of the most urgent task waiting for it, so a critical task is
    # not held up by the low-priority groundwork it needs.
    rank = {u: PRIORITY_RANK[by_uid[u].priority] for u in numbered}
    for u in reversed(numbered):
        for v in dependants[u]:
            rank[u] = min(rank[u], rank[v])

    def key(u: str) -> tuple[int, int]:
        return (rank[u], number[u])

    ready = [(key(u), u) for u in numbered if waiting[u] == 0]
    heapq.heapify(ready)
    load: dict[int, int] = {}
    first_free = 1  # every week before it is full
    out: dict[str, tuple[int, int]] = {}
    while ready:
        _, u = heapq.heappop(ready)
        length = task_weeks(by_uid[u])
        start = max([first_free, *(out[d][1] + 1 for d in hard[u])])
        # The earliest window of ``length`` weeks with room: past the last full week found.
        w = start
        while w < start + length:
            if load.get(w, 0) >= PARALLEL_TASKS:
                start = w + 1
            w += 1
        for w in range(start, start + length):
            load[w] = load.get(w, 0) + 1
        while load.get(first_free, 0) >= PARALLEL_TASKS:
            first_free += 1
        out[u] = (start, start + length - 1)
        for nxt in dependants[u]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (key(nxt), nxt))
    return out


def hours_per_role(items: Iterable[RemediationItem], role_order: Sequence[str] = ()) -> dict[str, Decimal]:
    """Hours summed per role: the form's roles in its order (all of them), then any others by id."""
    totals: dict[str, Decimal] = {r: Decimal(0) for r in role_order}
    extra: dict[str, Decimal] = {}
    for item in items:
        for role, h in item.hours.items():
            target = totals if role in totals else extra
            target[role] = target.get(role, Decimal(0)) + h
    return {**totals, **dict(sorted(extra.items()))}


def build_plan(items: Sequence[RemediationItem], role_order: Sequence[str] = ()) -> Plan:
    accepted = [i for i in items if i.accepted]
    stab = [i for i in accepted if i.phase is Phase.STABILIZATION]
    roadmap = sorted((i for i in accepted if i.phase is Phase.ROADMAP), key=_sort_key)
    by_uid = {i.uid: i for i in stab}
    deps = {i.uid: [d for d in dict.fromkeys(i.depends_on) if d in by_uid] for i in stab}
    outside = tuple((i.uid, d) for i in stab for d in dict.fromkeys(i.depends_on) if d not in by_uid)
    waiting = {u: len(ds) for u, ds in deps.items()}
    dependants: dict[str, list[str]] = {u: [] for u in by_uid}
    for u, ds in deps.items():
        for d in ds:
            dependants[d].append(u)
    ready = [(_sort_key(by_uid[u]), u) for u, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    wave: dict[str, int] = {}
    order: list[str] = []
    while ready:
        _, u = heapq.heappop(ready)
        order.append(u)
        wave[u] = 1 + max((wave[d] for d in deps[u]), default=0)
        for nxt in dependants[u]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (_sort_key(by_uid[nxt]), nxt))
    stuck = sorted((u for u in by_uid if u not in wave), key=lambda u: _sort_key(by_uid[u]))
    topo = [*order, *stuck]
    phase = _phases(topo, by_uid, deps)
    position = {u: n for n, u in enumerate(topo)}
    numbered = sorted(topo, key=lambda u: (phase[u], position[u]))
    weeks = _weeks(numbered, by_uid, deps, set(stuck))
    steps = [PlanStep(n, by_uid[u], wave.get(u), tuple(deps[u]), phase[u], *weeks[u])
             for n, u in enumerate(numbered, 1)]
    cycles = tuple(tuple(c) for c in find_cycles(stab)) if stuck else ()
    return Plan(
        steps=tuple(steps), roadmap=tuple(roadmap),
        hours=hours_per_role(stab, role_order), roadmap_hours=hours_per_role(roadmap, role_order),
        cycles=cycles, outside_dependencies=outside, waves=max(wave.values(), default=0),
    )

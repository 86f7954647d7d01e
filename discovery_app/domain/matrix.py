"""The responsibility matrix: who is Responsible, Accountable, Consulted and Informed for each
IT function, checked for exactly one Accountable party, and summed up per lane.

Columns are the provider, internal IT and every named third party that appears in a row. A row
with no Accountable party, or more than one, is a defect: it is flagged, and it blocks the
client-facing export until it is fixed or explicitly accepted as is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .engagement import ResponsibilityAssignment
from .forms import Lane

PROVIDER = "provider"
INTERNAL = "internal"
CORE_PARTIES = (PROVIDER, INTERNAL)
LANES = (Lane.RUN, Lane.CHANGE, Lane.GOVERN)

PARTY_LABELS = {PROVIDER: "Provider", INTERNAL: "Internal IT"}


def party_label(party: str) -> str:
    """The column heading for a party: "Provider", "Internal IT", or the third party's name."""
    return PARTY_LABELS.get(party, party)


def parties(assignments: Iterable[ResponsibilityAssignment]) -> list[str]:
    """The matrix columns: provider, internal, then every named third party (sorted by name)."""
    others: dict[str, None] = {}
    for a in assignments:
        for party in a.raci:
            if party not in CORE_PARTIES and party.strip():
                others[party] = None
    return [*CORE_PARTIES, *sorted(others, key=lambda p: (p.casefold(), p))]


def holders(a: ResponsibilityAssignment, letter: str, columns: Sequence[str] | None = None) -> tuple[str, ...]:
    """The parties whose letters on this row include ``letter``, in column order."""
    order = list(columns) if columns is not None else parties([a])
    extra = [p for p in a.raci if p not in order]
    return tuple(p for p in [*order, *extra] if letter in a.raci.get(p, ""))


@dataclass(frozen=True)
class RowCheck:
    assignment: ResponsibilityAssignment
    accountable: tuple[str, ...]
    responsible: tuple[str, ...]

    @property
    def function_id(self) -> str:
        return self.assignment.function_id

    @property
    def name(self) -> str:
        return self.assignment.name

    @property
    def lane(self) -> Lane:
        return self.assignment.lane

    @property
    def defective(self) -> bool:
        """Not exactly one Accountable party (whether or not accepted)."""
        return len(self.accountable) != 1

    @property
    def accepted(self) -> bool:
        return self.defective and self.assignment.accepted_as_is

    @property
    def flagged(self) -> bool:
        """Defective and not accepted as is: shown on the row and blocking the export."""
        return self.defective and not self.assignment.accepted_as_is

    @property
    def problem(self) -> str | None:
        """What is wrong with the row, or None."""
        if not self.accountable:
            return "no party is Accountable"
        if len(self.accountable) > 1:
            names = ", ".join(party_label(p) for p in self.accountable)
            return f"{len(self.accountable)} parties are Accountable ({names})"
        return None

    @property
    def message(self) -> str | None:
        problem = self.problem
        if problem is None:
            return None
        return f"{self.name} ({self.lane.value} lane): {problem}; exactly one party must be Accountable."


def check_row(a: ResponsibilityAssignment, columns: Sequence[str] | None = None) -> RowCheck:
    return RowCheck(a, holders(a, "A", columns), holders(a, "R", columns))


@dataclass(frozen=True)
class PartyShare:
    """How much of one lane one party owns."""

    party: str
    accountable: int
    responsible: int
    accountable_percent: Decimal
    responsible_percent: Decimal


@dataclass(frozen=True)
class LaneSummary:
    lane: Lane
    functions: int
    shares: tuple[PartyShare, ...]  # one per column, in column order

    def share(self, party: str) -> PartyShare:
        for s in self.shares:
            if s.party == party:
                return s
        raise KeyError(party)


def _percent(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def lane_summary(
    assignments: Sequence[ResponsibilityAssignment], columns: Sequence[str] | None = None
) -> list[LaneSummary]:
    """Per lane and party: how many functions the party is Accountable and Responsible for, and
    that as a share (percent, 2 decimals) of the lane's functions."""
    cols = list(columns) if columns is not None else parties(assignments)
    out = []
    for lane in LANES:
        rows = [a for a in assignments if a.lane is lane]
        shares = []
        for party in cols:
            acc = sum(1 for a in rows if "A" in a.raci.get(party, ""))
            resp = sum(1 for a in rows if "R" in a.raci.get(party, ""))
            shares.append(PartyShare(party, acc, resp, _percent(acc, len(rows)), _percent(resp, len(rows))))
        out.append(LaneSummary(lane, len(rows), tuple(shares)))
    return out


def matrix_issues(assignments: Iterable[ResponsibilityAssignment]) -> list[str]:
    """A readable message for every row flagged (not exactly one Accountable, not accepted as is)."""
    rows = list(assignments)
    cols = parties(rows)
    return [c.message for c in (check_row(a, cols) for a in rows) if c.flagged and c.message]


@dataclass(frozen=True)
class MatrixReport:
    parties: tuple[str, ...]
    rows: tuple[RowCheck, ...]
    lanes: tuple[LaneSummary, ...]
    issues: tuple[str, ...]

    @property
    def blocking(self) -> bool:
        """True while a flagged row blocks the client-facing export."""
        return bool(self.issues)

    def rows_in(self, lane: Lane) -> list[RowCheck]:
        return [r for r in self.rows if r.lane is lane]


def build_matrix(assignments: Sequence[ResponsibilityAssignment]) -> MatrixReport:
    cols = parties(assignments)
    rows = tuple(check_row(a, cols) for a in assignments)
    issues = tuple(r.message for r in rows if r.flagged and r.message)
    return MatrixReport(tuple(cols), rows, tuple(lane_summary(assignments, cols)), issues)

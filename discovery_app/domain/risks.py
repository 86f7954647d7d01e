"""Risk scoring: score, band, the words on the heat-map axes and the heat-map counts.

Score = likelihood x impact, each 1-5, so 1-25. Only 14 distinct scores exist (1, 2, 3, 4, 5, 6,
8, 9, 10, 12, 15, 16, 20, 25). The bands are cut so that each carries a plain meaning:

- **low** 1-4: at most "unlikely and moderate"; note it, no action promised.
- **medium** 5-9: one of the two is at least "possible" and the other more than minor; plan it
  (usually the roadmap).
- **high** 10-16 (10, 12, 15, 16 occur): likely-and-moderate up to likely-and-major or
  possible-and-severe; fix it in stabilization.
- **critical** 20-25: "likely and severe" or "almost certain and major" (20) or worse; fix first,
  before steady state.

The cut-offs live in the form package (risks.yaml ``bands``: the lowest score of medium, high and
critical); these are the shipped values and the defaults of a form without them (formcheck.py
checks a form's own: rising, within 1-25, each band reachable by some score). Every surface asks
:func:`cuts_of` for the engagement's form and reads bands through the returned :class:`BandCuts`.

These are the usual cut-offs of a 5x5 matrix (1-4, 5-9, 10-16, 20-25). A tighter "critical" (15+)
put most findings of an ordinary engagement in the top band, which reads as fear-selling to a
client's CFO. So a "likely" (4) x "significant" (3) finding is high (12), and a "severe" (5) one is
critical once it is at least "likely" (4). The heat map colours its cells by these bands, so the grid and
the register always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .forms import FormPackage

LEVELS = range(1, 6)

LIKELIHOOD_WORDS = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
IMPACT_WORDS = ("Minor", "Moderate", "Significant", "Major", "Severe")


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


BAND_LABELS = {Band.LOW: "Low", Band.MEDIUM: "Medium", Band.HIGH: "High", Band.CRITICAL: "Critical"}
#: The scores a 5x5 matrix can give (likelihood x impact).
POSSIBLE_SCORES = tuple(sorted({lk * im for lk in LEVELS for im in LEVELS}))


@dataclass(frozen=True)
class BandCuts:
    """Where each band starts (its lowest score); low starts at 1."""

    medium: int = 5
    high: int = 10
    critical: int = 20

    @property
    def floors(self) -> tuple[tuple[Band, int], ...]:
        """The lowest score of each band, highest band first."""
        return ((Band.CRITICAL, self.critical), (Band.HIGH, self.high), (Band.MEDIUM, self.medium), (Band.LOW, 1))

    def labelled_floors(self) -> tuple[tuple[int, str], ...]:
        """``((1, "Low"), (5, "Medium"), ...)``: by lowest score, low to high, for documents."""
        return tuple((floor, BAND_LABELS[b]) for b, floor in reversed(self.floors))

    def ranges(self) -> dict[Band, tuple[int, int]]:
        """Each band's lowest and highest score: ``{Band.LOW: (1, 4), ...}``."""
        lows = [floor for _b, floor in reversed(self.floors)]
        highs = [n - 1 for n in lows[1:]] + [25]
        return {b: (lo, hi) for (b, _f), lo, hi in zip(reversed(self.floors), lows, highs, strict=True)}

    def range_text(self, band: Band) -> str:
        """The scores a 5x5 matrix can give in ``band``, as a legend writes them: "10–16" (high
        from 10 with critical from 20: 17-19 cannot occur)."""
        lo, hi = self.ranges()[band]
        return reachable_range(lo, hi)

    def of_score(self, value: int) -> Band:
        if not 1 <= value <= 25:
            raise ValueError(f"a risk score is 1-25, not {value!r}")
        return next(b for b, floor in self.floors if value >= floor)

    def of(self, likelihood: int, impact: int) -> Band:
        return self.of_score(score(likelihood, impact))

    def problems(self) -> list[tuple[str, str]]:
        """What is wrong with these cut-offs, as (key, message): they must rise, stay within 2-25
        and leave every band at least one score a 5x5 matrix can give."""
        out: list[tuple[str, str]] = []
        order = (("medium", self.medium), ("high", self.high), ("critical", self.critical))
        for key, value in order:
            if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= 25:
                out.append((key, f"the lowest score of {key} must be a whole number from 2 to 25, not {value!r}"))
        if out:
            return out
        for (lower, a), (key, b) in zip(order, order[1:], strict=False):
            if b <= a:
                out.append((key, f"bands must rise: {key} starts at {b}, not above {lower} ({a})"))
        if out:
            return out
        for band_, (lo, hi) in self.ranges().items():
            if not any(lo <= s <= hi for s in POSSIBLE_SCORES):
                key = band_.value
                out.append((key, f"no likelihood x impact score falls in {key} ({lo}-{hi}): the band would always be empty"))
        return out


def reachable_range(lo: int, hi: int) -> str:
    """"10–16" for the scores 10-19: the lowest and highest score a 5x5 matrix gives within them."""
    inside = [s for s in POSSIBLE_SCORES if lo <= s <= hi]
    return f"{inside[0]}–{inside[-1]}" if inside else f"{lo}–{hi}"


#: The shipped cut-offs: the usual 5x5 matrix's, and the default of a form that does not set its own.
SHIPPED_CUTS = BandCuts()
#: The lowest score of each band, highest band first (the shipped cut-offs).
BAND_FLOORS = SHIPPED_CUTS.floors


def cuts_of(pkg: FormPackage | None) -> BandCuts:
    """The form's band cut-offs (risks.yaml ``bands``), or the shipped ones when it sets none."""
    bands = pkg.risk_library.bands if pkg is not None else None
    if bands is None:
        return SHIPPED_CUTS
    return BandCuts(bands.medium, bands.high, bands.critical)
#: Bands from least to most severe (for sorting: a higher rank is worse).
BAND_RANK = {Band.LOW: 0, Band.MEDIUM: 1, Band.HIGH: 2, Band.CRITICAL: 3}


def _check(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise ValueError(f"{name} must be a whole number from 1 to 5, not {value!r}")
    return value


def score(likelihood: int, impact: int) -> int:
    return _check("likelihood", likelihood) * _check("impact", impact)


def band_of_score(value: int, cuts: BandCuts = SHIPPED_CUTS) -> Band:
    return cuts.of_score(value)


def band(likelihood: int, impact: int, cuts: BandCuts = SHIPPED_CUTS) -> Band:
    return cuts.of(likelihood, impact)


def likelihood_word(level: int) -> str:
    return LIKELIHOOD_WORDS[_check("likelihood", level) - 1]


def impact_word(level: int) -> str:
    return IMPACT_WORDS[_check("impact", level) - 1]


@dataclass(frozen=True)
class HeatMap:
    """How many risks sit in each (likelihood, impact) cell of the 5x5 grid."""

    counts: dict[tuple[int, int], int]
    cuts: BandCuts = field(default=SHIPPED_CUTS)

    def count(self, likelihood: int, impact: int) -> int:
        return self.counts.get((likelihood, impact), 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_band(self) -> dict[Band, int]:
        out = dict.fromkeys(Band, 0)
        for (lk, im), n in self.counts.items():
            out[self.cuts.of(lk, im)] += n
        return out


def heat_map(pairs: Iterable[tuple[int, int]], cuts: BandCuts = SHIPPED_CUTS) -> HeatMap:
    """Counts per cell from (likelihood, impact) pairs, e.g. ``(r.likelihood, r.impact) for r in risks``."""
    counts: dict[tuple[int, int], int] = {}
    for lk, im in pairs:
        key = (_check("likelihood", lk), _check("impact", im))
        counts[key] = counts.get(key, 0) + 1
    return HeatMap(counts, cuts)

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

These are the usual cut-offs of a 5x5 matrix (1-4, 5-9, 10-16, 20-25). A tighter "critical" (15+)
put most findings of an ordinary engagement in the top band, which reads as fear-selling to a
client's CFO. So a "likely" (4) x "significant" (3) finding is high (12), and a "severe" (5) one is
critical once it is at least "likely" (4). The heat map colours its cells by these bands, so the grid and
the register always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

LEVELS = range(1, 6)

LIKELIHOOD_WORDS = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
IMPACT_WORDS = ("Minor", "Moderate", "Significant", "Major", "Severe")


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


BAND_LABELS = {Band.LOW: "Low", Band.MEDIUM: "Medium", Band.HIGH: "High", Band.CRITICAL: "Critical"}
#: The lowest score of each band, highest band first.
BAND_FLOORS = ((Band.CRITICAL, 20), (Band.HIGH, 10), (Band.MEDIUM, 5), (Band.LOW, 1))
#: Bands from least to most severe (for sorting: a higher rank is worse).
BAND_RANK = {Band.LOW: 0, Band.MEDIUM: 1, Band.HIGH: 2, Band.CRITICAL: 3}


def _check(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise ValueError(f"{name} must be a whole number from 1 to 5, not {value!r}")
    return value


def score(likelihood: int, impact: int) -> int:
    return _check("likelihood", likelihood) * _check("impact", impact)


def band_of_score(value: int) -> Band:
    if not 1 <= value <= 25:
        raise ValueError(f"a risk score is 1-25, not {value!r}")
    return next(b for b, floor in BAND_FLOORS if value >= floor)


def band(likelihood: int, impact: int) -> Band:
    return band_of_score(score(likelihood, impact))


def likelihood_word(level: int) -> str:
    return LIKELIHOOD_WORDS[_check("likelihood", level) - 1]


def impact_word(level: int) -> str:
    return IMPACT_WORDS[_check("impact", level) - 1]


@dataclass(frozen=True)
class HeatMap:
    """How many risks sit in each (likelihood, impact) cell of the 5x5 grid."""

    counts: dict[tuple[int, int], int]

    def count(self, likelihood: int, impact: int) -> int:
        return self.counts.get((likelihood, impact), 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_band(self) -> dict[Band, int]:
        out = dict.fromkeys(Band, 0)
        for (lk, im), n in self.counts.items():
            out[band(lk, im)] += n
        return out


def heat_map(pairs: Iterable[tuple[int, int]]) -> HeatMap:
    """Counts per cell from (likelihood, impact) pairs, e.g. ``(r.likelihood, r.impact) for r in risks``."""
    counts: dict[tuple[int, int], int] = {}
    for lk, im in pairs:
        key = (_check("likelihood", lk), _check("impact", im))
        counts[key] = counts.get(key, 0) + 1
    return HeatMap(counts)

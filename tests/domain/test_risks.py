"""Risk scoring, bands, axis words and heat-map counts."""

import pytest

from discovery_app.domain import risks as rk
from discovery_app.domain.risks import Band


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "band"),
    [
        (1, 1, 1, Band.LOW),
        (2, 2, 4, Band.LOW),
        (1, 5, 5, Band.MEDIUM),
        (3, 3, 9, Band.MEDIUM),
        (2, 5, 10, Band.HIGH),
        (4, 3, 12, Band.HIGH),
        (3, 5, 15, Band.HIGH),
        (4, 4, 16, Band.HIGH),
        (4, 5, 20, Band.CRITICAL),
        (5, 5, 25, Band.CRITICAL),
    ],
)
def test_score_and_band_at_every_cut_off(likelihood, impact, score, band):
    assert rk.score(likelihood, impact) == score
    assert rk.band(likelihood, impact) is band


def test_every_cell_has_exactly_one_band_and_bands_grow_with_score():
    seen = {}
    for lk in range(1, 6):
        for im in range(1, 6):
            seen[rk.score(lk, im)] = rk.band(lk, im)
    ranks = [rk.BAND_RANK[seen[s]] for s in sorted(seen)]
    assert ranks == sorted(ranks)
    assert set(seen.values()) == set(Band)


@pytest.mark.parametrize("bad", [0, 6, -1, True, 2.5, "3"])
def test_levels_outside_1_to_5_are_refused(bad):
    with pytest.raises(ValueError, match="1 to 5"):
        rk.score(bad, 3)
    with pytest.raises(ValueError, match="1 to 5"):
        rk.impact_word(bad)


def test_axis_words():
    assert [rk.likelihood_word(n) for n in range(1, 6)] == ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
    assert [rk.impact_word(n) for n in range(1, 6)] == ["Minor", "Moderate", "Significant", "Major", "Severe"]


def test_heat_map_counts_each_cell():
    hm = rk.heat_map([(4, 5), (4, 5), (1, 1), (3, 2), (4, 5)])
    assert hm.count(4, 5) == 3
    assert hm.count(5, 4) == 0  # likelihood and impact are not interchangeable
    assert hm.count(1, 1) == 1
    assert hm.total == 5
    assert hm.by_band() == {Band.LOW: 1, Band.MEDIUM: 1, Band.HIGH: 0, Band.CRITICAL: 3}


def test_heat_map_refuses_an_out_of_range_pair():
    with pytest.raises(ValueError):
        rk.heat_map([(6, 1)])


def test_an_ordinary_register_is_not_mostly_critical():
    # Typical findings of a discovery: likely/major, possible/severe, likely/significant.
    scores = [(4, 4), (4, 4), (3, 5), (4, 3), (3, 3), (5, 4)]
    bands = [rk.band(a, b) for a, b in scores]
    assert bands.count(Band.CRITICAL) == 1  # only almost-certain-and-major (20)


def test_a_forms_own_cut_offs_band_every_surface_alike():
    """A form that starts high at 12 and critical at 16 puts a 10 in medium and a 16 in critical."""
    cuts = rk.BandCuts(medium=5, high=12, critical=16)
    assert cuts.of_score(10) is Band.MEDIUM and cuts.of_score(16) is Band.CRITICAL
    assert cuts.ranges()[Band.HIGH] == (12, 15)
    assert rk.heat_map([(2, 5), (4, 4)], cuts).by_band()[Band.CRITICAL] == 1
    assert cuts.labelled_floors() == ((1, "Low"), (5, "Medium"), (12, "High"), (16, "Critical"))
    assert rk.SHIPPED_CUTS.ranges() == {Band.LOW: (1, 4), Band.MEDIUM: (5, 9), Band.HIGH: (10, 19),
                                        Band.CRITICAL: (20, 25)}
    assert rk.cuts_of(None) == rk.SHIPPED_CUTS
    # Legends name the scores that can occur: high is 10-16 (17-19 no 5x5 cell gives).
    assert [rk.SHIPPED_CUTS.range_text(b) for b in Band] == ["1–4", "5–9", "10–16", "20–25"]


@pytest.mark.parametrize(("cuts", "key", "words"), [
    (rk.BandCuts(5, 10, 10), "critical", "bands must rise"),
    (rk.BandCuts(5, 10, 26), "critical", "from 2 to 25"),
    (rk.BandCuts(1, 10, 20), "medium", "from 2 to 25"),
    (rk.BandCuts(5, 17, 20), "high", "always be empty"),  # 17-19: no likelihood x impact gives them
])
def test_bad_cut_offs_say_which_band_and_why(cuts, key, words):
    problems = cuts.problems()
    assert problems and problems[0][0] == key and words in problems[0][1]
    assert not rk.SHIPPED_CUTS.problems()

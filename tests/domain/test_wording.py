"""Counts are worded in one place: never "1 tasks"."""

import pytest

from discovery_app.domain.wording import count, device_noun, plural


@pytest.mark.parametrize(("n", "word", "expected"), [
    (0, "task", "0 tasks"), (1, "task", "1 task"), (2, "task", "2 tasks"),
    (1, "category", "1 category"), (3, "category", "3 categories"), (2, "day", "2 days"),
    (2, "box", "2 boxes"), (2, "approach", "2 approaches"), (1, "person", "1 person"), (5, "person", "5 people"),
])
def test_count(n, word, expected):
    assert count(n, word) == expected


def test_an_explicit_plural_wins():
    assert plural(2, "criterion", "criteria") == "criteria" and plural(1, "criterion", "criteria") == "criterion"


def test_device_kinds_read_as_nouns():
    assert count(6, device_noun("network")) == "6 network devices"
    assert count(2, device_noun("virtual_server")) == "2 virtual servers"
    assert count(1, device_noun("storage")) == "1 storage device"


# ---- articles, lists, appositives and the locale's plural rule ---------------------------------

from discovery_app.domain.wording import appositive, article, is_singular, join_and, with_article  # noqa: E402


@pytest.mark.parametrize(("word", "expected"), [
    ("8 % discount", "an"), ("8% discount", "an"), ("10 % discount", "a"), ("5 % discount", "a"),
    ("80-user office", "an"), ("11 % discount", "an"), ("18-month term", "an"), ("110-seat site", "a"),
    ("1,800 devices", "a"), ("11,000 devices", "an"),
    ("engineer", "an"), ("internal IT owner", "an"), ("owner", "an"), ("update", "an"),
    ("laptop", "a"), ("user", "a"), ("unified console", "a"), ("one-off fee", "a"),
    ("hour", "an"), ("honest view", "an"), ("house", "a"),
    ("MSP", "an"), ("SLA", "an"), ("IT manager", "an"), ("CFO", "a"), ("USB key", "a"), ("HR system", "an"),
    ("", "a"),
])
def test_article_follows_the_sound_not_the_letter(word, expected):
    assert article(word) == expected


def test_with_article_reads_as_a_phrase():
    assert with_article("8 % discount") == "an 8 % discount"
    assert with_article("12 % discount") == "a 12 % discount"


@pytest.mark.parametrize(("words", "expected"), [
    ([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c"), (["a", "", "c"], "a and c"),
])
def test_join_and(words, expected):
    assert join_and(words) == expected


def test_an_appositive_is_closed_by_a_comma():
    assert f"{appositive('Marcus Ortega', 'IT Manager')} is your internal IT owner" == \
        "Marcus Ortega, IT Manager, is your internal IT owner"
    assert f"{appositive('Marcus Ortega, IT Manager')} is" == "Marcus Ortega, IT Manager, is"
    assert f"{appositive('Marcus Ortega')} is" == "Marcus Ortega is"


@pytest.mark.parametrize(("n", "expected"), [(0, "0 tasks"), (1, "1 task"), (2, "2 tasks"), (21, "21 tasks")])
def test_english_locale_plural_rule(n, expected):
    assert count(n, "task", locale="en_US") == expected


def test_the_locale_decides_what_counts_as_one():
    # CLDR: French treats 0 and 1 as "one"; English only 1.
    assert is_singular(0, "fr_FR") and is_singular(1, "fr_FR") and not is_singular(2, "fr_FR")
    assert not is_singular(0, "en_GB") and is_singular(1, "en_GB")
    # An unknown locale falls back to English's rule rather than failing.
    assert is_singular(1, "xx_YY") and not is_singular(0, "xx_YY")


def test_vowel_initial_words_pluralise():
    assert count(0, "update") == "0 updates" and count(1, "update") == "1 update"
    assert count(2, "owner") == "2 owners" and count(2, "entry") == "2 entries"


def test_device_kinds_show_their_label_and_read_back():
    from discovery_app.domain.wording import device_kind, device_label

    assert device_label("virtual_server") == "Virtual server"
    assert device_label("iot") == "IoT device"
    for kind in ("workstation", "virtual_server", "network", "iot", "mobile", "storage", "other"):
        assert device_kind(device_label(kind)) == kind
        assert device_kind(kind) == kind  # a workbook edited with the old ids still reads
    assert device_kind("  Virtual   server ") == "virtual_server"
    assert device_kind("Rack 42!") == "Rack 42!"  # left for the import's own check to name

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

"""The check-in rules without a store: who changed which section since the checkout decides what
comes back by itself, and nothing both sides changed comes back without a choice."""

from datetime import UTC, datetime

import pytest

from discovery_app.domain.checkout import Side, fingerprints, merge, parse_choices, plan
from discovery_app.domain.engagement import Answer, Engagement, Risk

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _eng(**kw):
    return Engagement(client_name="Acme", created_at=NOW, updated_at=NOW, form_id="mini", form_version=1,
                      form_hash="h", **kw)


def _answer(value):
    return [Answer(question_id="employee_count", value=value)]


def test_each_side_keeps_what_only_it_changed_and_a_section_changed_on_both_needs_a_choice():
    base = _eng(answers=_answer(40))
    risk = Risk(title="No backups", category="security", likelihood=4, impact=5)
    shared = base.model_copy(update={"answers": _answer(70), "risks": [risk]})
    laptop = base.model_copy(update={"answers": _answer(55), "notes": "seen on site"})
    p = plan(fingerprints(base), shared, laptop, fast=False, names={"employee_count": "Employees"})
    by_key = {s.key: s for s in p.sections}
    assert by_key["client"].default(broken=False) is Side.LAPTOP  # only the laptop changed the notes
    assert by_key["risks"].default(broken=False) is Side.SHARED  # only the office added a risk
    assert [s.key for s in p.needing_choice()] == ["answers"]
    assert by_key["answers"].lines == ("“Employees”: here 70; on the laptop 55",)
    with pytest.raises(KeyError):
        p.resolve({})
    merged = merge(shared, laptop, p.resolve({"answers": Side.LAPTOP}))
    assert merged.answer_values() == {"employee_count": 55}
    assert merged.notes == "seen on site" and [r.title for r in merged.risks] == ["No backups"]
    assert merged.uid == shared.uid

    after_break = plan(fingerprints(base), shared, laptop, fast=False, broken=True)
    assert {s.key for s in after_break.needing_choice()} == {"client", "answers", "risks"}


def test_choices_are_parsed_in_words():
    assert parse_choices(["risks=Laptop"], "shared")["risks"] is Side.LAPTOP
    assert parse_choices([], "shared")["answers"] is Side.SHARED
    with pytest.raises(ValueError, match="SECTION one of client, answers"):
        parse_choices(["riskz=laptop"], None)
    with pytest.raises(ValueError, match="neither 'laptop' nor 'shared'"):
        parse_choices(["risks=mine"], None)

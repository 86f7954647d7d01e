"""Dates from plan weeks, the escalation chain as steps, and answers as the client reads them."""

from __future__ import annotations

from datetime import date

import pytest

from discovery_app.domain import calendar
from discovery_app.domain.forms import Question, Questionnaire
from discovery_app.domain.handoff import answer_text, escalation_steps, shown_answers


@pytest.mark.parametrize(("day", "monday"), [
    (date(2026, 12, 3), date(2026, 12, 7)),  # a Thursday
    (date(2026, 12, 7), date(2026, 12, 14)),  # a Monday: the next one, not the same day
    (date(2026, 12, 6), date(2026, 12, 7)),  # a Sunday
    (date(2026, 12, 31), date(2027, 1, 4)),  # over the year end
])
def test_delivery_starts_the_monday_after_the_proposal(day, monday):
    assert calendar.next_monday(day) == monday
    assert monday.weekday() == 0


def test_week_n_starts_seven_days_per_week_later_and_ends_on_its_friday():
    start = date(2027, 1, 4)
    assert calendar.week_start(start, 1) == start
    assert calendar.week_start(start, 3) == date(2027, 1, 18)
    assert calendar.week_end(start, 1) == date(2027, 1, 8)
    assert calendar.span(start, 2, 4) == (date(2027, 1, 11), date(2027, 1, 29))
    with pytest.raises(ValueError):
        calendar.week_start(start, 0)


@pytest.mark.parametrize(("text", "steps"), [
    ("1. Marcus Lee (Office Manager)  2. Elena Finch (Managing Partner)  3. David Harbor (Partner, Salem)",
     ["Marcus Lee (Office Manager)", "Elena Finch (Managing Partner)", "David Harbor (Partner, Salem)"]),
    ("1) Ann Ray 555-0100\n2) Bob Li", ["Ann Ray 555-0100", "Bob Li"]),
    ("- Ann\n- Bob\n", ["Ann", "Bob"]),
    ("Ann\n\nBob Jean-Luc", ["Ann", "Bob Jean-Luc"]),
    ("Ann; Bob;", ["Ann", "Bob"]),
    ("Call Ann (after 6pm, mobile)", ["Call Ann (after 6pm, mobile)"]),
    ("   ", []),
])
def test_an_escalation_answer_becomes_ordered_steps(text, steps):
    assert escalation_steps(text) == steps


def _qn() -> Questionnaire:
    return Questionnaire.model_validate({
        "sections": [
            {"id": "a", "title": "Backups", "questions": [
                {"id": "offsite", "type": "yes_no", "label": "Off-site copy?"},
                {"id": "immutable", "type": "yes_no", "label": "Immutable?", "show_if": "offsite == true"},
                {"id": "why", "type": "long_text", "label": "Why not?", "show_if": "offsite == false"},
                {"id": "tool", "type": "single_choice", "label": "Tool", "choices": "tools"},
                {"id": "regs", "type": "multi_choice", "label": "Regulations", "choices": "regs"},
                {"id": "budget", "type": "money", "label": "Budget"},
                {"id": "happy", "type": "rating", "label": "Satisfaction"},
            ]},
        ],
        "choice_lists": [
            {"id": "tools", "choices": [{"value": "veeam", "label": "Veeam Backup & Replication"}]},
            {"id": "regs", "choices": [{"value": "hipaa", "label": "HIPAA"}, {"value": "pci", "label": "PCI DSS"}]},
        ],
    })


def test_answers_read_as_the_client_said_them():
    qn = _qn()
    q = {x.id: x for x in qn.questions()}
    assert answer_text(qn, q["tool"], "veeam") == "Veeam Backup & Replication"
    assert answer_text(qn, q["regs"], ["hipaa", "pci"]) == "HIPAA; PCI DSS"
    assert answer_text(qn, q["offsite"], False) == "No"
    assert answer_text(qn, q["budget"], "96000.00") == "96,000.00"
    assert answer_text(qn, q["happy"], 2) == "2 of 5"
    assert answer_text(qn, q["why"], None) == ""
    assert isinstance(q["why"], Question)


def test_shown_answers_list_every_shown_question_with_notes_and_skip_hidden_ones():
    qn = _qn()
    rows = shown_answers(qn, {"offsite": False, "why": "USB disk goes home"}, {"offsite": "Seen: one USB disk"})
    ids = [r.question_id for r in rows]
    assert ids == ["offsite", "why", "tool", "regs", "budget", "happy"]  # "immutable" is hidden
    assert rows[0].answer == "No" and rows[0].note == "Seen: one USB disk" and rows[0].section == "Backups"
    assert rows[2].answer == ""  # shown, not answered

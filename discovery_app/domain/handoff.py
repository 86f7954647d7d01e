"""What the delivery team reads of the discovery answers (each answer as the client said it,
the escalation chain as an ordered list), and how what they report back is read.

The questions that describe escalation and after-hours support are named here, by the ids the
shipped form uses; a form without them simply has no such rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .answers import is_empty, visible
from .engagement import DeliveryStatus
from .forms import Question, Questionnaire, QuestionType

NOT_ANSWERED = "Not answered"
#: Questions whose answer is the client's escalation chain, first one answered wins.
ESCALATION_QUESTIONS = ("escalation_contacts",)
#: Questions about who to call and when, shown with the contacts (in this order, where present).
AFTER_HOURS_QUESTIONS = ("business_hours", "coverage_need", "after_hours_expectation", "after_hours_details",
                         "onsite_need", "change_approver", "internal_it_owner", "site_details")

# "1. Ann  2) Bob", "1 - Ann", "- Ann", "• Ann" or one name a line.
_STEP = re.compile(r"(?:^|\s)(?:\d{1,2}\s*[.):-]|[-•*])\s+")


def answer_text(questionnaire: Questionnaire, q: Question, value: Any) -> str:
    """An answer as the client reads it: a choice's label (several joined by '; '), Yes or No,
    a number as entered, a date as YYYY-MM-DD, text as typed; '' when unanswered."""
    if is_empty(value):
        return ""
    labels: dict[str, str] = {}
    if q.choices:
        lst = questionnaire.choice_list(q.choices)
        labels = {c.value: c.label for c in lst.choices} if lst else {}
    if q.type is QuestionType.YES_NO:
        return "Yes" if value is True else "No" if value is False else str(value)
    if q.type is QuestionType.SINGLE_CHOICE:
        return labels.get(str(value), str(value))
    if q.type is QuestionType.MULTI_CHOICE and isinstance(value, (list, tuple)):
        return "; ".join(labels.get(str(v), str(v)) for v in value)
    if q.type is QuestionType.MONEY:
        try:
            return f"{Decimal(str(value)):,.2f}"
        except InvalidOperation:
            return str(value)
    if q.type is QuestionType.DATE and isinstance(value, date):
        return value.isoformat()
    if q.type is QuestionType.RATING:
        return f"{value} of 5"
    return str(value).strip()


@dataclass(frozen=True)
class ShownAnswer:
    section: str
    question_id: str
    label: str
    answer: str  # "" when unanswered
    note: str


def shown_answers(questionnaire: Questionnaire, values: Mapping[str, Any],
                  notes: Mapping[str, str]) -> list[ShownAnswer]:
    """Every question the client was shown (its ``show_if`` holds), in form order, answered or
    not: delivery sees what is known and what was never asked of them."""
    shown: dict[str, Any] = {}
    out = []
    for s in questionnaire.sections:
        for q in s.questions:
            if not visible(q, shown):
                continue
            shown[q.id] = values.get(q.id)
            out.append(ShownAnswer(s.title, q.id, q.label, answer_text(questionnaire, q, values.get(q.id)),
                                   (notes.get(q.id) or "").strip()))
    return out


def escalation_steps(text: str) -> list[str]:
    """The escalation chain as ordered steps: numbered or bulleted items, else one a line, else
    items separated by ';'. Whitespace is tidied; empty steps are dropped."""
    text = text.strip()
    if not text:
        return []
    if len(_STEP.findall(text)) >= 2 or _STEP.match(text):
        parts = _STEP.split(text)
    elif "\n" in text:
        parts = text.splitlines()
    else:
        parts = text.split(";")
    return [" ".join(p.split()).rstrip(";,") for p in parts if p.strip(" \t\n;,")]


def combined_status(statuses: Sequence[DeliveryStatus]) -> DeliveryStatus:
    """One task's delivery status from the statuses of its rows (one row per role): Done only when
    every row is done, Blocked when any row is, In progress once any work is in progress or done,
    otherwise Not started."""
    if not statuses:
        return DeliveryStatus.NOT_STARTED
    if all(s is DeliveryStatus.DONE for s in statuses):
        return DeliveryStatus.DONE
    if DeliveryStatus.BLOCKED in statuses:
        return DeliveryStatus.BLOCKED
    if any(s in (DeliveryStatus.IN_PROGRESS, DeliveryStatus.DONE) for s in statuses):
        return DeliveryStatus.IN_PROGRESS
    return DeliveryStatus.NOT_STARTED

"""Answer values: checking them against their question, visibility and completion.

An answer's stored value is JSON-ready: text as ``str``, integers and ratings as ``int``,
yes/no as ``bool``, single choice as the choice's value, multi choice as a list of values,
decimals and money as a decimal string (``"1250.00"``) and dates as ISO strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from . import locale_text
from .expressions import parse
from .forms import NUMERIC_TYPES, Question, Questionnaire, QuestionType, Section


class AnswerError(ValueError):
    """The value does not fit the question; the message is for the consultant."""


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def normalise(question: Question, value: Any, questionnaire: Questionnaire, locale: str | None = None) -> Any:
    """Return the stored form of ``value`` for ``question`` or raise :class:`AnswerError`.

    ``locale``: the value is text as the consultant typed it in that locale ("12,5" under de_DE,
    "15.01.2026"), read by :mod:`.locale_text`; what cannot be read for sure is refused with how
    it was read. Without it, text must be in the stored form ("12.5", "2026-01-15").
    """
    if is_empty(value):
        return None
    t = question.type
    if t in (QuestionType.TEXT, QuestionType.LONG_TEXT):
        if not isinstance(value, str):
            raise AnswerError("expected text")
        limit = 500 if t is QuestionType.TEXT else 20000
        if len(value) > limit:
            raise AnswerError(f"is longer than {limit} characters")
        return value
    if t is QuestionType.YES_NO:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"yes", "true", "y"}:
            return True
        if isinstance(value, str) and value.strip().lower() in {"no", "false", "n"}:
            return False
        raise AnswerError("expected yes or no")
    if t in NUMERIC_TYPES or t is QuestionType.RATING:
        number = _decimal(value, t, locale)
        if t in (QuestionType.INTEGER, QuestionType.RATING):
            if number != number.to_integral_value():
                raise AnswerError("expected a whole number")
            lo, hi = (Decimal(1), Decimal(5)) if t is QuestionType.RATING else (question.min, question.max)
        else:
            lo, hi = question.min, question.max
        if lo is not None and number < lo:
            raise AnswerError(f"must be at least {lo}")
        if hi is not None and number > hi:
            raise AnswerError(f"must be at most {hi}")
        if t in (QuestionType.INTEGER, QuestionType.RATING):
            return int(number)
        if t is QuestionType.MONEY:
            if locale is not None and isinstance(value, str) and number != number.quantize(Decimal("0.01")):
                raise AnswerError(f"“{value.strip()}” has more than two decimals; an amount is in cents at most")
            return str(number.quantize(Decimal("0.01")))
        return format(number, "f")
    if t is QuestionType.DATE:
        if isinstance(value, date):
            return value.isoformat()
        if locale is not None:
            try:
                return locale_text.parse_date(str(value), locale).isoformat()
            except locale_text.ReadError as exc:
                raise AnswerError(str(exc)) from None
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise AnswerError("expected a date as YYYY-MM-DD") from None
    allowed = _choice_values(question, questionnaire)
    if t is QuestionType.SINGLE_CHOICE:
        if value not in allowed:
            raise AnswerError(f"{value!r} is not one of the choices")
        return value
    if t is QuestionType.MULTI_CHOICE:
        if not isinstance(value, (list, tuple)):
            raise AnswerError("expected a list of choices")
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise AnswerError(f"{unknown[0]!r} is not one of the choices")
        # Keep the form's order, drop repeats.
        chosen = set(value)
        return [v for v in allowed if v in chosen]
    raise AnswerError(f"unsupported question type {t}")  # pragma: no cover


_KINDS = {QuestionType.INTEGER: locale_text.Kind.WHOLE, QuestionType.RATING: locale_text.Kind.WHOLE,
          QuestionType.MONEY: locale_text.Kind.MONEY}
_STORED_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _decimal(value: Any, t: QuestionType, locale: str | None) -> Decimal:
    if isinstance(value, bool):
        raise AnswerError("expected a number")
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
        if not number.is_finite():
            raise AnswerError("expected a number")
        return number
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip()
        if locale is None and _STORED_NUMBER.fullmatch(text):
            return Decimal(text)  # the stored form (files, the command line)
        try:
            # Typed text in its locale; without one, as en_US writes it ("1,200", "$12,500.50"),
            # strictly: "12,5" is refused there, never read as 125.
            return locale_text.parse_number(value, locale or locale_text.DEFAULT_LOCALE,
                                            _KINDS.get(t, locale_text.Kind.DECIMAL))
        except locale_text.ReadError as exc:
            raise AnswerError(str(exc)) from None
    raise AnswerError("expected a number")


def _choice_values(question: Question, questionnaire: Questionnaire) -> list[str]:
    cl = questionnaire.choice_list(question.choices or "")
    return [c.value for c in cl.choices] if cl else []


def visible(question: Question, values: Mapping[str, Any]) -> bool:
    if not question.show_if:
        return True
    return parse(question.show_if).evaluate(values)


def visible_values(questionnaire: Questionnaire, values: Mapping[str, Any]) -> dict[str, Any]:
    """Answers of the questions that are shown; hidden questions count as unanswered.

    Evaluated in form order so a question hidden by an earlier answer also hides what depends
    on it.
    """
    shown: dict[str, Any] = {}
    for q in questionnaire.questions():
        if visible(q, shown):
            shown[q.id] = values.get(q.id)
    return shown


@dataclass(frozen=True)
class Progress:
    answered: int
    required: int
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.answered >= self.required

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else round(100 * self.answered / self.required)


def section_progress(section: Section, shown: Mapping[str, Any]) -> Progress:
    required = [q for q in section.questions if q.required and q.id in shown]
    missing = tuple(q.id for q in required if is_empty(shown.get(q.id)))
    return Progress(len(required) - len(missing), len(required), missing)


def progress(questionnaire: Questionnaire, values: Mapping[str, Any]) -> Progress:
    shown = visible_values(questionnaire, values)
    parts = [section_progress(s, shown) for s in questionnaire.sections]
    return Progress(
        sum(p.answered for p in parts),
        sum(p.required for p in parts),
        tuple(m for p in parts for m in p.missing),
    )

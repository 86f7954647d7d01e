"""Engagement facts that live in one answer.

A form binds a question to a fact (``binds: users`` ...). That answer is the fact's one value:
the new-engagement dialog, the client page, the questionnaire and pricing all read and write it.
The header keeps a copy of the industry and the internal IT owner for lists that show many
engagements at once; the service writes both in one transaction.

Forms stored before bindings existed declare none; they bind the questions the shipped form has
always used for these facts (:data:`LEGACY_BINDINGS`), where those questions exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .forms import Fact, FormPackage, Question, Questionnaire, QuestionType

LEGACY_BINDINGS: Mapping[Fact, str] = {
    Fact.USERS: "it_user_count",
    Fact.COVERAGE: "coverage_need",
    Fact.INDUSTRY: "industry",
    Fact.INTERNAL_IT_OWNER: "internal_it_owner",
    Fact.SITES: "site_count",
}

#: The question types each fact accepts (``forms check`` enforces it).
FACT_TYPES: Mapping[Fact, frozenset[QuestionType]] = {
    Fact.USERS: frozenset({QuestionType.INTEGER}),
    Fact.SITES: frozenset({QuestionType.INTEGER}),
    Fact.COVERAGE: frozenset({QuestionType.SINGLE_CHOICE}),
    Fact.INDUSTRY: frozenset({QuestionType.SINGLE_CHOICE, QuestionType.TEXT}),
    Fact.INTERNAL_IT_OWNER: frozenset({QuestionType.TEXT}),
}

#: Facts the engagement header mirrors (what the engagement list shows without answers).
HEADER_FACTS = (Fact.INDUSTRY, Fact.INTERNAL_IT_OWNER)


def bindings(questionnaire: Questionnaire) -> dict[Fact, Question]:
    """Fact -> the question that holds it."""
    declared = {q.binds: q for q in questionnaire.questions() if q.binds is not None}
    if declared:
        return declared
    out = {}
    for fact, qid in LEGACY_BINDINGS.items():
        q = questionnaire.question(qid)
        if q is not None and q.type in FACT_TYPES[fact]:
            out[fact] = q
    return out


def question_for(pkg: FormPackage, fact: Fact) -> Question | None:
    return bindings(pkg.questionnaire).get(fact)


def fact_of(questionnaire: Questionnaire, qid: str) -> Fact | None:
    """The fact question ``qid`` holds, if any."""
    for fact, q in bindings(questionnaire).items():
        if q.id == qid:
            return fact
    return None


def display_text(questionnaire: Questionnaire, q: Question, value: Any) -> str:
    """An answer as the header shows it: a choice's label, a text as typed, '' when unanswered."""
    if value is None:
        return ""
    if q.type is QuestionType.SINGLE_CHOICE and q.choices:
        lst = questionnaire.choice_list(q.choices)
        for c in lst.choices if lst else ():
            if c.value == value:
                return c.label
    return str(value).strip()


def answer_from_text(questionnaire: Questionnaire, q: Question, text: str) -> Any:
    """What a header edit (free text from a dialog or an older engagement) means as an answer.

    A choice question takes the choice whose value or label matches (case and the label's
    bracketed detail ignored); text no choice matches gives None, which the caller reports.
    """
    text = " ".join(text.split())
    if not text:
        return None
    if q.type is QuestionType.SINGLE_CHOICE and q.choices:
        lst = questionnaire.choice_list(q.choices)
        want = text.casefold()
        for c in lst.choices if lst else ():
            if want in (c.value.casefold(), c.label.casefold(), c.label.split(" (")[0].casefold()):
                return c.value
        return None
    return text


@dataclass(frozen=True)
class FactValue:
    fact: Fact
    question: Question | None
    value: Any  # the answer, None when unanswered or unbound

    @property
    def answered(self) -> bool:
        return self.value is not None


def fact_values(pkg: FormPackage, answers: Mapping[str, Any]) -> dict[Fact, FactValue]:
    bound = bindings(pkg.questionnaire)
    return {f: FactValue(f, bound.get(f), answers.get(bound[f].id) if f in bound else None) for f in Fact}

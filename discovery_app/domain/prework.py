"""Client pre-work: which questions the client answers before the visit, their conditions in
words, and the fingerprint that ties a returned workbook to the questions it was made with.

A question is for the client when it, or else its section, says ``audience: client``. Nothing
else of the form (fit scores, risks, prices) is the client's to see.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from typing import Any

from .expressions import ExpressionError, parse
from .forms import Audience, FormPackage, Question, Questionnaire, QuestionType, Section


def for_client(section: Section, question: Question) -> bool:
    audience = question.audience or section.audience
    return audience is Audience.CLIENT


@dataclass(frozen=True)
class ClientSection:
    section: Section
    questions: tuple[Question, ...]


def client_sections(pkg: FormPackage) -> list[ClientSection]:
    """The sections with at least one client question, each with its client questions in order."""
    out = []
    for s in pkg.questionnaire.sections:
        qs = tuple(q for q in s.questions if for_client(s, q))
        if qs:
            out.append(ClientSection(s, qs))
    return out


def choice_labels(questionnaire: Questionnaire, q: Question) -> list[tuple[str, str]]:
    """(value, label) of a choice question's choices, in the form's order."""
    cl = questionnaire.choice_list(q.choices or "")
    return [(c.value, c.label) for c in cl.choices] if cl else []


def signature(pkg: FormPackage) -> str:
    """What a returned workbook must still hold: the form's hash and the client questions (and,
    for multiple choice, their choices) in order. A workbook whose id cells say otherwise was
    changed in ways the import cannot trust."""
    h = hashlib.sha256(pkg.content_hash().encode("utf-8"))
    for part in structure(pkg):
        h.update(b"\x1e" + part.encode("utf-8"))
    return h.hexdigest()[:32]


def structure(pkg: FormPackage) -> list[str]:
    """The answer rows' ids, in order: ``qid`` per question, ``qid=value`` per multiple choice."""
    out = []
    for cs in client_sections(pkg):
        for q in cs.questions:
            out.append(q.id)
            if q.type is QuestionType.MULTI_CHOICE:
                out += [f"{q.id}={v}" for v, _ in choice_labels(pkg.questionnaire, q)]
    return out


# ---- a condition in words -----------------------------------------------------------------------

_OPS = {ast.Eq: "is", ast.NotEq: "is not", ast.Lt: "is less than", ast.LtE: "is at most",
        ast.Gt: "is more than", ast.GtE: "is at least"}


def condition_words(question: Question, questionnaire: Questionnaire, numbers: dict[str, int] | None = None) -> str:
    """``show_if`` as a sentence the client reads: 'Answer only if question 4 is more than 1', or
    with the question's wording when ``numbers`` (question id -> its number on the same sheet)
    does not number it. Empty when the question is always asked."""
    if not question.show_if:
        return ""
    try:
        tree = parse(question.show_if).tree
    except ExpressionError:
        return ""
    return "Answer only if " + _words(tree, questionnaire, numbers or {})


def _label(questionnaire: Questionnaire, name: str, numbers: dict[str, int]) -> str:
    if name in numbers:
        return f"question {numbers[name]}"
    q = questionnaire.question(name)
    return f"“{q.client_label or q.label}”" if q else name


def _value(questionnaire: Questionnaire, name: str | None, node: ast.expr) -> str:
    if isinstance(node, ast.Name) and node.id in ("true", "false", "null"):
        return {"true": "Yes", "false": "No", "null": "empty"}[node.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        parts = [_value(questionnaire, name, e) for e in node.elts]
        return " or ".join(parts)
    if isinstance(node, ast.Constant):
        q = questionnaire.question(name) if name else None
        if q is not None and q.choices and isinstance(node.value, str):
            for v, label in choice_labels(questionnaire, q):
                if v == node.value:
                    return f"“{label}”"
        return str(node.value)
    if isinstance(node, ast.Name):
        return _label(questionnaire, node.id, {})
    return ast.unparse(node)


def _words(node: ast.expr, questionnaire: Questionnaire, numbers: dict[str, int]) -> str:
    match node:
        case ast.BoolOp(op=ast.And(), values=values):
            return " and ".join(_words(v, questionnaire, numbers) for v in values)
        case ast.BoolOp(op=ast.Or(), values=values):
            return " or ".join(_words(v, questionnaire, numbers) for v in values)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return "not (" + _words(operand, questionnaire, numbers) + ")"
        case ast.Compare(left=ast.Constant() as left, ops=[ast.In() | ast.NotIn() as op], comparators=[ast.Name(id=name)]):
            verb = "includes" if isinstance(op, ast.In) else "does not include"
            return f"{_label(questionnaire, name, numbers)} {verb} {_value(questionnaire, name, left)}"
        case ast.Compare(left=ast.Name(id=name), ops=[op], comparators=[right]):
            if isinstance(op, (ast.In, ast.NotIn)):
                verb = "is" if isinstance(op, ast.In) else "is not"
                return f"the answer to {_label(questionnaire, name, numbers)} {verb} {_value(questionnaire, name, right)}"
            if isinstance(right, ast.Name) and right.id == "null":
                return f"{_label(questionnaire, name, numbers)} is {'not answered' if isinstance(op, ast.Eq) else 'answered'}"
            verb = _OPS.get(type(op), "is")
            if isinstance(op, (ast.Eq, ast.NotEq)):
                return f"the answer to {_label(questionnaire, name, numbers)} {verb} {_value(questionnaire, name, right)}"
            return f"{_label(questionnaire, name, numbers)} {verb} {_value(questionnaire, name, right)}"
    return ast.unparse(node)


# ---- values as the workbook shows them ------------------------------------------------------------


def display(questionnaire: Questionnaire, q: Question, value: Any) -> str:
    """A stored answer as the preview shows it ('' when unanswered)."""
    if value is None or value == "" or value == []:
        return ""
    if q.type is QuestionType.YES_NO:
        return "Yes" if value else "No"
    if q.choices:
        labels = dict(choice_labels(questionnaire, q))
        values = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(v, str(v)) for v in values)
    return str(value)

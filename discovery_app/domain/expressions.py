"""A small, safe expression language for ``show_if`` conditions.

Conditions read like Python (``has_internal_it == true and employees >= 20``) and are parsed
with :mod:`ast`, but never compiled or run: a whitelist interpreter walks the tree. Allowed:
literals (numbers, strings, ``true``/``false``/``null``, lists), question ids, comparisons
(``== != < <= > >= in``, ``not in``), ``and``, ``or``, ``not`` and parentheses.
An unanswered question is ``null``; ordering comparisons with ``null`` are false.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

_NAMED_CONSTANTS = {"true": True, "false": False, "null": None}


class ExpressionError(ValueError):
    """The text is not a valid condition; the message says where and why."""


@dataclass(frozen=True)
class Condition:
    text: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        return bool(_eval(self.tree, values))


@lru_cache(maxsize=2048)
def parse(text: str) -> Condition:
    """Parse a condition; raise :class:`ExpressionError` naming the problem."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"cannot parse condition {text!r}{col}: {exc.msg}") from None
    names: set[str] = set()
    _check(tree, text, names)
    return Condition(text=text, tree=tree, names=frozenset(names))


def _check(node: ast.AST, text: str, names: set[str]) -> None:
    match node:
        case ast.BoolOp(op=ast.And() | ast.Or(), values=values):
            for v in values:
                _check(v, text, names)
        case ast.UnaryOp(op=ast.Not() | ast.USub(), operand=operand):
            _check(operand, text, names)
        case ast.Compare(left=left, ops=ops, comparators=comps):
            allowed = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
            for op in ops:
                if not isinstance(op, allowed):
                    raise ExpressionError(f"operator {type(op).__name__} is not allowed in {text!r}")
            _check(left, text, names)
            for c in comps:
                _check(c, text, names)
        case ast.Constant(value=value):
            if not isinstance(value, (int, float, str)) or isinstance(value, bool):
                raise ExpressionError(f"literal {value!r} is not allowed in {text!r}")
        case ast.Name(id=name):
            if name not in _NAMED_CONSTANTS:
                names.add(name)
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            for e in elts:
                _check(e, text, names)
        case _:
            raise ExpressionError(
                f"{type(node).__name__} is not allowed in a condition ({text!r}); use question "
                "ids, literals, comparisons, and/or/not"
            )


def _num(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, Decimal)):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(str(v))
    return v


def _eval(node: ast.AST, values: Mapping[str, Any]) -> Any:
    match node:
        case ast.BoolOp(op=ast.And(), values=vs):
            return all(_eval(v, values) for v in vs)
        case ast.BoolOp(op=ast.Or(), values=vs):
            return any(_eval(v, values) for v in vs)
        case ast.UnaryOp(op=ast.Not(), operand=o):
            return not _eval(o, values)
        case ast.UnaryOp(op=ast.USub(), operand=o):
            v = _num(_eval(o, values))
            return -v if isinstance(v, Decimal) else None
        case ast.Compare(left=left, ops=ops, comparators=comps):
            lhs = _num(_eval(left, values))
            for op, comp in zip(ops, comps, strict=True):
                rhs = _num(_eval(comp, values))
                if not _compare(op, lhs, rhs):
                    return False
                lhs = rhs
            return True
        case ast.Constant(value=value):
            return _num(value)
        case ast.Name(id=name):
            if name in _NAMED_CONSTANTS:
                return _NAMED_CONSTANTS[name]
            return _num(values.get(name))
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            return [_num(_eval(e, values)) for e in elts]
    raise ExpressionError(f"cannot evaluate {type(node).__name__}")  # pragma: no cover


def _compare(op: ast.cmpop, a: Any, b: Any) -> bool:
    if isinstance(op, ast.Eq):
        return a == b
    if isinstance(op, ast.NotEq):
        return a != b
    if isinstance(op, (ast.In, ast.NotIn)):
        inside = False
        if isinstance(b, (list, tuple, str)) and a is not None:
            try:
                inside = a in b
            except TypeError:
                inside = False
        return inside if isinstance(op, ast.In) else not inside
    if a is None or b is None or type(a) is not type(b):
        return False
    try:
        if isinstance(op, ast.Lt):
            return a < b
        if isinstance(op, ast.LtE):
            return a <= b
        if isinstance(op, ast.Gt):
            return a > b
        if isinstance(op, ast.GtE):
            return a >= b
    except TypeError:
        return False
    return False  # pragma: no cover

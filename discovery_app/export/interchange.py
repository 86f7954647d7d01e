"""The versioned JSON engagement format (see docs/engagement-format.md).

A file carries one engagement with all its records, the exact form it was run with and its
attachments, so it can be opened on another machine with nothing else. Reading checks the
whole file before anything is written and names the JSON path of every problem.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from ..domain import links
from ..domain.answers import AnswerError, normalise
from ..domain.engagement import Engagement
from ..domain.forms import FormPackage
from .problems import listed
from .untrusted import UntrustedFileError, check_attachment

FORMAT = "discovery-engagement"
FORMAT_VERSION = 1


class InterchangeError(ValueError):
    """The file is not a valid engagement file; ``problems`` lists each one with its JSON path."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source} is not a valid engagement file:\n{listed(problems, '- ')}")


class InterchangeUnreadable(InterchangeError):
    """The file cannot be read as JSON at all (not UTF-8, not JSON, nested too deeply)."""


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["discovery-engagement"]
    format_version: int
    exported_at: AwareDatetime
    app_version: str
    engagement: dict[str, Any]
    form: dict[str, Any]
    attachments: dict[str, str] = {}


@dataclass
class EngagementFile:
    engagement: Engagement
    form: FormPackage
    form_json: str
    attachments: dict[str, bytes]
    repairs: tuple[str, ...] = ()  # dangling links dropped on reading (an older version left them)


def json_path(loc: tuple[Any, ...], root: str = "$") -> str:
    out = root
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def dumps(eng: Engagement, form_json: str, attachments: dict[str, bytes], app_version: str) -> str:
    body = eng.model_dump(mode="json", exclude={"id"})
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "app_version": app_version,
        "engagement": body,
        "form": json.loads(form_json),
        "attachments": {uid: base64.b64encode(data).decode("ascii") for uid, data in sorted(attachments.items())},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def loads(text: str, source: str) -> EngagementFile:
    """Parse and check a whole engagement file; raise :class:`InterchangeError` listing every problem."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InterchangeUnreadable(source, [f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]) from None
    except RecursionError:
        raise InterchangeUnreadable(source, ["the JSON is nested too deeply to be an engagement file"]) from None
    try:
        return _loads(raw, source)
    except RecursionError:
        raise InterchangeUnreadable(source, ["the JSON is nested too deeply to be an engagement file"]) from None


def _loads(raw: object, source: str) -> EngagementFile:
    if not isinstance(raw, dict):
        raise InterchangeError(source, ["$: expected a JSON object"])
    version = raw.get("format_version")
    if raw.get("format") == FORMAT and isinstance(version, int) and version > FORMAT_VERSION:
        raise InterchangeError(
            source, [f"$.format_version: {version} is newer than this app reads ({FORMAT_VERSION}); update Discovery"]
        )
    try:
        env = _Envelope.model_validate(raw)
    except ValidationError as exc:
        raise InterchangeError(source, _problems(exc, "$")) from None
    problems: list[str] = []
    if env.format_version < 1:
        problems.append(f"$.format_version: {env.format_version} is not a known version")
    try:
        form = FormPackage.model_validate(env.form)
    except ValidationError as exc:
        problems += _problems(exc, "$.form")
        form = None
    try:
        eng = Engagement.model_validate(env.engagement)
    except ValidationError as exc:
        problems += _problems(exc, "$.engagement")
        eng = None
    if problems:
        raise InterchangeError(source, problems)
    assert form is not None and eng is not None
    # Links an older version left dangling are dropped and reported, never a reason to refuse.
    eng, repairs = links.repair(eng)
    problems += _cross_check(eng, form)
    attachments: dict[str, bytes] = {}
    by_uid = {a.uid: (i, a) for i, a in enumerate(eng.attachments)}
    for uid, b64 in env.attachments.items():
        if uid not in by_uid:
            problems.append(f"$.attachments.{uid}: no attachment record has this uid")
            continue
        try:
            data = base64.b64decode(b64, validate=True)
        except ValueError:
            problems.append(f"$.attachments.{uid}: not valid base64")
            continue
        i, rec = by_uid[uid]
        if hashlib.sha256(data).hexdigest() != rec.sha256 or len(data) != rec.size:
            problems.append(f"$.attachments.{uid}: content does not match $.engagement.attachments[{i}].sha256/size")
        try:  # the same content check as archives and the evidence picker: no programs, real types
            check_attachment(rec.file_name, rec.content_type, data)
        except UntrustedFileError as exc:
            problems.append(f"$.attachments.{uid}: {exc}")
        attachments[uid] = data
    if problems:
        raise InterchangeError(source, problems)
    return EngagementFile(eng, form, form.canonical_json(), attachments, tuple(repairs))


def _problems(exc: ValidationError, root: str) -> list[str]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        out.append(f"{json_path(loc, root)}: {msg}")
    return out


def _cross_check(eng: Engagement, form: FormPackage) -> list[str]:
    p: list[str] = []
    root = "$.engagement"
    if form.id != eng.form_id or form.version != eng.form_version:
        p.append(f"{root}.form_id: engagement names {eng.form_id}@{eng.form_version} but $.form is {form.key}")
    if form.content_hash() != eng.form_hash:
        p.append(f"{root}.form_hash: does not match the content of $.form (the form copy was changed)")
    seen: set[str] = set()
    for i, a in enumerate(eng.answers):
        q = form.questionnaire.question(a.question_id)
        where = f"{root}.answers[{i}]"
        if a.question_id in seen:
            p.append(f"{where}.question_id: {a.question_id!r} is answered twice")
        seen.add(a.question_id)
        if q is None:
            p.append(f"{where}.question_id: {a.question_id!r} is not a question of {form.key}")
            continue
        try:
            if normalise(q, a.value, form.questionnaire) != a.value:
                p.append(f"{where}.value: {a.value!r} is not in the stored form for a {q.type.value} question")
        except AnswerError as exc:
            p.append(f"{where}.value: {exc}")
    for attr in ("sites", "contacts", "inventory", "risks", "remediation", "attachments"):
        uids: set[str] = set()
        for i, rec in enumerate(getattr(eng, attr)):
            if rec.uid in uids:
                p.append(f"{root}.{attr}[{i}].uid: duplicate uid {rec.uid}")
            uids.add(rec.uid)
    categories = {c.id for c in form.standards}
    for i, r in enumerate(eng.risks):
        if r.standard_category and r.standard_category not in categories:
            p.append(f"{root}.risks[{i}].standard_category: {r.standard_category!r} is not a category of the form")
    seen_cat: set[str] = set()
    for i, s in enumerate(eng.standards):
        if s.category_id not in categories:
            p.append(f"{root}.standards[{i}].category_id: {s.category_id!r} is not a category of the form")
        if s.category_id in seen_cat:
            p.append(f"{root}.standards[{i}].category_id: {s.category_id!r} is assessed twice")
        seen_cat.add(s.category_id)
    return p

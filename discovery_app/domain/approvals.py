"""Discount approvals nobody can forge: a signed statement over exactly what is approved.

An approval is an Ed25519 signature, made with the approver's own key on their own machine,
over the canonical bytes of an :class:`ApprovalStatement`: the engagement, the option, the
discount (percent and amounts), the fixed and monthly fees and the date. The practice lists its
approvers (name, role, public key, valid dates) in its settings or in the form package; an
approval counts only when

* the signature is valid for a public key on that list,
* the approver's role was valid on the statement's date,
* the role meets the approval matrix's level for the discount (a higher level may approve less),
* the approver is not the consultant who requested the discount, and
* the statement still matches the engagement's priced figures (any change voids it).

:func:`check` says which of these fails, in a sentence; a role typed as text clears nothing.
Pure Python: no Qt, no storage, no files.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .locale_text import format_date_short, format_money, format_percent

STATEMENT_KIND: Literal["discovery.discount-approval/1"] = "discovery.discount-approval/1"
APPROVERS_KEY = "approvers"  # the setting that lists the practice's approvers
KEY_PREFIX = "ed25519:"


class ApprovalError(ValueError):
    """An approval that does not count; the message is a sentence for the consultant."""


# ---- keys -------------------------------------------------------------------------------------


def public_key_text(key: Ed25519PublicKey) -> str:
    """``ed25519:`` and the 32 raw bytes in base64: the line an approver gives the practice."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return KEY_PREFIX + base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """The key of a public key line; :class:`ApprovalError` naming what is wrong otherwise."""
    text = (text or "").strip()
    if not text.startswith(KEY_PREFIX):
        raise ApprovalError(f"A public key starts with {KEY_PREFIX!r} (as `approver init` prints it).")
    try:
        raw = base64.b64decode(text[len(KEY_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise ApprovalError("The public key is not valid base64.") from None
    if len(raw) != 32:
        raise ApprovalError(f"An Ed25519 public key has 32 bytes; this one has {len(raw)}.")
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(public_key: str) -> str:
    """A short, readable fingerprint of a public key line: ``3F2A 91C0 77B4 E215``."""
    digest = hashlib.sha256(public_key.strip().encode("ascii", "replace")).hexdigest()[:16].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


# ---- the practice's approvers -----------------------------------------------------------------


def norm(text: str) -> str:
    """Names and roles compared without case, underscores, hyphens or extra spaces."""
    return " ".join((text or "").replace("_", " ").replace("-", " ").split()).casefold()


class Approver(BaseModel):
    """One person who may approve discounts: their role in the approval matrix and their key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=300)
    role: str = Field(min_length=1, max_length=100)
    public_key: str = Field(min_length=1, max_length=200)
    valid_from: date | None = None
    valid_to: date | None = None

    @field_validator("name", "role", "public_key")
    @classmethod
    def _stripped(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("public_key")
    @classmethod
    def _key(cls, value: str) -> str:
        try:
            parse_public_key(value)
        except ApprovalError as exc:
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _dates(self) -> Approver:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


def approvers_from_setting(value: Any) -> list[Approver]:
    """The approvers stored in the settings, read leniently: an entry that no longer reads is
    left out (it approves nothing) instead of failing the app."""
    out = []
    for entry in value if isinstance(value, list) else []:
        try:
            out.append(Approver.model_validate(entry))
        except ValidationError:
            continue
    return out


def approver_problems(approvers: Sequence[Approver]) -> list[str]:
    """What is wrong with a list of approvers as a whole: a key listed twice."""
    seen: dict[str, str] = {}
    out = []
    for a in approvers:
        if a.public_key in seen and seen[a.public_key] != a.name:
            out.append(f"The same public key is listed for {seen[a.public_key]} and {a.name}.")
        seen.setdefault(a.public_key, a.name)
    return out


# ---- the statement ----------------------------------------------------------------------------


class ApprovalStatement(BaseModel):
    """Exactly what an approver approves. Its canonical bytes are what is signed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["discovery.discount-approval/1"] = STATEMENT_KIND
    engagement_uid: str = Field(min_length=1, max_length=40)
    option: int = Field(default=0, ge=0, le=9)  # 0: the proposal's own pricing; 1..3: an option
    option_label: str = Field(default="", max_length=300)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    discount_percent: Decimal = Field(ge=0, le=100)
    discount_fixed: Decimal  # the discount off the fixed (launch & stabilization) fee
    discount_monthly: Decimal  # the discount off the monthly fee
    fixed_fee: Decimal
    monthly_fee: Decimal
    requested_by: str = Field(default="", max_length=300)
    date: date

    def canonical_bytes(self) -> bytes:
        """Sorted, compact JSON with Decimals and dates as text: the same statement, the same bytes."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")

    def figures(self) -> dict[str, Any]:
        """What must still match the engagement: every field but who asked and when."""
        return {k: getattr(self, k) for k in _FIGURES}


_FIGURES = ("engagement_uid", "currency", "discount_percent", "discount_fixed", "discount_monthly",
            "fixed_fee", "monthly_fee")
_FIGURE_WORDS = {"engagement_uid": "engagement", "currency": "currency", "discount_percent": "discount",
                 "discount_fixed": "discount off the fixed fee", "discount_monthly": "discount off the monthly fee",
                 "fixed_fee": "fixed fee", "monthly_fee": "monthly fee"}


def statement_facts(statement: ApprovalStatement, locale: str | None = None) -> list[tuple[str, str]]:
    """What an approver signs, as (label, value) lines for them to read first: the percent and
    money as every other pricing text writes them, the date in the locale's short form."""
    cur = statement.currency
    option = (f"Option {statement.option} ({statement.option_label})" if statement.option and statement.option_label
              else f"Option {statement.option}" if statement.option else "The proposal's own pricing")
    return [
        ("Engagement", statement.engagement_uid),
        ("Pricing", option),
        ("Discount", f"{format_percent(statement.discount_percent, locale)}: "
                     f"{format_money(statement.discount_fixed, locale, cur)} off the fixed fee, "
                     f"{format_money(statement.discount_monthly, locale, cur)} off the monthly fee"),
        ("Fixed fee", format_money(statement.fixed_fee, locale, cur)),
        ("Monthly fee", format_money(statement.monthly_fee, locale, cur)),
        ("Date", format_date_short(statement.date, locale)),
        ("Requested by", statement.requested_by or "the consultant"),
    ]


def sign(statement: ApprovalStatement, key: Ed25519PrivateKey) -> str:
    """The signature of ``statement`` in base64."""
    return base64.b64encode(key.sign(statement.canonical_bytes())).decode("ascii")


class SignedApproval(BaseModel):
    """A signed statement as recorded with the engagement (and as carried in a request file)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    uid: str = Field(min_length=1, max_length=40)
    statement: dict[str, Any]  # the statement as signed (checked by :func:`check`, not trusted)
    signature: str = Field(min_length=1, max_length=200)
    public_key: str = Field(min_length=1, max_length=200)
    approver: str = Field(default="", max_length=300)  # as listed when it was added
    role: str = Field(default="", max_length=100)
    verified_at: AwareDatetime


# ---- checking ---------------------------------------------------------------------------------


class Level(Protocol):
    """An approval-matrix level (:class:`~discovery_app.domain.forms.ApprovalLevel`)."""

    @property
    def max_percent(self) -> Decimal: ...

    @property
    def role(self) -> str | None: ...


@dataclass(frozen=True)
class VerifiedApproval:
    """An approval that counts: who, in which role, on which day, for which discount, by which key."""

    approver: str
    role: str
    approved_on: date
    percent: Decimal
    fingerprint: str
    option: int = 0

    def to_json_dict(self) -> dict[str, Any]:
        return {"approver": self.approver, "role": self.role, "approved_on": self.approved_on.isoformat(),
                "percent": str(self.percent), "key_fingerprint": self.fingerprint, "option": self.option}


@dataclass(frozen=True)
class ApprovalCheck:
    """One recorded approval and whether it counts now (``problem`` is "" when it does)."""

    record: SignedApproval
    statement: ApprovalStatement | None
    approval: VerifiedApproval | None
    problem: str

    @property
    def verified(self) -> bool:
        return self.approval is not None


def _pct(value: Decimal) -> str:
    """A percent as every other pricing sentence writes it ("15%")."""
    return format_percent(value, None)


def _role_words(role: str) -> str:
    text = role.replace("_", " ").strip()
    return text.upper() if len(text) <= 3 else text


def role_ceiling(levels: Iterable[Level], role: str) -> Decimal | None:
    """The largest discount ``role`` may approve under the matrix; None: not an approving role."""
    ceilings = [lv.max_percent for lv in levels if lv.role and norm(lv.role) == norm(role)]
    return max(ceilings) if ceilings else None


def required_level(levels: Iterable[Level], percent: Decimal) -> Level | None:
    """The matrix level that applies to ``percent`` (None: above the matrix)."""
    for lv in sorted(levels, key=lambda lv: lv.max_percent):
        if lv.max_percent >= percent:
            return lv
    return None


def parse_statement(data: Any) -> ApprovalStatement:
    try:
        return ApprovalStatement.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "statement"
        raise ApprovalError(f"The approval's statement is not readable ({where}: {err['msg'].lower()}).") from None


def verify(
    record: SignedApproval,
    *,
    approvers: Sequence[Approver],
    levels: Sequence[Level],
    current: ApprovalStatement | None,
    consultant: str = "",
    today: date | None = None,
) -> VerifiedApproval:
    """The approval if it counts; :class:`ApprovalError` with one sentence saying why not.

    ``current``: the engagement's statement as priced now (its ``date`` and ``requested_by`` are not
    compared); None skips that comparison (the engagement cannot be priced)."""
    statement = parse_statement(record.statement)
    listed = [a for a in approvers if a.public_key == record.public_key.strip()]
    if not listed:
        raise ApprovalError(f"The key that signed this approval (fingerprint {fingerprint(record.public_key)}) is "
                            "not on the practice's list of approvers: an unknown approver's signature clears nothing.")
    try:
        key = parse_public_key(record.public_key)
        key.verify(base64.b64decode(record.signature, validate=True), statement.canonical_bytes())
    except (InvalidSignature, binascii.Error, ValueError, ApprovalError):
        raise ApprovalError(f"The signature does not match {listed[0].name}'s key: the approval was changed after it "
                            "was signed (a fee, the discount or the date) or it was signed with another key.") from None
    day = statement.date
    if today is not None and day > today:
        raise ApprovalError(f"The approval is dated {day.isoformat()}, in the future.")
    valid = [a for a in listed if a.valid_on(day)]
    if not valid:
        a = listed[0]
        if a.valid_to and day > a.valid_to:
            raise ApprovalError(f"{a.name}'s role as {_role_words(a.role)} expired on {a.valid_to.isoformat()}; "
                                f"the approval is dated {day.isoformat()}.")
        raise ApprovalError(f"{a.name}'s role as {_role_words(a.role)} starts on "
                            f"{a.valid_from.isoformat() if a.valid_from else '?'}; the approval is dated {day.isoformat()}.")
    pct = statement.discount_percent
    level = required_level(levels, pct)
    approver = max(valid, key=lambda a: role_ceiling(levels, a.role) or Decimal(-1))
    if pct > 0 and level is None:
        raise ApprovalError(f"A {_pct(pct)} discount is above the approval matrix; nobody can approve it.")
    if level is not None and level.role:
        ceiling = role_ceiling(levels, approver.role)
        if ceiling is None:
            raise ApprovalError(f"{approver.name}'s role ({_role_words(approver.role)}) is not in the approval matrix; "
                                f"a {_pct(pct)} discount needs the {_role_words(level.role)}.")
        if ceiling < level.max_percent:
            raise ApprovalError(f"A {_pct(pct)} discount needs the {_role_words(level.role)}; {approver.name} is "
                                f"{_role_words(approver.role)} and may approve up to {_pct(ceiling)}.")
    for who in (statement.requested_by, consultant):
        if who and norm(who) == norm(approver.name):
            raise ApprovalError(f"{approver.name} is the consultant on this engagement and cannot approve their "
                                "own discount.")
    if current is not None:
        now, then = current.figures(), statement.figures()
        for name in _FIGURES:
            if now[name] != then[name]:
                if name == "engagement_uid":
                    raise ApprovalError("This approval is for another engagement.")
                raise ApprovalError(f"The engagement changed after the approval: the {_FIGURE_WORDS[name]} is now "
                                    f"{_figure(name, now[name])}, the approval covers {_figure(name, then[name])}. "
                                    "Ask for a new approval.")
    return VerifiedApproval(approver.name, approver.role, day, pct, fingerprint(record.public_key), statement.option)


def _figure(name: str, value: Any) -> str:
    if name == "discount_percent":
        return _pct(value)
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def check(records: Iterable[SignedApproval], **kw: Any) -> list[ApprovalCheck]:
    """Each recorded approval checked by :func:`verify` (same keyword arguments)."""
    out = []
    for r in records:
        try:
            statement: ApprovalStatement | None = parse_statement(r.statement)
        except ApprovalError:
            statement = None
        try:
            out.append(ApprovalCheck(r, statement, verify(r, **kw), ""))
        except ApprovalError as exc:
            out.append(ApprovalCheck(r, statement, None, str(exc)))
    return out


def merge_approvers(*lists: Iterable[Approver]) -> list[Approver]:
    """Approvers from several places (settings, form package), each key and role once."""
    out: list[Approver] = []
    for lst in lists:
        for a in lst:
            if a not in out:
                out.append(a)
    return out


__all__ = [
    "APPROVERS_KEY", "KEY_PREFIX", "STATEMENT_KIND", "approvers_from_setting", "ApprovalCheck", "ApprovalError", "ApprovalStatement", "Approver",
    "SignedApproval", "VerifiedApproval", "approver_problems", "check", "statement_facts", "fingerprint", "merge_approvers", "norm",
    "parse_public_key", "parse_statement", "public_key_text", "required_level", "role_ceiling", "sign", "verify",
]

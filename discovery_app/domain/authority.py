"""Who may approve, and who may break a checkout: authority that cannot be typed into a setting.

The practice's list of approvers is not a setting anyone with the database can edit: it is the
replay of a **signed change log**. Each :class:`ApproverChange` (add or remove one approver) is
signed with an approver's Ed25519 key over the canonical JSON of the change *and the digest of
the last entry that counted before it*, so entries cannot be reordered, replayed or slipped into
the middle. Replaying the log (:func:`replay`) keeps only the entries that count:

* the signature is valid for the entry's signer key and the entry links to the last counting
  entry (a changed entry voids itself and every entry signed after it);
* the signer is an approver who counts at that point of the log (or a root, below), valid on the
  day the entry was signed, and
* the signer's role may approve at least as much as the role being added or removed under the
  approval matrix (a service leader cannot add or remove a CEO) - where the matrix names neither
  role, any counting approver may sign.

Bootstrap: when the practice ships approvers in its form package (``approvers.yaml``), those are
the **roots**: they always count, and only they can start the log. With no roots the first
approver of an empty log is trusted on first use: the first entry that can count is an approver
adding themselves, signed with their own key. After that, nobody is trusted on first use again.

An entry written straight into the settings (the old ``approvers`` list, or a forged log entry)
counts for nothing; :func:`replay` says why, in a sentence, for ``approver list``.

:class:`CheckoutBreak` is the signed statement of a manager (an approver who counts) that they
broke a checkout: which engagement, whose checkout, when.

Pure Python: no Qt, no storage, no files. Truncating the log (deleting its newest entries) cannot
be detected without a copy elsewhere; everything else can.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from .approvals import (
    ApprovalError,
    Approver,
    Level,
    fingerprint,
    parse_public_key,
    public_key_text,
    role_ceiling,
)

CHANGE_KIND: Literal["discovery.approver-change/1"] = "discovery.approver-change/1"
BREAK_KIND: Literal["discovery.checkout-break/1"] = "discovery.checkout-break/1"
CHANGES_KEY = "approver_changes"  # the setting that holds the signed log
BREAKS_PREFIX = "checkout_breaks/"  # one setting per broken checkout: BREAKS_PREFIX + checkout token


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _verify(public_key: str, signature: str, data: bytes) -> bool:
    try:
        parse_public_key(public_key).verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError, ApprovalError):
        return False
    return True


# ---- the approvers list as a signed log -------------------------------------------------------


class ApproverChange(BaseModel):
    """One signed change to the practice's approvers: add or remove one approver."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["discovery.approver-change/1"] = CHANGE_KIND
    action: Literal["add", "remove"]
    name: str = Field(min_length=1, max_length=300)
    role: str = Field(min_length=1, max_length=100)
    public_key: str = Field(min_length=1, max_length=200)
    valid_from: date | None = None
    valid_to: date | None = None
    signer_key: str = Field(min_length=1, max_length=200)
    signed_at: AwareDatetime
    previous: str = Field(default="", max_length=64)  # digest of the last counting entry ("" for none)
    signature: str = Field(default="", max_length=200)

    def signed_bytes(self) -> bytes:
        """What the signature covers: every field but the signature itself."""
        return _canonical(self.model_dump(mode="json", exclude={"signature"}))

    def digest(self) -> str:
        """The hash the next entry links to (covers the signature too)."""
        return hashlib.sha256(_canonical(self.model_dump(mode="json"))).hexdigest()

    def approver(self) -> Approver:
        return Approver(name=self.name, role=self.role, public_key=self.public_key, valid_from=self.valid_from,
                        valid_to=self.valid_to)


def sign_change(change: ApproverChange, key: Ed25519PrivateKey) -> ApproverChange:
    """``change`` signed by ``key`` (its ``signer_key`` set to ``key``'s public key)."""
    change = change.model_copy(update={"signer_key": public_key_text(key.public_key()), "signature": ""})
    return change.model_copy(update={"signature": base64.b64encode(key.sign(change.signed_bytes())).decode("ascii")})


@dataclass(frozen=True)
class LogEntry:
    """One entry of the log as replayed: whether it counts and, if not, why (a sentence)."""

    index: int
    change: ApproverChange | None  # None: the entry does not read
    counts: bool
    reason: str = ""
    signer: str = ""  # the signer's name when known


@dataclass(frozen=True)
class Listed:
    """One line of ``approver list``: an approver, whether they count, where they come from."""

    approver: Approver
    counts: bool
    source: Literal["log", "forms", "settings"]
    reason: str = ""


@dataclass
class Replay:
    """The approvers that count after replaying the log, and what each entry did."""

    approvers: list[Approver] = field(default_factory=list)
    roots: list[Approver] = field(default_factory=list)
    entries: list[LogEntry] = field(default_factory=list)
    last_digest: str = ""

    @property
    def counting(self) -> list[Approver]:
        """Everyone who counts: the roots and the approvers the log lists."""
        out = list(self.roots)
        out += [a for a in self.approvers if a.public_key not in {r.public_key for r in out}]
        return out

    def not_counted(self) -> list[Listed]:
        """The approvers named by log entries that do not count (added, never effective)."""
        out: list[Listed] = []
        listed = {a.public_key for a in self.counting}
        for e in self.entries:
            if e.counts or e.change is None or e.change.action != "add" or e.change.public_key in listed:
                continue
            try:
                out.append(Listed(e.change.approver(), False, "log", e.reason))
            except ValidationError:
                continue
        return out


def _rank(levels: Sequence[Level], role: str) -> Decimal | None:
    return role_ceiling(levels, role) if levels else None


def may_change(levels: Sequence[Level], signer_role: str, role: str) -> bool:
    """May an approver in ``signer_role`` add or remove one in ``role``? Not a higher role than
    their own under the approval matrix; any role where the matrix ranks neither."""
    mine, theirs = _rank(levels, signer_role), _rank(levels, role)
    if theirs is None:
        return True
    return mine is not None and mine >= theirs


def _role_words(role: str) -> str:
    text = role.replace("_", " ").strip()
    return text.upper() if len(text) <= 3 else text


def replay(entries: Iterable[Any], *, roots: Sequence[Approver] = (), levels: Sequence[Level] = ()) -> Replay:
    """Replay the stored log (raw JSON entries, read leniently) into the approvers that count."""
    out = Replay(roots=list(roots))
    current: list[Approver] = []
    started = False
    for i, raw in enumerate(entries if isinstance(entries, list) else []):
        try:
            change = ApproverChange.model_validate(raw)
            change.approver()
        except ValidationError:
            out.entries.append(LogEntry(i, None, False, "The entry does not read as a signed change."))
            continue
        problem, signer = _judge(change, out, current, started, levels)
        if problem:
            out.entries.append(LogEntry(i, change, False, problem, signer))
            continue
        started = True
        who = change.approver()
        if change.action == "add":
            current.append(who)
        else:
            current = [a for a in current if a.public_key != who.public_key]
        out.approvers = list(current)
        out.last_digest = change.digest()
        out.entries.append(LogEntry(i, change, True, "", signer))
    return out


def _judge(change: ApproverChange, state: Replay, current: list[Approver], started: bool,
           levels: Sequence[Level]) -> tuple[str, str]:
    """Why ``change`` does not count ("" when it does), and the signer's name."""
    if not _verify(change.signer_key, change.signature, change.signed_bytes()):
        return ("The signature does not match the entry: it was changed after it was signed, or never signed "
                "with an approver's key.", "")
    if change.previous != state.last_digest:
        return ("The entry does not follow the last entry that counts: entries were changed, removed or added "
                "in between.", "")
    day = change.signed_at.date()
    pool = [*state.roots, *current]
    signer = next((a for a in pool if a.public_key == change.signer_key and a.valid_on(day)), None)
    target = change.public_key.strip()
    if signer is None:
        first_use = (not started and not state.roots and change.action == "add"
                     and change.signer_key == target and change.approver().valid_on(day))
        if not first_use:
            if not started and state.roots:
                return ("Only an approver listed in the form package (approvers.yaml) can start the list; "
                        f"key {fingerprint(change.signer_key)} is not one of them.", "")
            return (f"It was signed with key {fingerprint(change.signer_key)}, which is not the key of an approver "
                    f"who counts on {day.isoformat()}.", "")
        signer_name = change.name
    else:
        signer_name = signer.name
        if not may_change(levels, signer.role, change.role):
            return (f"{signer.name} is {_role_words(signer.role)} and cannot add or remove a "
                    f"{_role_words(change.role)}.", signer_name)
    listed = any(a.public_key == target for a in current)
    if change.action == "add":
        if listed or any(r.public_key == target for r in state.roots):
            return f"Key {fingerprint(target)} is already listed.", signer_name
        return "", signer_name
    if any(r.public_key == target for r in state.roots):
        return "The approver is listed in the form package; remove them there.", signer_name
    if not listed:
        return f"Key {fingerprint(target)} is not listed; there is nothing to remove.", signer_name
    return "", signer_name


def new_change(action: Literal["add", "remove"], approver: Approver, *, key: Ed25519PrivateKey, at: datetime,
               after: Replay) -> ApproverChange:
    """A signed change linked to the last counting entry of ``after``."""
    change = ApproverChange(action=action, name=approver.name, role=approver.role, public_key=approver.public_key,
                            valid_from=approver.valid_from, valid_to=approver.valid_to,
                            signer_key=public_key_text(key.public_key()), signed_at=at, previous=after.last_digest)
    return sign_change(change, key)


def listing(log: Replay, settings_entries: Sequence[Approver]) -> list[Listed]:
    """Every approver ``approver list`` shows: the roots, the log's approvers, then those that
    do not count (unendorsed log entries, entries written straight into the settings)."""
    out = [Listed(a, True, "forms") for a in log.roots]
    out += [Listed(a, True, "log") for a in log.approvers if a.public_key not in {r.public_key for r in log.roots}]
    seen = {x.approver.public_key for x in out}
    for x in log.not_counted():
        if x.approver.public_key not in seen:
            out.append(x)
            seen.add(x.approver.public_key)
    for a in settings_entries:
        if a.public_key not in seen:
            out.append(Listed(a, False, "settings", "Written straight into the settings, not added by a signed "
                                                    "change of an approver: it approves nothing."))
            seen.add(a.public_key)
    return out


# ---- breaking a checkout ----------------------------------------------------------------------


class CheckoutBreak(BaseModel):
    """A manager's signed statement that they broke a checkout."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["discovery.checkout-break/1"] = BREAK_KIND
    engagement_uid: str = Field(min_length=1, max_length=40)
    checkout: str = Field(min_length=1, max_length=64)  # the checkout's token
    holder: str = Field(max_length=300)  # who had it checked out
    place: str = Field(default="", max_length=1000)  # to which laptop store
    broken_at: AwareDatetime
    broken_by: str = Field(default="", max_length=300)  # the approver's name as listed
    role: str = Field(default="", max_length=100)
    signer_key: str = Field(min_length=1, max_length=200)
    signature: str = Field(default="", max_length=200)

    def signed_bytes(self) -> bytes:
        return _canonical(self.model_dump(mode="json", exclude={"signature"}))


def sign_break(record: CheckoutBreak, key: Ed25519PrivateKey) -> CheckoutBreak:
    record = record.model_copy(update={"signer_key": public_key_text(key.public_key()), "signature": ""})
    return record.model_copy(update={"signature": base64.b64encode(key.sign(record.signed_bytes())).decode("ascii")})


def check_break(record: CheckoutBreak, approvers: Sequence[Approver]) -> str:
    """Why a break record does not hold ("" when it does): a valid signature by an approver who
    counts, valid on the day of the break."""
    if not _verify(record.signer_key, record.signature, record.signed_bytes()):
        return "The signature does not match the break record: it was changed after it was signed."
    day = record.broken_at.date()
    if not any(a.public_key == record.signer_key and a.valid_on(day) for a in approvers):
        return (f"Key {fingerprint(record.signer_key)} is not the key of an approver who counts on "
                f"{day.isoformat()}.")
    return ""


def break_words(record: CheckoutBreak, problem: str) -> str:
    """Who broke a checkout and whether their signed record holds, in one sentence."""
    from .checkout import moment

    role = record.role.replace("_", " ")
    role = role.upper() if len(role) <= 3 else role
    state = f"the signed record does not hold: {problem}" if problem else "signed, verified."
    return f"Broken by {record.broken_by} ({role}) at {moment(record.broken_at)}: {state}"


def manager(approvers: Sequence[Approver], key: Ed25519PrivateKey, day: date) -> Approver | None:
    """The counting approver (a manager: every approver's role is in the approval matrix) who
    holds ``key``, valid on ``day``."""
    text = public_key_text(key.public_key())
    return next((a for a in approvers if a.public_key == text and a.valid_on(day)), None)


__all__ = [
    "BREAKS_PREFIX", "BREAK_KIND", "CHANGES_KEY", "CHANGE_KIND", "ApproverChange", "CheckoutBreak", "Listed",
    "LogEntry", "Replay", "break_words", "check_break", "listing", "manager", "may_change", "new_change", "replay",
    "sign_break", "sign_change",
]

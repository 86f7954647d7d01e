"""Laptops that go offline: an engagement checked out of the shared store and checked back in.

The rules live here, with no storage: which sections an engagement is compared in, the
fingerprint of each section (taken at checkout, so a check-in can tell who changed what since),
the comparison of the shared copy with the laptop copy section by section, and the merge of the
two by a choice per section. Nothing is overwritten without a choice: a section both sides
changed differently (or any differing section after the checkout was broken) must be chosen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .engagement import Engagement


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    fields: tuple[str, ...]


#: The sections a check-in compares and chooses between, in the order a consultant works. Every
#: field of an engagement but its identity (id, uid, created_at, updated_at) is in exactly one.
SECTIONS: tuple[Section, ...] = (
    Section("client", "Client and engagement details",
            ("client_name", "status", "consultant", "internal_it_owner", "industry", "discovery_date", "notes",
             "archived", "form_id", "form_version", "form_hash", "baseline_of", "proposal_sha256",
             "proposal_fingerprint", "proposal_issued_on", "to_confirm", "sites", "contacts")),
    Section("answers", "Interview answers", ("answers", "client_answers")),
    Section("inventory", "Inventory", ("inventory",)),
    Section("standards", "Standards", ("standards",)),
    Section("risks", "Risks", ("risks", "dismissed_suggestions", "risk_acceptances")),
    Section("remediation", "Remediation plan and roadmap", ("remediation", "roadmap_quarters")),
    Section("responsibilities", "Responsibilities", ("responsibilities",)),
    Section("pricing", "Pricing, options and discount approvals", ("pricing", "options", "discount_approvals",
                                                                      "signed_approvals")),
    Section("attachments", "Attachments and photos", ("attachments",)),
    Section("time", "Time log", ("time_log",)),
    Section("acceptance", "Acceptance and change orders", ("acceptance", "change_orders")),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)
IDENTITY = frozenset({"id", "uid", "created_at", "updated_at"})


class Side(StrEnum):
    LAPTOP = "laptop"
    SHARED = "shared"


def section(key: str) -> Section:
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(key)


def fingerprints(eng: Engagement) -> dict[str, str]:
    """Section key -> SHA-256 of the section's content (what a check-in compares). Pydantic's own
    JSON writer: fields in declaration order, about 5x faster than dumping to Python then JSON
    (20,000 inventory items)."""
    return {s.key: hashlib.sha256(eng.model_dump_json(include=set(s.fields)).encode("utf-8")).hexdigest()
            for s in SECTIONS}


# ---- what differs -----------------------------------------------------------------------------

_KEYS = ("uid", "question_id", "category_id", "function_id", "key", "number")
_NAMES = ("title", "name", "file_name", "question_id", "category_id", "key")


def _record_key(rec: Any, i: int) -> object:
    for k in _KEYS:
        v = getattr(rec, k, None)
        if v is not None:
            return (k, v)
    return ("position", i)


def _record_name(rec: Any, names: Mapping[str, str]) -> str:
    for k in _NAMES:
        v = getattr(rec, k, None)
        if v:
            return names.get(str(v), str(v)) if k in ("question_id", "category_id") else str(v)
    return ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _list_lines(label: str, shared: Sequence[Any], laptop: Sequence[Any], names: Mapping[str, str]) -> list[str]:
    a = {_record_key(r, i): r for i, r in enumerate(shared)}
    b = {_record_key(r, i): r for i, r in enumerate(laptop)}
    added = [b[k] for k in b if k not in a]
    removed = [a[k] for k in a if k not in b]
    changed = [b[k] for k in b if k in a and a[k] != b[k]]
    if not (added or removed or changed):
        return [f"{label}: the order differs"] if list(shared) != list(laptop) else []
    parts = []
    for what, recs in (("only on the laptop", added), ("only in the shared store", removed),
                       ("different", changed)):
        if recs:
            shown = [n for n in (_record_name(r, names) for r in recs[:3]) if n]
            more = f", +{len(recs) - 3} more" if len(recs) > 3 else ""
            parts.append(f"{len(recs)} {what}" + (f" ({', '.join(shown)}{more})" if shown else ""))
    return [f"{label}: " + "; ".join(parts)]


_LABELS = {"answers": "answer", "client_answers": "client pre-work answer", "time_log": "time entry",
           "roadmap_quarters": "roadmap placement", "dismissed_suggestions": "dismissed suggestion",
           "risk_acceptances": "risk acceptance", "discount_approvals": "discount approval",
           "signed_approvals": "signed discount approval",
           "change_orders": "change order", "inventory": "inventory item", "standards": "standard",
           "remediation": "remediation task", "responsibilities": "responsibility", "options": "pricing option",
           "attachments": "attachment", "risks": "risk", "sites": "site", "contacts": "contact"}


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(no answer)"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _answer_lines(shared: Engagement, laptop: Engagement, names: Mapping[str, str]) -> list[str]:
    a, b = shared.answer_values(), laptop.answer_values()
    changed = [q for q in dict.fromkeys([*a, *b]) if a.get(q) != b.get(q)]
    lines = [f"“{names.get(q, q)}”: here {_value(a.get(q))}; on the laptop {_value(b.get(q))}" for q in changed[:6]]
    if len(changed) > 6:
        lines.append(f"… and {len(changed) - 6} more answers")
    if not changed:  # only notes or who-said-it differ
        lines += _list_lines("Answers", shared.answers, laptop.answers, names)
    return lines


def differences(shared: Engagement, laptop: Engagement, sec: Section,
                names: Mapping[str, str] | None = None) -> list[str]:
    """The differences of one section between the shared copy and the laptop copy, in words;
    ``names``: question and standards-category ids -> what the form calls them."""
    names = names or {}
    lines: list[str] = []
    changed_fields: list[str] = []
    for name in sec.fields:
        a, b = getattr(shared, name), getattr(laptop, name)
        if a == b:
            continue
        if name == "answers":
            lines += _answer_lines(shared, laptop, names)
        elif isinstance(a, list) and isinstance(b, list):
            lines += _list_lines(_LABELS.get(name, name).capitalize() + "s", a, b, names)
        else:
            changed_fields.append(name.replace("_", " "))
    if changed_fields:
        lines.insert(0, f"Changed: {', '.join(changed_fields)}")
    return lines


@dataclass(frozen=True)
class SectionDiff:
    section: Section
    #: changed since checkout on each side (compared with the fingerprint taken at checkout)
    laptop_changed: bool
    shared_changed: bool
    #: the two copies differ now
    differs: bool
    lines: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def label(self) -> str:
        return self.section.label

    def default(self, broken: bool) -> Side | None:
        """The side a check-in takes without being told, or None when it needs a choice."""
        if not self.differs:
            return Side.SHARED
        if broken:  # the checkout was broken: nothing of the laptop's comes back without a choice
            return None
        if self.laptop_changed and not self.shared_changed:
            return Side.LAPTOP
        if self.shared_changed and not self.laptop_changed:
            return Side.SHARED
        return None


@dataclass(frozen=True)
class CheckinPlan:
    """What a check-in would do: each section compared, and which need a choice."""

    sections: tuple[SectionDiff, ...]
    #: the shared copy is untouched since checkout and the checkout still active: the laptop copy replaces it
    fast: bool
    broken: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def differing(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.differs]

    def needing_choice(self) -> list[SectionDiff]:
        if self.fast:
            return []
        return [s for s in self.sections if s.default(self.broken) is None]

    def resolve(self, choices: Mapping[str, Side]) -> dict[str, Side]:
        """The side of every section: the choice given, else the default; raises KeyError for a
        section that needs a choice and has none (its key)."""
        out: dict[str, Side] = {}
        for s in self.sections:
            side = choices.get(s.key) or (Side.LAPTOP if self.fast else s.default(self.broken))
            if side is None:
                raise KeyError(s.key)
            out[s.key] = side
        return out


def plan(base: Mapping[str, str] | None, shared: Engagement, laptop: Engagement, *, fast: bool,
         broken: bool = False, names: Mapping[str, str] | None = None) -> CheckinPlan:
    """Compare the shared copy with the laptop copy, section by section, against the checkout's
    fingerprints ``base`` (a section missing from it counts as changed on both sides)."""
    base = base or {}
    now_shared, now_laptop = fingerprints(shared), fingerprints(laptop)
    out = []
    for s in SECTIONS:
        differs = now_shared[s.key] != now_laptop[s.key]
        out.append(SectionDiff(
            s, laptop_changed=base.get(s.key) != now_laptop[s.key], shared_changed=base.get(s.key) != now_shared[s.key],
            differs=differs, lines=tuple(differences(shared, laptop, s, names)) if differs else ()))
    return CheckinPlan(tuple(out), fast=fast, broken=broken)


def merge(shared: Engagement, laptop: Engagement, sides: Mapping[str, Side]) -> Engagement:
    """The engagement a check-in writes: the shared copy's identity, each section from its side
    (both copies are valid engagements, so their records are taken as they are)."""
    update = {name: getattr(laptop, name) for s in SECTIONS if sides.get(s.key) is Side.LAPTOP for name in s.fields}
    return shared.model_copy(update=update)


def parse_choices(items: Sequence[str], take: str | None) -> dict[str, Side]:
    """``--section risks=laptop`` items and ``--take laptop|shared`` as a choice per section;
    raises ValueError in words for an unknown section or side."""
    def side(text: str, where: str) -> Side:
        try:
            return Side(text.strip().lower())
        except ValueError:
            raise ValueError(f"{where}: {text!r} is neither 'laptop' nor 'shared'.") from None

    out: dict[str, Side] = {}
    if take:
        out = dict.fromkeys(SECTION_KEYS, side(take, "--take"))
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in SECTION_KEYS:
            raise ValueError(f"--section {item!r}: write SECTION=laptop or SECTION=shared, SECTION one of "
                             f"{', '.join(SECTION_KEYS)}.")
        out[key] = side(value, f"--section {key}")
    return out


# ---- messages -----------------------------------------------------------------------------------

def moment(at: datetime) -> str:
    return f"{at.astimezone():%Y-%m-%d %H:%M}"


def checked_out_message(client: str, who: str, at: datetime, place: str) -> str:
    """The sentence every refused edit of a checked-out engagement gives."""
    return (f"{client} is checked out to a laptop by {who} since {moment(at)} ({place}); it is read-only here "
            "until it is checked in (discovery-app checkin) or a manager breaks the checkout.")


def returned_message(client: str, how: str, who: str, at: datetime) -> str:
    """The sentence every refused edit of a laptop copy that went back (or was given up) gives."""
    if how == "broken":
        return (f"This copy of {client} is no longer checked out: the checkout was broken by {who} at "
                f"{moment(at)}. Check it in to bring your changes back section by section; it is not edited here.")
    return (f"This copy of {client} was checked in to the shared store by {who} at {moment(at)}; it is "
            "read-only here. Check it out again to work on it offline.")


def break_warning(client: str, who: str, at: datetime, place: str) -> str:
    """What breaking a checkout loses, said before it is done."""
    return (f"{client} was checked out by {who} at {moment(at)} to {place}. Breaking the checkout makes it "
            "editable here again; every change made on that laptop since then and not yet checked in will "
            "no longer come back by itself: a later check-in from that laptop must choose, section by "
            "section, what to keep.")


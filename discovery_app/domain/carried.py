"""Records a re-assessment carried over from its baseline, "from the baseline, to confirm".

A re-assessment (:func:`~discovery_app.domain.baseline.reassess`) starts with the baseline's
answers, inventory, standards and risks, each keyed in the engagement's ``to_confirm`` as
``"<kind>:<key>"`` (``answer:<question id>``, ``inventory:<uid>``, ``standard:<category id>``,
``risk:<uid>``, ``acceptance:<risk uid>``). The consultant re-checks each and confirms it (one by one, or all of a page);
this module is the one place that reads those keys: which records are still to confirm, how
they are counted and worded. A key whose record has since been removed no longer counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .engagement import Engagement
from .forms import FormPackage
from .wording import count


class Kind(StrEnum):
    ANSWER = "answer"
    INVENTORY = "inventory"
    STANDARD = "standard"
    RISK = "risk"
    ACCEPTANCE = "acceptance"  # a risk acceptance, keyed by its risk's uid


#: The noun of one record of each kind (the plural by :func:`~discovery_app.domain.wording.count`).
NOUNS = {Kind.ANSWER: "answer", Kind.INVENTORY: "inventory record", Kind.STANDARD: "standard",
         Kind.RISK: "risk", Kind.ACCEPTANCE: "risk acceptance"}
#: What the pages and documents call a carried record.
MARK = "From the baseline, to confirm"


class CarriedError(ValueError):
    """A key that names no carried record."""


def key(kind: Kind | str, record: str) -> str:
    return f"{Kind(kind).value}:{record}"


def split(k: str) -> tuple[Kind, str]:
    kind, sep, record = k.partition(":")
    try:
        return Kind(kind), record
    except ValueError:
        raise CarriedError(f"“{k}” names no carried record (write answer:, inventory:, standard: or risk: "
                           "and the record)") from None


def _present(eng: Engagement, kind: Kind) -> set[str]:
    if kind is Kind.ANSWER:
        return {a.question_id for a in eng.answers}
    if kind is Kind.INVENTORY:
        return {i.uid for i in eng.inventory}
    if kind is Kind.STANDARD:
        return {s.category_id for s in eng.standards}
    if kind is Kind.RISK:
        return {r.uid for r in eng.risks}
    return {a.risk_uid for a in eng.risk_acceptances}


@dataclass(frozen=True)
class Carried:
    """The records of one engagement still to confirm, by kind (record keys, in carried order)."""

    by_kind: dict[Kind, tuple[str, ...]]

    def of(self, kind: Kind) -> tuple[str, ...]:
        return self.by_kind.get(kind, ())

    def keys(self) -> list[str]:
        return [key(kind, r) for kind in Kind for r in self.of(kind)]

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.by_kind.values())

    def words(self) -> str:
        """"12 answers, 3 risks" (the kinds there are), or "nothing"."""
        parts = [count(len(self.of(k)), NOUNS[k]) for k in Kind if self.of(k)]
        return ", ".join(parts) if parts else "nothing"


def still_to_confirm(eng: Engagement, *, inventory_loaded: bool = True) -> Carried:
    """What of ``eng`` is still marked "from the baseline, to confirm". A mark whose record was
    removed since does not count. ``inventory_loaded=False``: ``eng`` was read without its
    inventory records (an assessment's basis), so inventory marks are taken as they are."""
    out: dict[Kind, list[str]] = {k: [] for k in Kind}
    present = {k: _present(eng, k) for k in Kind if k is not Kind.INVENTORY or inventory_loaded}
    for k in eng.to_confirm:
        try:
            kind, record = split(k)
        except CarriedError:
            continue
        if kind in present and record not in present[kind]:
            continue
        out[kind].append(record)
    return Carried({k: tuple(v) for k, v in out.items() if v})


def labels(eng: Engagement, form: FormPackage) -> dict[str, str]:
    """Each carried key of ``eng`` still to confirm -> what it is, in words ("Risk: RDP exposed")."""
    questions = form.questionnaire
    names = {c.id: c.name for c in form.standards}
    inventory = {i.uid: i.name for i in eng.inventory}
    risks = {r.uid: r.title for r in eng.risks}
    out = {}
    for k in still_to_confirm(eng).keys():
        kind, record = split(k)
        if kind is Kind.ANSWER:
            q = questions.question(record)
            out[k] = f"Answer: {q.label if q else record}"
        elif kind is Kind.INVENTORY:
            out[k] = f"Inventory: {inventory.get(record, record)}"
        elif kind is Kind.STANDARD:
            out[k] = f"Standard: {names.get(record, record)}"
        elif kind is Kind.RISK:
            out[k] = f"Risk: {risks.get(record, record)}"
        else:
            out[k] = f"Risk acceptance: {risks.get(record, record)}"
    return out


def after_confirming(to_confirm: Sequence[str], keys: Iterable[str] | None) -> list[str]:
    """``to_confirm`` once ``keys`` are confirmed (None: every one). Refuses a key that is not
    waiting, so a typing mistake on the command line is not taken as done."""
    if keys is None:
        return []
    wanted = list(dict.fromkeys(keys))
    for k in wanted:
        split(k)
        if k not in to_confirm:
            raise CarriedError(f"{k} is not waiting to be confirmed (confirmed already, or not carried over)")
    gone = set(wanted)
    return [k for k in to_confirm if k not in gone]

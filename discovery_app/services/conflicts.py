"""Edits made elsewhere: what a window must reload, and a refused save said in words.

One store can be open in a window and written by a command (``--force-while-open``), and in team
mode by a colleague. :mod:`discovery_app.storage.revisions` refuses a write made against a stale
picture; :class:`Changes` lets a window follow what others changed, and :func:`conflict_words`
names a clash the way the consultant sees it ("Recovery time objective", "the risk "No MFA"").
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain import locale_text
from ..storage import repository as repo
from ..storage import revisions
from .base import Core, Feature

log = logging.getLogger(__name__)

#: Collections and their words, for a change to the whole collection or to one unnamed record.
_COLLECTIONS = {
    "answers": "an interview answer", "sites": "the sites", "contacts": "the contacts",
    "inventory": "the inventory", "standards": "the standards assessment", "risks": "the risks",
    "remediation": "the remediation plan", "responsibilities": "who does what",
    "discount_approvals": "the discount approvals", "signed_approvals": "the signed discount approvals",
    "attachments": "the attachments",
    "time_log": "the discovery timer", "pricing": "the pricing inputs", "header": "the engagement details",
    "client_answers": "the client's pre-work answers to confirm",
    "dismissed_suggestions": "the dismissed suggested findings",
    "options": "the proposal's options", "risk_acceptances": "the accepted risks",
    "roadmap_quarters": "the roadmap", "change_orders": "the change orders",
    "engagement": "the engagement",
}
_PLURAL = {"the sites", "the contacts", "the risks", "the pricing inputs", "the discount approvals",
           "the signed discount approvals",
           "the attachments", "the client's pre-work answers to confirm", "the dismissed suggested findings",
           "the proposal's options", "the accepted risks", "the change orders"}
_HEADER_FIELDS = {"client_name": "the client name", "status": "the status", "consultant": "the consultant",
                  "internal_it_owner": "the internal IT owner", "industry": "the industry",
                  "discovery_date": "the discovery date", "notes": "the engagement notes",
                  "archived": "whether it is archived"}
#: The name field of a record, by collection, for "the risk "No MFA"".
_NAMED = {"risks": ("the risk", "title"), "inventory": ("the inventory item", "name"),
          "sites": ("the site", "name"), "contacts": ("the contact", "name"),
          "remediation": ("the remediation item", "title"), "attachments": ("the attachment", "file_name")}


def what_changed(core: Core, eid: int, target: str, key: str) -> str:
    """``target``/``key`` of a change in the consultant's words."""
    if key == revisions.ALL or target not in ("answers", "header", "standards", *_NAMED):
        return _COLLECTIONS.get(target, f"the {target.replace('_', ' ')}")
    try:
        if target == "answers":
            question = core.form_of(core.header(eid)).questionnaire.question(key)
            return f"the answer to “{question.label}”" if question else "an interview answer"
        if target == "header":
            return _HEADER_FIELDS.get(key, "the engagement details")
        if target == "standards":
            return "the standards assessment"
        noun, field = _NAMED[target]
        row = repo.child(core.store, eid, target, key)
        name = str(row.get(field) or "") if row else ""
        return f"{noun} “{name}”" if name else noun
    except Exception:  # words for a message are never worth a second error
        log.warning("could not name a changed %s", target, exc_info=True)
        return _COLLECTIONS.get(target, "the engagement")


def conflict_words(core: Core, eid: int, changes: Sequence[revisions.Change]) -> str:
    """The message of a refused save: what was changed, by whom, when, and what happens now."""
    last = changes[-1]
    what = what_changed(core, eid, last.target, last.key)
    when = locale_text.format_moment(last.at, None)
    who = last.who or "another program"
    verb = "were" if what in _PLURAL else "was"
    return (f"{what[0].upper()}{what[1:]} {verb} changed by {who} at {when} (in another Discovery window or "
            "by a command) after this page showed it, so your change was not saved. The page now shows "
            "what is stored; make your change again if it still applies.")


#: The target of :class:`OutsideChanges` when the engagement itself is gone.
DELETED = "deleted"


@dataclass(frozen=True)
class OutsideChanges:
    """What other windows or programs changed since this store's picture: the collections to
    reload (``targets``), the words for the status bar, and the revision reached."""

    revision: int
    targets: frozenset[str]
    summary: str
    changes: tuple[revisions.Change, ...]


class Changes(Feature):
    """Following an engagement while others may write it (another window, a command, a restore)."""

    def revision(self, eid: int) -> int | None:
        """The engagement's revision now (None once it is deleted)."""
        with self.store.engine.connect() as conn:
            return revisions.revision_of(conn, eid)

    def picture(self, eid: int) -> int | None:
        """A window (re)read the whole engagement: saves are checked against this revision."""
        rev = self.revision(eid)
        if rev is not None:
            self.store.revisions.seen[eid] = rev
        return rev

    def seen(self, eid: int) -> int | None:
        return self.store.revisions.seen.get(eid)

    def outside(self, eid: int) -> OutsideChanges | None:
        """What others changed since this store's picture of ``eid``; None when nothing did.

        A revision lower than the picture's (a restored backup) counts as a change to everything."""
        base = self.store.revisions.seen.get(eid)
        with self.store.engine.connect() as conn:
            rev = revisions.revision_of(conn, eid)
            if base is None or rev == base:
                return None
            if rev is None:
                return OutsideChanges(base, frozenset({DELETED}), "the engagement was deleted", ())
            if rev < base:
                return OutsideChanges(rev, frozenset({"engagement"}), "the engagement was replaced (a backup was restored)", ())
            changes = revisions.changes_since(conn, eid, base, exclude=self.store.revisions.session)
        if not changes:  # only this store's own writes since the picture
            self.store.revisions.seen[eid] = rev
            return None
        targets = frozenset(c.target for c in changes)
        last = changes[-1]
        words = sorted({what_changed(self.core, eid, c.target, c.key) for c in changes})
        shown = ", ".join(words[:3]) + (f" and {len(words) - 3} more" if len(words) > 3 else "")
        when = locale_text.format_moment(last.at, None)
        summary = f"{last.who or 'another program'} changed {shown} at {when}"
        return OutsideChanges(rev, targets, summary, tuple(changes))

    def fingerprint(self) -> tuple[object, ...]:
        """Something that changes whenever any engagement is added, removed or written (the
        list follows the store with it)."""
        with self.store.engine.connect() as conn:
            return revisions.fingerprint(conn)

    def prune(self) -> None:
        """Drop change-log rows older than any open picture can need (two weeks)."""
        with self.store.engine.begin() as conn:
            revisions.prune(conn)

    def accept(self, eid: int, revision: int) -> None:
        """The window reloaded what changed up to ``revision``: later saves are checked from there."""
        self.store.revisions.seen[eid] = revision

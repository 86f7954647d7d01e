"""Laptops that go offline: check an engagement out of the shared store into a laptop's own store,
and back in.

The service's store is the shared one (``--db``: an SQLite file here, a PostgreSQL server in team
mode); the laptop's store is an SQLite file opened for the length of one call. The copy is the
engagement as the archive carries it (every record, its form snapshot and its attachments' bytes:
:class:`~discovery_app.export.archive` builds from the same three parts), written in one
transaction with a mark on each side: in the shared store "checked out by whom, when, to which
laptop store, at which revision, with each section's fingerprint"; in the laptop's store "a copy
of that engagement, from that checkout". The rules (sections, comparison, merge) are
:mod:`discovery_app.domain.checkout`; the refusal of edits while checked out is in the one write
path (``repository._touch``).

Identity: there is no login yet; "who" is the same "user on host" the revision log records.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from ..domain import approvals as ap
from ..domain import authority
from ..domain import checkout as rules
from ..domain.engagement import Engagement
from ..storage import checkouts as marks
from ..storage import repository as repo
from ..storage import revisions
from ..storage.db import Store, StoreError, open_store
from ..storage.lock import StoreHeld, StoreLock
from .approval_files import Signer, private_key
from .base import Core, Feature, ServiceError
from .library import Library

log = logging.getLogger("discovery_app.services")

Side = rules.Side
Mark = marks.Mark


class ChoicesNeeded(ServiceError):
    """A check-in needs a choice (laptop or shared) for these sections; nothing was written."""

    exit_code = 3

    def __init__(self, message: str, plan: rules.CheckinPlan):
        super().__init__(message)
        self.plan = plan


@dataclass(frozen=True)
class CheckoutDone:
    eid: int  # the engagement in the shared store
    laptop_id: int  # its copy in the laptop's store
    laptop: Path
    mark: Mark
    settings: tuple[str, ...]  # the practice settings cached on the laptop
    library: int = 0  # the practice library's entries the laptop now holds a copy of


@dataclass(frozen=True)
class CheckinPreview:
    eid: int
    client: str
    mark: Mark  # the checkout the laptop copy came from
    plan: rules.CheckinPlan
    #: who broke the checkout (signed) and why that record does not hold ("": it does); None: unsigned
    break_record: tuple[authority.CheckoutBreak, str] | None = None

    @property
    def break_words(self) -> str:
        return authority.break_words(*self.break_record) if self.break_record else ""


@dataclass(frozen=True)
class CheckinDone:
    eid: int
    sides: dict[str, Side]
    #: sections whose laptop version replaced the shared one
    from_laptop: tuple[str, ...]


def _place(store: Store) -> str:
    return store.location


@contextmanager
def laptop_store(path: Path, *, create: bool) -> Iterator[Store]:
    """The laptop's store for one call: created when missing (for a checkout), held against other
    writers, refused in words when it is not a Discovery store."""
    path = Path(path).expanduser().absolute()
    if not create and not path.exists():
        raise ServiceError(f"There is no laptop store at {path}.")
    lock = StoreLock(path, kind="command")
    try:
        lock.acquire()
    except StoreHeld as held:
        who = held.holder.describe() if held.holder else "another Discovery program"
        raise ServiceError(f"The laptop store {path.name} is open in {who}; close it first. Nothing was "
                           "changed.") from held
    except OSError as exc:
        raise ServiceError(f"Cannot use {path} as a laptop store ({exc.strerror}).") from exc
    try:
        try:
            store = open_store(path, backup_dir=path.parent / f"{path.stem}-backups", empty_is_new=True)
        except StoreError as exc:
            raise ServiceError(f"The laptop store cannot be used: {exc}") from exc
        try:
            yield store
        finally:
            store.dispose()
    finally:
        lock.release()


class Checkouts(Feature):
    """Check-out to a laptop, check-in from it, and breaking a checkout."""

    def __init__(self, core: Core, library: Library):
        super().__init__(core)
        self.library = library

    # ---- reading ---------------------------------------------------------------------------

    def active(self) -> dict[int, Mark]:
        """Engagement id -> its active checkout (what the engagement list shows)."""
        return marks.active_marks(self.store)

    def status(self, eid: int) -> Mark | None:
        """The engagement's active checkout, or None."""
        self.core.header(eid)
        mark = marks.latest(self.store, eid, marks.OUT)
        return mark if mark is not None and mark.active else None

    def origin(self, eid: int) -> Mark | None:
        """For a copy in this (laptop) store: the checkout it came from."""
        return marks.latest(self.store, eid, marks.COPY)

    # ---- checking out ----------------------------------------------------------------------

    def check_out(self, eid: int, laptop: Path) -> CheckoutDone:
        """Copy engagement ``eid`` (every record, its form and its attachments) into the laptop's
        store (created if missing), cache the practice's settings and library there, and mark it checked out
        here; from then on it is read-only here until it is checked in or the checkout is broken."""
        head = self.core.header(eid)
        laptop = Path(laptop).expanduser().absolute()
        if self.store.path is not None and laptop == self.store.path.absolute():
            raise ServiceError("The laptop store must be another file than the shared store.")
        current = self.status(eid)
        if current is not None:
            raise ServiceError(f"{head.client_name} is already checked out by {current.who} since "
                               f"{rules.moment(current.at)} ({current.place}). Check it in, or break that checkout first.")
        with self.store.engine.connect() as conn:
            revision = revisions.revision_of(conn, eid)
        assert revision is not None
        eng, form_json, form_title, files = self._parts(eid)
        with laptop_store(laptop, create=True) as there:
            replace = self._earlier_copy(there, eng)
            mark = marks.mark_out(self.store, eid, token=uuid.uuid4().hex, revision=revision, who=self.store.revisions.who,
                                  place=str(laptop), base=rules.fingerprints(eng), uid=eng.uid)
            try:
                laptop_id = marks.insert_copy(there, eng.model_copy(update={"id": None}), form_snapshot_json=form_json,
                                              form_title=form_title, attachment_data=files, mark=mark,
                                              shared_place=_place(self.store), replace=replace)
                settings = marks.copy_settings(self.store, there)
                cached = self.library.cache_on(there)
            except Exception:
                # The copy did not land: the engagement is not checked out after all.
                marks.end_mark(self.store, mark.id, marks.BROKEN, self.store.revisions.who)
                raise
        log.info("engagement %s checked out (copy %s)", eid, laptop_id)
        library = len(self.library.entries()) - len(cached.differing)
        return CheckoutDone(eid, laptop_id, laptop, mark, tuple(settings), library)

    def _parts(self, eid: int) -> tuple[Engagement, str, str, dict[str, bytes]]:
        """What the engagement archive carries: the engagement, its form copy (JSON, title) and its
        attachments' bytes."""
        eng = repo.load_engagement(self.store, eid)
        form_json = repo.form_snapshot(self.store, eng.form_hash)
        return eng, form_json, self.core.form_of(eng).title, repo.attachment_data(self.store, eid)

    @staticmethod
    def _earlier_copy(there: Store, eng: Engagement) -> int | None:
        """The id of an earlier copy of the same engagement in the laptop store that may be
        replaced (it went back); refuses one with unreturned work, or a foreign engagement."""
        for mark, client in marks.copies(there):
            if mark.engagement_uid != eng.uid:
                continue
            if mark.state == marks.ACTIVE:
                raise ServiceError(f"{there.name} already holds a copy of {client} checked out at "
                                   f"{rules.moment(mark.at)} that was not checked in; check it in first "
                                   "(discovery-app checkin). Nothing was changed.")
            return mark.engagement_id
        if repo.uids_in_use(there, [eng.uid]):
            raise ServiceError(f"{there.name} already holds {eng.client_name} as an engagement of its own "
                               "(not a checked-out copy); it is not overwritten. Choose another laptop store.")
        return None

    # ---- checking in -----------------------------------------------------------------------

    def _refuse_not_out(self, eid: int) -> None:
        """Refuse, before the laptop store is opened, to check in an engagement that is not out (a
        checkout that was broken still lets its laptop copy come back, by choice)."""
        head = self.core.header(eid)
        last = marks.latest(self.store, eid, marks.OUT)
        if last is None or last.state == marks.RETURNED:
            when = (f" (it was checked in by {last.ended_by} at {rules.moment(last.ended_at or last.at)})"
                    if last is not None else "")
            raise ServiceError(f"{head.client_name} is not checked out{when}; there is nothing to check in. "
                               "Nothing was changed.")

    def _laptop_copy(self, eid: int, there: Store) -> tuple[Engagement, Mark, Mark]:
        """The laptop's copy of engagement ``eid``, its origin mark and the shared checkout it came from."""
        head = self.core.header(eid)
        found = [(m, c) for m, c in marks.copies(there) if m.engagement_uid == head.uid]
        if not found:
            held = sorted({c for _m, c in marks.copies(there)})
            holds = (f" It holds copies of: {', '.join(held)}." if held
                     else " It holds no checked-out engagement.")
            raise ServiceError(f"{there.name} holds no copy of {head.client_name} (engagement {eid}); it is a "
                               f"laptop copy of a different engagement or none.{holds} Nothing was changed.")
        origin = found[0][0]
        if origin.state == marks.RETURNED:
            raise ServiceError(f"The copy of {head.client_name} in {there.name} was already checked in by "
                               f"{origin.ended_by} at {rules.moment(origin.ended_at or origin.at)}. Nothing was changed.")
        shared = marks.by_token(self.store, eid, origin.token)
        if shared is None:
            raise ServiceError(f"The copy of {head.client_name} in {there.name} comes from another shared "
                               f"store ({origin.place}), not this one. Nothing was changed.")
        current = self.status(eid)
        if shared.state == marks.RETURNED:
            raise ServiceError(f"That checkout of {head.client_name} was already checked in by {shared.ended_by} at "
                               f"{rules.moment(shared.ended_at or shared.at)}. Nothing was changed.")
        if current is not None and current.token != shared.token:
            raise ServiceError(f"{head.client_name} is now checked out again, by {current.who} since "
                               f"{rules.moment(current.at)} to {current.place}; this older laptop copy cannot "
                               "be checked in over it. Nothing was changed.")
        if current is None and shared.state != marks.BROKEN:
            raise ServiceError(f"{head.client_name} is not checked out. Nothing was changed.")
        return repo.load_engagement(there, origin.engagement_id), origin, shared

    def _plan(self, eid: int, laptop_eng: Engagement, shared_mark: Mark) -> tuple[Engagement, rules.CheckinPlan, int]:
        with self.store.engine.connect() as conn:
            revision = revisions.revision_of(conn, eid)
        assert revision is not None
        shared_eng = repo.load_engagement(self.store, eid)
        broken = shared_mark.state == marks.BROKEN
        fast = not broken and revision == shared_mark.revision
        form = self.core.form_of(shared_eng)
        names = {q.id: q.label for q in form.questionnaire.questions()} | {c.id: c.name for c in form.standards}
        return shared_eng, rules.plan(shared_mark.base, shared_eng, laptop_eng, fast=fast, broken=broken,
                                      names=names), revision

    def preview_checkin(self, eid: int, laptop: Path) -> CheckinPreview:
        """What checking the laptop copy in would do, section by section; writes nothing."""
        self._refuse_not_out(eid)
        with laptop_store(laptop, create=False) as there:
            laptop_eng, _origin, shared_mark = self._laptop_copy(eid, there)
            _shared, plan, _rev = self._plan(eid, laptop_eng, shared_mark)
        record = self.break_record(eid) if plan.broken else None
        return CheckinPreview(eid, self.core.header(eid).client_name, shared_mark, plan, record)

    def check_in(self, eid: int, laptop: Path, choices: Mapping[str, Side] | None = None) -> CheckinDone:
        """Bring the laptop copy back. Untouched shared copy: the laptop copy replaces it. Changed
        on both sides (or the checkout was broken): each differing section is taken from the side
        ``choices`` names; a section that needs a choice and has none refuses the whole check-in
        (:class:`ChoicesNeeded`), and nothing is written."""
        choices = dict(choices or {})
        self._refuse_not_out(eid)
        with laptop_store(laptop, create=False) as there:
            laptop_eng, origin, shared_mark = self._laptop_copy(eid, there)
            shared_eng, plan, revision = self._plan(eid, laptop_eng, shared_mark)
            try:
                sides = plan.resolve(choices)
            except KeyError:
                raise ChoicesNeeded(self._choices_message(shared_eng.client_name, plan), plan) from None
            merged = rules.merge(shared_eng, laptop_eng, sides)
            take_laptop = [k for k, side in sides.items() if side is Side.LAPTOP]
            source_store, source_id = (there, origin.engagement_id) if "attachments" in take_laptop else (self.store, eid)
            files = repo.attachment_data(source_store, source_id)
            form_store = there if "client" in take_laptop else self.store
            form_json = repo.form_snapshot(form_store, merged.form_hash)
            marks.replace_engagement(self.store, eid, merged, form_snapshot_json=form_json,
                                     form_title=self._form_title(form_json), attachment_data=files,
                                     end_mark_id=shared_mark.id, who=self.store.revisions.who, expect_revision=revision)
            marks.end_mark(there, origin.id, marks.RETURNED, self.store.revisions.who)
        self.store.revisions.seen.pop(eid, None)  # a window's picture of it is stale
        log.info("engagement %s checked in (%d sections from the laptop)", eid, len(take_laptop))
        differing = {s.key for s in plan.differing}
        return CheckinDone(eid, sides, tuple(k for k in take_laptop if k in differing))

    @staticmethod
    def _form_title(form_json: str) -> str:
        import json

        try:
            return str(json.loads(form_json).get("title", ""))
        except ValueError:
            return ""

    @staticmethod
    def _choices_message(client: str, plan: rules.CheckinPlan) -> str:
        why = ("the checkout was broken, so nothing of the laptop's comes back without a choice"
               if plan.broken else "both the shared copy and the laptop copy changed since the checkout")
        lines = [f"{client} was not checked in: {why}. Choose a side for each of these sections "
                 "(--section NAME=laptop|shared, or --take laptop|shared for all):"]
        for s in plan.needing_choice():
            lines.append(f"  {s.key}: {s.label}")
            lines += [f"      {line}" for line in s.lines]
        lines.append("Nothing was written.")
        return "\n".join(lines)

    # ---- breaking a checkout ---------------------------------------------------------------

    def break_warning(self, eid: int) -> str:
        """What breaking the checkout of ``eid`` loses, in words (refuses one not checked out)."""
        head = self.core.header(eid)
        mark = self.status(eid)
        if mark is None:
            raise ServiceError(f"{head.client_name} is not checked out; there is nothing to break.")
        return rules.break_warning(head.client_name, mark.who, mark.at, mark.place)

    def break_needs_key(self) -> bool:
        """Breaking a checkout needs a manager's key when the practice lists approvers who count."""
        return bool(self.core.approvers())

    def break_checkout(self, eid: int, signer: Signer | None = None) -> Mark:
        """Make the engagement editable here again; the laptop copy can then come back only
        section by section, by choice. When the practice lists approvers, ``signer`` must be the
        key of one who counts (a manager), and the signed break record is kept with the break."""
        self.break_warning(eid)
        mark = self.status(eid)
        assert mark is not None
        who = self.store.revisions.who
        if not self.break_needs_key():
            marks.break_mark(self.store, mark.id, who)
            log.info("checkout of engagement %s broken (no approvers listed: authority not checked)", eid)
            return mark
        if signer is None:
            raise ServiceError("Breaking a checkout needs the key of a manager: an approver the practice lists "
                               "(--key KEY). Nothing was changed.")
        key = private_key(signer)
        now = datetime.now(UTC)
        holder = authority.manager(self.core.approvers(), key, now.date())
        if holder is None:
            raise ServiceError(f"The key {ap.fingerprint(ap.public_key_text(key.public_key()))} is not the key of an "
                               "approver who counts today; only a manager the practice lists can break a checkout. "
                               "Nothing was changed.")
        record = authority.sign_break(authority.CheckoutBreak(
            engagement_uid=mark.engagement_uid, checkout=mark.token, holder=mark.who, place=mark.place,
            broken_at=now, broken_by=holder.name, role=holder.role, signer_key=ap.public_key_text(key.public_key())), key)
        marks.break_mark(self.store, mark.id, who, record_key=authority.BREAKS_PREFIX + mark.token,
                         record=record.model_dump(mode="json"))
        log.info("checkout of engagement %s broken by %s", eid, holder.name)
        return mark

    def break_record(self, eid: int) -> tuple[authority.CheckoutBreak, str] | None:
        """The signed record of the engagement's last broken checkout and why it does not hold
        ("" when it does); None when that checkout was broken without one (or never broken)."""
        self.core.header(eid)
        mark = marks.latest(self.store, eid, marks.OUT)
        if mark is None or mark.state != marks.BROKEN:
            return None
        raw = self.core.setting(authority.BREAKS_PREFIX + mark.token)
        if raw is None:
            return None
        try:
            record = authority.CheckoutBreak.model_validate(raw)
        except ValidationError:
            return None
        problem = authority.check_break(record, self.core.approvers())
        if not problem and (record.checkout != mark.token or record.engagement_uid != mark.engagement_uid):
            problem = "The break record is for another checkout."
        return record, problem

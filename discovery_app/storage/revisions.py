"""Revisions: no write made against a stale picture of an engagement is lost silently.

Every write transaction on an engagement first raises the engagement's ``revision`` by one
(``UPDATE engagement SET revision = revision + 1 WHERE id = ?``: on SQLite this takes the write
lock, on PostgreSQL the row lock, so two writers are serialised before anything is checked), then
looks in ``change_log`` for what *other* open stores changed since the revision this one's
picture was read at (:attr:`Store.seen`). A change to the same record (the same answer, risk,
pricing inputs, item...) refuses the write: the transaction rolls back and :class:`EditConflict`
names what changed, who changed it and when. Otherwise the write goes ahead and logs what it
changed. Plain SQLAlchemy Core, nothing SQLite-specific: team mode's PostgreSQL store reuses it.

The log also tells an open window what to reload (:func:`changes_since`). Rows older than
:data:`KEEP` are dropped when a store opens: by then every picture has been reloaded.
"""

from __future__ import annotations

import getpass
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from .tables import ChangeRow, CheckoutRow, EngagementRow

#: A change-log row is kept this long.
KEEP = timedelta(days=14)
#: The key of a change to a whole collection (a replace, an import): it clashes with every record.
ALL = "*"
#: A write that does not say what it changed: logged (windows reload everything) but clashes with nothing.
UNSPECIFIED = ("engagement", ALL)


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Change:
    """One thing a write changed."""

    revision: int
    target: str
    key: str
    who: str
    at: datetime
    session: str


class EditConflict(Exception):
    """A write was refused: another window or program changed the same thing since this picture
    was read. ``changes`` are the clashing changes, newest last; the message says them in words."""

    def __init__(self, message: str, eid: int, changes: Sequence[Change]):
        super().__init__(message)
        self.eid = eid
        self.changes = list(changes)


def default_words(eid: int, changes: Sequence[Change]) -> str:
    last = changes[-1]
    return (f"{last.target} {last.key} was changed by {last.who} at {last.at.astimezone():%H:%M:%S} "
            "since you opened it; your change was not saved.")


def me() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment
        user = "someone"
    return f"{user} on {socket.gethostname()}"


@dataclass
class Revisions:
    """One open store's side of the check: who it is and what revision each picture was read at."""

    session: str = field(default_factory=lambda: uuid.uuid4().hex)
    who: str = field(default_factory=me)
    #: engagement id -> the revision this store's picture of it was read at
    seen: dict[int, int] = field(default_factory=dict)
    #: Builds the error for a refused write (the services put the record's name in words).
    conflict: Callable[[int, Sequence[Change]], Exception] = field(
        default=lambda eid, changes: EditConflict(default_words(eid, changes), eid, changes))


def clashes(mine: Iterable[tuple[str, str]], theirs: Change) -> bool:
    if (theirs.target, theirs.key) == UNSPECIFIED:
        return False
    return any(target == theirs.target and ALL in (key, theirs.key) or (target, key) == (theirs.target, theirs.key)
               for target, key in mine if (target, key) != UNSPECIFIED)


def touch(conn: sa.Connection, eid: int, revisions: Revisions | None,
          targets: Sequence[tuple[str, str]] = ()) -> int | None:
    """Raise the engagement's revision, refuse a write that clashes, log what it changes.

    Returns the new revision, or None when there is no engagement ``eid``."""
    t = _t(EngagementRow)
    stamp = datetime.now(UTC)
    raise_it = t.update().where(t.c.id == eid).values(updated_at=stamp, revision=t.c.revision + 1)
    if conn.dialect.update_returning:  # one round trip less per save (it counts on a server)
        value = conn.execute(raise_it.returning(t.c.revision)).scalar()
        if value is None:
            return None
        rev = int(value)
    else:  # an SQLite older than 3.35
        if conn.execute(raise_it).rowcount != 1:
            return None
        rev = int(conn.execute(sa.select(t.c.revision).where(t.c.id == eid)).scalar_one())
    targets = list(targets) or [UNSPECIFIED]
    session, who = ("", "") if revisions is None else (revisions.session, revisions.who)
    if revisions is not None:
        base = revisions.seen.get(eid)
        if base is not None:
            clash = [c for c in changes_since(conn, eid, base, exclude=session) if clashes(targets, c)]
            if clash:
                raise revisions.conflict(eid, clash)
    conn.execute(_t(ChangeRow).insert(), [
        {"engagement_id": eid, "revision": rev, "target": target, "key": key[:100], "session": session,
         "who": who, "at": stamp} for target, key in dict.fromkeys(targets)])
    return rev


def changes_since(conn: sa.Connection, eid: int, revision: int, *, exclude: str = "") -> list[Change]:
    """What was changed in engagement ``eid`` after ``revision``, not by session ``exclude``."""
    ct = _t(ChangeRow)
    q = (sa.select(ct.c.revision, ct.c.target, ct.c.key, ct.c.who, ct.c.at, ct.c.session)
         .where(ct.c.engagement_id == eid, ct.c.revision > revision).order_by(ct.c.revision, ct.c.id))
    if exclude:
        q = q.where(ct.c.session != exclude)
    return [Change(*row) for row in conn.execute(q)]


def revision_of(conn: sa.Connection, eid: int) -> int | None:
    t = _t(EngagementRow)
    value = conn.execute(sa.select(t.c.revision).where(t.c.id == eid)).scalar()
    return None if value is None else int(value)


def prune(conn: sa.Connection) -> None:
    ct = _t(ChangeRow)
    conn.execute(ct.delete().where(ct.c.at < datetime.now(UTC) - KEEP))


def fingerprint(conn: sa.Connection) -> tuple[object, ...]:
    """(engagements, newest change, newest logged change, checkouts): moves with every write to
    the store, a checkout to a laptop or its end included."""
    t, ct, kt = _t(EngagementRow), _t(ChangeRow), _t(CheckoutRow)
    count, newest = conn.execute(sa.select(sa.func.count(), sa.func.max(t.c.updated_at))).one()
    logged = conn.execute(sa.select(sa.func.max(ct.c.id))).scalar()
    marks, ended = conn.execute(sa.select(sa.func.max(kt.c.id), sa.func.max(kt.c.ended_at))).one()
    return (count, newest, logged, marks, ended)

"""Checkout marks: an engagement checked out of the shared store, and its copy in a laptop's store.

Plain SQLAlchemy Core on the tables of :mod:`.tables`: it runs on any store the app opens (an
SQLite file or, with team mode, PostgreSQL). Every write of an engagement passes
:func:`refuse_checked_out` (from ``repository._touch``), so a checked-out engagement is read-only in
the shared store for the service, the command line and the GUI alike, and a laptop copy that went
back is read-only on the laptop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..domain.checkout import checked_out_message, returned_message
from ..domain.engagement import Engagement
from .db import Store, StoreError
from .tables import CheckoutRow, EngagementRow, PricingRow, SettingRow

OUT, COPY = "out", "copy"
ACTIVE, RETURNED, BROKEN = "active", "returned", "broken"


class CheckedOut(StoreError):
    """A write to an engagement that is checked out to a laptop (or a laptop copy that went back)."""


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Mark:
    id: int
    engagement_id: int
    token: str
    role: str
    state: str
    engagement_uid: str
    revision: int
    who: str
    at: datetime
    place: str
    base: dict[str, str]
    ended_by: str
    ended_at: datetime | None

    @property
    def active(self) -> bool:
        return self.state == ACTIVE


_COLUMNS = ("id", "engagement_id", "token", "role", "state", "engagement_uid", "revision", "who", "at", "place",
            "base", "ended_by", "ended_at")


def _mark(row: Any) -> Mark:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["base"] = dict(values["base"] or {})
    return Mark(**values)


def _select() -> sa.Select[Any]:
    t = _t(CheckoutRow)
    return sa.select(*[t.c[n] for n in _COLUMNS])


def refuse_checked_out(conn: sa.Connection, eid: int) -> None:
    """Refuse, in the caller's transaction, a write to an engagement checked out to a laptop, or to
    a laptop copy that was checked in (or whose checkout was given up)."""
    t, et = _t(CheckoutRow), _t(EngagementRow)
    row = conn.execute(
        sa.select(t.c.role, t.c.state, t.c.who, t.c.at, t.c.place, t.c.ended_by, t.c.ended_at, et.c.client_name)
        .join(et, et.c.id == t.c.engagement_id)
        .where(t.c.engagement_id == eid, sa.or_(sa.and_(t.c.role == OUT, t.c.state == ACTIVE),
                                                sa.and_(t.c.role == COPY, t.c.state == RETURNED)))
        .order_by(t.c.id.desc())).first()
    if row is None:
        return
    if row.role == OUT:
        raise CheckedOut(checked_out_message(row.client_name, row.who, row.at, row.place))
    raise CheckedOut(returned_message(row.client_name, RETURNED, row.ended_by, row.ended_at or row.at))


def latest(store: Store, eid: int, role: str) -> Mark | None:
    """The newest mark of engagement ``eid`` in this role."""
    t = _t(CheckoutRow)
    with store.engine.connect() as conn:
        row = conn.execute(_select().where(t.c.engagement_id == eid, t.c.role == role)
                           .order_by(t.c.id.desc())).first()
    return None if row is None else _mark(row)


def by_token(store: Store, eid: int, token: str) -> Mark | None:
    t = _t(CheckoutRow)
    with store.engine.connect() as conn:
        row = conn.execute(_select().where(t.c.engagement_id == eid, t.c.role == OUT, t.c.token == token)).first()
    return None if row is None else _mark(row)


def active_marks(store: Store) -> dict[int, Mark]:
    """Engagement id -> its active checkout, for every checked-out engagement (one query)."""
    t = _t(CheckoutRow)
    with store.engine.connect() as conn:
        rows = conn.execute(_select().where(t.c.role == OUT, t.c.state == ACTIVE)).all()
    return {m.engagement_id: m for m in map(_mark, rows)}


def copy_states(store: Store) -> dict[int, str]:
    """Engagement id -> the state of the laptop copy it is ("active": checked out to this store,
    "returned": checked in, read-only here), for every copy in this (laptop) store."""
    t = _t(CheckoutRow)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.engagement_id, t.c.state).where(t.c.role == COPY).order_by(t.c.id)).all()
    return {int(eid): str(state) for eid, state in rows}


def copies(store: Store) -> list[tuple[Mark, str]]:
    """The laptop copies in this store, newest first, with their client's name."""
    t, et = _t(CheckoutRow), _t(EngagementRow)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*[t.c[n] for n in _COLUMNS], et.c.client_name)
                            .join(et, et.c.id == t.c.engagement_id).where(t.c.role == COPY)
                            .order_by(t.c.id.desc())).all()
    return [(_mark(r[:-1]), r[-1]) for r in rows]


def mark_out(store: Store, eid: int, *, token: str, revision: int, who: str, place: str,
             base: Mapping[str, str], uid: str) -> Mark:
    """Mark engagement ``eid`` checked out, unless it already is or changed since ``revision`` was
    read (both checked in the same transaction, so two checkouts cannot both win)."""
    t, et = _t(CheckoutRow), _t(EngagementRow)
    with store.engine.begin() as conn:
        # Take the write lock (SQLite) or the row lock (PostgreSQL) first, without changing anything.
        conn.execute(et.update().where(et.c.id == eid).values(revision=et.c.revision))
        refuse_checked_out(conn, eid)
        current = conn.execute(sa.select(et.c.revision).where(et.c.id == eid)).scalar()
        if current != revision:
            raise StoreError("The engagement changed while it was being copied; nothing was checked out. "
                             "Try again.")
        values = dict(engagement_id=eid, token=token, role=OUT, state=ACTIVE, engagement_uid=uid,
                      revision=revision, who=who, at=datetime.now(UTC), place=place, base=dict(base),
                      ended_by="", ended_at=None)
        new_id = conn.execute(t.insert().values(**values)).inserted_primary_key
        assert new_id is not None
        row = conn.execute(_select().where(t.c.id == new_id[0])).one()
    return _mark(row)


def end(conn: sa.Connection, mark_id: int, state: str, who: str) -> None:
    t = _t(CheckoutRow)
    conn.execute(t.update().where(t.c.id == mark_id).values(state=state, ended_by=who, ended_at=datetime.now(UTC)))


def end_mark(store: Store, mark_id: int, state: str, who: str) -> None:
    with store.engine.begin() as conn:
        end(conn, mark_id, state, who)


def break_mark(store: Store, mark_id: int, who: str, *, record_key: str | None = None,
               record: Any = None) -> None:
    """End a checkout as broken and keep its signed break record (setting ``record_key``) in the
    same transaction: a break is never recorded without its record, nor the other way round."""
    st = _t(SettingRow)
    with store.engine.begin() as conn:
        end(conn, mark_id, BROKEN, who)
        if record_key is not None:
            conn.execute(st.delete().where(st.c.key == record_key))
            conn.execute(st.insert().values(key=record_key, value=record))


def insert_copy(store: Store, eng: Engagement, *, form_snapshot_json: str, form_title: str,
                attachment_data: dict[str, bytes], mark: Mark, shared_place: str, replace: int | None) -> int:
    """Put a checked-out engagement into a laptop's store with its origin mark, in one transaction;
    ``replace``: the id of an earlier copy (already returned) that this one replaces."""
    from . import repository as repo

    with store.engine.begin() as conn:
        if replace is not None:
            conn.execute(_t(EngagementRow).delete().where(_t(EngagementRow).c.id == replace))
        repo.store_form_snapshot(conn, hash=eng.form_hash, form_id=eng.form_id, version=eng.form_version,
                                 title=form_title, content=form_snapshot_json)
        header = eng.model_dump(mode="python", include=set(repo.HEADER_FIELDS) - {"id"})
        inserted = conn.execute(_t(EngagementRow).insert().values(**header)).inserted_primary_key
        assert inserted is not None
        eid = int(inserted[0])
        repo._insert_children(conn, eid, eng, attachment_data)
        conn.execute(_t(CheckoutRow).insert().values(
            engagement_id=eid, token=mark.token, role=COPY, state=ACTIVE, engagement_uid=eng.uid,
            revision=mark.revision, who=mark.who, at=mark.at, place=shared_place, base=mark.base,
            ended_by="", ended_at=None))
    return eid


def replace_engagement(store: Store, eid: int, eng: Engagement, *, form_snapshot_json: str, form_title: str,
                       attachment_data: dict[str, bytes], end_mark_id: int, who: str,
                       expect_revision: int) -> None:
    """Check-in: write ``eng`` over engagement ``eid`` (header, every child, pricing, acceptance)
    and end its checkout, in one transaction; links left dangling by a mixed merge are pruned.
    Refused when the shared copy moved past ``expect_revision`` (what the merge was read at)."""
    from . import repository as repo
    from .tables import CHILD_TABLES, AcceptanceRow

    et = _t(EngagementRow)
    with store.engine.begin() as conn:
        repo._touch(conn, eid, store, [("engagement", "*")], allow_frozen=True, checkin=True)
        if conn.execute(sa.select(et.c.revision).where(et.c.id == eid)).scalar() != expect_revision + 1:
            raise StoreError("The shared copy changed during the check-in; nothing was written. Try again.")
        repo.store_form_snapshot(conn, hash=eng.form_hash, form_id=eng.form_id, version=eng.form_version,
                                 title=form_title, content=form_snapshot_json)
        header = eng.model_dump(mode="python", include=set(repo.HEADER_FIELDS) - {"id", "uid", "created_at",
                                                                                   "updated_at"})
        conn.execute(et.update().where(et.c.id == eid).values(**header))
        models: list[type] = [*CHILD_TABLES.values(), PricingRow, AcceptanceRow]
        for model in models:
            ct = _t(model)
            conn.execute(ct.delete().where(ct.c.engagement_id == eid))
        repo._insert_children(conn, eid, eng, attachment_data)
        repo.prune_links(conn, eid)
        end(conn, end_mark_id, RETURNED, who)


def copy_settings(source: Store, target: Store) -> list[str]:
    """Cache the practice's settings (provider profile, rates, terms, default form, import
    profiles...) in a laptop's store; returns the keys copied."""
    t = _t(SettingRow)
    with source.engine.connect() as conn:
        rows = [dict(key=k, value=v) for k, v in conn.execute(sa.select(t.c.key, t.c.value))]
    with target.engine.begin() as conn:
        if rows:
            conn.execute(t.delete().where(t.c.key.in_([r["key"] for r in rows])))
            conn.execute(t.insert(), rows)
    return [r["key"] for r in rows]

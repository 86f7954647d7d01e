"""Reading and writing engagements: the only SQL in the app.

SQLAlchemy Core throughout: it is several times faster than ORM sessions for the bulk loads and
saves an engagement needs (see shared/PLATFORM.md), and stays portable to PostgreSQL.
Each public function is one transaction: it either happens entirely or not at all.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import SQLModel

from ..domain.baseline import frozen_message
from ..domain.engagement import (
    Acceptance,
    Engagement,
    EngagementHeader,
    InventoryCategory,
    PricingInputs,
)
from . import checkouts, revisions
from .db import Store, StoreError
from .tables import (
    CHILD_TABLES,
    JSON_FIELDS,
    AcceptanceRow,
    AnswerRow,
    AttachmentRow,
    EngagementRow,
    FormSnapshot,
    InventoryRow,
    PricingRow,
    RemediationRow,
    RiskAcceptanceRow,
    RiskRow,
    SettingRow,
)

HEADER_FIELDS = tuple(EngagementHeader.model_fields)


class NotFound(LookupError):
    pass


class EngagementFrozen(StoreError):
    """A write to an accepted engagement, whose proposal state is the signed baseline."""


def now() -> datetime:
    return datetime.now(UTC)


def _t(model: type[SQLModel]) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined]  # SQLModel adds it to table=True classes at run time


def _row_values(table_model: type[SQLModel], record: BaseModel) -> dict[str, Any]:
    """Domain record -> column values: JSON columns get JSON-ready values, the rest Python ones."""
    values = record.model_dump(mode="python")
    json_fields = JSON_FIELDS.get(table_model, frozenset())
    if json_fields:
        as_json = record.model_dump(mode="json", include=set(json_fields))
        values.update(as_json)
    return values


def _columns(table_model: type[SQLModel]) -> list[str]:
    return [c.name for c in _t(table_model).columns if c.name not in ("id", "engagement_id", "position", "data")]


def _header_columns() -> list[sa.Column[Any]]:
    """The engagement's columns the domain model holds (all but the revision)."""
    t = _t(EngagementRow)
    return [t.c[name] for name in HEADER_FIELDS]


# ---- form snapshots -------------------------------------------------------------------------

def store_form_snapshot(conn: sa.Connection, *, hash: str, form_id: str, version: int, title: str, content: str) -> None:
    t = _t(FormSnapshot)
    if conn.execute(sa.select(t.c.hash).where(t.c.hash == hash)).first() is None:
        conn.execute(
            t.insert().values(hash=hash, form_id=form_id, version=version, title=title, content=content, stored_at=now())
        )


def form_snapshot(store: Store, hash: str) -> str:
    t = _t(FormSnapshot)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(t.c.content).where(t.c.hash == hash)).first()
    if row is None:
        raise NotFound(f"form snapshot {hash} is not in the store")
    return row[0]


# ---- engagements ----------------------------------------------------------------------------

def insert_engagement(
    store: Store,
    eng: Engagement,
    *,
    form_snapshot_json: str,
    form_title: str,
    attachment_data: dict[str, bytes] | None = None,
) -> int:
    """Insert a whole engagement with its children and the copy of its form; returns its id."""
    with store.engine.begin() as conn:
        store_form_snapshot(
            conn, hash=eng.form_hash, form_id=eng.form_id, version=eng.form_version,
            title=form_title, content=form_snapshot_json,
        )
        header = eng.model_dump(mode="python", include=set(HEADER_FIELDS) - {"id"})
        inserted = conn.execute(_t(EngagementRow).insert().values(**header)).inserted_primary_key
        assert inserted is not None  # a single-row INSERT always reports its key
        eid = inserted[0]
        _insert_children(conn, eid, eng, attachment_data or {})
    return int(eid)


def _insert_children(conn: sa.Connection, eid: int, eng: Engagement, attachment_data: dict[str, bytes]) -> None:
    for attr, model in CHILD_TABLES.items():
        records = getattr(eng, attr)
        if not records:
            continue
        rows = []
        for i, rec in enumerate(records):
            values = _row_values(model, rec)
            values.update(engagement_id=eid, position=i)
            if model is AttachmentRow:
                values["data"] = attachment_data.get(rec.uid)
            rows.append(values)
        conn.execute(_t(model).insert(), rows)
    pricing = _row_values(PricingRow, eng.pricing)
    conn.execute(_t(PricingRow).insert().values(engagement_id=eid, **pricing))
    if eng.acceptance is not None:
        conn.execute(_t(AcceptanceRow).insert().values(engagement_id=eid, **_row_values(AcceptanceRow, eng.acceptance)))


def load_engagement(store: Store, eid: int, *, skip: Collection[str] = ()) -> Engagement:
    """The engagement with its child records; collections named in ``skip`` are left empty
    (e.g. ``("inventory",)`` for a document that lists no devices)."""
    with store.engine.connect() as conn:
        t = _t(EngagementRow)
        head = conn.execute(sa.select(*_header_columns()).where(t.c.id == eid)).mappings().first()
        if head is None:
            raise NotFound(f"there is no engagement {eid}")
        data: dict[str, Any] = dict(head)
        for attr, model in CHILD_TABLES.items():
            if attr in skip:
                continue
            ct = _t(model)
            names = _columns(model)
            rows = conn.execute(
                sa.select(*[ct.c[name] for name in names])
                .where(ct.c.engagement_id == eid).order_by(ct.c.position, ct.c.id)
            ).all()
            # Plain tuples zipped with the names: RowMapping per row costs ~4x as much at 20,000 rows.
            data[attr] = [dict(zip(names, r, strict=True)) for r in rows]
        data["pricing"] = _pricing_values(conn, eid)
        data["acceptance"] = _acceptance_values(conn, eid)
    return Engagement.model_validate(data)


def _acceptance_values(conn: sa.Connection, eid: int) -> dict[str, Any] | None:
    at = _t(AcceptanceRow)
    row = conn.execute(
        sa.select(*[at.c[n] for n in _columns(AcceptanceRow)]).where(at.c.engagement_id == eid)
    ).mappings().first()
    return dict(row) if row else None


def acceptance(store: Store, eid: int) -> Acceptance | None:
    with store.engine.connect() as conn:
        values = _acceptance_values(conn, eid)
    return Acceptance.model_validate(values) if values else None


def _refuse_frozen(conn: sa.Connection, eid: int) -> None:
    """Every edit of an engagement passes here (through :func:`_touch`): an accepted one is refused,
    in the same transaction, so nothing of the edit is written."""
    at, et = _t(AcceptanceRow), _t(EngagementRow)
    row = conn.execute(sa.select(et.c.client_name, at.c.signed_on, at.c.signed_by, at.c.title, at.c.option,
                                 at.c.proposal_sha256)
                       .join(at, at.c.engagement_id == et.c.id).where(et.c.id == eid)).mappings().first()
    if row is not None:
        acc = Acceptance(option=row["option"], signed_by=row["signed_by"], title=row["title"],
                         signed_on=row["signed_on"], proposal_sha256=row["proposal_sha256"])
        raise EngagementFrozen(frozen_message(row["client_name"], acc))


def record_acceptance(store: Store, eid: int, accepted: Acceptance, status: str,
                      document: tuple[BaseModel, bytes] | None = None) -> None:
    """Freeze the engagement: its acceptance, its status and the signed document, in one transaction."""
    with store.engine.begin() as conn:
        _touch(conn, eid)  # refuses an engagement that is already accepted
        if document is not None:
            record, data = document
            t = _t(AttachmentRow)
            start = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.position), -1))
                                 .where(t.c.engagement_id == eid)).scalar_one() + 1
            conn.execute(t.insert().values(engagement_id=eid, position=start, data=data, **_row_values(AttachmentRow, record)))
        conn.execute(_t(AcceptanceRow).insert().values(engagement_id=eid, **_row_values(AcceptanceRow, accepted)))
        et = _t(EngagementRow)
        conn.execute(et.update().where(et.c.id == eid).values(status=status))


def device_dates(store: Store, eid: int) -> list[tuple[str, date | None, date | None]]:
    """(kind, purchase date, warranty end) of each device: all the roadmap reads of the inventory."""
    t = _t(InventoryRow)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.kind, t.c.purchase_date, t.c.warranty_end)
                            .where(t.c.engagement_id == eid, t.c.category == InventoryCategory.DEVICE.value))
        return [(r[0] or "", r[1], r[2]) for r in rows]


def expired_acceptance_counts(store: Store, today: date) -> dict[int, int]:
    """Engagement id -> how many of its risk acceptances are past their review date (one query)."""
    t = _t(RiskAcceptanceRow)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.engagement_id, sa.func.count()).where(t.c.review_on < today)
                            .group_by(t.c.engagement_id))
        return {int(eid): int(n) for eid, n in rows}


def save_change_orders(store: Store, eid: int, records: Sequence[BaseModel]) -> None:
    """Replace an accepted engagement's change orders: the one record that changes after acceptance."""
    _replace(store, eid, {"change_orders": records}, allow_frozen=True)


def set_delivery_progress(store: Store, eid: int, remediation: Sequence[BaseModel]) -> None:
    """Write what delivery reported (status, actual hours, done date) on an accepted engagement's
    tasks; the caller has checked that nothing else of the tasks changed."""
    _replace(store, eid, {"remediation": remediation}, allow_frozen=True)


def _pricing_values(conn: sa.Connection, eid: int) -> dict[str, Any]:
    pt = _t(PricingRow)
    row = conn.execute(
        sa.select(*[pt.c[n] for n in _columns(PricingRow)]).where(pt.c.engagement_id == eid)
    ).mappings().first()
    return dict(row) if row else PricingInputs().model_dump()


def pricing_inputs(store: Store, eid: int) -> PricingInputs:
    """The engagement's pricing inputs alone."""
    with store.engine.connect() as conn:
        return PricingInputs.model_validate(_pricing_values(conn, eid))


def inventory_kind_counts(store: Store, eid: int) -> dict[tuple[str, str], int]:
    """How many inventory items the engagement has of each (category, kind), counted in SQL."""
    t = _t(InventoryRow)
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.category, t.c.kind, sa.func.count()).where(t.c.engagement_id == eid)
            .group_by(t.c.category, t.c.kind)
        ).all()
    return {(str(category), str(kind or "")): int(n) for category, kind, n in rows}


def child_counts(store: Store, eid: int) -> dict[str, int]:
    """How many devices, risks and remediation items an engagement holds, without loading them."""
    inv, risk, rem = _t(InventoryRow), _t(RiskRow), _t(RemediationRow)
    with store.engine.connect() as conn:
        devices = conn.execute(sa.select(sa.func.count()).select_from(inv).where(
            inv.c.engagement_id == eid, inv.c.category == InventoryCategory.DEVICE.value)).scalar_one()
        risks = conn.execute(sa.select(sa.func.count()).select_from(risk).where(
            risk.c.engagement_id == eid)).scalar_one()
        tasks = conn.execute(sa.select(sa.func.count()).select_from(rem).where(
            rem.c.engagement_id == eid)).scalar_one()
    return {"devices": int(devices), "risks": int(risks), "remediation_items": int(tasks)}


def answer_values(store: Store, eid: int) -> dict[str, Any]:
    return answer_values_by_engagement(store, [eid])[eid]


def header(store: Store, eid: int) -> EngagementHeader | None:
    t = _t(EngagementRow)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(*_header_columns()).where(t.c.id == eid)).mappings().first()
    return None if row is None else EngagementHeader.model_validate(dict(row))


def answer_values_by_engagement(store: Store, eids: Sequence[int]) -> dict[int, dict[str, Any]]:
    t = _t(AnswerRow)
    out: dict[int, dict[str, Any]] = {eid: {} for eid in eids}
    if not eids:
        return out
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.engagement_id, t.c.question_id, t.c.value).where(t.c.engagement_id.in_(list(eids))))
        for eid, qid, value in rows:
            out[eid][qid] = value
    return out


def list_headers(store: Store, *, include_archived: bool = False) -> list[EngagementHeader]:
    t = _t(EngagementRow)
    q = sa.select(*_header_columns()).order_by(t.c.updated_at.desc(), t.c.id.desc())
    if not include_archived:
        q = q.where(t.c.archived.is_(False))
    with store.engine.connect() as conn:
        return [EngagementHeader.model_validate(dict(r)) for r in conn.execute(q).mappings()]


def update_header(store: Store, eid: int, **fields: Any) -> None:
    unknown = set(fields) - set(HEADER_FIELDS) - {"updated_at"}
    if unknown or "id" in fields or "uid" in fields:
        raise ValueError(f"cannot update {sorted(unknown | ({'id', 'uid'} & set(fields)))}")
    t = _t(EngagementRow)
    with store.engine.begin() as conn:
        # Filing an accepted engagement away (or back) is no edit of it.
        _touch(conn, eid, store, [("header", name) for name in fields if name != "updated_at"],
               allow_frozen=not (set(fields) - {"archived", "updated_at"}))
        if fields:
            conn.execute(t.update().where(t.c.id == eid).values(**fields))


def _touch(conn: sa.Connection, eid: int, store: Store | None = None,
           targets: Sequence[tuple[str, str]] = (), *, allow_frozen: bool = False, checkin: bool = False) -> None:
    """First statement of every write to an engagement: refuse it if the engagement is checked out
    to a laptop (unless this write is its ``checkin``) or accepted (frozen; unless
    ``allow_frozen``), raise its revision and, for a ``store``, refuse the write if another one
    changed ``targets`` since this store's picture was read (:mod:`.revisions`); then log what
    this write changes."""
    if not checkin:
        checkouts.refuse_checked_out(conn, eid)
    if not allow_frozen:
        _refuse_frozen(conn, eid)
    if revisions.touch(conn, eid, store.revisions if store is not None else None, targets) is None:
        raise NotFound(f"there is no engagement {eid}")


def set_answer(store: Store, eid: int, question_id: str, value: Any, note: str | None = None,
               header: Mapping[str, Any] | None = None, said_by: str | None = None) -> None:
    """Store one answer (value already normalised to its JSON form); ``None`` with no note and
    nobody named clears it. ``note``/``said_by`` None keep what is stored.

    ``header``: engagement fields that mirror the answer, written in the same transaction."""
    t = _t(AnswerRow)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [("answers", question_id), *(("header", name) for name in header or ())])
        if header:
            unknown = set(header) - set(HEADER_FIELDS)
            if unknown:
                raise ValueError(f"cannot update {sorted(unknown)}")
            conn.execute(_t(EngagementRow).update().where(_t(EngagementRow).c.id == eid).values(**header))
        existing = conn.execute(
            sa.select(t.c.id, t.c.note, t.c.said_by).where(t.c.engagement_id == eid, t.c.question_id == question_id)
        ).first()
        keep_note = note if note is not None else (existing.note if existing else "")
        keep_who = said_by if said_by is not None else (existing.said_by if existing else "")
        if existing is None:
            if value is None and not keep_note and not keep_who:
                return
            pos = conn.execute(sa.select(sa.func.count()).where(t.c.engagement_id == eid)).scalar_one()
            conn.execute(t.insert().values(engagement_id=eid, position=pos, question_id=question_id, value=value,
                                           note=keep_note, said_by=keep_who))
        elif value is None and not keep_note and not keep_who:
            conn.execute(t.delete().where(t.c.id == existing.id))
        else:
            conn.execute(t.update().where(t.c.id == existing.id).values(value=value, note=keep_note, said_by=keep_who))


#: The collections other records link to; replacing or deleting from one prunes the links.
LINKED = frozenset({"inventory", "risks", "remediation"})


def prune_links(conn: sa.Connection, eid: int) -> dict[str, list[str]]:
    """Drop every link of engagement ``eid`` that points at a record no longer there, in the
    caller's transaction: risks' inventory links, items' risk and dependencies, attachments' risk.
    Returns the inventory links each risk had before, by risk uid, for those that changed."""
    rt, it, mt, at = _t(RiskRow), _t(InventoryRow), _t(RemediationRow), _t(AttachmentRow)
    risks = conn.execute(sa.select(rt.c.id, rt.c.uid, rt.c.linked_inventory).where(rt.c.engagement_id == eid)).all()
    linked = sorted({u for r in risks for u in (r.linked_inventory or [])})
    present: set[str] = set()
    for chunk in _chunks(linked):
        present.update(conn.execute(sa.select(it.c.uid).where(it.c.engagement_id == eid, it.c.uid.in_(chunk))).scalars())
    before: dict[str, list[str]] = {}
    for r in risks:
        old = list(r.linked_inventory or [])
        kept = [u for u in old if u in present]
        if kept != old:
            before[r.uid] = old
            conn.execute(rt.update().where(rt.c.id == r.id).values(linked_inventory=kept))
    risk_uids = {r.uid for r in risks}
    items = conn.execute(sa.select(mt.c.id, mt.c.uid, mt.c.risk_uid, mt.c.depends_on).where(mt.c.engagement_id == eid)).all()
    item_uids = {i.uid for i in items}
    for i in items:
        values: dict[str, Any] = {}
        if i.risk_uid and i.risk_uid not in risk_uids:
            values["risk_uid"] = None
        deps = list(i.depends_on or [])
        if any(d not in item_uids for d in deps):
            values["depends_on"] = [d for d in deps if d in item_uids]
        if values:
            conn.execute(mt.update().where(mt.c.id == i.id).values(**values))
    conn.execute(at.update().where(at.c.engagement_id == eid, at.c.risk_uid.is_not(None),
                                   at.c.risk_uid.not_in(risk_uids) if risk_uids else sa.true()).values(risk_uid=None))
    return before


def set_risk_links(store: Store, eid: int, links: Mapping[str, Sequence[str]]) -> None:
    """Give risks (by uid) these inventory links again (undo of a delete that pruned them)."""
    rt = _t(RiskRow)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [("risks", uid) for uid in links])
        for uid, linked in links.items():
            conn.execute(rt.update().where(rt.c.engagement_id == eid, rt.c.uid == uid).values(linked_inventory=list(linked)))


def replace_children(store: Store, eid: int, attr: str, records: Sequence[BaseModel]) -> None:
    """Replace one child collection (e.g. ``"risks"``) of an engagement in one transaction; links
    to records that are gone are removed in the same transaction."""
    model = CHILD_TABLES[attr]
    ct = _t(model)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [(attr, revisions.ALL)])
        conn.execute(ct.delete().where(ct.c.engagement_id == eid))
        if records:
            rows = [dict(_row_values(model, r), engagement_id=eid, position=i) for i, r in enumerate(records)]
            conn.execute(ct.insert(), rows)
        if attr in LINKED:
            prune_links(conn, eid)


def update_child(store: Store, eid: int, attr: str, record: BaseModel) -> bool:
    """Overwrite the one record of a child collection with ``record.uid`` in place (its position
    kept), without rewriting the others; False when the engagement has no such record."""
    model = CHILD_TABLES[attr]
    ct = _t(model)
    values = _row_values(model, record)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [(attr, str(values["uid"]))])
        result = conn.execute(
            ct.update().where(ct.c.engagement_id == eid, ct.c.uid == values["uid"]).values(**values))
        return bool(result.rowcount)


def add_inventory(store: Store, eid: int, items: Sequence[BaseModel]) -> None:
    """Append inventory items in one transaction (bulk insert: thousands of rows per second)."""
    t = _t(InventoryRow)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [("inventory", revisions.ALL)])
        start = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.position), -1)).where(t.c.engagement_id == eid)).scalar_one() + 1
        if items:
            conn.execute(t.insert(), [dict(_row_values(InventoryRow, r), engagement_id=eid, position=start + i) for i, r in enumerate(items)])


def delete_inventory_batch(store: Store, eid: int, batch: str) -> int:
    """Remove every item one import brought in; returns how many."""
    t = _t(InventoryRow)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [("inventory", revisions.ALL)])
        return conn.execute(t.delete().where(t.c.engagement_id == eid, t.c.import_batch == batch)).rowcount


def set_pricing(store: Store, eid: int, pricing: PricingInputs) -> None:
    pt = _t(PricingRow)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [("pricing", revisions.ALL)])
        conn.execute(pt.update().where(pt.c.engagement_id == eid).values(**_row_values(PricingRow, pricing)))


def delete_engagement(store: Store, eid: int) -> None:
    t = _t(EngagementRow)
    with store.engine.begin() as conn:
        checkouts.refuse_checked_out(conn, eid)
        if conn.execute(t.delete().where(t.c.id == eid)).rowcount != 1:
            raise NotFound(f"there is no engagement {eid}")


def attachment_data(store: Store, eid: int) -> dict[str, bytes]:
    t = _t(AttachmentRow)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.uid, t.c.data).where(t.c.engagement_id == eid))
        return {r.uid: r.data for r in rows if r.data is not None}


def count_engagements(store: Store) -> int:
    t = _t(EngagementRow)
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()


# ---- settings -------------------------------------------------------------------------------

def get_setting(store: Store, key: str, default: Any = None) -> Any:
    t = _t(SettingRow)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(t.c.value).where(t.c.key == key)).first()
    return default if row is None else row[0]


def set_setting(store: Store, key: str, value: Any) -> None:
    t = _t(SettingRow)
    with store.engine.begin() as conn:
        conn.execute(t.delete().where(t.c.key == key))
        conn.execute(t.insert().values(key=key, value=value))


def append_setting(store: Store, key: str, entry: Any, *, expect_count: int) -> None:
    """Append ``entry`` to the list setting ``key``, in one transaction that holds the setting's
    row while it reads and writes, refused (:class:`StoreError`) when the list no longer has
    ``expect_count`` entries (another program appended meanwhile): an append-only log stays one."""
    t = _t(SettingRow)
    moved = StoreError("The list changed while this change was being signed; nothing was saved. Try again.")
    try:
        with store.engine.begin() as conn:
            # Take the write lock (SQLite) or the row lock (PostgreSQL) before reading.
            conn.execute(t.update().where(t.c.key == key).values(key=t.c.key))
            row = conn.execute(sa.select(t.c.value).where(t.c.key == key)).first()
            current = list(row[0]) if row is not None and isinstance(row[0], list) else []
            if len(current) != expect_count:
                raise moved
            if row is None:
                conn.execute(t.insert().values(key=key, value=[entry]))
            else:
                conn.execute(t.update().where(t.c.key == key).values(value=[*current, entry]))
    except sa.exc.IntegrityError:  # two first entries at once: the other one was stored
        raise moved from None


def uids_in_use(store: Store, uids: Iterable[str]) -> set[str]:
    t = _t(EngagementRow)
    wanted = list(uids)
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.select(t.c.uid).where(t.c.uid.in_(wanted)))}


def replace_children_many(store: Store, eid: int, collections: Mapping[str, Sequence[BaseModel]]) -> None:
    """Replace several child collections (e.g. inventory, risks, remediation) in one transaction."""
    _replace(store, eid, collections)


def _replace(store: Store, eid: int, collections: Mapping[str, Sequence[BaseModel]], *, allow_frozen: bool = False) -> None:
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [(attr, revisions.ALL) for attr in collections], allow_frozen=allow_frozen)
        for attr, records in collections.items():
            model = CHILD_TABLES[attr]
            ct = _t(model)
            conn.execute(ct.delete().where(ct.c.engagement_id == eid))
            if records:
                rows = [dict(_row_values(model, r), engagement_id=eid, position=i) for i, r in enumerate(records)]
                conn.execute(ct.insert(), rows)
        if LINKED & set(collections):
            prune_links(conn, eid)


# ---- inventory: single-item and bulk edits (no rewrite of the whole inventory) ---------------

_CHUNK = 500  # uids per IN (...) clause, well under SQLite's parameter limit


def _chunks(values: Sequence[str]) -> Iterable[list[str]]:
    values = list(values)
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def _item_targets(attr: str, uids: Sequence[str]) -> list[tuple[str, str]]:
    """One change per record, or the whole collection for a bulk change (the log stays small)."""
    uids = list(uids)
    return [(attr, u) for u in uids] if len(uids) <= _CHUNK else [(attr, revisions.ALL)]


def update_inventory_item(store: Store, eid: int, item: BaseModel) -> None:
    """Overwrite one inventory item's fields, found by its uid."""
    t = _t(InventoryRow)
    values = _row_values(InventoryRow, item)
    uid = values.pop("uid")
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [("inventory", str(uid))])
        if conn.execute(t.update().where(t.c.engagement_id == eid, t.c.uid == uid).values(**values)).rowcount != 1:
            raise NotFound(f"there is no inventory item {uid} in engagement {eid}")


def update_inventory_fields(store: Store, eid: int, changes: Sequence[tuple[Sequence[str], dict[str, Any]]]) -> int:
    """Bulk edits in one transaction: for each (uids, {field: value}), set those fields on those items."""
    t = _t(InventoryRow)
    n = 0
    with store.engine.begin() as conn:
        _touch(conn, eid, store, _item_targets("inventory", [str(u) for uids, _fields in changes for u in uids]))
        for uids, fields in changes:
            for chunk in _chunks(uids):
                n += conn.execute(t.update().where(t.c.engagement_id == eid, t.c.uid.in_(chunk)).values(**fields)).rowcount
    return n


def inventory_items_at(store: Store, eid: int, uids: Sequence[str]) -> list[tuple[int, dict[str, Any]]]:
    """(position, field values) of the given items, in position order."""
    t = _t(InventoryRow)
    cols = [t.c[name] for name in _columns(InventoryRow)]
    out: list[tuple[int, dict[str, Any]]] = []
    with store.engine.connect() as conn:
        for chunk in _chunks(uids):
            rows = conn.execute(sa.select(t.c.position, *cols).where(t.c.engagement_id == eid, t.c.uid.in_(chunk)))
            out += [(r.position, {k: v for k, v in r._mapping.items() if k != "position"}) for r in rows]
    return sorted(out, key=lambda p: p[0])


def delete_inventory_items(store: Store, eid: int, uids: Sequence[str]) -> dict[str, list[str]]:
    """Delete items and, in the same transaction, every risk's link to them; returns the links
    each changed risk had before (by risk uid) so an undo can put them back."""
    t = _t(InventoryRow)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, _item_targets("inventory", uids))
        for chunk in _chunks(uids):
            conn.execute(t.delete().where(t.c.engagement_id == eid, t.c.uid.in_(chunk)))
        return prune_links(conn, eid)


def insert_inventory_at(store: Store, eid: int, positioned: Sequence[tuple[int, BaseModel]]) -> None:
    """Put items back at the positions they had (undo of a delete)."""
    t = _t(InventoryRow)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, _item_targets("inventory", [str(getattr(r, "uid", "")) for _p, r in positioned]))
        if positioned:
            conn.execute(t.insert(), [dict(_row_values(InventoryRow, r), engagement_id=eid, position=p) for p, r in positioned])


# ---- standards: one category at a time --------------------------------------------------------

def standard_assessments(store: Store, eid: int) -> list[dict[str, Any]]:
    model = CHILD_TABLES["standards"]
    t = _t(model)
    cols = [t.c[name] for name in _columns(model)]
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).where(t.c.engagement_id == eid).order_by(t.c.position, t.c.id)).mappings()
        return [dict(r) for r in rows]


def set_standard_assessment(store: Store, eid: int, category_id: str, record: BaseModel | None) -> None:
    """Insert, replace or (with ``None``) remove the assessment of one standards category."""
    model = CHILD_TABLES["standards"]
    t = _t(model)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [("standards", category_id)])
        existing = conn.execute(
            sa.select(t.c.id).where(t.c.engagement_id == eid, t.c.category_id == category_id)).first()
        if record is None:
            if existing is not None:
                conn.execute(t.delete().where(t.c.id == existing.id))
            return
        values = _row_values(model, record)
        if existing is None:
            pos = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.position), -1)).where(t.c.engagement_id == eid)).scalar_one() + 1
            conn.execute(t.insert().values(engagement_id=eid, position=pos, **values))
        else:
            conn.execute(t.update().where(t.c.id == existing.id).values(**values))


def children(store: Store, eid: int, attr: str) -> list[dict[str, Any]]:
    """One child collection of an engagement (e.g. ``"time_log"``) as column dicts, in order."""
    model = CHILD_TABLES[attr]
    ct = _t(model)
    cols = [ct.c[name] for name in _columns(model)]
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).where(ct.c.engagement_id == eid).order_by(ct.c.position, ct.c.id))
        return [dict(r) for r in rows.mappings()]


def child(store: Store, eid: int, attr: str, uid: str) -> dict[str, Any] | None:
    """The one record of a child collection with ``uid`` as column dicts, or None."""
    model = CHILD_TABLES[attr]
    ct = _t(model)
    names = _columns(model)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(*[ct.c[n] for n in names]).where(
            ct.c.engagement_id == eid, ct.c.uid == uid)).first()
    return None if row is None else dict(zip(names, row, strict=True))


# ---- attachments: one file at a time, with its bytes ------------------------------------------

def insert_attachment(store: Store, eid: int, record: BaseModel, data: bytes, position: int | None = None) -> None:
    """Store one attachment and its bytes (at ``position``, or after the others)."""
    t = _t(AttachmentRow)
    with store.engine.begin() as conn:
        _touch(conn, eid, store, [("attachments", str(getattr(record, "uid", revisions.ALL)))])
        if position is None:
            position = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.position), -1)).where(t.c.engagement_id == eid)).scalar_one() + 1
        conn.execute(t.insert().values(engagement_id=eid, position=position, data=data, **_row_values(AttachmentRow, record)))


def delete_attachment(store: Store, eid: int, uid: str) -> tuple[int, dict[str, Any], bytes | None]:
    """Remove one attachment; returns (position, field values, bytes) so it can be put back."""
    t = _t(AttachmentRow)
    cols = [t.c[name] for name in _columns(AttachmentRow)]
    with store.engine.begin() as conn:
        row = conn.execute(sa.select(t.c.id, t.c.position, t.c.data, *cols).where(t.c.engagement_id == eid, t.c.uid == uid)).mappings().first()
        if row is None:
            raise NotFound(f"there is no attachment {uid} in engagement {eid}")
        _touch(conn, eid, store, [("attachments", uid)])
        conn.execute(t.delete().where(t.c.id == row["id"]))
    fields = {k: row[k] for k in _columns(AttachmentRow)}
    return row["position"], fields, row["data"]


def attachment_blob(store: Store, eid: int, uid: str) -> bytes | None:
    """The bytes of one attachment (None when the store has none for it)."""
    t = _t(AttachmentRow)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(t.c.data).where(t.c.engagement_id == eid, t.c.uid == uid)).first()
    if row is None:
        raise NotFound(f"there is no attachment {uid} in engagement {eid}")
    return row[0]

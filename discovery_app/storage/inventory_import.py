"""The SQL of an inventory import: read what a re-import matches against, and write new and
changed items in one transaction while the file is still being read (bulk Core statements)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

from .db import Store
from .repository import _row_values, _t, _touch
from .tables import InventoryRow

BATCH = 2000


def existing_items(store: Store, eid: int, fields: Sequence[str]) -> list[dict[str, Any]]:
    """uid, category, name, serial and ``fields`` of every inventory item of the engagement."""
    t = _t(InventoryRow)
    cols = [t.c.uid, t.c.category, t.c.name, t.c.serial, *(t.c[f] for f in fields if f not in ("name", "serial"))]
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(*cols).where(t.c.engagement_id == eid)
                                              .order_by(t.c.position)).mappings()]


Change = tuple[str, dict[str, Any]]  # (uid, {column: new value})


def write_import(store: Store, eid: int, steps: Iterable[tuple[BaseModel | None, Change | None]],
                 *, keep: Callable[[], bool]) -> None:
    """Insert the new items and apply the changes ``steps`` yields, in one transaction.

    ``keep()`` is asked at the end: when it says no (the file had bad rows and the user wanted
    all or nothing) the whole transaction is rolled back and nothing is written.
    """
    t = _t(InventoryRow)
    with store.engine.begin() as conn:
        _touch(conn, eid)
        position = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.position), -1))
                                .where(t.c.engagement_id == eid)).scalar_one() + 1
        new: list[dict[str, Any]] = []
        changes: dict[frozenset[str], list[dict[str, Any]]] = {}
        pending = 0

        def flush() -> None:
            nonlocal pending
            if new:
                conn.execute(t.insert(), new)
                new.clear()
            for keys, rows in changes.items():
                stmt = (t.update().where(t.c.engagement_id == eid, t.c.uid == sa.bindparam("_uid"))
                        .values({k: sa.bindparam(f"v_{k}") for k in keys}))
                conn.execute(stmt, rows)
            changes.clear()
            pending = 0

        for item, change in steps:
            if item is not None:
                new.append(dict(_row_values(InventoryRow, item), engagement_id=eid, position=position))
                position += 1
                pending += 1
            if change is not None:
                uid, values = change
                changes.setdefault(frozenset(values), []).append({**{f"v_{k}": v for k, v in values.items()}, "_uid": uid})
                pending += 1
            if pending >= BATCH:
                flush()
        flush()
        if not keep():
            raise _RollBack


class _RollBack(Exception):
    pass


def run_import(store: Store, eid: int, steps: Iterator[tuple[BaseModel | None, Change | None]],
               keep: Callable[[], bool]) -> bool:
    """:func:`write_import`; False when it was rolled back (nothing written)."""
    try:
        write_import(store, eid, steps, keep=keep)
    except _RollBack:
        return False
    return True

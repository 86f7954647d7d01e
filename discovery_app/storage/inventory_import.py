"""The SQL of an inventory import: read what a re-import matches against, and write new and
changed items in one transaction while the file is still being read.

New items go in as plain tuples through the driver's ``executemany`` (the statement compiled
once by SQLAlchemy, each value passed through the column type's own bind processor, so what is
stored is what a Core insert stores). Profiled on a 20,000-row import, the Core insert spent
more time building its per-row parameters (``model_dump``, ``construct_params`` and the type
processors for every column of every row) than SQLite spent storing the rows."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

from .db import Store
from .repository import _t, _touch
from .revisions import ALL
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
        _touch(conn, eid, store, [("inventory", ALL)])
        position = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.position), -1))
                                .where(t.c.engagement_id == eid)).scalar_one() + 1
        insert: _Insert | None = None
        new: list[tuple[Any, ...]] = []
        changes: dict[frozenset[str], list[dict[str, Any]]] = {}
        pending = 0

        def flush() -> None:
            nonlocal pending
            if new:
                assert insert is not None
                conn.exec_driver_sql(insert.sql, insert.params(new))
                new.clear()
            for keys, rows in changes.items():
                stmt = (t.update().where(t.c.engagement_id == eid, t.c.uid == sa.bindparam("_uid"))
                        .values({k: sa.bindparam(f"v_{k}") for k in keys}))
                conn.execute(stmt, rows)
            changes.clear()
            pending = 0

        for item, change in steps:
            if item is not None:
                if insert is None:
                    insert = _Insert.of(conn, t, type(item))
                new.append(insert.row(item, eid, position))
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


class _Insert:
    """An INSERT of every column a record type fills (plus engagement and position), compiled
    once for the connection's dialect, and the parameter tuple for one record."""

    def __init__(self, sql: str, fields: list[str], processors: dict[int, Callable[[Any], Any]],
                 names: list[str] | None = None) -> None:
        self.sql, self.fields, self.processors = sql, fields, processors
        #: The parameter names, for a driver that takes named parameters (psycopg's "%(name)s").
        self.names = names
        getter = operator.itemgetter(*fields)
        self._values = getter if len(fields) > 1 else (lambda d: (getter(d),))

    @classmethod
    def of(cls, conn: sa.Connection, table: sa.Table, record_type: type[BaseModel]) -> _Insert:
        fields = [c.name for c in table.columns if c.name in record_type.model_fields]
        missing = set(record_type.model_fields) - set(fields)
        if missing:  # a field the table has no column for would be lost without a word
            raise ValueError(f"{table.name} has no column for {', '.join(sorted(missing))}")
        keys = ["engagement_id", "position", *fields]
        compiled = table.insert().compile(dialect=conn.dialect, column_keys=keys)
        names: list[str] | None = None
        if compiled.positional:
            if compiled.positiontup != keys:  # SQLite's driver takes "?" parameters in column order
                raise ValueError(f"the {conn.dialect.name} driver's insert does not take the parameters in column order")
        else:  # psycopg: "%(name)s" parameters, one per column key
            names = [compiled.bind_names[b] for b in compiled.binds.values()]
            if sorted(names) != sorted(keys):
                raise ValueError(f"the {conn.dialect.name} driver's insert does not take one parameter per column")
            names = keys
        processors: dict[int, Callable[[Any], Any]] = {}
        for k, name in enumerate(fields):
            proc = table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
            if proc is not None:
                processors[k] = _remembered(proc)
        return cls(str(compiled), fields, processors, names)

    def params(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]] | list[dict[str, Any]]:
        """``rows`` as the driver takes them."""
        if self.names is None:
            return rows
        return [dict(zip(self.names, r, strict=True)) for r in rows]

    def row(self, record: BaseModel, eid: int, position: int) -> tuple[Any, ...]:
        values = list(self._values(record.__dict__))
        for k, proc in self.processors.items():
            values[k] = proc(values[k])
        return (eid, position, *values)


def _remembered(proc: Callable[[Any], Any], most: int = 50_000) -> Callable[[Any], Any]:
    """``proc`` remembering its results: a column's dates repeat (an import of 20,000 devices
    holds a few thousand purchase dates), and SQLite's date processor formats each one anew."""
    done: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        if value is None:
            return proc(value)
        got = done.get(value)
        if got is None:
            got = proc(value)
            if len(done) < most:
                done[value] = got
        return got
    return process


def run_import(store: Store, eid: int, steps: Iterator[tuple[BaseModel | None, Change | None]],
               keep: Callable[[], bool]) -> bool:
    """:func:`write_import`; False when it was rolled back (nothing written)."""
    try:
        write_import(store, eid, steps, keep=keep)
    except _RollBack:
        return False
    return True

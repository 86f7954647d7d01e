"""The practice library's rows: form packages published into the store.

Plain SQLAlchemy Core on :class:`.tables.LibraryPackageRow`: it runs on any store the app opens
(an SQLite file or, in team mode, PostgreSQL). A row is never deleted: withdrawing marks it, and
copying from another store only adds what this one lacks (and carries a withdrawal over).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from .db import Store
from .tables import LibraryPackageRow


def _t() -> sa.Table:
    return LibraryPackageRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Entry:
    """One published version of a form package."""

    package_id: str
    version: int
    title: str
    files: dict[str, str]  # part file name -> its text
    content_hash: str
    published_by: str
    published_at: datetime
    withdrawn: bool = False
    withdrawn_by: str = ""
    withdrawn_at: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.package_id}@{self.version}"


def content_text(files: dict[str, str]) -> str:
    """The stored form of a package's files: JSON with sorted keys (the same files, the same text)."""
    return json.dumps(files, sort_keys=True, ensure_ascii=False)


def content_hash(files: dict[str, str]) -> str:
    return hashlib.sha256(content_text(files).encode("utf-8")).hexdigest()


_COLUMNS = ("package_id", "version", "title", "content", "content_hash", "published_by", "published_at",
            "withdrawn", "withdrawn_by", "withdrawn_at")


def _entry(row: Any) -> Entry:
    values = dict(zip(_COLUMNS, row, strict=True))
    try:
        files = json.loads(values.pop("content"))
    except ValueError:
        files = {}
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        files = {}  # damaged: the service reads it as a package with problems, never as a crash
    values["withdrawn"] = bool(values["withdrawn"])
    return Entry(files=files, **values)


def entries(store: Store) -> list[Entry]:
    """Every entry, by package id, newest version first."""
    t = _t()
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*[t.c[n] for n in _COLUMNS]).order_by(t.c.package_id, t.c.version.desc()))
        return [_entry(r) for r in rows]


def hashes(store: Store) -> list[tuple[str, int, str, bool]]:
    """(package id, version, content hash, withdrawn) of every entry: what the form list needs to
    know whether its copies are current, without reading the content."""
    t = _t()
    with store.engine.connect() as conn:
        return [(r[0], r[1], r[2], bool(r[3])) for r in conn.execute(
            sa.select(t.c.package_id, t.c.version, t.c.content_hash, t.c.withdrawn))]


def get(store: Store, package_id: str, version: int) -> Entry | None:
    t = _t()
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(*[t.c[n] for n in _COLUMNS])
                           .where(t.c.package_id == package_id, t.c.version == version)).first()
    return _entry(row) if row is not None else None


def insert(store: Store, entry: Entry) -> None:
    """Add one entry (the unique key refuses a second row for the same package id and version)."""
    with store.engine.begin() as conn:
        conn.execute(_t().insert().values(**_values(entry)))


def _values(entry: Entry) -> dict[str, Any]:
    return dict(package_id=entry.package_id, version=entry.version, title=entry.title,
                content=content_text(entry.files), content_hash=content_hash(entry.files),
                published_by=entry.published_by, published_at=entry.published_at, withdrawn=entry.withdrawn,
                withdrawn_by=entry.withdrawn_by, withdrawn_at=entry.withdrawn_at)


def withdraw(store: Store, package_id: str, version: int, who: str) -> None:
    t = _t()
    with store.engine.begin() as conn:
        conn.execute(t.update().where(t.c.package_id == package_id, t.c.version == version, t.c.withdrawn == sa.false())
                     .values(withdrawn=True, withdrawn_by=who, withdrawn_at=datetime.now(UTC)))


@dataclass(frozen=True)
class Copied:
    added: tuple[str, ...]  # keys of the entries the target lacked
    withdrawn: tuple[str, ...]  # keys the source had withdrawn and the target now has too
    differing: tuple[str, ...]  # keys both hold with different content (left as they are)


def copy_entries(source: Iterable[Entry], target: Store) -> Copied:
    """Copy into ``target`` every entry of ``source`` (another store's) it lacks, in one
    transaction, and mark withdrawn there what ``source`` withdrew. Never deletes; an entry both
    hold with different content is left alone and reported."""
    have = {(e.package_id, e.version): e for e in entries(target)}
    added: list[str] = []
    withdrawn: list[str] = []
    differing: list[str] = []
    t = _t()
    with target.engine.begin() as conn:
        for e in source:
            mine = have.get((e.package_id, e.version))
            if mine is None:
                conn.execute(t.insert().values(**_values(e)))
                added.append(e.key)
            elif mine.content_hash != content_hash(e.files):
                differing.append(e.key)
            elif e.withdrawn and not mine.withdrawn:
                conn.execute(t.update().where(t.c.package_id == e.package_id, t.c.version == e.version)
                             .values(withdrawn=True, withdrawn_by=e.withdrawn_by, withdrawn_at=e.withdrawn_at))
                withdrawn.append(e.key)
    return Copied(tuple(added), tuple(withdrawn), tuple(differing))

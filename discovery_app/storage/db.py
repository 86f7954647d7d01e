"""Opening the store: engine, PRAGMAs, integrity, schema version and migrations.

Everything SQLite-specific lives in this package. Durability promise: a save that returned is
on disk. WAL with ``synchronous=FULL`` keeps that promise across power loss as well as app
crashes, for about half a millisecond per commit (measured, see shared/PLATFORM.md); NORMAL
would be faster but may lose the last commits on power loss, which for hours of on-site work
that cannot be redone is the wrong trade.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import backup
from .migrations.head import HEAD_REVISION, KNOWN_REVISIONS

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class StoreError(Exception):
    """The store cannot be opened or written; the message is for the consultant."""


class StoreTooNew(StoreError):
    pass


class StoreDamaged(StoreError):
    pass


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 5000")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def make_engine(path: Path) -> Engine:
    engine = sa.create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    return engine


@dataclass
class Store:
    path: Path
    engine: Engine
    migrated_from: str | None = None

    def dispose(self) -> None:
        self.engine.dispose()


def current_revision(conn: sa.Connection) -> str | None:
    has = conn.execute(
        sa.text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
    ).first()
    if not has:
        return None
    row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def _has_user_tables(conn: sa.Connection) -> bool:
    row = conn.execute(
        sa.text("SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    ).first()
    return bool(row and row[0])


def upgrade(conn: sa.Connection) -> None:
    """Run every migration up to head on ``conn`` (imports Alembic only when needed)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def open_store(path: Path, *, backup_dir: Path | None = None, check_integrity: bool = True) -> Store:
    """Open (creating or migrating as needed) the database at ``path``.

    Raises :class:`StoreError` with a plain-words message when the file cannot be used; an
    existing file is never overwritten or downgraded.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Cannot create the data folder {path.parent}: {exc.strerror}.") from exc
    existed = path.exists() and path.stat().st_size > 0
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            if existed and check_integrity:
                result = conn.execute(sa.text("PRAGMA quick_check")).scalar()
                if result != "ok":
                    raise StoreDamaged(
                        f"The database {path} is damaged ({result}). It has not been changed; "
                        "restore the newest good backup."
                    )
            rev = current_revision(conn)
            if rev is not None and rev not in KNOWN_REVISIONS:
                raise StoreTooNew(
                    f"The database {path} was written by a newer version of Discovery (schema "
                    f"{rev}). Install that version or newer to open it; this version will not "
                    "change it."
                )
            if existed and rev is None and _has_user_tables(conn):
                raise StoreError(f"{path} is an SQLite file but not a Discovery database.")
        if rev != HEAD_REVISION:
            if existed and rev is not None and backup_dir is not None:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                backup.copy_database(engine, backup_dir / f"before-migration-{rev}-{stamp}.sqlite3")
            with engine.begin() as conn:
                upgrade(conn)
            log.info("database schema migrated from %s to %s", rev, HEAD_REVISION)
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        orig = getattr(exc, "orig", exc)
        if "not a database" in str(orig) or "malformed" in str(orig):
            raise StoreDamaged(
                f"{path} is not a readable Discovery database ({orig}). It has not been changed."
            ) from exc
        if "readonly" in str(orig) or "unable to open" in str(orig):
            raise StoreError(
                f"Cannot write to {path} ({orig}). Choose a folder you can write to (--db PATH)."
            ) from exc
        raise StoreError(f"Cannot open {path}: {orig}") from exc
    except StoreError:
        engine.dispose()
        raise
    return Store(path, engine, migrated_from=rev if rev != HEAD_REVISION else None)

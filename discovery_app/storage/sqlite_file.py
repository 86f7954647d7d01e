"""The store in an SQLite file: a consultant's own store on their laptop.

Everything that is about SQLite lives here (the server's side is :mod:`.server`; what both share
is :mod:`.db`):

- The PRAGMAs every connection gets (WAL, ``synchronous=FULL``, foreign keys, a busy timeout), and
  ``query_only`` for a window that opens the store beside another one.
- The look before anything writes: header, ``quick_check``, ``application_id``, schema version,
  read on an immutable connection so a foreign, damaged or newer file is refused unchanged.
- The backups the app takes itself (on open and before a migration, through SQLite's online
  backup API in :mod:`.backup`), and the file lock (:mod:`.lock`) that keeps one writer.
- SQLite's write errors (disk full, read-only, locked) in words.

Durability promise: a save that returned is on disk. Every edit is one transaction
(``engine.begin()`` in :mod:`.repository`). In WAL mode a commit appends the transaction's pages
and a commit frame to the ``-wal`` file; with ``synchronous=FULL`` SQLite fsyncs the WAL at every
commit, before the commit returns. So a commit that returned survives an app crash *and* a power
cut or an OS crash. ``synchronous=NORMAL`` in WAL mode is equally safe against an app crash (the
data is in the OS cache, which outlives the process) and never corrupts the file, but it fsyncs
only at checkpoints, so the last commits before a power cut may roll back. For hours of on-site
work that cannot be redone, we pay the fsync: about half a millisecond per commit here (measured,
see shared/PLATFORM.md), invisible next to a consultant's typing. The crash test
(tests/durability/test_crash.py, benchmarks/crash_test.py) kills a writer with SIGKILL many times
and finds every confirmed edit and an intact file; it cannot pull the power cord, which is what
FULL is for.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import backup
from .db import (
    READ_ONLY_MESSAGE,
    Store,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
    StoreTooNew,
    upgrade,
)
from .lock import StoreLock
from .migrations.head import HEAD_REVISION, KNOWN_REVISIONS

log = logging.getLogger(__name__)


_SAFE = "The change was not saved; everything saved before it is safe."


def _translate(context: Any) -> None:
    """Engine ``handle_error`` hook: SQLite's write failures in words, as :class:`StoreError`."""
    orig = context.original_exception
    if not isinstance(orig, sqlite3.Error):
        return
    text = str(orig).lower()
    if "disk is full" in text or "database or disk is full" in text:
        raise StoreFull(
            f"The disk is full. {_SAFE} Free some disk space, then make the change again."
        ) from orig
    if "readonly" in text or "read-only" in text:
        raise StoreReadOnly(
            f"The database file cannot be written (it or its folder is read-only). {_SAFE} "
            "Move it to a folder you can write to, or start Discovery with --db PATH."
        ) from orig
    if "database is locked" in text or "database is busy" in text:
        raise StoreLocked(
            f"The database file is locked by another program (a second Discovery, or a cloud "
            f"sync tool such as OneDrive or Dropbox). {_SAFE} Close the other program or pause "
            "syncing, then make the change again; keep the database outside synced folders."
        ) from orig


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 5000")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _on_connect_read_only(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 5000")
    cur.execute("PRAGMA query_only = ON")  # SQLite itself refuses every write on this connection
    cur.close()


def _translate_read_only(context: Any) -> None:
    orig = context.original_exception
    if isinstance(orig, sqlite3.Error) and "readonly" in str(orig).lower():
        raise StoreReadOnly(READ_ONLY_MESSAGE) from orig


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    # A path, never a URL: "sqlite:///" + path would read a "?" as the start of a query, a "#" as a
    # fragment and "%20" as a space. URL.create takes the file name as it is.
    engine = sa.create_engine(sa.engine.URL.create("sqlite", database=str(path)), future=True)
    if read_only:
        event.listen(engine, "connect", _on_connect_read_only)
        event.listen(engine, "handle_error", _translate_read_only)
    else:
        event.listen(engine, "connect", _on_connect)
    event.listen(engine, "handle_error", _translate)
    return engine


@dataclass(frozen=True)
class SqliteFile:
    """The :class:`~.db.StoreKind` of a store in the SQLite file at ``path``."""

    path: Path
    on_server = False
    #: A file store keeps its own backups (:mod:`.backup`); nothing to explain.
    backups_note: str | None = None

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def key(self) -> str:
        return str(self.path.resolve())

    @property
    def target(self) -> Path:
        return self.path

    def lock(self, kind: str) -> StoreLock:
        """The lock file that keeps one writer (a window, or a command while it writes)."""
        return StoreLock(self.path, kind=kind)

    def open(self, *, backup_dir: Path | None = None, check_integrity: bool = True, empty_is_new: bool = True,
             read_only: bool = False) -> Store:
        return _open(self, backup_dir=backup_dir, check_integrity=check_integrity, empty_is_new=empty_is_new,
                     read_only=read_only)


def schema_revision(conn: sa.Connection) -> str | None:
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


def _open(kind: SqliteFile, *, backup_dir: Path | None, check_integrity: bool, empty_is_new: bool,
          read_only: bool) -> Store:
    """Open (creating or migrating as needed) the SQLite store; see :func:`.db.open_store`."""
    path = kind.path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Cannot create the data folder {path.parent}: {exc.strerror}.") from exc
    existed = path.exists() and path.stat().st_size > 0
    if path.exists():
        look_before_writing(path, backup_dir, empty_is_new=empty_is_new, check_integrity=check_integrity)
    if read_only:
        return _open_read_only(path, backup_dir, existed)
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            rev = schema_revision(conn)
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
                try:
                    backup.copy_database(engine, backup.new_backup_path(backup_dir, f"before-migration-{rev}"))
                except (OSError, sqlite3.Error) as exc:
                    raise StoreError(
                        f"Could not back up {path} before upgrading it ({exc}); it has not been "
                        f"changed. Make room in {backup_dir} and start again."
                    ) from exc
            with engine.begin() as conn:
                upgrade(conn)
                if rev is None:  # a new store: mark it ours, so a later look can tell
                    conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            log.info("database schema migrated from %s to %s", rev, HEAD_REVISION)
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        orig = getattr(exc, "orig", exc)
        if "not a database" in str(orig) or "malformed" in str(orig):
            raise _damaged(path, f"is not a readable Discovery database ({orig})", backup_dir) from exc
        if "readonly" in str(orig) or "unable to open" in str(orig):
            raise StoreError(
                f"Cannot write to {path} ({orig}). Choose a folder you can write to (--db PATH)."
            ) from exc
        raise StoreError(f"Cannot open {path}: {orig}") from exc
    except StoreError:
        engine.dispose()
        raise
    store = Store(path, engine, migrated_from=rev if rev != HEAD_REVISION else None, backup_dir=backup_dir,
                  kind=kind)
    if existed and rev == HEAD_REVISION and backup_dir is not None:
        store.backup_warning = backup_on_open(store)
    return store


def _open_read_only(path: Path, backup_dir: Path | None, existed: bool) -> Store:
    """The store as it is, for a window beside the one that holds it: no migration, no backup."""
    if not existed:
        raise StoreError(f"{path} is not a Discovery database yet; it cannot be opened read-only.")
    engine = make_engine(path, read_only=True)
    try:
        with engine.connect() as conn:
            rev = schema_revision(conn)
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        raise StoreError(f"Cannot open {path}: {getattr(exc, 'orig', exc)}") from exc
    if rev != HEAD_REVISION:
        engine.dispose()
        raise StoreError(f"{path} needs an upgrade to this version of Discovery, which cannot happen while "
                         "another window has it open. Close that window, then open the database again.")
    return Store(path, engine, backup_dir=backup_dir, read_only=True, kind=SqliteFile(path))


SQLITE_HEADER = b"SQLite format 3\x00"


def look_before_writing(path: Path, backup_dir: Path | None, *, empty_is_new: bool,
                        check_integrity: bool = True) -> None:
    """Refuse a file that is not ours, damaged or too new, reading it without changing a byte.

    Opening with the engine switches the file to WAL (a write) before anything can be checked,
    so the checks run first on a read-only, immutable connection: no lock, journal, ``-wal`` or
    ``-shm`` file, and no change to the file's header.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StoreError(f"Cannot read {path}: {exc.strerror}.") from exc
    if size == 0:
        if empty_is_new:
            return
        raise StoreError(
            f"{path} is an empty file, not a Discovery database; Discovery does not take over a file it "
            f"did not create. Name a new file with --db, or run with --db \"{path}\" --new-db to make "
            "this one a new database."
        )
    if not head.startswith(SQLITE_HEADER):
        raise _damaged(path, "is not a readable Discovery database (not an SQLite file)", backup_dir)
    wal = path.with_name(path.name + "-wal")
    uri = path.absolute().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open {path}: {exc}") from exc
    try:
        if check_integrity:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise _damaged(path, f"is damaged ({result})", backup_dir)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_version = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone()
        rev = conn.execute("SELECT version_num FROM alembic_version").fetchone() if has_version else None
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, f"is not a readable Discovery database ({exc})", backup_dir) from exc
    finally:
        conn.close()
    if app_id not in (0, APPLICATION_ID):
        raise StoreError(f"{path} is an SQLite file of another application, not a Discovery database. "
                         "It has not been changed.")
    if rev is None and tables:
        raise StoreError(f"{path} is an SQLite file but not a Discovery database. It has not been changed.")
    if rev is not None and rev[0] not in KNOWN_REVISIONS:
        raise StoreTooNew(
            f"The database {path} was written by a newer version of Discovery (schema "
            f"{rev[0]}). Install that version or newer to open it; this version will not "
            "change it."
        )


# PRAGMA application_id of a Discovery store ("DSCV"); 0 in stores made before it was set.
APPLICATION_ID = int.from_bytes(b"DSCV", "big")


def backup_on_open(store: Store) -> str | None:
    """Take the on-open backup (before anything else writes) unless the newest automatic backup
    already holds this content; returns a warning for the consultant if it could not be taken."""
    assert store.backup_dir is not None and store.path is not None
    if not backup.is_due(store.path, store.backup_dir, timedelta(0)):
        return None
    try:
        backup.make_backup(store.engine, store.backup_dir, "open")
    except backup.BackupError as exc:
        log.warning("backup on open failed: %s", exc)
        return f"{exc} Your work is still saved in the database, but it has no fresh backup."
    return None


def _damaged(path: Path, what: str, backup_dir: Path | None) -> StoreDamaged:
    good = backup.newest_good_backup(backup_dir, KNOWN_REVISIONS) if backup_dir is not None else None
    msg = f"The database {path} {what}. It has not been changed."
    if good is None:
        msg += " There is no good backup to restore"
        msg += f" in {backup_dir}." if backup_dir is not None else "."
    else:
        count = "?" if good.engagements is None else good.engagements
        msg += (
            f" The newest good backup is {good.path} (taken {good.taken_at.astimezone():%Y-%m-%d %H:%M}, "
            f"{count} engagement{'s' if count != 1 else ''}). To restore it, use File > Restore "
            f'backup, or run: discovery-app restore "{good.path}"'
        )
    return StoreDamaged(msg, good)

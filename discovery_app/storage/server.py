"""The store on a PostgreSQL server: team mode's shared store (driver: psycopg 3).

The same tables and the same Alembic migrations as the SQLite file; what differs lives here:

- Opening never creates or upgrades the schema behind a practice's back: a server database with
  no Discovery schema, or an older one, is refused with the one command that prepares it
  (``discovery-app --db URL init-store``, :func:`init_store`). Several consultants share the
  store, so the schema changes when whoever runs the practice's server says so, not when the
  first laptop with a newer version happens to connect.
- No file lock and no "read-only beside a window": many people write at once, and the revision
  check (:mod:`.revisions`) refuses a save made against a stale picture, in words.
- No integrity check and no backups by the app: the server keeps its data consistent, and its
  backups (``pg_dump``, continuous archiving, a managed service's snapshots) are the server's
  business; the app says so (:data:`BACKUPS_NOTE`) instead of pretending.
- The server's errors (cannot connect, wrong password, disk full, read-only, connection lost)
  become :class:`~.db.StoreError` in words, and never show the URL's password.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import location
from .migrations.head import HEAD_REVISION, KNOWN_REVISIONS

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from .db import Store

log = logging.getLogger(__name__)

BACKUPS_NOTE = (
    "This store is on a PostgreSQL server, so its backups are the server's business: whoever runs "
    "the server backs it up (pg_dump, continuous archiving, or a managed database's snapshots) and "
    "restores it. Discovery takes no backups of its own here and cannot restore one."
)

_SAFE = "The change was not saved; everything saved before it is safe."


def _words(where: str, orig: BaseException) -> str | None:
    """What a psycopg error means for the consultant, or None to let it through unchanged."""
    import psycopg
    from psycopg import errors

    if isinstance(orig, errors.DiskFull):
        return f"The database server {where} is out of disk space. {_SAFE} Ask whoever runs it to free space."
    if isinstance(orig, errors.ReadOnlySqlTransaction):
        return (f"The database server {where} accepts no changes (it is read-only, for example a standby). "
                f"{_SAFE}")
    if isinstance(orig, errors.InsufficientPrivilege):
        return (f"Your database role on {where} may not do this ({_first_line(orig)}). {_SAFE} Ask whoever "
                "runs the server to grant it.")
    if isinstance(orig, errors.SerializationFailure | errors.DeadlockDetected | errors.LockNotAvailable):
        return f"Another consultant was saving to the same place on {where} at the same moment. {_SAFE} Make the change again."
    if isinstance(orig, psycopg.OperationalError):
        text = _first_line(orig)
        low = text.lower()
        if "password authentication failed" in low or "no password supplied" in low \
                or ("role" in low and "does not exist" in low):
            return f"The database server {where} refused the user name or password. Check them, then try again."
        if "does not exist" in low and "database" in low:
            return (f"The database server has no database named in {where}. Ask whoever runs the server to create "
                    "it, then run: discovery-app --db URL init-store")
        if "connection refused" in low or "could not translate host name" in low or "timeout" in low \
                or "no route to host" in low or "could not connect" in low or "connection failed" in low:
            return (f"Cannot reach the database server {where} ({text}). Check the network (VPN) and the "
                    "address, or work offline on a laptop store.")
        return (f"The connection to the database server {where} failed or was lost ({text}). {_SAFE} "
                "Check the network, then make the change again.")
    return None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def make_engine(url: URL, *, read_only: bool = False) -> Engine:
    where = location.describe(url)
    connect_args: dict[str, Any] = {"connect_timeout": 10, "application_name": "Discovery"}
    if read_only:
        connect_args["options"] = "-c default_transaction_read_only=on"
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)

    def translate(context: Any) -> None:
        from .db import StoreError, StoreFull, StoreLocked, StoreReadOnly

        if getattr(context, "is_pre_ping", False):  # the pool reconnects by itself
            return
        orig = context.original_exception
        words = _words(where, orig)
        if words is None:
            return
        from psycopg import errors

        kind: type[StoreError] = StoreError
        if isinstance(orig, errors.DiskFull):
            kind = StoreFull
        elif isinstance(orig, errors.ReadOnlySqlTransaction):
            kind = StoreReadOnly
        elif isinstance(orig, errors.SerializationFailure | errors.DeadlockDetected | errors.LockNotAvailable):
            kind = StoreLocked
        raise kind(words) from orig

    event.listen(engine, "handle_error", translate)
    return engine


def schema_state(conn: sa.Connection) -> tuple[str | None, bool]:
    """(the schema revision or None, whether the database holds any other tables)."""
    names = set(sa.inspect(conn).get_table_names())
    rev = None
    if "alembic_version" in names:
        rev = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return rev, bool(names - {"alembic_version"})


def _check(where: str, rev: str | None, others: bool) -> None:
    from .db import StoreError, StoreTooNew

    if rev is not None and rev not in KNOWN_REVISIONS:
        raise StoreTooNew(f"The store {where} was set up by a newer version of Discovery (schema {rev}). "
                          "Install that version or newer to use it; this version will not change it.")
    if rev is None and others:
        raise StoreError(f"The database {where} holds other tables but no Discovery store; Discovery will not "
                         "take it over. Name an empty database for the practice's store.")


@dataclass(frozen=True)
class PostgresServer:
    """The :class:`~.db.StoreKind` of a shared store on the PostgreSQL server at ``url``."""

    url: URL
    on_server = True
    backups_note: str | None = BACKUPS_NOTE

    @property
    def location(self) -> str:
        return location.describe(self.url)

    @property
    def name(self) -> str:
        return f"{self.url.database} on {self.url.host or 'this computer'}"

    @property
    def key(self) -> str:
        return location.describe(self.url)

    @property
    def target(self) -> str:
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def lock(self, kind: str) -> None:
        """No lock file: many consultants write at once, and the revision check refuses a save made
        against a stale picture, in words."""
        return None

    def open(self, *, backup_dir: Path | None = None, check_integrity: bool = True, empty_is_new: bool = True,
             read_only: bool = False) -> Store:
        """Open the store on the server (backups, integrity and empty files are the server's business)."""
        return open_server_store(self.url, read_only=read_only)


def open_server_store(url: URL, *, read_only: bool = False) -> Store:
    """Open the store on the server at ``url``; it must have been prepared with :func:`init_store`."""
    from .db import Store, StoreError

    where = location.describe(url)
    engine = make_engine(url, read_only=read_only)
    try:
        with engine.connect() as conn:
            rev, others = schema_state(conn)
        _check(where, rev, others)
        if rev is None:
            raise StoreError(f"The database {where} has no Discovery store yet. Whoever runs the practice's "
                             f"server prepares it once with: discovery-app --db {where} init-store")
        if rev != HEAD_REVISION:
            raise StoreError(f"The store {where} needs an upgrade to this version of Discovery (schema {rev} -> "
                             f"{HEAD_REVISION}). Everyone on the old version should close Discovery first; then "
                             f"run: discovery-app --db {where} init-store")
    except StoreError:
        engine.dispose()
        raise
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise StoreError(f"Cannot open the store {where}: {_first_line(exc.orig or exc)}") from exc
    store = Store(None, engine, url=url, read_only=read_only, kind=PostgresServer(url))
    if url.username:
        # The server authenticated this name: on a shared store it says who changed what (in
        # conflicts, checkouts and the change log) better than the computer's own user name.
        store.revisions.who = f"{url.username} on {socket.gethostname()}"
    return store


def init_store(url: URL) -> tuple[str | None, str]:
    """Create the schema on an empty server database, or upgrade an older one, in one
    transaction (PostgreSQL's DDL is transactional: a failed upgrade leaves the old schema).
    Returns (revision before, revision after)."""
    from .db import StoreError, upgrade

    where = location.describe(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            # One upgrader at a time: a second init-store waits here rather than racing.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            _as_database_owner(conn)
            rev, others = schema_state(conn)
            _check(where, rev, others)
            if rev != HEAD_REVISION:
                upgrade(conn)
                log.info("server store schema migrated from %s to %s", rev, HEAD_REVISION)
    except StoreError:
        raise
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"Could not prepare the store {where}: {_first_line(exc.orig or exc)}. "
                         "Nothing was changed.") from exc
    finally:
        engine.dispose()
    return rev, HEAD_REVISION


def _as_database_owner(conn: sa.Connection) -> None:
    """Create the schema as the database's owner role when whoever runs init-store is a member of
    it, so every consultant's login role (a member of that group role) may use the tables, whoever
    prepared them."""
    owner = conn.execute(sa.text(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")).scalar()
    me = conn.execute(sa.text("SELECT current_user")).scalar()
    if owner and owner != me and conn.execute(sa.text("SELECT pg_has_role(current_user, :r, 'MEMBER')"),
                                              {"r": owner}).scalar():
        conn.execute(sa.text(f'SET LOCAL ROLE "{owner.replace(chr(34), chr(34) * 2)}"'))


#: pg_advisory_xact_lock key of a schema change ("DSCV").
_LOCK_KEY = int.from_bytes(b"DSCV", "big")

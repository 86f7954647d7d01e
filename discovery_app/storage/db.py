"""Opening the store, whatever kind it is: the errors in words, the :class:`Store`, the kinds
(:class:`StoreKind`) and the migrations.

A store is an SQLite file (:mod:`.sqlite_file`: PRAGMAs, integrity check, backups, the file lock)
or a PostgreSQL server (:mod:`.server`: no app backups, no lock, the schema prepared by
``init-store``). What differs between them lives in those two modules, behind :class:`StoreKind`;
everything SQL-dialect-specific stays inside this package.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import backup, location
from .revisions import Revisions

if TYPE_CHECKING:
    from .lock import StoreLock

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class StoreError(Exception):
    """The store cannot be opened or written; the message is for the consultant."""


class StoreTooNew(StoreError):
    pass


class StoreDamaged(StoreError):
    """The file is damaged or unreadable; ``backup`` is the newest good backup, if any."""

    def __init__(self, message: str, backup: backup.BackupInfo | None = None):
        super().__init__(message)
        self.backup = backup


class StoreFull(StoreError):
    pass


class StoreReadOnly(StoreError):
    pass


class StoreLocked(StoreError):
    pass


READ_ONLY_MESSAGE = ("This window is read-only: another Discovery window has this database open. Nothing was "
                     "saved. Make the change in that window, or close it and open the database again here.")


class StoreKind(Protocol):
    """What differs between a store in an SQLite file (:class:`.sqlite_file.SqliteFile`) and one on a
    PostgreSQL server (:class:`.server.PostgresServer`). Everything else (tables, migrations,
    repository, revision check) is the same code for both."""

    #: True on a shared database server.
    on_server: bool

    @property
    def location(self) -> str:
        """Where the store is, in words (a path, or a URL without its password)."""

    @property
    def name(self) -> str:
        """A short name for titles."""

    @property
    def key(self) -> str:
        """What identifies the store across runs."""

    @property
    def target(self) -> str | Path:
        """What opens the store again (a server URL here carries its password: never show it)."""

    @property
    def backups_note(self) -> str | None:
        """Why the app keeps no backups of this kind of store, or None when it does."""

    def lock(self, kind: str) -> StoreLock | None:
        """The lock that keeps one writer ("window" or "command"), not yet taken; None where many
        write at once and the revision check (:mod:`.revisions`) guards each save."""

    def open(self, *, backup_dir: Path | None = None, check_integrity: bool = True, empty_is_new: bool = True,
             read_only: bool = False) -> Store:
        """Open the store, refusing in words (:class:`StoreError`) one that cannot be used."""


def kind_for(target: str | Path | sa.engine.URL | None) -> StoreKind:
    """The kind of store ``target`` names: a server URL, else a file path."""
    if target is None:
        raise StoreError("A store needs a file or a server URL.")
    if isinstance(target, sa.engine.URL):
        from .server import PostgresServer

        return PostgresServer(target)
    try:
        if location.is_server(target):
            from .server import PostgresServer

            return PostgresServer(location.server_url(str(target)))
    except location.LocationError as exc:
        raise StoreError(str(exc)) from exc
    from .sqlite_file import SqliteFile

    return SqliteFile(Path(target))


@dataclass
class Store:
    #: The SQLite file; None for a store on a server (see :attr:`url`).
    path: Path | None
    engine: Engine
    migrated_from: str | None = None
    backup_dir: Path | None = None
    # Set when the automatic backup on open could not be written (the store still opened).
    backup_warning: str | None = None
    #: Opened beside a window that holds the store: SQLite refuses every write (query_only).
    read_only: bool = False
    #: This open store's side of the revision check (see :mod:`.revisions`).
    revisions: Revisions = field(default_factory=Revisions)
    #: The server's URL (password included, never shown) for a store on PostgreSQL; None for a file.
    url: sa.engine.URL | None = None
    #: What kind of store this is (a file, or a server): what differs between them lives there.
    kind: StoreKind | None = None

    def __post_init__(self) -> None:
        if self.kind is None:
            self.kind = kind_for(self.url if self.url is not None else self.path)

    @property
    def _kind(self) -> StoreKind:
        assert self.kind is not None
        return self.kind

    @property
    def on_server(self) -> bool:
        """True for a shared store on a database server (no file, no lock, no app backups)."""
        return self._kind.on_server

    @property
    def location(self) -> str:
        """Where the store is, in words for titles and messages (a path, or a URL without its password)."""
        return self._kind.location

    @property
    def name(self) -> str:
        """A short name: the file's name, or "DATABASE on HOST" for a server store."""
        return self._kind.name

    @property
    def key(self) -> str:
        """What identifies this store across runs (remembered with the last engagement)."""
        return self._kind.key

    @property
    def target(self) -> str | Path:
        """What opens this store again: the file, or the server URL (with its password: never show it)."""
        return self._kind.target

    @property
    def backups_note(self) -> str | None:
        """Why the app keeps no backups of this store, or None when it does."""
        return self._kind.backups_note

    def dispose(self) -> None:
        self.engine.dispose()


def current_revision(conn: sa.Connection) -> str | None:
    """The schema revision of the store behind ``conn`` (None: no Discovery schema yet)."""
    if conn.dialect.name == "sqlite":
        from .sqlite_file import schema_revision

        return schema_revision(conn)
    from .server import schema_state

    return schema_state(conn)[0]


def upgrade(conn: sa.Connection) -> None:
    """Run every migration up to head on ``conn`` (imports Alembic only when needed)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def open_store(target: Path | str, *, backup_dir: Path | None = None, check_integrity: bool = True,
               empty_is_new: bool = True, read_only: bool = False) -> Store:
    """Open (creating or migrating as needed) the store at ``target``: an SQLite file, or a
    PostgreSQL server for a URL (``postgresql://...``). Each kind does what it needs
    (:class:`StoreKind`): a file is checked, backed up and migrated; a server store must have been
    prepared with ``init-store`` and keeps its own backups.

    Raises :class:`StoreError` with a plain-words message when the store cannot be used; an
    existing file is never overwritten or downgraded. An existing empty file becomes a new store
    only when ``empty_is_new`` (see :class:`discovery_app.paths.AppPaths`).
    """
    return kind_for(target).open(backup_dir=backup_dir, check_integrity=check_integrity,
                                 empty_is_new=empty_is_new, read_only=read_only)

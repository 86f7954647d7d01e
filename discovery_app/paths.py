"""Where Discovery keeps its files (platformdirs), and how ``--db`` / ``DISCOVERY_DB`` override it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Discovery"
APP_AUTHOR = "Discovery"
DB_FILE = "discovery.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    data: Path
    db: Path
    backups: Path
    exports: Path
    logs: Path
    # An existing empty file at ``db`` may become a new store: at the default location, or when
    # the user said so (--new-db). Elsewhere an empty file is refused, never taken over.
    empty_is_new: bool = True
    #: A shared store on a database server (``postgresql://...``), when ``--db`` named one; ``db``
    #: and ``backups`` are then not used (the server has no file of ours and keeps its own backups).
    server: str | None = None

    @property
    def store(self) -> str | Path:
        """What to open: the server URL, else the database file."""
        return self.server or self.db

    @property
    def location(self) -> str:
        """Where the store is, in words (a server URL never shows its password)."""
        if self.server:
            from .storage.location import describe

            return describe(self.server)
        return str(self.db)

    @property
    def name(self) -> str:
        """The store's short name for one-line messages."""
        return self.location if self.server else self.db.name

    @classmethod
    def resolve(cls, db: str | os.PathLike[str] | None = None, *, new_db: bool = False) -> AppPaths:
        """The default locations, with the database from ``db``, else ``DISCOVERY_DB``.

        Either may be a server URL (``postgresql://USER@HOST/DATABASE``): see :attr:`server`.
        Anything else with a scheme raises :class:`~discovery_app.storage.location.LocationError`.

        An overridden database keeps its backups beside it, so a test or a second store never
        mixes its backups with the consultant's main one.
        """
        chosen = db or os.environ.get("DISCOVERY_DB")
        data = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
        logs = Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
        if chosen and "://" in str(chosen) and _is_server(str(chosen)):
            return cls(data=data, db=data / DB_FILE, backups=data / "backups", exports=data / "exports",
                       logs=logs, empty_is_new=False, server=str(chosen).strip())
        if chosen:
            db_path = Path(chosen).expanduser().absolute()
            backups = db_path.parent / f"{db_path.stem}-backups"
        else:
            db_path = data / DB_FILE
            backups = data / "backups"
        return cls(data=data, db=db_path, backups=backups, exports=data / "exports", logs=logs,
                   empty_is_new=new_db or not chosen)


def _is_server(text: str) -> bool:
    # Imported only for a URL: opening a file store must not load the storage layer before the
    # window paints (tests/ui/test_application.py).
    from .storage.location import is_server

    return is_server(text)

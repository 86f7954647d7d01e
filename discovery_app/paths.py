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

    @classmethod
    def resolve(cls, db: str | os.PathLike[str] | None = None, *, new_db: bool = False) -> AppPaths:
        """The default locations, with the database from ``db``, else ``DISCOVERY_DB``.

        An overridden database keeps its backups beside it, so a test or a second store never
        mixes its backups with the consultant's main one.
        """
        chosen = db or os.environ.get("DISCOVERY_DB")
        data = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
        logs = Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
        if chosen:
            db_path = Path(chosen).expanduser().absolute()
            backups = db_path.parent / f"{db_path.stem}-backups"
        else:
            db_path = data / DB_FILE
            backups = data / "backups"
        return cls(data=data, db=db_path, backups=backups, exports=data / "exports", logs=logs,
                   empty_is_new=new_db or not chosen)

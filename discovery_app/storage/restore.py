"""Putting a backup back in place of the live database, safely.

The order matters, and each step can be interrupted without losing anything:

1. The chosen backup is checked (``integrity_check``, ours, not from a newer version); a bad one
   is refused before anything is touched.
2. The current database is kept: a healthy one is copied to ``before-restore-...`` with the
   backup API; a damaged or unreadable one is *moved* aside whole (with its ``-wal``/``-shm``) as
   ``damaged-...`` so nobody can lose what a specialist might still recover from it.
3. The backup is copied with the backup API: into the live database when it is healthy (one
   SQLite write transaction: a crash leaves the old content, never a mix), otherwise into a
   temporary file that is fsynced and renamed into place.
4. The result is checked again.

The caller must have closed its own connections to the live database first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from . import backup

log = logging.getLogger(__name__)


class RestoreError(Exception):
    """The restore was refused or failed; the live database is as it was (the message says so)."""


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]


def _move_aside(live: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = backup.new_backup_path(folder, "damaged")
    os.replace(live, target)
    for side in _side_files(live):
        if side.exists():
            os.replace(side, target.with_name(target.name + side.name[len(live.name):]))
    return target


def restore(backup_path: Path, live: Path, backups_folder: Path, known_revisions: Iterable[str]) -> Path | None:
    """Replace ``live`` with the content of ``backup_path``.

    Returns where the previous database was kept (``None`` if there was none). Raises
    :class:`RestoreError` with words for the consultant.
    """
    backup_path, live, folder = Path(backup_path), Path(live), Path(backups_folder)
    known = tuple(known_revisions)
    problem = backup.check_file(backup_path, known)
    if problem:
        raise RestoreError(f"That backup cannot be restored: {problem} Nothing was changed.")
    if backup_path.resolve() == live.resolve():
        raise RestoreError("That file is the live database itself. Nothing was changed.")

    kept: Path | None = None
    healthy = live.exists() and live.stat().st_size > 0 and backup.check_file(live, known) is None
    try:
        if healthy:
            kept = _copy_live(live, backup.new_backup_path(folder, "before-restore"))
        elif live.exists():
            kept = _move_aside(live, folder)
    except (OSError, sqlite3.Error) as exc:
        raise RestoreError(
            f"Could not keep a copy of the current database before restoring ({exc}). "
            "Nothing was changed."
        ) from exc

    try:
        if healthy:
            _copy_into_live(backup_path, live)
        else:
            _copy_to_new_file(backup_path, live)
    except (OSError, sqlite3.Error) as exc:
        where = f" The previous database is kept as {kept}." if kept else ""
        raise RestoreError(f"Restoring {backup_path.name} failed ({exc}).{where}") from exc

    problem = backup.check_file(live, known)
    if problem:
        raise RestoreError(f"The restored database does not check out: {problem}")
    log.info("restored backup %s (previous kept as %s)", backup_path.name, kept.name if kept else "-")
    return kept


def _copy_live(live: Path, target: Path) -> Path:
    conn = sqlite3.connect(live, timeout=5)
    try:
        return backup.copy_connection(conn, target)
    finally:
        conn.close()


def _copy_into_live(source: Path, live: Path) -> None:
    src = backup.connect_readonly(source)
    try:
        dest = sqlite3.connect(live, timeout=5)
        try:
            dest.execute("PRAGMA synchronous = FULL")
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def _copy_to_new_file(source: Path, live: Path) -> None:
    live.parent.mkdir(parents=True, exist_ok=True)
    for side in _side_files(live):
        # Left by a database that was moved aside: they must never be applied to the new file.
        with contextlib.suppress(FileNotFoundError):
            side.unlink()
    backup.copy_file(source, live)

"""Backups: consistent copies of the database made with SQLite's online backup API.

The backup API copies the database page by page inside a read transaction, so a copy is
consistent even while the app is writing (a file copy of a WAL database is not). Each copy is
written to ``NAME.part`` beside its target, fsynced, switched to rollback-journal mode (so it is
one self-contained file that can be opened read-only) and only then renamed into place: a
backup file either is complete or does not exist.

Names: ``discovery-YYYYmmdd-HHMMSSZ-KIND.sqlite3``, stamped in UTC (the ``Z``), with KIND
``open`` (taken when the app opens the store) or ``auto`` (taken while working, see
:func:`is_due`); safety copies taken before a migration (``before-migration-REV-...``) or a
restore (``before-restore-...``) are never pruned automatically. The rolling set keeps the newest
:data:`KEEP_LAST` automatic backups plus the newest one of each of the last :data:`KEEP_DAYS`
days (days as the computer's clock has them now).

Order and pruning go by the instant a backup was taken, never by local clock time, so flying
from Auckland to Los Angeles neither reorders the list nor prunes the newest copies. Backups
named by earlier versions (local time, no ``Z``) stay readable: the zone they were named in is
recovered from the file's own modification time when the two agree (see :func:`_taken_at`),
else the computer's current zone is assumed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

SUFFIX = ".sqlite3"
KEEP_LAST = 10
KEEP_DAYS = 7
AUTOMATIC_KINDS = ("open", "auto")
_STAMP = re.compile(r"(\d{8}-\d{6})(Z?)")
_SEQUENCE = re.compile(r"-[a-z_]+-(\d+)\.sqlite3$")  # discovery-<stamp>-open-11.sqlite3
# A ".part" left by a crash mid-copy is removed once it is clearly not being written any more.
STALE_PART_SECONDS = 3600


class BackupError(Exception):
    """A backup could not be written or read; the message is for the consultant."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    size: int
    kind: str
    engagements: int | None  # None when the file cannot be read as a Discovery database

    @property
    def readable(self) -> bool:
        return self.engagements is not None


# ---- writing ----------------------------------------------------------------------------------


def _finish_copy(dest: sqlite3.Connection) -> None:
    # One self-contained file: no -wal/-shm needed to read it, so it opens read-only anywhere.
    dest.execute("PRAGMA journal_mode = DELETE")
    dest.commit()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_connection(source: sqlite3.Connection, target: Path) -> Path:
    """Write a consistent copy of the database behind ``source`` to ``target`` (all or nothing)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        dest = sqlite3.connect(tmp)
        try:
            source.backup(dest)
            _finish_copy(dest)
        finally:
            dest.close()
        _fsync(tmp)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target


def copy_database(engine: Engine, target: Path) -> Path:
    """Write a consistent copy of the live database behind ``engine`` to ``target``."""
    raw = engine.raw_connection()
    try:
        return copy_connection(raw.driver_connection, target)  # type: ignore[arg-type]
    finally:
        raw.close()


def copy_file(source: Path, target: Path) -> Path:
    """Copy the database file ``source`` (opened read-only) to ``target`` with the backup API."""
    src = connect_readonly(source)
    try:
        return copy_connection(src, target)
    finally:
        src.close()


def new_backup_path(folder: Path, kind: str, when: datetime | None = None) -> Path:
    """Where a backup of ``kind`` taken at ``when`` (now; a naive time is local) goes, named in UTC."""
    instant = (when or datetime.now(UTC)).astimezone(UTC)
    stamp = instant.strftime("%Y%m%d-%H%M%SZ")
    name = f"discovery-{stamp}-{kind}" if kind in AUTOMATIC_KINDS else f"{kind}-{stamp}"
    path = folder / f"{name}{SUFFIX}"
    taken = [p for p in folder.glob(f"{name}*{SUFFIX}") if p == path or _sequence(p) > 1]
    if not taken:
        return path
    # One past the highest number of this second: a number freed by pruning is never reused,
    # or the new copy would sort as older than the ones it follows.
    n = max(_sequence(p) for p in taken) + 1
    return folder / f"{name}-{n}{SUFFIX}"


def make_backup(engine: Engine, folder: Path, kind: str = "auto") -> Path:
    """Take a backup of ``kind`` into ``folder`` and prune the rolling set; returns its path."""
    try:
        path = copy_database(engine, new_backup_path(Path(folder), kind))
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"Could not write a backup to {folder}: {_why(exc)}") from exc
    log.info("backup written: %s", path.name)
    prune(folder)
    return path


def _why(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    if "full" in text.lower() or getattr(exc, "errno", None) == 28:
        return "the disk is full"
    return text


# ---- when is one due --------------------------------------------------------------------------


def last_change(db_path: Path) -> float:
    """When the database (its main file or its write-ahead log) was last written, as a timestamp."""
    times = []
    with contextlib.suppress(OSError):
        times.append(db_path.stat().st_mtime)
    with contextlib.suppress(OSError):
        wal = db_path.with_name(db_path.name + "-wal").stat()
        if wal.st_size > 0:  # SQLite creates an empty WAL on every open: that is not a change
            times.append(wal.st_mtime)
    return max(times, default=0.0)


def newest_automatic(folder: Path) -> Path | None:
    files = [p for p in _backup_files(folder) if _kind(p) in AUTOMATIC_KINDS]
    return max(files, key=_sort_key, default=None)


def is_due(db_path: Path, folder: Path, interval: timedelta, now: float | None = None) -> bool:
    """True when the database changed since the newest automatic backup and that backup is at
    least ``interval`` old (or there is none)."""
    newest = newest_automatic(Path(folder))
    if newest is None:
        return True
    try:
        taken = newest.stat().st_mtime
    except OSError:
        return True
    if last_change(Path(db_path)) < taken:
        # Nothing to save: the newest backup already holds this content. (Equal times count as a
        # change: file times tick coarsely, so a write just after a backup can share its time.)
        return False
    return (now if now is not None else time.time()) - taken >= interval.total_seconds()


# ---- reading ----------------------------------------------------------------------------------


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open a database file read-only: nothing about it (not even a journal) is changed."""
    uri = Path(path).absolute().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True)


def _backup_files(folder: Path) -> list[Path]:
    try:
        return [p for p in Path(folder).iterdir() if p.is_file() and p.name.endswith(SUFFIX)]
    except OSError:
        return []


def _kind(path: Path) -> str:
    name = path.name[: -len(SUFFIX)]
    if name.startswith("discovery-"):
        rest = _STAMP.sub("", name[len("discovery-"):], count=1).strip("-")
        return rest.split("-")[0] or "auto"
    if name.startswith("before-migration"):
        return "before-migration"
    if name.startswith("before-restore"):
        return "before-restore"
    if name.startswith("damaged"):
        return "damaged"
    return "other"


#: How far an old, local-time name may be from the file's modification time once shifted by a
#: whole quarter hour of zone offset, for that offset to be taken as the zone it was named in.
_MTIME_AGREES = timedelta(minutes=2)


def _taken_at(path: Path) -> datetime:
    """When the backup was taken, as an aware UTC time.

    A name ending in ``Z`` is UTC. An older name is the local time of wherever it was taken: if
    the file's modification time (an absolute instant, written when the copy was renamed into
    place) lies within two minutes of the name shifted by a real zone offset (a whole quarter
    hour, at most 14 hours), that offset is the zone it was named in; otherwise the name is read
    in the computer's current zone.
    """
    m = _STAMP.search(path.name)
    mtime: datetime | None = None
    with contextlib.suppress(OSError):
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    if m:
        try:
            named = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
        except ValueError:
            named = None
        if named is not None:
            if m.group(2):
                return named.replace(tzinfo=UTC)
            if mtime is not None:
                offset = named.replace(tzinfo=UTC) - mtime  # local time minus UTC, if it was written then
                quarters = round(offset / timedelta(minutes=15))
                if abs(quarters) <= 14 * 4 and abs(offset - quarters * timedelta(minutes=15)) <= _MTIME_AGREES:
                    return (named - quarters * timedelta(minutes=15)).replace(tzinfo=UTC)
            return named.astimezone(UTC)  # naive: the computer's zone now
    return mtime or datetime.fromtimestamp(0, UTC)


def _local_day(when: datetime) -> date:
    """The calendar day of ``when`` on the computer's clock now (naive times are local already)."""
    return when.astimezone().date() if when.tzinfo is not None else when.date()


def _sequence(path: Path) -> int:
    """The "-N" that tells apart backups taken within the same second (none: 1)."""
    m = _SEQUENCE.search(path.name)
    return int(m.group(1)) if m else 1


def _sort_key(path: Path) -> tuple[datetime, int, float, str]:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    # Same second: the sequence number orders them ("open-10" is newer than "open-9", which a
    # plain name comparison gets backwards).
    return (_taken_at(path), _sequence(path), mtime, path.name)


def engagement_count(path: Path) -> int | None:
    """How many engagements the file holds, read read-only; None if it is not readable as ours."""
    try:
        conn = connect_readonly(path)
    except sqlite3.Error:
        return None
    try:
        return int(conn.execute("SELECT count(*) FROM engagement").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def list_backups(folder: Path) -> list[BackupInfo]:
    """Every backup in ``folder``, newest first, with its engagement count (read read-only)."""
    out = []
    for p in _backup_files(folder):
        try:
            size = p.stat().st_size
        except OSError:
            continue
        out.append(BackupInfo(p, _taken_at(p), size, _kind(p), engagement_count(p)))
    out.sort(key=lambda b: _sort_key(b.path), reverse=True)
    return out


def check_file(path: Path, known_revisions: Iterable[str]) -> str | None:
    """Why the database file ``path`` cannot be used (damaged, foreign, too new), or None if it can."""
    path = Path(path)
    if not path.is_file():
        return f"{path} does not exist."
    try:
        conn = connect_readonly(path)
    except sqlite3.Error as exc:
        return f"{path} cannot be opened ({exc})."
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            return f"{path} is damaged ({result})."
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        rev = conn.execute("SELECT version_num FROM alembic_version").fetchone() if row else None
    except sqlite3.Error as exc:
        return f"{path} is not a readable Discovery database ({exc})."
    finally:
        conn.close()
    if rev is None:
        return f"{path} is not a Discovery database."
    if rev[0] not in set(known_revisions):
        return f"{path} was written by a newer version of Discovery (schema {rev[0]})."
    return None


def newest_good_backup(folder: Path, known_revisions: Iterable[str]) -> BackupInfo | None:
    """The newest backup in ``folder`` that passes ``PRAGMA integrity_check`` and is ours."""
    known = tuple(known_revisions)
    for info in list_backups(folder):
        if info.kind == "damaged":
            continue
        if check_file(info.path, known) is None:
            return info
    return None


# ---- the rolling set --------------------------------------------------------------------------


def select_kept(names_and_times: list[tuple[Path, datetime]], today: date,
                keep_last: int = KEEP_LAST, keep_days: int = KEEP_DAYS) -> set[Path]:
    """Which automatic backups the rolling set keeps: the newest ``keep_last``, plus the newest of
    each of the last ``keep_days`` days (today included)."""
    ordered = sorted(names_and_times, key=lambda x: (x[1], _sequence(x[0]), x[0].name), reverse=True)
    kept = {p for p, _ in ordered[:keep_last]}
    first_day = today - timedelta(days=keep_days - 1)
    seen_days: set[date] = set()
    for p, when in ordered:
        d = _local_day(when)
        if first_day <= d <= today and d not in seen_days:
            seen_days.add(d)
            kept.add(p)
    return kept


def prune(folder: Path, today: date | None = None) -> list[Path]:
    """Delete automatic backups outside the rolling set and stale ``.part`` files; returns what
    was deleted. Safety copies (before a migration or a restore) are never deleted here."""
    folder = Path(folder)
    auto = [(p, _taken_at(p)) for p in _backup_files(folder) if _kind(p) in AUTOMATIC_KINDS]
    kept = select_kept(auto, today or date.today())
    removed = []
    for p, _ in auto:
        if p not in kept:
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    now = time.time()
    with contextlib.suppress(OSError):
        for part in folder.glob(f"*{SUFFIX}.part"):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime > STALE_PART_SECONDS:
                    part.unlink()
                    removed.append(part)
    return removed

"""One writer per store: an operating-system lock on a small file next to the database.

A Discovery window holds ``<store>.lock`` (for example ``discovery.sqlite3.lock``) for as long as
it has the store open; a command-line command that writes holds it while it runs. The lock is the
platform's own file lock (``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows), so
the operating system drops it the moment its holder exits, crashes or is killed: a lock left by a
crashed process is never in the way. The file also says who holds it (process id, host, user,
what kind of program and since when) so a second window or a command can say so in words.

On a file system that offers no locks (some network shares), the file's contents decide: a holder
on this machine whose process is gone is a stale lock, taken over and logged; a holder on another
machine is trusted.

Qt's ``QLockFile`` would do in the window, but the command line (no Qt) must see the same lock.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import logging
import os
import socket
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ..domain import locale_text

log = logging.getLogger(__name__)

# Windows locks a byte range; lock one far past the holder's details so they stay readable.
_WIN_LOCK_OFFSET = 1 << 20


def lock_path(db: Path) -> Path:
    """The lock file of the store at ``db``."""
    return db.with_name(db.name + ".lock")


@dataclass(frozen=True)
class Holder:
    """Who holds a store."""

    pid: int
    host: str
    user: str
    started: datetime
    kind: str  # "window" or "command"

    def describe(self) -> str:
        """E.g. "a Discovery window (anna on laptop-7, process 4182, open since 14:05)"."""
        what = "a Discovery window" if self.kind == "window" else "a discovery-app command"
        when = locale_text.format_moment(self.started, None)
        return f"{what} ({self.user} on {self.host}, process {self.pid}, open since {when})"

    def to_json(self) -> str:
        return json.dumps({"pid": self.pid, "host": self.host, "user": self.user,
                           "started": self.started.isoformat(), "kind": self.kind})

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        try:
            d: dict[str, Any] = json.loads(text)
            return cls(int(d["pid"]), str(d["host"]), str(d["user"]),
                       datetime.fromisoformat(str(d["started"])), str(d.get("kind", "window")))
        except (ValueError, KeyError, TypeError):
            return None

    @classmethod
    def me(cls, kind: str) -> Holder:
        try:
            user = getpass.getuser()
        except Exception:  # no user name in the environment (a service account, a container)
            user = "unknown user"
        return cls(os.getpid(), socket.gethostname(), user, datetime.now(UTC), kind)


class StoreHeld(Exception):
    """Another process holds the store; ``holder`` says who (None if the file gave no details)."""

    def __init__(self, path: Path, holder: Holder | None):
        self.path = path
        self.holder = holder
        who = holder.describe() if holder else "another Discovery program"
        super().__init__(f"{path.name} is open in {who}.")


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


class _NoLocks(OSError):
    """The file system offers no file locks."""


def _try_os_lock(fh: IO[bytes]) -> bool:
    """Take the OS lock without waiting: True if taken, False if someone holds it."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import msvcrt

        fh.seek(_WIN_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise _NoLocks(str(exc)) from exc
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise _NoLocks(str(exc)) from exc
    return True


def read_holder(db: Path) -> Holder | None:
    """The details written in the store's lock file (whether or not they are current)."""
    try:
        return Holder.from_json(lock_path(db).read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return None


class StoreLock:
    """The lock on one store, held until :meth:`release` (or the process ends)."""

    def __init__(self, db: Path, kind: str = "window"):
        self.db = Path(db)
        self.path = lock_path(self.db)
        self.kind = kind
        self._fh: IO[bytes] | None = None
        #: The holder whose lock was found stale and taken over, if any (for the log).
        self.recovered: Holder | None = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self) -> StoreLock:
        """Take the lock or raise :class:`StoreHeld` naming who holds it."""
        if self._fh is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+b")  # kept open while the lock is held
        try:
            try:
                got = _try_os_lock(fh)
                os_lock = True
            except _NoLocks:
                log.warning("no file locks on this file system; using the lock file's contents")
                got, os_lock = True, False
            previous = read_holder(self.db)
            if not got:
                raise StoreHeld(self.db, previous)
            if not os_lock and previous is not None and previous.pid != os.getpid():
                if previous.host != socket.gethostname() or pid_alive(previous.pid):
                    raise StoreHeld(self.db, previous)
            if previous is not None and previous.pid != os.getpid():
                # The OS lock was free (or the holder's process is gone): a crash left the file.
                self.recovered = previous
                log.info("took over the lock file left by process %s (%s)", previous.pid, previous.kind)
            me = Holder.me(self.kind)
            fh.seek(0)
            fh.truncate()
            fh.write(me.to_json().encode("utf-8"))
            fh.flush()
        except BaseException:
            fh.close()
            raise
        self._fh = fh
        return self

    def release(self) -> None:
        """Let go of the lock; the file is emptied so nobody reads a stale holder from it."""
        fh, self._fh = self._fh, None
        if fh is None:
            return
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
            fh.flush()
        if sys.platform == "win32":  # pragma: no cover - Windows only; it frees a lock on close only lazily
            import msvcrt

            with contextlib.suppress(OSError):
                fh.seek(_WIN_LOCK_OFFSET)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        fh.close()  # closing the file drops the OS lock

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()


def holder_of(db: Path) -> Holder | None:
    """Who holds the store now (None when nobody does); changes nothing in the lock file."""
    path = lock_path(db)
    if not path.exists():
        return None
    try:
        with open(path, "a+b") as fh:
            try:
                free = _try_os_lock(fh)
            except _NoLocks:
                holder = read_holder(db)
                alive = holder is not None and (holder.host != socket.gethostname() or pid_alive(holder.pid))
                return holder if alive else None
    except OSError:
        return None
    if free:  # closing the file above let go of the lock just taken
        return None
    return read_holder(db) or Holder(0, "?", "?", datetime.now(UTC), "window")

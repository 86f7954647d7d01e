"""One writer per store: the lock file beside the store, who holds it, and a crashed holder's
lock recovered."""

import json
import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from discovery_app.storage import lock as lock_mod
from discovery_app.storage.lock import Holder, StoreHeld, StoreLock, holder_of, lock_path

pytestmark = pytest.mark.sqlite_only(reason="the lock file beside an SQLite store")

HOLD = """
import sys, time
from pathlib import Path
from discovery_app.storage.lock import StoreLock
held = StoreLock(Path(sys.argv[1]), kind=sys.argv[2]).acquire()
print("held", flush=True)
time.sleep(120)
"""


def hold_in_process(db, kind="window"):
    """Another process holding the store (as a window would); returns the running process."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), kind], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


@pytest.fixture
def db(tmp_path):
    return tmp_path / "store.sqlite3"


def test_a_second_holder_is_refused_with_who_holds_it(db):
    proc = hold_in_process(db)
    try:
        with pytest.raises(StoreHeld) as caught:
            StoreLock(db).acquire()
        holder = caught.value.holder
        assert holder is not None and holder.pid == proc.pid and holder.kind == "window"
        assert holder.host == socket.gethostname()
        assert str(caught.value).startswith(f"{db.name} is open in a Discovery window (")
        assert f"process {proc.pid}" in str(caught.value)
        assert holder_of(db) == holder
    finally:
        proc.kill()
        proc.wait()


def test_a_crashed_holders_lock_is_recovered(db):
    proc = hold_in_process(db)
    proc.send_signal(signal.SIGKILL)  # a crash: no chance to release or empty the file
    proc.wait()
    left = json.loads(lock_path(db).read_text())
    assert left["pid"] == proc.pid  # the file still names the dead holder
    assert holder_of(db) is None
    lock = StoreLock(db).acquire()
    try:
        assert lock.recovered is not None and lock.recovered.pid == proc.pid
        assert json.loads(lock_path(db).read_text())["pid"] == os.getpid()
    finally:
        lock.release()
    assert lock_path(db).read_text() == ""  # released: nobody reads a stale holder


def test_release_lets_the_next_one_in(db):
    with StoreLock(db):
        assert holder_of(db) is not None
    assert holder_of(db) is None
    with StoreLock(db) as again:
        assert again.held and again.recovered is None


def _no_os_locks(monkeypatch):
    def refuse(_fh):
        raise lock_mod._NoLocks("no locks on this share")

    monkeypatch.setattr(lock_mod, "_try_os_lock", refuse)


def test_without_os_locks_a_dead_holder_on_this_machine_is_stale(db, monkeypatch):
    _no_os_locks(monkeypatch)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    lock_path(db).write_text(Holder(pid, socket.gethostname(), "anna", datetime.now(UTC), "window").to_json())
    lock = StoreLock(db).acquire()
    assert lock.recovered is not None and lock.recovered.pid == pid
    lock.release()


def test_without_os_locks_a_live_holder_or_another_machine_is_respected(db, monkeypatch):
    _no_os_locks(monkeypatch)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock_path(db).write_text(Holder(proc.pid, socket.gethostname(), "anna", datetime.now(UTC), "window").to_json())
        with pytest.raises(StoreHeld):
            StoreLock(db).acquire()
        lock_path(db).write_text(Holder(1, "other-laptop", "ben", datetime.now(UTC), "window").to_json())
        with pytest.raises(StoreHeld) as caught:
            StoreLock(db).acquire()
        assert "ben on other-laptop" in str(caught.value)
    finally:
        proc.kill()
        proc.wait()


def test_a_garbled_lock_file_does_not_stop_anyone(db):
    lock_path(db).write_bytes(b"\x00\xffnot json")
    with StoreLock(db) as lock:
        assert lock.held

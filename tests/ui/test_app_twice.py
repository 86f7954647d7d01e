"""The real app started twice on one store, as a consultant double-clicking the icon twice: the
second is read-only; a command refuses to write beside it; a killed first window's lock is
recovered by the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from app_process import APP_COMMAND, ROOT

from discovery_app.storage.lock import holder_of


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _run(db, *args, timeout=120):
    return subprocess.run([*APP_COMMAND, "--db", str(db), *args], capture_output=True, text=True,
                          env=_env(), cwd=ROOT, timeout=timeout)


@pytest.fixture
def first_window(tmp_path):
    db = tmp_path / "store.sqlite3"
    assert _run(db, "demo").returncode == 0
    proc = subprocess.Popen([*APP_COMMAND, "--db", str(db)], env=_env(), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        holder = holder_of(db)
        if holder is not None and holder.pid == proc.pid:
            break
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the first window never took the store")
    yield db, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_the_second_start_is_read_only_and_a_command_refuses_beside_it(first_window):
    db, proc = first_window
    second = _run(db, "--smoke")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("first_paint=")
    assert f"note: {db.name} is open in a Discovery window (" in second.stderr
    assert f"process {proc.pid}, open since " in second.stderr and "). Opened read-only.\n" in second.stderr
    assert holder_of(db).pid == proc.pid  # the second start never took the lock from the first
    refused = _run(db, "demo")
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "--force-while-open" in refused.stderr


def test_a_killed_first_windows_lock_is_recovered_by_the_next_start(first_window):
    db, proc = first_window
    proc.send_signal(signal.SIGKILL)  # a crash: the lock file still names it
    proc.wait()
    assert holder_of(db) is None
    again = _run(db, "--smoke")
    assert again.returncode == 0, again.stderr
    assert "read-only" not in again.stderr  # it took the store
    assert _run(db, "demo").returncode == 0  # and let it go on exit

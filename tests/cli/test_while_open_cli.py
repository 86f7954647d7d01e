"""The command line and a window on one store: writing commands refuse while a window holds it
(unless --force-while-open), restore always does, reading commands go on."""

import subprocess
import sys

import pytest
from test_cli import run

pytestmark = pytest.mark.sqlite_only(reason="the lock a window holds on an SQLite store (a server store has none)")

HOLD = """
import sys, time
from pathlib import Path
from discovery_app.storage.lock import StoreLock
held = StoreLock(Path(sys.argv[1]), kind="window").acquire()
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("open") / "store.sqlite3"
    run("demo", db=db)
    return db


@pytest.fixture
def window(demo_db):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(demo_db)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield proc
    proc.kill()
    proc.wait()


def test_a_writing_command_refuses_in_one_line_while_a_window_holds_the_store(demo_db, window):
    before = run("list", "--json", db=demo_db).stdout  # reading goes on
    out = run("demo", db=demo_db, check=False)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {demo_db.name} is open in a Discovery window (")
    assert f"process {window.pid}" in lines[0] and "--force-while-open" in lines[0]
    assert run("list", "--json", db=demo_db).stdout == before  # nothing was written


def test_force_while_open_writes_beside_the_window(demo_db, window):
    count = run("list", "--json", db=demo_db).stdout.count('"id"')
    out = run("demo", "--force-while-open", db=demo_db)
    assert "writing anyway" in out.stderr
    assert run("list", "--json", db=demo_db).stdout.count('"id"') == count + 1


def test_restore_is_refused_while_a_window_is_open_even_when_forced(demo_db, window):
    (backup,) = sorted((demo_db.parent / f"{demo_db.stem}-backups").glob("*.sqlite3"))[:1]
    before = demo_db.read_bytes()
    out = run("restore", str(backup), "--force-while-open", db=demo_db, check=False)
    assert out.returncode == 1
    assert "close it first: a restore never replaces the store under a running window" in out.stderr
    assert demo_db.read_bytes() == before


def test_a_dry_run_is_not_a_write(demo_db, window, tmp_path):
    csv = tmp_path / "devices.csv"
    csv.write_text("Name,Type\nPC-1,Workstation\n")
    out = run("inventory", "import", "1", str(csv), "--dry-run", db=demo_db, check=False)
    assert "is open in" not in out.stderr


def test_without_a_window_commands_write_and_leave_the_lock_free(demo_db):
    from discovery_app.storage.lock import holder_of

    run("demo", db=demo_db)
    assert holder_of(demo_db) is None


@pytest.mark.parametrize(("argv", "writes"), [
    (["import", "f.json"], True),
    (["demo"], True),
    (["open-archive", "a.dscv"], True),
    (["restore", "b.sqlite3"], True),
    (["inventory", "import", "1", "f.csv"], True),
    (["inventory", "import", "1", "f.csv", "--dry-run"], False),
    (["inventory", "remove", "1", "u1"], True),
    (["workbook", "import", "1", "w.xlsx"], False),
    (["workbook", "import", "1", "w.xlsx", "--apply"], True),
    (["list"], False),
    (["export", "1", "--proposal", "p.pdf"], False),
    (["check", "1"], False),
])
def test_which_commands_count_as_writing(argv, writes):
    from discovery_app.cli import _writes, build_parser

    assert _writes(build_parser().parse_args(argv)) is writes

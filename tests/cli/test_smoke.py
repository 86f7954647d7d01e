"""``discovery-app --smoke``: the start-up benchmark and installer tests rely on its one line."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from app_process import APP_COMMAND, needs_interpreter

ROOT = Path(__file__).parents[2]
LINE = re.compile(r"^first_paint=(\d+\.\d{3}) usable=(\d+\.\d{3})$")


def smoke(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [*APP_COMMAND, "--db", str(db), "--smoke", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=180,
    )


def test_smoke_on_a_new_store_prints_both_times_and_exits_0(tmp_path, backend):
    db = tmp_path / "new.sqlite3"
    proc = smoke(db=db)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    m = LINE.match(lines[0])
    assert m, lines[0]
    first_paint, usable = float(m[1]), float(m[2])
    # Order, not speed: the window paints before the store is opened behind it.
    assert 0 < first_paint <= usable
    assert db.exists() or backend == "postgresql"  # it really opened (and so created) the store


def test_smoke_with_engagements_fills_the_list(tmp_path):
    db = tmp_path / "demo.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    subprocess.run([*APP_COMMAND, "--db", str(db), "demo"],
                   check=True, capture_output=True, env=env, cwd=ROOT, timeout=180)
    proc = smoke(db=db)
    assert proc.returncode == 0, proc.stderr
    assert LINE.match(proc.stdout.strip()), proc.stdout


@pytest.mark.sqlite_only(reason="a file that is not an SQLite store")
def test_smoke_on_a_file_that_is_not_a_store_fails_with_a_message(tmp_path):
    db = tmp_path / "notes.sqlite3"
    db.write_text("these are my meeting notes, not a database\n" * 50, encoding="utf-8")
    proc = smoke(db=db)
    assert proc.returncode == 1
    assert "first_paint" not in proc.stdout
    assert "store did not open" in proc.stderr


@needs_interpreter
def test_the_window_paints_before_the_list_and_the_commands_are_imported(tmp_path):
    """What the first paint waits for: Qt, the window and its Loading page, nothing else of ours
    that the list or the commands need (they load behind the first paint)."""
    probe = (
        "import sys\n"
        "from discovery_app import cli\n"
        "args = cli._desktop_start(['--db', sys.argv[1], '--smoke'])\n"
        "assert args is not None and args.smoke and args.command is None\n"
        "from discovery_app.ui import smoke\n"
        "from discovery_app.ui.application import create_application\n"
        "from discovery_app.ui.main_window import MainWindow\n"
        "create_application([]); w = MainWindow(); w.show()\n"
        "print(sorted(m for m in ('discovery_app.cli.export', 'discovery_app.cli.archive',\n"
        "    'discovery_app.ui.engagement_list', 'discovery_app.ui.new_engagement_dialog',\n"
        "    'discovery_app.services', 'sqlalchemy', 'yaml') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "s.sqlite3")], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_only_app_options_open_the_app_everything_else_goes_to_the_commands():
    from discovery_app import cli

    assert cli._desktop_start([]) is not None
    assert cli._desktop_start(["--db=x.sqlite3"]).db == "x.sqlite3"
    for argv in (["list"], ["--db", "x", "list"], ["--help"], ["--version"], ["--db"], ["--bogus"]):
        assert cli._desktop_start(argv) is None, argv


@needs_interpreter
def test_the_collector_rests_during_start_up_and_runs_after(tmp_path):
    """discovery_app.collector pauses the garbage collector while modules load; once the store is
    open (or a command's modules are in) it must be running again, or memory would only grow."""
    probe = (
        "import gc, sys\n"
        "from discovery_app import collector\n"
        "collector.pause(); assert not gc.isenabled()\n"
        "from discovery_app.cli import main\n"
        "code = main(['--db', sys.argv[1], 'list'])\n"
        "print(code, gc.isenabled())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    proc = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "s.sqlite3")], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "0 True"

"""Files that try to hurt us, through the real entry point: one line on stderr, exit code 2, no
traceback, nothing written, and no client data in what is printed."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.hostile import cell_bomb, row_bomb

ROOT = Path(__file__).parents[2]


def run(*args, db, stdin=subprocess.DEVNULL):
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    return subprocess.run([sys.executable, "-m", "discovery_app", "--db", str(db), *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=180, stdin=stdin, start_new_session=True)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    return db


def inventory_count(db):
    return len(json.loads(run("show", "1", "--json", db=db).stdout)["inventory"])


def one_line_refusal(proc, *words):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and all(w in lines[-1] for w in words), lines


def test_hostile_workbooks_are_refused_by_inventory_import(demo_db, tmp_path):
    before = inventory_count(demo_db)
    bomb = cell_bomb(tmp_path / "bomb.xlsx", 64 * 1024 * 1024)
    one_line_refusal(run("inventory", "import", "1", str(bomb), db=demo_db), "bomb.xlsx", "100:1")
    rows = row_bomb(tmp_path / "rows.xlsx", 2_000_000)
    one_line_refusal(run("inventory", "import", "1", str(rows), db=demo_db), "rows.xlsx", "limit")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(row_bomb(tmp_path / "ok.xlsx", 100).read_bytes()[:400])
    one_line_refusal(run("inventory", "import", "1", str(truncated), db=demo_db), "truncated.xlsx")
    random_zip = tmp_path / "random.xlsx"
    random_zip.write_bytes(b"PK\x03\x04" + os.urandom(4000))
    one_line_refusal(run("inventory", "import", "1", str(random_zip), db=demo_db), "random.xlsx")
    assert inventory_count(demo_db) == before


def test_hostile_workbooks_are_refused_by_workbook_import(demo_db, tmp_path):
    bomb = cell_bomb(tmp_path / "handoff.xlsx", 64 * 1024 * 1024)
    one_line_refusal(run("workbook", "import", "1", str(bomb), "--apply", db=demo_db), "handoff.xlsx",
                     "refused before reading", "100:1")
    random_zip = tmp_path / "edited.xlsx"
    random_zip.write_bytes(b"PK\x03\x04" + os.urandom(4000))
    one_line_refusal(run("workbook", "import", "1", str(random_zip), db=demo_db), "edited.xlsx", "damaged")


def test_deeply_nested_json_is_refused(demo_db, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    one_line_refusal(run("import", str(deep), db=demo_db), "deep.json", "nested too deeply")


def test_random_bytes_as_an_archive_are_refused(demo_db, tmp_path):
    junk = tmp_path / "handover.discovery"
    junk.write_bytes(os.urandom(5000))
    one_line_refusal(run("open-archive", str(junk), db=demo_db), "handover.discovery", "not a zip")


def test_an_encrypted_archive_with_no_terminal_and_no_passphrase_file(demo_db, tmp_path):
    secret = tmp_path / "pass.txt"
    secret.write_text("a long enough passphrase\n")
    sealed = tmp_path / "sealed.discovery"
    assert run("archive", "1", str(sealed), "--passphrase-file", str(secret), db=demo_db).returncode == 0
    proc = run("open-archive", str(sealed), db=tmp_path / "other.sqlite3")
    one_line_refusal(proc, "sealed.discovery", "--passphrase-file")
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.sqlite_only(reason="a foreign SQLite file")
def test_another_applications_sqlite_file_is_left_byte_identical(tmp_path):
    foreign = tmp_path / "notes.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('not ours')")
    conn.close()
    before = hashlib.sha256(foreign.read_bytes()).hexdigest()
    proc = run("list", db=foreign)
    assert proc.returncode == 1 and "not a Discovery database" in proc.stderr
    assert hashlib.sha256(foreign.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal, -shm or backups


@pytest.mark.sqlite_only(reason="an empty file named as the store")
def test_an_empty_file_is_refused_unless_named_as_a_new_store(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    proc = run("list", db=empty)
    assert proc.returncode == 1 and "--new-db" in proc.stderr
    assert empty.read_bytes() == b""
    proc = run("--new-db", "list", db=empty)
    assert proc.returncode == 0 and empty.stat().st_size > 0


def test_rejects_and_warnings_never_print_cell_contents(demo_db, tmp_path):
    f = tmp_path / "clients.csv"
    f.write_text("Name,Serial Number,Warranty End\n"
                 "SECRET-HOST,1.23457E+11,not-a-date-SECRET\n"
                 ",SECRET-SERIAL2,\n", encoding="utf-8")
    proc = run("inventory", "import", "1", str(f), "--skip-bad", "--dry-run", db=demo_db)
    assert "line 2: Serial number" in proc.stderr and "line 2: Warranty end" in proc.stderr
    assert "SECRET" not in proc.stderr + proc.stdout


def test_running_out_of_memory_prints_no_rows(demo_db, tmp_path, monkeypatch, capsys):
    from discovery_app.cli import main as cli_main

    def exhausted(path):
        raise MemoryError("SECRET-HOST,CORP\\jdoe,5CG1234 " * 1000)

    monkeypatch.setattr("discovery_app.services.inventory.read_table", exhausted)
    f = tmp_path / "big.csv"
    f.write_text("Name\nSECRET-HOST\n", encoding="utf-8")
    assert cli_main(["--db", str(demo_db), "inventory", "import", "1", str(f)]) == 2
    err = capsys.readouterr().err
    assert "SECRET" not in err and len(err.splitlines()) == 1 and "memory" in err

"""Store paths are taken literally: a "?", "#", "%" or non-ASCII letter in a folder name is part of it.

"--db 'Q&A?/a.sqlite3'" used to open "Q&A" (the part before "?", read as a URL query) and never
took a backup; "a%20b" was read as "a b".
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery

pytestmark = pytest.mark.sqlite_only(reason="file names of the SQLite store")

ROOT = Path(__file__).parents[2]
FORMS = ROOT / "tests" / "fixtures" / "forms"
FOLDERS = ["Q&A?", "a%20b", "x#y", "100%", "Zürich – Kunden ☃", "a?b#c%d"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_store_is_the_file_named(tmp_path, folder):
    db = tmp_path / folder / "a.sqlite3"
    service = Discovery.open(AppPaths.resolve(db), forms_root=FORMS)
    service.engagements.create("Müller & Söhne", form_key="mini")
    service.close()
    # Reopening takes a backup beside it; nothing is written anywhere else.
    service = Discovery.open(AppPaths.resolve(db), forms_root=FORMS)
    assert [e.header.client_name for e in service.engagements.summaries()] == ["Müller & Söhne"]
    assert service.store.path == db
    service.close()

    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT client_name FROM engagement").fetchall() == [("Müller & Söhne",)]
    conn.close()
    backups = list((tmp_path / folder / "a-backups").glob("discovery-*.sqlite3"))
    assert backups, "no backup was taken of the store"


def test_command_line_db_with_a_question_mark(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    db = tmp_path / "Q&A?" / "a.sqlite3"
    for args in (["demo"], ["list"], ["backups"]):
        proc = subprocess.run([sys.executable, "-m", "discovery_app", "--db", str(db), *args], capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr
    assert "Harbor & Finch CPAs" in subprocess.run(
        [sys.executable, "-m", "discovery_app", "--db", str(db), "list"], capture_output=True, text=True, env=env,
        cwd=ROOT, timeout=120).stdout
    assert db.is_file() and not (tmp_path / "Q&A").exists()
    assert "1 engagement" in proc.stdout  # the backup listed holds the demo

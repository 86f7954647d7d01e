"""Crash safety: a writer killed with SIGKILL at random moments never loses a confirmed edit."""

from __future__ import annotations

import os
import sqlite3
import sys

import pytest
from durability_helpers import FORMS, load_benchmark

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32",
                                reason="needs fork and SIGKILL")


def test_killed_writers_lose_no_confirmed_edit_and_never_damage_the_file(tmp_path):
    crash = load_benchmark("crash_test")
    # A time budget keeps the suite quick; benchmarks/crash_test.py runs hundreds of kills.
    result = crash.run_crash_test(tmp_path, runs=150, seed=8, max_delay=0.1, time_budget=15,
                                  forms_root=FORMS, enough=60)
    print("\n".join(result.lines()))
    assert result.problems == []
    assert result.integrity_failures == 0
    assert result.edits_lost == 0
    # The test proves something only if the kills really landed, many of them mid-save.
    assert result.kills == result.runs >= 15
    assert result.kills_while_saving >= 10
    assert result.edits_confirmed >= result.kills_while_saving
    assert result.backups_bad == 0


def test_the_checker_reports_a_lost_edit_and_a_damaged_file(tmp_path):
    """Guard against a checker that always says 'fine'."""
    crash = load_benchmark("crash_test")
    db = tmp_path / "c.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE inventory_item(engagement_id INT, name TEXT);"
        "CREATE TABLE answer(engagement_id INT, question_id TEXT, value TEXT);"
        "INSERT INTO inventory_item VALUES (1, 'edit-1-1');"
        "INSERT INTO answer VALUES (1, 'q', '\"edit-1-2\"');"
    )
    conn.commit()
    conn.close()
    result = crash.CrashResult()
    crash._check(db, 1, "q", 1, {"1-1", "1-3"}, "1-4", result)
    assert result.edits_lost == 2  # inventory edit 1-3 and answer edit 1-4 were confirmed, not stored

    data = bytearray(db.read_bytes())
    data[4096: 4096 + 12] = b"\xff" * 12  # scribble over the page header of the first table
    db.write_bytes(bytes(data))
    result = crash.CrashResult()
    crash._check(db, 1, "q", 1, set(), None, result)
    assert result.integrity_failures == 1

"""``discovery-app export ID --pack TOOL DIR [--start YYYY-MM-DD]`` and ``--workbook --start``
through the real entry point."""

import csv
from pathlib import Path

import pytest
from app_process import run_app as run
from openpyxl import load_workbook

from discovery_app.export import workbook as wbk

ROOT = Path(__file__).parents[2]




@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("packcli") / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    return db


def test_a_pack_from_the_command_line(demo_db, tmp_path):
    out = run("export", "1", "--pack", "autotask", str(tmp_path / "at"), "--start", "2027-01-04", db=demo_db).stdout
    assert "Wrote the autotask pack to" in out and "project-phases-and-tasks.csv (18 rows)" in out
    with (tmp_path / "at" / "project-phases-and-tasks.csv").open(encoding="utf-8", newline="") as fh:
        first = next(csv.DictReader(fh))
    assert first["Task: Start Date"] == "2027-01-04"
    assert (tmp_path / "at" / "README.txt").is_file()


def test_an_unknown_tool_or_bad_start_is_refused_without_a_traceback(demo_db, tmp_path):
    proc = run("export", "1", "--pack", "hudu", str(tmp_path / "h"), db=demo_db, check=False)
    assert proc.returncode == 2 and "choose one of connectwise, autotask, halopsa, itglue, generic" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "h").exists()
    proc = run("export", "1", "--workbook", str(tmp_path / "w.xlsx"), "--start", "2027-02-30", db=demo_db, check=False)
    assert proc.returncode == 2 and "is not a date written YYYY-MM-DD" in proc.stderr
    proc = run("export", "1", "--pack", "generic", str(tmp_path / "no" / "pack"), db=demo_db, check=False)
    assert proc.returncode == 1 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_the_workbook_start_option_dates_the_plan(demo_db, tmp_path):
    path = tmp_path / "wb.xlsx"
    run("export", "1", "--workbook", str(path), "--start", "2027-03-01", db=demo_db)
    ws = load_workbook(path)[wbk.PHASES]
    header = [c.value for c in ws[1]]
    first = [c.value for c in ws[2]]
    assert first[header.index(wbk.START_DATE)].date().isoformat() == "2027-03-01"

"""``discovery-app workbook import ID FILE [--apply]``: an edited delivery workbook read back from
the command line, with every change, the columns read and ignored, and every ignored edit."""

from pathlib import Path

import pytest
from app_process import run_app as run
from openpyxl import load_workbook

from discovery_app.export import workbook as wbk

ROOT = Path(__file__).parents[2]




@pytest.fixture
def edited(tmp_path):
    db = tmp_path / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    path = tmp_path / "handoff.xlsx"
    run("export", "1", "--workbook", str(path), db=db)
    wb = load_workbook(path)
    ws = wb[wbk.STABILIZATION]
    headers = [c.value for c in ws[1]]
    task = ws.cell(row=2, column=headers.index(wbk.TASK_NAME) + 1).value
    old_rate = ws.cell(row=2, column=headers.index(wbk.RATE) + 1).value
    ws.cell(row=2, column=headers.index(wbk.HOURS) + 1).value = 12
    ws.cell(row=2, column=headers.index(wbk.RATE) + 1).value = 999
    wb.save(path)
    return db, path, task, old_rate


def test_preview_lists_changes_columns_and_the_ignored_rate(edited):
    db, path, task, old_rate = edited
    out = run("workbook", "import", "1", str(path), db=db).stdout
    assert "Stabilization tasks: reads Task Name, Role, Hours" in out and "ignores Order, Rate, Amount" in out
    assert "Pricing lines: not read back" in out
    assert f"Stabilization tasks, row 2: {task}: Hours" in out and "-> 12" in out
    assert (f"Stabilization tasks, row 2, column Rate (E): edited ({old_rate} -> 999) but ignored: "
            "rates come from the pricing settings") in out
    assert "Preview only: nothing was changed." in out
    # Nothing was written: the same preview again.
    assert run("workbook", "import", "1", str(path), db=db).stdout == out


def test_apply_writes_the_changes_once(edited):
    db, path, _task, _rate = edited
    out = run("workbook", "import", "1", str(path), "--apply", db=db).stdout
    assert "Applied 1 change to engagement 1." in out
    again = run("workbook", "import", "1", str(path), db=db).stdout
    assert "Changes: none." in again
    assert "Rate (E): edited" in again  # still refused: the rate is not the engagement's to change here


def test_a_workbook_of_another_engagement_is_refused(edited, tmp_path):
    db, path, _task, _rate = edited
    assert run("demo", db=db).stdout.strip() == "2"
    proc = run("workbook", "import", "2", str(path), db=db, check=False)
    assert proc.returncode == 1 and "belongs to another engagement" in proc.stderr
    assert "Traceback" not in proc.stderr

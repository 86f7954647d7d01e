"""``discovery-app workbook import ID FILE --apply`` records what delivery reported on the task sheet."""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from discovery_app.export import workbook as wbk

ROOT = Path(__file__).parents[2]


def run(*args, db):
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    proc = subprocess.run([sys.executable, "-m", "discovery_app", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_delivery_progress_is_previewed_then_applied_from_the_command_line(tmp_path):
    db = tmp_path / "store.sqlite3"
    run("demo", db=db)
    path = tmp_path / "handoff.xlsx"
    run("export", "1", "--workbook", str(path), db=db)
    wb = load_workbook(path)
    ws = wb[wbk.ROADMAP]
    headers = [c.value for c in ws[1]]
    col = {h: headers.index(h) + 1 for h in headers if h}
    uid = ws.cell(2, col[wbk.ID]).value
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col[wbk.ID]).value == uid:  # every role row of the first roadmap project
            ws.cell(r, col[wbk.STATUS]).value = "Done"
            ws.cell(r, col[wbk.ACTUAL_HOURS]).value = 3
            ws.cell(r, col[wbk.DONE_DATE]).value = datetime(2027, 2, 1)
    task = ws.cell(2, col[wbk.TASK_NAME]).value
    wb.save(path)
    out = run("workbook", "import", "1", str(path), db=db)
    assert f"Roadmap, row 2: {task}: " in out and "Status Not started -> Done" in out
    assert "Done Date (empty) -> 2027-02-01" in out and "Preview only: nothing was changed." in out
    assert "reads" in out and "Status, Actual Hours, Done Date" in out
    out = run("workbook", "import", "1", str(path), "--apply", db=db)
    assert "Applied" in out
    again = tmp_path / "again.xlsx"
    run("export", "1", "--workbook", str(again), db=db)
    ws = load_workbook(again)[wbk.ROADMAP]
    assert ws.cell(2, col[wbk.STATUS]).value == "Done"
    assert ws.cell(2, col[wbk.DONE_DATE]).value == datetime(2027, 2, 1)

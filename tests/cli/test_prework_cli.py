"""``discovery-app prework export ID FILE.xlsx`` and ``prework import ID FILE.xlsx [--apply]``."""

from app_process import run_app as run
from openpyxl import load_workbook

from discovery_app.export import prework as pio


def test_export_preview_apply_and_refuse(tmp_path):
    db = tmp_path / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    path = tmp_path / "prework.xlsx"
    assert run("prework", "export", "1", str(path), db=db).stdout.strip() == f"Wrote {path}"
    wb = load_workbook(path)
    ws = wb["Service desk and internal IT"]
    header, cols = pio._find_header(ws, (pio.ANSWER, pio.QID))
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(row=r, column=cols[pio.QID]).value == "known_problems":
            ws.cell(row=r, column=cols[pio.ANSWER]).value = "Scanner on the 2nd floor drops off the network weekly"
        if ws.cell(row=r, column=cols[pio.QID]).value == "monthly_ticket_volume":
            ws.cell(row=r, column=cols[pio.ANSWER]).value = "1,100"
    wb.save(path)
    out = run("prework", "import", "1", str(path), db=db).stdout
    assert "Answers: 1 new, 1 differ from yours, 0 the same." in out
    assert "Known problems and recurring annoyances: Scanner on the 2nd floor" in out
    assert "Support requests per month (estimate): yours “60”, the client's “1100”" in out
    assert out.rstrip().endswith("Run again with --apply to save the new answers, marked 'from the client, to confirm'.")
    out = run("prework", "import", "1", str(path), "--apply", db=db).stdout
    assert "Saved 1 answer, marked from the client, to confirm; kept 1 of yours" in out
    shown = run("show", "1", "--json", db=db).stdout
    assert "Scanner on the 2nd floor" in shown
    # another engagement's workbook is refused with exit code 2 and nothing changes
    assert run("demo", db=db).stdout.strip() == "2"
    proc = run("prework", "import", "2", str(path), "--apply", db=db, check=False)
    assert proc.returncode == 2 and "belongs to another engagement" in proc.stderr

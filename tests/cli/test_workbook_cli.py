"""``discovery-app export ID --workbook FILE [--client]`` through the real entry point."""

from pathlib import Path

import pytest
from app_process import run_app as run
from openpyxl import load_workbook

from discovery_app.export import workbook as wbk

ROOT = Path(__file__).parents[2]




@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("wbcli") / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    return db


def test_internal_and_client_workbooks_from_the_command_line(demo_db, tmp_path):
    cmd = "export"
    internal = tmp_path / "handoff.xlsx"
    out = run(cmd, "1", "--workbook", str(internal), db=demo_db).stdout
    assert f"Wrote the delivery workbook to {internal}" in out
    wb = load_workbook(internal)
    assert wb.sheetnames == list(wbk.SHEETS)
    assert wbk.COST in [c.value for c in wb[wbk.STABILIZATION][1]]

    client = tmp_path / "client.xlsx"
    out = run(cmd, "1", "--workbook", str(client), "--client", db=demo_db).stdout
    assert str(client) in out
    assert wbk.COST not in [c.value for c in load_workbook(client)[wbk.STABILIZATION][1]]


def test_a_folder_that_does_not_exist_is_a_clear_error(demo_db, tmp_path):
    proc = run("export", "1", "--workbook", str(tmp_path / "no" / "x.xlsx"), db=demo_db, check=False)
    assert proc.returncode == 1
    assert "x.xlsx" in proc.stderr and "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_unknown_engagement_is_a_clear_error(demo_db, tmp_path):
    proc = run("export", "99", "--workbook", str(tmp_path / "x.xlsx"), db=demo_db, check=False)
    assert proc.returncode == 1 and "There is no engagement 99" in proc.stderr
    assert not (tmp_path / "x.xlsx").exists()

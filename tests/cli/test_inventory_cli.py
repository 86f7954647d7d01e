"""`discovery-app inventory import ID FILE [--skip-bad]` through the real entry point."""

import json
import os
import subprocess
from pathlib import Path

import pytest
from app_process import APP_COMMAND

ROOT = Path(__file__).parents[2]
GOOD = (
    "Display Name,Device Class,OS Name,Serial Number,Location,Warranty End\r\n"
    "PDX-WS01,WINDOWS_WORKSTATION,Windows 11 Pro,5CG1234,Portland,03/31/2027\r\n"
    "PDX-DC01,WINDOWS_SERVER,Windows Server 2019,VM-42,Portland,2026-12-01\r\n"
    "PDX-SW01,NMS_SWITCH,,SG12AB,Portland,\r\n"
)
BAD_LINES = "1.23457E+11,WINDOWS_WORKSTATION,Windows 11,AB12,Portland,\r\n,WINDOWS_SERVER,,,,\r\n"


def run(db, *args):
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    return subprocess.run([*APP_COMMAND, "--db", str(db), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture
def db(tmp_path):
    db = tmp_path / "s.sqlite3"
    assert run(db, "demo").stdout.strip() == "1"
    return db


def inventory_names(db):
    return [i["name"] for i in json.loads(run(db, "show", "1", "--json").stdout)["inventory"]]


def test_clean_file_imports_every_row(db, tmp_path):
    before = inventory_names(db)
    f = tmp_path / "ninja.csv"
    f.write_text(GOOD, encoding="utf-8")
    proc = run(db, "inventory", "import", "1", str(f))
    assert proc.returncode == 0, proc.stderr
    # The demo already has PDX-WS01: a re-import updates it rather than adding it twice.
    assert "Imported 3 of 3 rows into engagement 1: 2 new, 1 updated, 0 unchanged." in proc.stdout
    assert "'Device Class' -> kind" in proc.stderr and "CRLF" in proc.stderr
    after = inventory_names(db)
    assert len(after) == len(before) + 2 and after[:len(before)] == before
    inventory = json.loads(run(db, "show", "1", "--json").stdout)["inventory"]
    # The demo's PDX-WS01 and PDX-DC01 have other serials: other devices that reuse the names.
    shown = next(i for i in inventory if i["serial"] == "VM-42")
    assert (shown["kind"], shown["warranty_end"]) == ("server", "2026-12-01")
    # The demo's PDX-SW01 has no serial: matched by name and given the file's serial.
    switches = [i for i in inventory if i["name"] == "PDX-SW01"]
    assert len(switches) == 1 and switches[0]["serial"] == "SG12AB"


def test_any_bad_row_imports_nothing_and_lists_rejects(db, tmp_path):
    before = inventory_names(db)
    f = tmp_path / "ninja.csv"
    f.write_text(GOOD + BAD_LINES, encoding="utf-8")
    proc = run(db, "inventory", "import", "1", str(f))
    assert proc.returncode == 1
    assert "rejected: ninja.csv, line 5:" in proc.stderr and "scientific notation" in proc.stderr
    assert "rejected: ninja.csv, line 6: Name is empty" in proc.stderr
    assert "nothing was imported" in proc.stderr
    assert inventory_names(db) == before


def test_skip_bad_imports_the_good_rows(db, tmp_path):
    f = tmp_path / "ninja.csv"
    f.write_text(GOOD + BAD_LINES, encoding="utf-8")
    proc = run(db, "inventory", "import", "1", str(f), "--skip-bad")
    assert proc.returncode == 0
    assert "Imported 3 of 5 rows into engagement 1: 2 new, 1 updated, 0 unchanged; 2 rejected." in proc.stdout
    assert "line 5" in proc.stderr and "line 6" in proc.stderr


def test_nothing_imported_exits_non_zero(db, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("Display Name,Serial Number,Location\n,,HQ\n2.5E+12,X,HQ\n", encoding="utf-8")
    proc = run(db, "inventory", "import", "1", str(f), "--skip-bad")
    assert proc.returncode == 1
    assert "Imported 0 of 2 rows" in proc.stdout


def test_unreadable_file_is_a_clear_error(db, tmp_path):
    f = tmp_path / "old.xls"
    f.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(64))
    proc = run(db, "inventory", "import", "1", str(f))
    assert proc.returncode == 2
    assert "old Excel .xls file" in proc.stderr


def test_map_profile_date_order_and_reimport_from_the_command_line(db, tmp_path):
    march = tmp_path / "cmdb-march.csv"
    march.write_text("Gadget,Box,Bought\nACME-1,Laptop,05/04/2024\nACME-2,Server,06/03/2024\n", encoding="utf-8")
    proc = run(db, "inventory", "import", "1", str(march))
    assert proc.returncode == 1 and "Headers found: 'Gadget', 'Box', 'Bought'" in proc.stderr
    proc = run(db, "inventory", "import", "1", str(march), "--map", "Gadget=name", "--map", "Box=kind",
               "--map", "Bought=purchase_date", "--save-profile", "Acme CMDB", "--date-order", "dmy")
    assert proc.returncode == 0, proc.stderr
    assert "Imported 2 of 2 rows into engagement 1: 2 new, 0 updated, 0 unchanged." in proc.stdout
    assert "read day first (DD/MM/YYYY), as chosen" in proc.stderr
    assert "kinds: 1 laptop (from kind column); 1 server (from kind column)" in proc.stderr
    shown = {i["name"]: i for i in json.loads(run(db, "show", "1", "--json").stdout)["inventory"]}
    assert shown["ACME-1"]["purchase_date"] == "2024-04-05"

    april = tmp_path / "cmdb-april.csv"  # the same tool, columns in another order, one more device
    april.write_text("Box,Bought,Gadget\nLaptop,05/04/2024,ACME-1\nServer,06/03/2024,ACME-2\n"
                     "Desktop,07/02/2024,ACME-3\n", encoding="utf-8")
    proc = run(db, "inventory", "import", "1", str(april), "--profile", "Acme CMDB", "--date-order", "dmy")
    assert proc.returncode == 0, proc.stderr
    assert "1 new, 0 updated, 2 unchanged" in proc.stdout
    # Without --date-order the guess is reported with the switch to change it.
    proc = run(db, "inventory", "import", "1", str(april), "--profile", "Acme CMDB", "--dry-run")
    assert "no day is above 12, so the order is a guess" in proc.stderr and "--date-order" in proc.stderr
    assert "0 new, 3 updated, 0 unchanged" in proc.stdout  # read month first, every date differs
    proc = run(db, "inventory", "import", "1", str(april), "--profile", "Acme CMDB", "--as-new", "--dry-run")
    assert "3 new, 0 updated, 0 unchanged" in proc.stdout


def test_inventory_fields_lists_fields_headers_and_profiles(db):
    out = run(db, "inventory", "fields").stdout
    assert "asset_tag      Asset tag" in out and "checkedoutto" in out and "deviceserialnumber" in out
    assert "No saved profiles yet" in out

"""``discovery-app check``, the proposal export it guards, and ``inventory remove``, through the
real entry point: the command line refuses exactly what the window says is blocked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_process import run_app as run

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery

ROOT = Path(__file__).parents[2]




@pytest.fixture
def demo_db(tmp_path):
    db = tmp_path / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    return db


def service_on(db: Path) -> Discovery:
    return Discovery.open(AppPaths.resolve(db))


def test_check_says_ready_and_exits_0_for_the_demo(demo_db):
    proc = run("check", "1", "--json", db=demo_db)
    doc = json.loads(proc.stdout)
    assert doc["ready"] is True
    assert all(i["severity"] == "warning" for i in doc["items"])
    assert all(set(i) >= {"severity", "code", "message", "where"} for i in doc["items"])
    # The shipped rates meet the form's own margin target: the demo carries no margin warning.
    assert not any("margin" in i["message"].lower() for i in doc["items"])
    assert "ready; nothing blocks the proposal" in run("check", "1", db=demo_db).stdout


def test_check_items_carry_where_and_code(demo_db):
    s = service_on(demo_db)
    s.offer.set_discount(1, "15", "Multi-year commitment")  # needs an approval: a blocker
    doc = json.loads(run("check", "1", "--json", db=demo_db, check=False).stdout)
    assert doc["ready"] is False
    assert {i["severity"] for i in doc["items"]} == {"blocker", "warning"}
    assert all(set(i) >= {"severity", "code", "message", "where"} for i in doc["items"])


def test_what_the_window_calls_blocked_the_command_line_refuses_until_fixed(demo_db, tmp_path):
    s = service_on(demo_db)
    item = next(i for i in s.findings.remediation_items(1) if i.phase.value == "stabilization")
    s.findings.update_remediation_item(1, item.uid, definition_of_done="")
    s.standards.set_assessment(1, "firewall", clear_decision=True)
    readiness = s.assessments.check(1)
    s.close()

    proc = run("check", "1", "--json", db=demo_db, check=False)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["ready"] is False
    blockers = {i["code"]: i for i in doc["items"] if i["severity"] == "blocker"}
    assert set(blockers) == {"remediation.done", "standards.undecided"}
    assert blockers["standards.undecided"]["where"] == "Standards fit › Firewall and remote access"
    assert [i["message"] for i in doc["items"]] == [i.message for i in readiness.items]
    text = run("check", "1", db=demo_db, check=False).stdout
    assert "2 things block the proposal" in text and "BLOCKER" in text

    proposal = tmp_path / "p.pdf"
    proc = run("export", "1", "--proposal", str(proposal), db=demo_db, check=False)
    assert proc.returncode == 1 and not proposal.exists()
    assert "no definition of done" in proc.stderr and "Firewall and remote access has no decision" in proc.stderr
    run("export", "1", "--proposal", str(proposal), "--draft", db=demo_db)
    assert proposal.read_bytes().startswith(b"%PDF")


def test_removing_a_linked_device_unlinks_it_and_the_archive_opens_again(demo_db, tmp_path):
    s = service_on(demo_db)
    risk = next(r for r in s.findings.risks(1) if r.linked_inventory)
    victim = risk.linked_inventory[0]
    s.close()
    out = run("inventory", "remove", "1", victim, db=demo_db).stdout
    assert out.startswith("Removed 1 inventory item from engagement 1; 1 risk no longer links to them.")
    s = service_on(demo_db)
    assert victim not in s.findings.risk(1, risk.uid).linked_inventory
    s.close()

    archive = tmp_path / "eng.discovery"
    run("archive", "1", str(archive), db=demo_db)
    assert run("open-archive", str(archive), db=demo_db).stdout.strip() == "2"
    path = tmp_path / "eng.json"
    run("export-json", "1", str(path), db=demo_db)
    assert run("import", str(path), db=demo_db).stdout.strip() == "3"


def test_removing_an_unknown_uid_removes_nothing(demo_db):
    proc = run("inventory", "remove", "1", "no-such-uid", db=demo_db, check=False)
    assert proc.returncode == 1 and "no inventory item no-such-uid" in proc.stderr


def test_undo_of_a_delete_puts_the_risk_links_back(demo_db):
    s = service_on(demo_db)
    risk = next(r for r in s.findings.risks(1) if r.linked_inventory)
    removed = s.inventory.delete_items(1, risk.linked_inventory[:2])
    assert s.findings.risk(1, risk.uid).linked_inventory == risk.linked_inventory[2:]
    s.inventory.restore_items(1, removed)
    assert s.findings.risk(1, risk.uid).linked_inventory == risk.linked_inventory
    s.close()

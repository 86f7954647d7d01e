"""``discovery-app quote ID [--json]`` through the real entry point."""

import json
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from app_process import APP_COMMAND

from discovery_app.demo import build_demo
from discovery_app.domain.basis import Basis
from discovery_app.domain.pricing import build_quote
from discovery_app.formsio import load_package

ROOT = Path(__file__).parents[2]
MONEY = re.compile(r"^\d+\.\d{2}$")


def run(*args, db=None, check=True, env_extra=None):
    cmd = list(APP_COMMAND)
    if db is not None:
        cmd += ["--db", str(db)]
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"} | (env_extra or {})
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("quote") / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    return db


def import_changed(demo_db, tmp_path, change):
    """Export the demo, change its JSON, import it into a fresh store; returns that store."""
    source = tmp_path / "demo.json"
    run("export-json", "1", str(source), db=demo_db)
    doc = json.loads(source.read_text(encoding="utf-8"))
    change(doc["engagement"])
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc), encoding="utf-8")
    db = tmp_path / "other.sqlite3"
    assert run("import", str(changed), db=db).stdout.strip() == "1"
    return db


def test_quote_json_has_the_promised_fields_as_decimal_strings(demo_db):
    doc = json.loads(run("quote", "1", "--json", db=demo_db).stdout)
    assert doc["currency"] == "USD"
    for key in ("stabilization_fee", "monthly_fee", "first_year_total"):
        assert MONEY.match(doc[key]), (key, doc[key])
        assert Decimal(doc[key]) > 0
    assert Decimal(doc["first_year_total"]) == Decimal(doc["stabilization_fee"]) + 12 * Decimal(doc["monthly_fee"])
    d = doc["discount"]
    assert d["percent"] == "5" and d["approved"] is True and d["required_role"] is None
    assert MONEY.match(d["amount_stabilization"]) and MONEY.match(d["amount_monthly"])
    for scope in ("stabilization", "monthly", "first_year"):
        m = doc["gross_margin"][scope]
        assert 0 < Decimal(m["percent"]) < 100
        assert MONEY.match(m["money"])
    assert doc["counts"]["users"]["value"] == 43
    assert doc["lines"] and doc["roadmap"] and doc["blocking"] == []


def test_quote_json_matches_the_domain_engine(demo_db):
    pkg = load_package(ROOT / "forms" / "co-managed-discovery").package
    expected = build_quote(Basis.of(build_demo(pkg)[0]), pkg).to_json_dict()
    doc = json.loads(run("quote", "1", "--json", db=demo_db).stdout)
    for key in ("stabilization_fee", "monthly_fee", "first_year_total", "gross_margin", "counts", "warnings"):
        assert doc[key] == expected[key], key


def test_quote_without_json_is_a_readable_breakdown(demo_db):
    out = run("quote", "1", db=demo_db).stdout
    doc = json.loads(run("quote", "1", "--json", db=demo_db).stdout)
    assert "Harbor & Finch CPAs" in out
    assert "Launch and stabilization fee" in out and doc["stabilization_fee"] in out
    assert "Monthly fee" in out and doc["monthly_fee"] in out
    assert "Contingency 15%" in out and "Credit: discovery fee" in out
    assert "Roadmap projects" in out
    assert "no approval needed" in out


def test_an_unapproved_discount_is_listed_as_blocking(demo_db, tmp_path):
    def eight_percent(eng):
        eng["pricing"]["discount_percent"] = "8"
        eng["discount_approvals"] = []

    db = import_changed(demo_db, tmp_path, eight_percent)
    doc = json.loads(run("quote", "1", "--json", db=db).stdout)
    assert doc["discount"]["approved"] is False
    assert doc["discount"]["required_role"] == "service_leader"
    assert len(doc["blocking"]) == 1 and "service leader" in doc["blocking"][0]
    assert "BLOCKING:" in run("quote", "1", db=db).stdout


def test_an_approval_typed_by_hand_clears_nothing(demo_db, tmp_path):
    def approved(eng):
        eng["pricing"]["discount_percent"] = "8"
        eng["discount_approvals"] = [{"percent": "10", "approver": "Rosa Diaz", "role": "Service leader",
                                      "approved_on": "2026-11-24", "note": ""}]

    db = import_changed(demo_db, tmp_path, approved)
    doc = json.loads(run("quote", "1", "--json", db=db).stdout)
    assert doc["discount"]["approved"] is False and doc["discount"]["unverified_typed_approvals"] == 1
    assert "typed by hand are not verified" in doc["blocking"][0]
    assert "unverified, typed by hand" in run("approval", "list", "1", db=db).stdout


def test_data_that_cannot_be_priced_is_a_clear_error(demo_db, tmp_path):
    def unknown_role(eng):
        eng["remediation"][0]["hours"] = {"wizard": "2"}

    db = import_changed(demo_db, tmp_path, unknown_role)
    proc = run("quote", "1", "--json", db=db, check=False)
    assert proc.returncode == 1
    assert "'wizard'" in proc.stderr and "Traceback" not in proc.stderr


def test_quote_for_a_missing_engagement(demo_db):
    proc = run("quote", "42", db=demo_db, check=False)
    assert proc.returncode == 1
    assert "There is no engagement 42" in proc.stderr

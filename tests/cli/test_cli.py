"""Every subcommand through the real entry point, as a script or another tool would call it."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from app_process import APP_COMMAND

ROOT = Path(__file__).parents[2]
MINI = ROOT / "tests" / "fixtures" / "forms" / "mini"


def run(*args, db=None, env=None, check=True):
    cmd = list(APP_COMMAND)
    if db is not None:
        cmd += ["--db", str(db)]
    full_env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    full_env.update(env or {})
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "store.sqlite3"
    out = run("demo", db=db)
    assert out.stdout.strip() == "1"
    return db


def test_demo_then_list_shows_it(demo_db):
    out = run("list", db=demo_db).stdout
    assert "Harbor & Finch CPAs" in out
    assert out.splitlines()[0].split()[:3] == ["ID", "Client", "Status"]


def test_list_json_is_machine_readable(demo_db):
    rows = json.loads(run("list", "--json", db=demo_db).stdout)
    assert rows[0]["id"] == 1
    assert rows[0]["client"] == "Harbor & Finch CPAs"
    assert rows[0]["status"] == "draft"
    assert rows[0]["form"] == "co-managed-discovery@5"
    assert rows[0]["completion_percent"] == 100
    assert rows[0]["fit_verdict"] in {"Good fit", "Conditional fit", "Poor fit"}


def test_show_summarises_and_show_json_is_complete(demo_db):
    out = run("show", "1", db=demo_db).stdout
    assert "Harbor & Finch CPAs" in out and "Portland, Salem" in out and "Fit:" in out
    doc = json.loads(run("show", "1", "--json", db=demo_db).stdout)
    assert len(doc["sites"]) == 2
    assert len(doc["inventory"]) > 50
    assert doc["risks"] and doc["remediation"] and doc["responsibilities"] and doc["standards"]
    assert next(a for a in doc["answers"] if a["question_id"] == "employee_count")["value"] == 45


def test_export_json_then_import_prints_the_new_id(demo_db, tmp_path):
    target = tmp_path / "harbor.json"
    out = run("export-json", "1", str(target), db=demo_db)
    assert target.exists() and str(target) in out.stdout
    other = tmp_path / "other.sqlite3"
    assert run("import", str(target), db=other).stdout.strip() == "1"
    first = json.loads(run("show", "1", "--json", db=demo_db).stdout)
    second = json.loads(run("show", "1", "--json", db=other).stdout)
    assert first == second


def test_bad_import_names_the_problem_and_imports_nothing(demo_db, tmp_path):
    good = tmp_path / "good.json"
    run("export-json", "1", str(good), db=demo_db)
    doc = json.loads(good.read_text(encoding="utf-8"))
    doc["engagement"]["inventory"][3]["warranty_end"] = "next year"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    proc = run("import", str(bad), db=other, check=False)
    assert proc.returncode == 1
    assert "$.engagement.inventory[3].warranty_end" in proc.stderr
    assert "Nothing was imported" in proc.stderr
    assert json.loads(run("list", "--json", db=other).stdout) == []


def test_missing_engagement_is_a_clear_error(demo_db):
    proc = run("show", "42", db=demo_db, check=False)
    assert proc.returncode == 1
    assert "There is no engagement 42" in proc.stderr


def test_forms_check_passes_on_the_shipped_forms():
    out = run("forms", "check").stdout
    assert out.startswith("ok    co-managed-discovery@5")


def test_forms_check_reports_file_line_and_path(tmp_path):
    broken = tmp_path / "mini"
    shutil.copytree(MINI, broken)
    path = broken / "questionnaire.yaml"
    path.write_text(path.read_text().replace("type: rating", "type: stars"))
    proc = run("forms", "check", str(broken), check=False)
    assert proc.returncode == 1
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "type: stars" in t)
    assert f"questionnaire.yaml:{line}: questionnaire.sections[1].questions[3].type:" in proc.stdout


def test_db_flag_and_environment_variable(tmp_path, backend):
    env_db = tmp_path / "env.sqlite3"
    assert run("demo", env={"DISCOVERY_DB": str(env_db)}).stdout.strip() == "1"
    assert env_db.exists() or backend == "postgresql"  # there, the seam maps the path to a database
    # --db wins over the environment
    flag_db = tmp_path / "flag.sqlite3"
    assert json.loads(run("list", "--json", db=flag_db, env={"DISCOVERY_DB": str(env_db)}).stdout) == []


@pytest.mark.sqlite_only(reason="edits the SQLite file (tests/storage/test_server_store.py does this on a server)")
def test_store_from_a_newer_app_is_refused(tmp_path):
    import sqlite3

    db = tmp_path / "s.sqlite3"
    run("list", db=db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999_future'")
    proc = run("list", db=db, check=False)
    assert proc.returncode == 1
    assert "newer version of Discovery" in proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), ["list", "show", "import", "export-json", "forms", "demo", "--db"]),
        (("list",), ["--json", "--all"]),
        (("show",), ["ID", "--json"]),
        (("import",), ["FILE.json"]),
        (("export-json",), ["ID", "FILE"]),
        (("forms", "check"), ["PATH", "line"]),
        (("demo",), ["accounting firm"]),
    ],
)
def test_help_on_each_command(args, expected):
    out = run(*args, "--help").stdout
    for word in expected:
        assert word in out

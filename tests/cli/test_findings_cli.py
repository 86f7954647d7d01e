"""``discovery-app findings suggest ID [--json]``: the current suggestions with their triggers."""

import json

from app_process import run_app as run


def test_suggest_lists_triggers_and_json_has_the_same(tmp_path):
    db = tmp_path / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    out = run("findings", "suggest", "1", db=db).stdout
    assert "Servers or storage out of warranty  [risk:servers_out_of_warranty; rules: servers_warranty, servers_old]" in out
    assert "    - 2 devices: warranty ended: PDX-HV01, PDX-NAS01" in out
    assert "Hardware replacements by quarter:" in out
    data = json.loads(run("findings", "suggest", "1", "--json", db=db).stdout)
    keys = [s["key"] for s in data["suggestions"]]
    assert "risk:servers_out_of_warranty" in keys and "risk:mfa_not_enforced" not in keys
    first = data["suggestions"][0]
    assert set(first) >= {"key", "title", "triggers", "rules", "devices", "dismissed"}
    assert all(r["unit_cost"] for r in data["replacements"])


def test_suggest_for_a_missing_engagement_says_so(tmp_path):
    proc = run("findings", "suggest", "7", db=tmp_path / "s.sqlite3", check=False)
    assert proc.returncode == 1 and "There is no engagement 7." in proc.stderr


def test_forms_check_names_the_rule_that_names_an_unknown_question(tmp_path):
    import shutil
    from pathlib import Path

    folder = tmp_path / "form"
    shutil.copytree(Path(__file__).parents[2] / "forms" / "co-managed-discovery", folder)
    rules = folder / "suggestions.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("when: saas_backup == false\n\n  - id: saas_backup_gap",
                                                               "when: saas_backups == false\n\n  - id: saas_backup_gap"),
                     encoding="utf-8")
    proc = run("forms", "check", str(folder), db=tmp_path / "s.sqlite3", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "suggestions.yaml:" in out and "'saas_backups', which is neither a question nor an inventory aggregate" in out

"""``library publish/list/withdraw/export/pull`` through the real entry point, and the library a
checkout caches on the laptop. The store is an SQLite file, or a PostgreSQL database with
``--backend=postgresql``; the other store and the laptop's are files."""

from __future__ import annotations

import json

from app_process import run_app as run
from library_packages import MINI, package

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.storage.db import open_store


def test_publish_list_withdraw_export_and_a_refused_package(tmp_path):
    db = tmp_path / "shared.sqlite3"
    assert "The practice library is empty" in run("library", "list", db=db).stdout

    bad = package(tmp_path, "bad", 3)
    (bad / "questionnaire.yaml").write_text("sections: [\n", encoding="utf-8")
    (bad / "fit.yaml").unlink()
    refused = run("library", "publish", bad, db=db, check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"{bad / 'fit.yaml'}: file is missing from the form package" in refused.stderr
    # forms check prints the same line for the same problem.
    checked = run("forms", "check", bad, db=db, check=False)
    assert f"  {bad / 'fit.yaml'}: file is missing from the form package" in checked.stdout

    out = run("library", "publish", package(tmp_path, "v2", 2), db=db).stdout
    assert out.startswith("mini@2 (Mini discovery) is in the practice library, published by ")
    listed = json.loads(run("library", "list", "--json", db=db).stdout)
    assert [(e["key"], e["status"]) for e in listed] == [("mini@2", "published")]
    assert "package.yaml" in listed[0]["files"]

    missing = run("library", "withdraw", "maxi", db=db, check=False)
    assert missing.returncode == 1 and "available: mini@2." in missing.stderr
    asked = run("library", "withdraw", "mini@2", db=db, check=False)
    assert asked.returncode == 1 and "--yes" in asked.stderr and "Nothing was changed" in asked.stderr
    assert "mini@2 is withdrawn" in run("library", "withdraw", "mini@2", "--yes", db=db).stdout
    assert "withdrawn" in run("library", "list", db=db).stdout

    exported = run("library", "export", "mini@2", tmp_path / "out", db=db).stdout
    assert "Wrote mini@2 (7 files)" in exported
    assert (tmp_path / "out" / "package.yaml").read_text(encoding="utf-8") == (
        tmp_path / "v2" / "package.yaml").read_text(encoding="utf-8")
    again = run("library", "export", "mini@2", tmp_path / "out", db=db, check=False)
    assert again.returncode == 1 and "not an empty folder" in again.stderr


def test_pull_and_the_library_a_checkout_caches(tmp_path):
    other = tmp_path / "other.sqlite3"
    theirs = Discovery(open_store(other), MINI.parent)
    try:
        theirs.library.publish(package(tmp_path, "v2", 2))
    finally:
        theirs.close()
    db = tmp_path / "shared.sqlite3"
    pulled = run("library", "pull", "--from", other, db=db).stdout
    assert "1 new entry (mini@2)" in pulled
    assert "0 new entries" in run("library", "pull", "--from", other, db=db).stdout

    service = Discovery.open(AppPaths.resolve(db), forms_root=MINI.parent)
    try:
        eid = service.engagements.create("Acme", form_key="mini@2")
    finally:
        service.close()
    out = run("checkout", eid, "--to", tmp_path / "laptop.sqlite3", db=db).stdout
    assert "Practice library entries cached on the laptop: 1." in out

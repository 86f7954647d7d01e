"""Databases written by every released schema open with every record intact.

Each fixture in tests/fixtures/db is a store as a released version left it (schema-NNNN.db,
holding the demo engagement). Add one per schema change, before changing the schema.
"""

import shutil
from pathlib import Path

import pytest

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.storage.migrations.head import HEAD_REVISION

pytestmark = pytest.mark.sqlite_only(reason="released SQLite stores of every schema, upgraded in place (the migrations run on PostgreSQL whenever a test template is made)")

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "db").glob("schema-*.db"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_released_store_opens_with_everything_intact(fixture, tmp_path):
    db = tmp_path / fixture.name
    shutil.copy(fixture, db)
    service = Discovery.open(AppPaths.resolve(db))
    with service.store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
    (row,) = service.engagements.summaries()
    eng = service.engagements.get(row.header.id)
    assert eng.client_name == "Harbor & Finch CPAs"
    assert len(eng.sites) == 2 and len(eng.inventory) == 73
    assert len(eng.risks) == 13 and len(eng.remediation) == 14
    assert eng.answer_values()["employee_count"] == 45
    assert service.forms.of(eng).key == "co-managed-discovery@1"
    migrated = service.store.migrated_from is not None
    backups = list((tmp_path / f"{db.stem}-backups").glob("before-migration-*.sqlite3"))
    # A store that needed a migration was copied aside first; one that did not, was not.
    assert bool(backups) == migrated


def test_there_is_a_fixture_for_the_current_schema():
    assert any(f.stem == f"schema-{HEAD_REVISION.split('_')[0]}" for f in FIXTURES)


def test_the_upgrade_repairs_links_an_older_version_left_dangling(tmp_path):
    """Before 0003, deleting a device a risk linked to left the link behind, and the engagement
    then could not be opened from its own archive. The migration drops such links."""
    import json
    import sqlite3

    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "db" / "schema-0002.db", db)
    with sqlite3.connect(db) as conn:
        rid, linked = conn.execute("SELECT id, linked_inventory FROM risk WHERE linked_inventory != '[]'").fetchone()
        linked = json.loads(linked)
        conn.execute("DELETE FROM inventory_item WHERE uid = ?", (linked[0],))
        iid = conn.execute("SELECT id FROM remediation_item LIMIT 1").fetchone()[0]
        conn.execute("UPDATE remediation_item SET risk_uid = 'gone', depends_on = '[\"gone\"]' WHERE id = ?", (iid,))
    service = Discovery.open(AppPaths.resolve(db))
    (row,) = service.engagements.summaries()
    eng = service.engagements.get(row.header.id)
    risk = next(r for r in eng.risks if set(linked[1:]) <= set(r.linked_inventory) and len(r.linked_inventory) == len(linked) - 1)
    assert linked[0] not in risk.linked_inventory
    assert all(i.risk_uid != "gone" and "gone" not in i.depends_on for i in eng.remediation)
    archive = service.archives.write(row.header.id, tmp_path / "eng.discovery")
    assert service.archives.open(archive) != row.header.id
    assert service.repairs == []
    service.close()


def test_client_answers_and_dismissals_kept_in_the_settings_move_onto_their_engagement(tmp_path):
    """Before 0007, the client's pre-work answers to confirm and the dismissed suggestions were
    settings keyed by the engagement's uid, so an archive or JSON file left them behind. The
    migration makes them records of the engagement; a key for an engagement that is gone goes."""
    import json
    import sqlite3

    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "db" / "schema-0006.db", db)
    with sqlite3.connect(db) as conn:
        (uid,) = conn.execute("SELECT uid FROM engagement").fetchone()
        marks = {"monthly_ticket_volume": {"value": 75, "on": "2026-11-30", "by": "Elena Finch (client)", "differs": True}}
        dismissed = {"risk:mfa_gaps": {"reason": "MFA is being rolled out by their MSP", "on": "2026-12-01"}}
        conn.executemany("INSERT INTO setting (key, value) VALUES (?, ?)", [
            (f"prework.to_confirm.{uid}", json.dumps(marks)), (f"suggestions.dismissed.{uid}", json.dumps(dismissed)),
            ("suggestions.dismissed.no-such-engagement", json.dumps(dismissed))])
    service = Discovery.open(AppPaths.resolve(db))
    (row,) = service.engagements.summaries()
    eng = service.engagements.get(row.header.id)
    [mark] = eng.client_answers
    assert (mark.question_id, mark.value, mark.by, mark.imported_on.isoformat(), mark.differs) == (
        "monthly_ticket_volume", 75, "Elena Finch (client)", "2026-11-30", True)
    [gone] = eng.dismissed_suggestions
    assert (gone.key, gone.reason, gone.dismissed_on.isoformat()) == (
        "risk:mfa_gaps", "MFA is being rolled out by their MSP", "2026-12-01")
    with service.store.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM setting WHERE key LIKE 'prework.%' OR key LIKE 'suggestions.%'").scalar() == 0
    service.close()


def test_the_upgrade_leaves_photos_in_the_proposal_and_other_files_out(tmp_path):
    """0012: an evidence photo already attached stays in the proposal's appendix; a PDF or a log
    attached before never was a photo, so it is marked out."""
    import sqlite3

    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "db" / "schema-0009.db", db)
    with sqlite3.connect(db) as conn:
        eid, risk = conn.execute("SELECT engagement_id, risk_uid FROM attachment").fetchone()
        conn.execute("INSERT INTO attachment (engagement_id, position, uid, risk_uid, file_name, content_type, sha256, "
                     "size, note, data) VALUES (?, 9, 'pdf1', ?, 'scan.pdf', 'application/pdf', ?, 4, '', x'25504446')",
                     (eid, risk, "0" * 64))
    service = Discovery.open(AppPaths.resolve(db))
    shown = {a.file_name: a.shows_in_proposal for a in service.findings.attachments(eid)}
    assert shown == {"server-closet-backup-disk.png": True, "scan.pdf": False}


def test_the_upgrade_to_0014_keeps_everything_and_gives_an_empty_practice_library(tmp_path):
    """0014 adds the practice library; a store of 0013 keeps its engagement and form copy, and can
    publish at once."""
    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "db" / "schema-0013.db", db)
    forms = Path(__file__).parents[1] / "fixtures" / "forms"
    service = Discovery.open(AppPaths.resolve(db), forms_root=forms)
    try:
        assert service.store.migrated_from == "0013_proposal_fingerprint"
        (row,) = service.engagements.summaries()
        eng = service.engagements.get(row.header.id)
        assert eng.client_name == "Harbor & Finch CPAs" and service.forms.of(eng).key == "co-managed-discovery@1"
        assert service.library.entries() == []
        assert service.library.publish(forms / "mini").key == "mini@1"
        assert [p.key for p in service.forms.available()] == ["mini@1"]
    finally:
        service.close()

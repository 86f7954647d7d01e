"""The store: schema and migrations agree, and a file it cannot use is never changed."""

import hashlib
import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from discovery_app.domain.engagement import (
    Answer,
    Engagement,
    InventoryItem,
    PricingInputs,
    RemediationItem,
    Risk,
    Site,
)
from discovery_app.storage import repository as repo
from discovery_app.storage.db import (
    MIGRATIONS_DIR,
    StoreDamaged,
    StoreError,
    StoreTooNew,
    open_store,
)
from discovery_app.storage.migrations.head import HEAD_REVISION, KNOWN_REVISIONS


def fresh_store(tmp_path):
    """A new store on this run's backend (a database on the server with --backend=postgresql)."""
    from discovery_app.paths import AppPaths

    return open_store(AppPaths.resolve(tmp_path / "s.sqlite3").store)


FILE = pytest.mark.sqlite_only(reason="about the SQLite file itself")


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_models_and_migrations_agree(tmp_path):
    store = fresh_store(tmp_path)
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_known_revisions_match_the_migration_scripts():
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_heads() == [HEAD_REVISION]
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert tuple(chain) == KNOWN_REVISIONS


@FILE
def test_new_store_is_wal_with_foreign_keys_and_full_sync(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION


@FILE
def test_reopening_keeps_data_and_does_not_migrate(tmp_path):
    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    repo.set_setting(store, "provider", {"name": "Northwind IT"})
    store.dispose()
    again = open_store(path)
    assert again.migrated_from is None
    assert repo.get_setting(again, "provider") == {"name": "Northwind IT"}


@FILE
def test_database_from_a_newer_app_is_refused_and_untouched(tmp_path):
    path = tmp_path / "s.sqlite3"
    open_store(path).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999_future'")
    before = digest(path)
    with pytest.raises(StoreTooNew, match="newer version of Discovery"):
        open_store(path)
    assert digest(path) == before


@FILE
def test_damaged_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"this is not a database at all" * 200)
    before = digest(path)
    with pytest.raises(StoreDamaged, match="It has not been changed"):
        open_store(path)
    assert digest(path) == before


@FILE
def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    with pytest.raises(StoreError, match="not a Discovery database"):
        open_store(path)


def _engagement() -> Engagement:
    now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    inv = InventoryItem(name="FS01", kind="server", site="Main office", warranty_end=date(2027, 1, 31))
    risk = Risk(title="No MFA", category="security", likelihood=4, impact=5, linked_inventory=[inv.uid])
    item = RemediationItem(title="Enforce MFA", risk_uid=risk.uid, hours={"engineer": Decimal("6.25")})
    return Engagement(
        client_name="Zahnärzte Müller & Łukasz Sp. z o.o.",
        created_at=now,
        updated_at=now,
        form_id="mini",
        form_version=1,
        form_hash="sha256:" + "0" * 64,
        sites=[Site(name="Main office", user_count=30), Site(name="Branch")],
        answers=[Answer(question_id="employee_count", value=45), Answer(question_id="budget", value="12500.10")],
        inventory=[inv],
        risks=[risk],
        remediation=[item],
        pricing=PricingInputs(discount_percent=Decimal("7.50"), device_count_overrides={"server": 3}),
    )


def test_engagement_round_trips_exactly(tmp_path):
    store = fresh_store(tmp_path)
    eng = _engagement()
    eid = repo.insert_engagement(store, eng, form_snapshot_json="{}", form_title="Mini")
    loaded = repo.load_engagement(store, eid)
    assert loaded.model_dump(exclude={"id"}) == eng.model_dump(exclude={"id"})
    assert loaded.remediation[0].hours["engineer"] == Decimal("6.25")
    assert loaded.pricing.discount_percent == Decimal("7.50")


def test_delete_removes_every_child_record(tmp_path):
    store = fresh_store(tmp_path)
    eid = repo.insert_engagement(store, _engagement(), form_snapshot_json="{}", form_title="Mini")
    repo.delete_engagement(store, eid)
    with store.engine.connect() as conn:
        for table in ("site", "answer", "inventory_item", "risk", "remediation_item", "pricing_input"):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0
    with pytest.raises(repo.NotFound):
        repo.load_engagement(store, eid)


def test_money_never_passes_through_float(tmp_path):
    store = fresh_store(tmp_path)
    eng = _engagement()
    eng.pricing = PricingInputs(discount_percent=Decimal("0.10") + Decimal("0.20"))
    eid = repo.insert_engagement(store, eng, form_snapshot_json="{}", form_title="Mini")
    with store.engine.connect() as conn:
        raw = conn.execute(sa.text("SELECT discount_percent FROM pricing_input")).scalar_one()
    assert raw == "0.30"  # stored as the decimal's text, on every backend
    assert repo.load_engagement(store, eid).pricing.discount_percent == Decimal("0.30")


@FILE
def test_backup_copy_is_a_complete_database(tmp_path):
    from discovery_app.storage.backup import copy_database

    store = open_store(tmp_path / "s.sqlite3")
    repo.insert_engagement(store, _engagement(), form_snapshot_json="{}", form_title="Mini")
    copy = copy_database(store.engine, tmp_path / "backups" / "copy.sqlite3")
    assert not list(copy.parent.glob("*.part"))
    restored = open_store(copy)
    (header,) = repo.list_headers(restored)
    assert header.client_name == "Zahnärzte Müller & Łukasz Sp. z o.o."
    assert len(repo.load_engagement(restored, header.id).inventory) == 1


@FILE
def test_files_that_are_not_ours_are_refused_and_left_byte_identical(tmp_path):

    from discovery_app.storage.db import StoreError, open_store

    marked = tmp_path / "other-app.db"  # another application's empty store, marked as its own
    conn = sqlite3.connect(marked)
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()
    foreign = tmp_path / "notes.db"  # an unmarked SQLite file with someone's tables
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    for path, words in ((marked, "another application"), (foreign, "not a Discovery database"),
                        (empty, "empty file")):
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        with pytest.raises(StoreError, match=words):
            open_store(path, empty_is_new=False)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
        assert not path.with_name(path.name + "-wal").exists()
    store = open_store(empty, empty_is_new=True)  # the default location, or --new-db
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA application_id").scalar() == int.from_bytes(b"DSCV", "big")
    store.dispose()

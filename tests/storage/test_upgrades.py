"""Databases written by every released schema open with every record intact.

Each fixture in tests/fixtures/db is a store as a released version left it (schema-NNNN.db,
holding the demo engagement). Add one per schema change, before changing the schema.
"""

import shutil
from pathlib import Path

import pytest

from discovery_app.paths import AppPaths
from discovery_app.services import DiscoveryService
from discovery_app.storage.migrations.head import HEAD_REVISION

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "db").glob("schema-*.db"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_released_store_opens_with_everything_intact(fixture, tmp_path):
    db = tmp_path / fixture.name
    shutil.copy(fixture, db)
    service = DiscoveryService.open(AppPaths.resolve(db))
    with service.store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
    (row,) = service.list_engagements()
    eng = service.get(row.header.id)
    assert eng.client_name == "Harbor & Finch CPAs"
    assert len(eng.sites) == 2 and len(eng.inventory) == 73
    assert len(eng.risks) == 13 and len(eng.remediation) == 14
    assert eng.answer_values()["employee_count"] == 45
    assert service.form_of(eng).key == "co-managed-discovery@1"
    migrated = service.store.migrated_from is not None
    backups = list((tmp_path / f"{db.stem}-backups").glob("before-migration-*.sqlite3"))
    # A store that needed a migration was copied aside first; one that did not, was not.
    assert bool(backups) == migrated


def test_there_is_a_fixture_for_the_current_schema():
    assert any(f.stem == f"schema-{HEAD_REVISION.split('_')[0]}" for f in FIXTURES)

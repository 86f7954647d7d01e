"""Opening and writing when things go wrong: damaged, newer, unwritable, full, locked.

What cannot be tested here: tests run as root on CI, where a chmod'ed folder does not stop
writes, so the real read-only folder test is skipped as root; a read-only medium is simulated
with SQLite's ``query_only`` instead, and a full disk with ``max_page_count``. A cloud-sync tool
holding the file is simulated by a second connection holding the write lock.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from durability_helpers import FORMS
from sqlalchemy import event

from discovery_app.cli import main as cli_main
from discovery_app.domain.engagement import InventoryItem
from discovery_app.services import Discovery
from discovery_app.storage import backup as bk
from discovery_app.storage.db import (
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
    StoreTooNew,
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def with_pragma(service: Discovery, pragma: str) -> None:
    """Every new connection of the service's engine runs ``pragma`` (after the app's own)."""
    engine = service.store.engine
    engine.dispose()
    event.listen(engine, "connect", lambda conn, _rec: conn.execute(pragma))


def make_store_with_backup(paths, open_service) -> None:
    svc = open_service()
    svc.engagements.create("Contoso Dental")
    svc.close()
    open_service().close()  # takes the on-open backup


# ---- damaged / newer on open --------------------------------------------------------------


def test_a_damaged_database_is_not_touched_and_the_message_offers_the_newest_good_backup(paths, open_service):
    make_store_with_backup(paths, open_service)
    good = bk.list_backups(paths.backups)[0]
    newer_bad = paths.backups / "discovery-29990101-000000-auto.sqlite3"
    newer_bad.write_bytes(b"junk" * 1000)  # the newest file is no good: it must be skipped
    data = bytearray(paths.db.read_bytes())
    data[:16] = b"definitely not!!"
    paths.db.write_bytes(bytes(data))
    before = digest(paths.db)

    with pytest.raises(StoreDamaged) as caught:
        Discovery.open(paths, forms_root=FORMS)
    assert digest(paths.db) == before
    assert caught.value.backup is not None and caught.value.backup.path == good.path
    assert str(good.path) in str(caught.value)
    assert "1 engagement" in str(caught.value)
    assert f'discovery-app restore "{good.path}"' in str(caught.value)


def test_cli_names_the_backup_and_the_restore_command_that_fixes_it(paths, open_service, capsys):
    make_store_with_backup(paths, open_service)
    paths.db.write_bytes(b"\x00" * 4096)  # zeroed out, as after a bad sync
    assert cli_main(["--db", str(paths.db), "list"]) == 1
    err = capsys.readouterr().err
    assert "has not been changed" in err
    good = bk.list_backups(paths.backups)[0].path
    assert f'discovery-app restore "{good}"' in err

    assert cli_main(["--db", str(paths.db), "restore", str(good)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "damaged-" in out
    assert cli_main(["--db", str(paths.db), "list"]) == 0
    assert "Contoso Dental" in capsys.readouterr().out


def test_no_good_backup_says_so(paths, open_service):
    svc = open_service()
    svc.engagements.create("Contoso Dental")
    svc.close()
    paths.db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(StoreDamaged, match="There is no good backup"):
        Discovery.open(paths, forms_root=FORMS)


def test_cli_refuses_a_database_from_a_newer_version_and_leaves_it_alone(paths, open_service, capsys):
    make_store_with_backup(paths, open_service)
    conn = sqlite3.connect(paths.db)
    conn.execute("UPDATE alembic_version SET version_num = '0999_future'")
    conn.commit()
    conn.close()
    before = digest(paths.db)
    backups_before = sorted(p.name for p in paths.backups.iterdir())
    with pytest.raises(StoreTooNew):
        Discovery.open(paths, forms_root=FORMS)
    assert cli_main(["--db", str(paths.db), "list"]) == 1
    assert "newer version of Discovery" in capsys.readouterr().err
    assert digest(paths.db) == before
    assert sorted(p.name for p in paths.backups.iterdir()) == backups_before


# ---- unwritable places --------------------------------------------------------------------


def test_a_database_whose_folder_is_a_file_gets_a_clear_message(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    assert cli_main(["--db", str(blocker / "d.sqlite3"), "list"]) == 1
    err = capsys.readouterr().err
    assert "Cannot create the data folder" in err and "Traceback" not in err
    assert blocker.read_text() == "a file where the folder should be"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root ignores folder permissions, so a read-only folder cannot be made here")
def test_a_database_in_a_read_only_folder_is_refused_in_words(paths, open_service):
    make_store_with_backup(paths, open_service)
    before = digest(paths.db)
    folder = paths.db.parent
    folder.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="Cannot write|read-only|cannot be written"):
            svc = Discovery.open(paths, forms_root=FORMS)
            svc.engagements.create("Fabrikam")
    finally:
        folder.chmod(0o755)
    assert digest(paths.db) == before


def test_a_read_only_medium_refuses_the_edit_in_words_and_keeps_the_data(service):
    eid = service.engagements.create("Contoso Dental")
    service.interview.set_answer(eid, "employee_count", 40)
    with_pragma(service, "PRAGMA query_only = ON")  # SQLite answers SQLITE_READONLY, as on a read-only medium
    with pytest.raises(StoreReadOnly, match="cannot be written.*everything saved before it is safe"):
        service.interview.set_answer(eid, "employee_count", 41)
    assert service.engagements.get(eid).answer_values()["employee_count"] == 40


def test_a_full_disk_refuses_the_edit_in_words_and_keeps_earlier_work(paths, service):
    eid = service.engagements.create("Contoso Dental")
    service.interview.set_answer(eid, "employee_count", 40)
    service.inventory.set_items(eid, [InventoryItem(name=f"PC-{i}") for i in range(20)])
    conn = sqlite3.connect(paths.db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with_pragma(service, f"PRAGMA max_page_count = {pages + 2}")  # the disk fills up now

    big = [InventoryItem(name=f"PC-{i}", notes="x" * 2000) for i in range(500)]
    with pytest.raises(StoreFull, match="disk is full.*everything saved before it is safe"):
        service.inventory.set_items(eid, big)

    service.close()
    again = Discovery.open(paths, forms_root=FORMS)
    try:
        eng = again.engagements.get(eid)
        assert [i.name for i in eng.inventory] == [f"PC-{i}" for i in range(20)]  # not half replaced
        assert eng.answer_values()["employee_count"] == 40
        with again.store.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        again.inventory.set_items(eid, big)  # with room again, the same edit saves
        assert len(again.inventory.items(eid)) == 500
    finally:
        again.close()


def test_a_full_disk_while_backing_up_on_open_still_opens_and_warns(paths, open_service, monkeypatch):
    svc = open_service()
    svc.engagements.create("Contoso Dental")
    svc.close()

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bk, "copy_connection", full)
    svc = open_service()
    assert svc.store.backup_warning is not None and "disk is full" in svc.store.backup_warning
    assert [s.header.client_name for s in svc.engagements.summaries()] == ["Contoso Dental"]
    assert not (paths.backups.exists() and list(paths.backups.glob("*.sqlite3")))


def test_a_file_locked_by_another_program_is_explained(paths, service):
    eid = service.engagements.create("Contoso Dental")
    with_pragma(service, "PRAGMA busy_timeout = 50")
    other = sqlite3.connect(paths.db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a sync tool or a second copy of Discovery holds it
    try:
        with pytest.raises(StoreLocked, match="locked by another program.*cloud sync"):
            service.interview.set_answer(eid, "employee_count", 40)
    finally:
        other.execute("ROLLBACK")
        other.close()
    service.interview.set_answer(eid, "employee_count", 40)
    assert service.engagements.get(eid).answer_values()["employee_count"] == 40

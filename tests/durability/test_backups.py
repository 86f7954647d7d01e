"""Automatic backups (online backup API), the rolling set, and restoring one safely."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from discovery_app.services import ServiceError
from discovery_app.services import durability as dur
from discovery_app.storage import backup as bk
from discovery_app.storage.migrations.head import KNOWN_REVISIONS


def engagements_in(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT client_name FROM engagement ORDER BY id")]
    finally:
        conn.close()


def age(path: Path, seconds: float) -> None:
    """Pretend ``path`` was written ``seconds`` ago."""
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_a_backup_is_taken_on_open_before_anything_writes(paths, open_service):
    svc = open_service()
    svc.engagements.create("Contoso Dental")
    svc.close()
    assert dur.list_backups(paths) == []  # a brand-new store has nothing worth keeping yet

    svc = open_service()
    [b] = dur.list_backups(paths)
    assert b.kind == "open" and b.engagements == 1 and b.size > 0
    assert engagements_in(b.path) == ["Contoso Dental"]
    svc.engagements.create("Fabrikam Law")
    svc.close()

    open_service().close()
    newest = dur.list_backups(paths)[0]
    assert engagements_in(newest.path) == ["Contoso Dental", "Fabrikam Law"]


def test_no_new_backup_on_open_when_nothing_changed(paths, open_service):
    svc = open_service()
    svc.engagements.create("Contoso Dental")
    svc.close()
    open_service().close()
    open_service().close()
    open_service().close()
    assert len(dur.list_backups(paths)) == 1


def test_backup_if_due_waits_for_the_interval_and_for_a_change(paths, service):
    eid = service.engagements.create("Contoso Dental")
    first = service.backups.backup_if_due()  # none yet: due at once
    assert first is not None
    assert service.backups.backup_if_due() is None  # nothing changed since
    service.interview.set_answer(eid, "employee_count", 40)
    assert service.backups.backup_if_due() is None  # changed, but the last backup is only seconds old
    age(first, 11 * 60)
    second = service.backups.backup_if_due()
    assert second is not None and second != first
    b = {x.path: x for x in service.backups.available()}[second]
    assert b.kind == "auto" and b.engagements == 1


def test_backups_are_consistent_while_a_write_transaction_is_open(paths, service):
    """The online backup API copies committed data only, even mid-transaction."""
    service.engagements.create("Contoso Dental")
    raw = sqlite3.connect(paths.db)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("UPDATE engagement SET client_name = 'half-written'")
    path = service.backups.backup_now()
    raw.rollback()
    raw.close()
    assert engagements_in(path) == ["Contoso Dental"]
    assert bk.check_file(path, KNOWN_REVISIONS) is None
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_rolling_set_keeps_the_last_ten_and_one_a_day_for_a_week():
    today = date(2026, 11, 20)
    items = []
    # 30 backups today, hourly-ish, and 3 a day for the 10 days before.
    for i in range(30):
        items.append((Path(f"today-{i:02}"), datetime(2026, 11, 20, 0, i)))
    for d in range(1, 11):
        for h in (9, 12, 17):
            items.append((Path(f"day{d:02}-{h}"), datetime(2026, 11, 20 - d, h, 0)))
    kept = bk.select_kept(items, today)
    assert {p.name for p in kept} == (
        {f"today-{i:02}" for i in range(20, 30)}  # the newest 10
        | {f"day{d:02}-17" for d in range(1, 7)}  # the newest of each of the 6 days before today
    )


def test_prune_deletes_only_automatic_backups_outside_the_set(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    now = datetime(2026, 11, 20, 12, 0)
    for i in range(15):
        (folder / f"discovery-{(now - timedelta(minutes=i)):%Y%m%d-%H%M%S}-auto.sqlite3").write_bytes(b"x")
    (folder / "before-migration-0001_initial-20250101-000000.sqlite3").write_bytes(b"x")
    (folder / "before-restore-20250101-000000.sqlite3").write_bytes(b"x")
    stale = folder / "discovery-20250101-000000-open.sqlite3.part"
    stale.write_bytes(b"half")
    age(stale, 2 * 3600)
    removed = bk.prune(folder, today=now.date())
    left = sorted(p.name for p in folder.iterdir())
    assert len(removed) == 6  # 5 automatic beyond the newest 10, and the stale .part
    assert "before-migration-0001_initial-20250101-000000.sqlite3" in left
    assert "before-restore-20250101-000000.sqlite3" in left
    assert sum(name.endswith("-auto.sqlite3") for name in left) == 10


def test_many_sessions_keep_a_bounded_rolling_set(paths, open_service):
    for i in range(14):
        svc = open_service()
        svc.engagements.create(f"Client {i}")
        svc.close()
    backups = dur.list_backups(paths)
    assert len(backups) == 10
    assert backups[0].engagements == 13  # taken when session 14 opened


def test_restore_replaces_the_live_database_and_keeps_the_current_one(paths, open_service):
    svc = open_service()
    eid = svc.engagements.create("Contoso Dental")
    svc.close()
    svc = open_service()  # backup on open: holds Contoso only
    good = dur.list_backups(paths)[0].path
    svc.interview.set_answer(eid, "employee_count", 40)
    svc.engagements.create("Mistake Ltd")

    kept = svc.backups.restore(good)
    assert [s.header.client_name for s in svc.engagements.summaries()] == ["Contoso Dental"]
    assert svc.engagements.get(eid).answer_values() == {}
    assert kept is not None and kept.name.startswith("before-restore-")
    assert engagements_in(kept) == ["Contoso Dental", "Mistake Ltd"]  # the restore can be undone
    svc.engagements.create("After restore")  # the reopened store works
    assert len(svc.engagements.summaries()) == 2


def test_restore_refuses_a_damaged_backup_and_changes_nothing(paths, service):
    service.engagements.create("Contoso Dental")
    bad = paths.backups / "discovery-20260101-000000-auto.sqlite3"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    before = paths.db.read_bytes()
    with pytest.raises(ServiceError, match="cannot be restored.*Nothing was changed"):
        service.backups.restore(bad)
    assert paths.db.read_bytes() == before
    assert [s.header.client_name for s in service.engagements.summaries()] == ["Contoso Dental"]


def test_restore_over_a_damaged_database_moves_it_aside_whole(paths, open_service):
    svc = open_service()
    svc.engagements.create("Contoso Dental")
    svc.close()
    open_service().close()
    good = dur.newest_good_backup(paths)
    assert good is not None
    damaged = b"this is not a database, but it might be salvageable" * 100
    paths.db.write_bytes(damaged)

    kept = dur.restore_backup(paths, good.path)
    assert kept is not None and kept.name.startswith("damaged-")
    assert kept.read_bytes() == damaged  # never thrown away
    assert engagements_in(paths.db) == ["Contoso Dental"]
    assert not list(paths.db.parent.glob("*.part"))


def test_a_failed_copy_leaves_no_half_written_database(paths, open_service, monkeypatch):
    svc = open_service()
    svc.engagements.create("Contoso Dental")
    svc.close()
    open_service().close()
    good = dur.newest_good_backup(paths)
    paths.db.write_bytes(b"garbage" * 500)

    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst) == paths.db:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ServiceError, match="failed.*previous database is kept"):
        dur.restore_backup(paths, good.path)
    assert not paths.db.exists()  # moved aside, and no half-written file in its place
    assert not list(paths.db.parent.glob("*.part"))
    monkeypatch.undo()
    dur.restore_backup(paths, good.path)  # once there is room, the restore works
    assert engagements_in(paths.db) == ["Contoso Dental"]


def test_restore_refuses_a_backup_from_a_newer_version(paths, service):
    service.engagements.create("Contoso Dental")
    newer = service.backups.backup_now()
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '0999_future'")
    conn.commit()
    conn.close()
    with pytest.raises(ServiceError, match="newer version"):
        service.backups.restore(newer)


def test_list_backups_reads_files_read_only(paths, service):
    service.engagements.create("Contoso Dental")
    path = service.backups.backup_now()
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    [info] = service.backups.available()
    assert (info.path, info.engagements) == (path, 1)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert not Path(str(path) + "-journal").exists() and not Path(str(path) + "-wal").exists()


def test_backups_taken_in_the_same_second_keep_their_order(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    when = datetime(2026, 11, 20, 12, 0, 0)
    names = []
    for _ in range(12):
        path = bk.new_backup_path(folder, "open", when)
        path.write_bytes(b"x")
        names.append(path)
    assert len({p.name for p in names}) == 12
    bk.prune(folder, today=when.date())
    left = {p.name for p in folder.iterdir()}
    # The newest ten of the twelve, although "open-10" sorts before "open-2" as plain text.
    assert left == {p.name for p in names[2:]}


def test_a_number_freed_by_pruning_is_not_reused_within_the_second(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    when = datetime(2026, 11, 20, 12, 0, 0)
    for _ in range(12):
        bk.new_backup_path(folder, "open", when).write_bytes(b"x")
        bk.prune(folder, today=when.date())
    newest = bk.new_backup_path(folder, "open", when)
    assert newest.name.endswith("-open-13.sqlite3")

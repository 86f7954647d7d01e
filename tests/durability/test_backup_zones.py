"""Backups across a time-zone change: named and ordered by the instant, never by the local clock.

The consultant works in Auckland (UTC+13 in December), flies to Los Angeles (UTC-8) and keeps
working. Backups used to be named and pruned by local time: the newest were pruned at once and
``backups`` ("newest first") listed older ones first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from approval_signing import approve

from discovery_app.cli.times import local_time
from discovery_app.storage import backup as bk

ROOT = Path(__file__).parents[2]


@pytest.fixture
def zone(monkeypatch):
    """Set the process's time zone as the OS would after a flight (TZ + tzset)."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def take(folder: Path, when: datetime) -> Path:
    """A backup taken at the instant ``when``, with the file time a real copy would have."""
    path = bk.new_backup_path(folder, "auto", when)
    path.write_bytes(b"x")
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def test_backups_taken_before_and_after_a_flight_keep_their_order_and_the_newest(tmp_path, zone):
    folder = tmp_path / "backups"
    folder.mkdir()
    start = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # Friday 09:00 in Auckland
    zone("Pacific/Auckland")
    auckland = [take(folder, start + timedelta(minutes=10 * i)) for i in range(8)]
    zone("America/Los_Angeles")
    # 14 hours later by the clock on the wall in LA it is *earlier* in the day than the Auckland
    # names said: local-time names would sort these first.
    later = start + timedelta(hours=14)
    los_angeles = [take(folder, later + timedelta(minutes=10 * i)) for i in range(6)]

    listed = [b.path for b in bk.list_backups(folder)]
    assert listed == list(reversed(auckland + los_angeles))  # newest first, by the instant
    assert all(b.taken_at.tzinfo is not None for b in bk.list_backups(folder))

    removed = bk.prune(folder)
    left = {p.name for p in folder.iterdir()}
    assert {p.name for p in los_angeles} <= left  # the newest are never the ones pruned
    assert {p.name for p in (auckland + los_angeles)[-10:]} <= left
    assert set(removed) <= set(auckland[:4])

    # The names say UTC whatever the zone the copy was taken in.
    assert los_angeles[0].name == f"discovery-{later:%Y%m%d-%H%M%S}Z-auto.sqlite3"


def test_old_local_time_names_are_read_in_the_zone_they_were_taken_in(tmp_path, zone):
    folder = tmp_path / "backups"
    folder.mkdir()
    instants = [datetime(2026, 12, 3, 20, 0, tzinfo=UTC) + timedelta(hours=h) for h in (0, 1)]
    # Named by an older Discovery in Auckland (local time, no Z); file times are the instants.
    old = []
    for when in instants:
        local = when + timedelta(hours=13)  # NZDT
        path = folder / f"discovery-{local:%Y%m%d-%H%M%S}-auto.sqlite3"
        path.write_bytes(b"x")
        os.utime(path, (when.timestamp(), when.timestamp()))
        old.append(path)
    zone("America/Los_Angeles")
    new = take(folder, instants[-1] + timedelta(hours=2))  # after the flight, in the new naming
    infos = bk.list_backups(folder)
    assert [b.path for b in infos] == [new, old[1], old[0]]
    assert [b.taken_at for b in infos[1:]] == list(reversed(instants))


def test_an_old_name_whose_file_time_says_nothing_is_read_in_the_zone_of_now(tmp_path, zone):
    zone("Europe/Berlin")
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "discovery-20250101-120000-auto.sqlite3"
    path.write_bytes(b"x")  # copied since: its file time is today, not when it was taken
    (info,) = bk.list_backups(folder)
    assert info.taken_at == datetime(2025, 1, 1, 11, 0, tzinfo=UTC)


def run_cli(*args: str, db: Path, tz: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    env["TZ"] = tz
    proc = subprocess.run([sys.executable, "-m", "discovery_app", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_cli_backups_and_list_say_the_local_zone(tmp_path):
    db = tmp_path / "store.sqlite3"
    run_cli("demo", db=db, tz="Pacific/Auckland")
    listing = run_cli("list", db=db, tz="Pacific/Auckland")
    assert " NZDT " in listing or " NZST " in listing
    backups = run_cli("backups", db=db, tz="America/Los_Angeles")
    lines = [ln for ln in backups.splitlines() if ln.startswith("  ")]
    assert lines and all((" PST " in ln or " PDT " in ln) for ln in lines)
    shown = run_cli("show", "1", db=db, tz="America/Los_Angeles")
    assert "Updated:" in shown and ("PST" in shown or "PDT" in shown)


def test_local_time_follows_the_zone(zone):
    when = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)
    zone("Pacific/Auckland")
    assert local_time(when) == "2026-12-04 09:30 NZDT"
    zone("America/Los_Angeles")
    assert local_time(when) == "2026-12-03 12:30 PST"


def test_an_approval_dated_where_it_was_recorded_is_not_in_the_future_after_flying_west(service, zone):
    # Recorded in Auckland on 4 December; in Los Angeles it is still 3 December.
    from discovery_app.domain import locale_text

    eid = service.engagements.create("Acme")
    zone("America/Los_Angeles")
    auckland_day = (datetime.now(UTC) + timedelta(hours=13)).date()
    service.offer.set_discount(eid, "8")
    approval = approve(service, eid, name="Ann Lee", role="Service leader", day=auckland_day)
    assert approval.approved_on == auckland_day
    assert auckland_day <= locale_text.latest_today()

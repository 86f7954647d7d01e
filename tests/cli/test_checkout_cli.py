"""``checkout`` and ``checkin`` through the real entry point: the shared store (an SQLite file, or
a PostgreSQL database with ``--backend=postgresql``) and the laptop's SQLite file; a change on both
sides is refused until a side is chosen."""

from __future__ import annotations

from pathlib import Path

from app_process import run_app as run

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.storage.db import open_store

FIXTURE_FORMS = Path(__file__).parents[1] / "fixtures" / "forms"


def _edit(db: Path, question: str, value: int, *, laptop: bool = False) -> None:
    # The laptop's store is always a file, opened as such (AppPaths.resolve is the seam the
    # PostgreSQL backend redirects to the server).
    service = (Discovery(open_store(db), forms_root=FIXTURE_FORMS) if laptop
               else Discovery.open(AppPaths.resolve(db), forms_root=FIXTURE_FORMS))
    try:
        service.interview.set_answer(service.engagements.summaries()[0].header.id, question, value)
    finally:
        service.close()


def test_checkout_read_only_break_and_a_conflicting_checkin(tmp_path):
    shared, laptop = tmp_path / "shared.sqlite3", tmp_path / "laptop.sqlite3"
    service = Discovery.open(AppPaths.resolve(shared), forms_root=FIXTURE_FORMS)
    eid = service.engagements.create("Acme", form_key="mini")
    service.close()

    out = run("checkout", eid, "--to", laptop, db=shared).stdout
    assert f"Checked out engagement {eid} to {laptop}" in out
    assert "checked out to a laptop by" in run("list", db=shared).stdout
    refused = run("option", eid, "add", "Business hours", db=shared, check=False)
    assert refused.returncode == 1 and "is checked out to a laptop by" in refused.stderr
    assert "Traceback" not in refused.stderr

    _edit(laptop, "employee_count", 55, laptop=True)  # the consultant works offline
    warned = run("checkout", eid, "--break", db=shared, check=False)
    assert warned.returncode == 1 and "not yet checked in" in warned.stderr and "--yes" in warned.stderr
    assert "is broken" in run("checkout", eid, "--break", "--yes", db=shared).stdout
    _edit(shared, "employee_count", 70)  # the office edits the same answer meanwhile

    conflict = run("checkin", eid, "--from", laptop, db=shared, check=False)
    assert conflict.returncode == 3
    assert "answers: Interview answers" in conflict.stderr and "Nothing was written" in conflict.stderr
    bad = run("checkin", eid, "--from", laptop, "--section", "answers=mine", db=shared, check=False)
    assert bad.returncode == 1 and "neither 'laptop' nor 'shared'" in bad.stderr
    done = run("checkin", eid, "--from", laptop, "--section", "answers=laptop", db=shared).stdout
    assert "from the laptop: answers" in done
    service = Discovery.open(AppPaths.resolve(shared), forms_root=FIXTURE_FORMS)
    try:
        assert service.engagements.get(eid).answer_values()["employee_count"] == 55
        assert service.checkouts.status(eid) is None
    finally:
        service.close()


def test_a_laptop_file_that_is_not_a_discovery_store_is_refused(tmp_path):
    shared = tmp_path / "shared.sqlite3"
    service = Discovery.open(AppPaths.resolve(shared), forms_root=FIXTURE_FORMS)
    eid = service.engagements.create("Acme", form_key="mini")
    service.close()
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("shopping list\n" * 20)
    refused = run("checkout", eid, "--to", notes, db=shared, check=False)
    assert refused.returncode == 1 and "not a readable Discovery database" in refused.stderr
    missing = run("checkout", 42, "--to", tmp_path / "l.sqlite3", db=shared, check=False)
    assert missing.returncode == 1 and "There is no engagement 42" in missing.stderr

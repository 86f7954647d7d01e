"""Laptops that go offline: check an engagement out of a shared store into a laptop store and back.

The shared store is an SQLite file, or a PostgreSQL database with ``--backend=postgresql``; the
laptop's store is always an SQLite file."""

import shutil
from pathlib import Path

import pytest

from discovery_app.domain.checkout import SECTIONS, Side
from discovery_app.domain.engagement import Risk
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.services.checkout import ChoicesNeeded
from discovery_app.storage.checkouts import CheckedOut
from discovery_app.storage.db import open_store

FIXTURE_FORMS = Path(__file__).parents[1] / "fixtures" / "forms"
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture
def forms(tmp_path):
    root = tmp_path / "forms"
    shutil.copytree(FIXTURE_FORMS, root)
    return root


def _open(path: Path, forms: Path) -> Discovery:
    return Discovery.open(AppPaths.resolve(path), forms_root=forms)


@pytest.fixture
def shared(tmp_path, forms):
    s = _open(tmp_path / "shared.sqlite3", forms)
    yield s
    s.close()


@pytest.fixture
def eid(shared):
    eid = shared.engagements.create("Acme", form_key="mini")
    shared.interview.set_answer(eid, "employee_count", 40)
    risk = shared.findings.add_risk(eid, Risk(title="No backups", category="security", likelihood=4, impact=5))
    shared.findings.attach_bytes(eid, risk.uid, "rack.png", PHOTO)
    shared.settings.set("practice_terms", {"payment": "30 days"})
    return eid


def laptop_service(tmp_path, forms) -> Discovery:
    # A file, opened as one: AppPaths.resolve is the seam the PostgreSQL backend redirects.
    return Discovery(open_store(tmp_path / "laptop.sqlite3"), forms)


def test_checkout_copies_everything_marks_it_and_makes_the_shared_copy_read_only(shared, eid, tmp_path, forms):
    seen = shared.changes.fingerprint()
    done = shared.checkouts.check_out(eid, tmp_path / "laptop.sqlite3")
    assert shared.changes.fingerprint() != seen  # open windows notice the checkout and refresh their list
    mark = shared.checkouts.status(eid)
    assert mark is not None and mark.who == shared.store.revisions.who and str(tmp_path / "laptop.sqlite3") == mark.place
    assert shared.engagements.summaries()[0].checked_out_by == mark.who

    laptop = laptop_service(tmp_path, forms)
    try:
        copy = laptop.engagements.get(done.laptop_id)
        original = shared.engagements.get(eid)
        assert copy.model_dump(exclude={"id"}) == original.model_dump(exclude={"id"})
        att = copy.attachments[0]
        assert laptop.findings.attachment_bytes(done.laptop_id, att.uid) == PHOTO
        origin = laptop.checkouts.origin(done.laptop_id)
        assert origin is not None and origin.engagement_uid == original.uid and origin.revision == mark.revision
        assert laptop.settings.get("practice_terms") == {"payment": "30 days"}  # the practice settings travel
        laptop.interview.set_answer(done.laptop_id, "employee_count", 55)  # the laptop copy is editable
        assert laptop.engagements.summaries()[0].laptop_copy == "active"  # the laptop's list says it is a copy
    finally:
        laptop.close()

    with pytest.raises(CheckedOut) as refused:
        shared.interview.set_answer(eid, "employee_count", 41)
    assert mark.who in str(refused.value) and "checked out" in str(refused.value)
    with pytest.raises(CheckedOut):
        shared.engagements.delete(eid)
    assert shared.engagements.get(eid).answer_values()["employee_count"] == 40
    with pytest.raises(ServiceError, match="already checked out by"):
        shared.checkouts.check_out(eid, tmp_path / "other.sqlite3")


def test_checkin_of_an_untouched_shared_copy_takes_the_laptop_copy_and_ends_the_checkout(shared, eid, tmp_path, forms):
    done = shared.checkouts.check_out(eid, tmp_path / "laptop.sqlite3")
    laptop = laptop_service(tmp_path, forms)
    laptop.interview.set_answer(done.laptop_id, "employee_count", 55)
    laptop.findings.add_risk(done.laptop_id, Risk(title="Old firewall", category="security", likelihood=3, impact=3))
    laptop.close()

    result = shared.checkouts.check_in(eid, tmp_path / "laptop.sqlite3")
    assert set(result.from_laptop) == {"answers", "risks"}
    eng = shared.engagements.get(eid)
    assert eng.answer_values()["employee_count"] == 55
    assert [r.title for r in eng.risks] == ["No backups", "Old firewall"]
    assert shared.findings.attachment_bytes(eid, eng.attachments[0].uid) == PHOTO
    assert shared.checkouts.status(eid) is None
    shared.interview.set_answer(eid, "employee_count", 60)  # editable again

    laptop = laptop_service(tmp_path, forms)
    try:  # the returned copy on the laptop is read-only now, and cannot come back twice
        with pytest.raises(CheckedOut, match="was checked in"):
            laptop.interview.set_answer(done.laptop_id, "employee_count", 1)
        assert laptop.engagements.summaries()[0].laptop_copy == "returned"
    finally:
        laptop.close()
    with pytest.raises(ServiceError, match="Acme is not checked out \\(it was checked in by .* at .*\\); there is"):
        shared.checkouts.check_in(eid, tmp_path / "laptop.sqlite3")
    # ...and it can be checked out again over the returned copy
    again = shared.checkouts.check_out(eid, tmp_path / "laptop.sqlite3")
    laptop = laptop_service(tmp_path, forms)
    try:
        assert [s.header.id for s in laptop.engagements.summaries()] == [again.laptop_id]
        assert laptop.engagements.get(again.laptop_id).answer_values()["employee_count"] == 60
    finally:
        laptop.close()


def test_a_change_on_both_sides_needs_a_choice_per_section_and_overwrites_nothing_without_one(shared, eid, tmp_path, forms):
    done = shared.checkouts.check_out(eid, tmp_path / "laptop.sqlite3")
    laptop = laptop_service(tmp_path, forms)
    laptop.interview.set_answer(done.laptop_id, "employee_count", 55)  # answers: laptop
    laptop.findings.add_risk(done.laptop_id, Risk(title="Old firewall", category="security", likelihood=3, impact=3))
    laptop.close()
    warning = shared.checkouts.break_warning(eid)
    assert "no longer come back by itself" in warning
    shared.checkouts.break_checkout(eid)  # a manager breaks it, then the office edits
    shared.interview.set_answer(eid, "employee_count", 70)  # answers: shared too -> conflict
    shared.findings.add_risk(eid, Risk(title="Shared note", category="security", likelihood=1, impact=1))

    preview = shared.checkouts.preview_checkin(eid, tmp_path / "laptop.sqlite3")
    assert preview.plan.broken
    assert {s.key for s in preview.plan.needing_choice()} == {"answers", "risks"}
    answers = next(s for s in preview.plan.sections if s.key == "answers")
    assert answers.laptop_changed and answers.shared_changed
    assert any(line.endswith("here 70; on the laptop 55") for line in answers.lines), answers.lines

    with pytest.raises(ChoicesNeeded) as refused:
        shared.checkouts.check_in(eid, tmp_path / "laptop.sqlite3", {"answers": Side.LAPTOP})
    assert "risks: Risks" in str(refused.value) and "Nothing was written" in str(refused.value)
    assert shared.engagements.get(eid).answer_values()["employee_count"] == 70  # nothing overwritten

    shared.checkouts.check_in(eid, tmp_path / "laptop.sqlite3", {"answers": Side.LAPTOP, "risks": Side.SHARED})
    eng = shared.engagements.get(eid)
    assert eng.answer_values()["employee_count"] == 55
    assert [r.title for r in eng.risks] == ["No backups", "Shared note"]
    assert eng.attachments and eng.attachments[0].risk_uid == eng.risks[0].uid


def test_refusals_say_what_is_wrong(shared, eid, tmp_path, forms):
    with pytest.raises(ServiceError, match="There is no engagement 99"):
        shared.checkouts.check_out(99, tmp_path / "laptop.sqlite3")
    not_ours = tmp_path / "notes.sqlite3"
    not_ours.write_bytes(b"just some notes, not a database" * 10)
    with pytest.raises(ServiceError, match="laptop store cannot be used.*not a readable Discovery database"):
        shared.checkouts.check_out(eid, not_ours)
    assert shared.checkouts.status(eid) is None  # nothing marked
    with pytest.raises(ServiceError, match="Acme is not checked out; there is nothing to check in"):
        shared.checkouts.check_in(eid, tmp_path / "laptop.sqlite3")

    other = shared.engagements.create("Other client", form_key="mini")
    shared.checkouts.check_out(other, tmp_path / "laptop.sqlite3")
    shared.checkouts.check_out(eid, tmp_path / "elsewhere.sqlite3")
    with pytest.raises(ServiceError, match="no laptop store"):
        shared.checkouts.check_in(eid, tmp_path / "missing.sqlite3")
    with pytest.raises(ServiceError, match="holds no copy of Acme.*different engagement.*Other client"):
        shared.checkouts.check_in(eid, tmp_path / "laptop.sqlite3")
    with pytest.raises(ServiceError, match="Acme is already checked out by"):
        shared.checkouts.check_out(eid, tmp_path / "third.sqlite3")
    third = shared.engagements.create("Third client", form_key="mini")
    with pytest.raises(ServiceError, match="Third client is not checked out; there is nothing to break"):
        shared.checkouts.break_warning(third)


def test_every_engagement_field_is_in_exactly_one_section():
    from discovery_app.domain.checkout import IDENTITY
    from discovery_app.domain.engagement import Engagement

    fields = [f for s in SECTIONS for f in s.fields]
    assert sorted(fields) == sorted(set(Engagement.model_fields) - IDENTITY)

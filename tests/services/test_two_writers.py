"""Two open stores on one store (two windows or a window and a command on one SQLite file; two
consultants on one PostgreSQL store with --backend=postgresql): interleaved edits to the same
answer, risk and pricing input lose nothing silently; a clash is refused in words."""

from pathlib import Path

import pytest

from discovery_app.demo import create_demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, EditConflict

SHIPPED_FORMS = Path(__file__).parents[2] / "forms"


@pytest.fixture
def pair(tmp_path):
    paths = AppPaths.resolve(tmp_path / "one.sqlite3")
    a = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    eid = create_demo(a)
    b = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    a.engagements.get(eid)  # each window reads its picture of the engagement
    b.engagements.get(eid)
    yield a, b, eid
    a.close()
    b.close()


def test_a_stale_answer_is_refused_with_what_who_and_when_then_saved_after_reloading(pair):
    a, b, eid = pair
    a.interview.set_answer(eid, "rto_hours", 12)
    with pytest.raises(EditConflict) as caught:
        b.interview.set_answer(eid, "rto_hours", 24)
    message = str(caught.value)
    label = a.forms.of(a.engagements.get(eid)).questionnaire.question("rto_hours").label
    assert message.startswith(f"The answer to “{label}” was changed by {a.store.revisions.who} at ")
    assert "so your change was not saved" in message
    assert a.store.revisions.who in message  # who changed it
    assert ("answers", "rto_hours") in caught.value.targets
    assert b.engagements.get(eid).answer_values()["rto_hours"] == "12"  # B's refused value was not written
    # B's window reloads (the watcher does this) and the consultant saves again: now it goes in.
    outside = b.changes.outside(eid)
    assert outside is not None and "answers" in outside.targets
    b.changes.accept(eid, outside.revision)
    b.interview.set_answer(eid, "rto_hours", 24)
    assert a.engagements.get(eid).answer_values()["rto_hours"] == "24"


def test_edits_to_different_answers_both_go_in(pair):
    a, b, eid = pair
    a.interview.set_answer(eid, "rto_hours", 12)
    b.interview.set_answer(eid, "employee_count", 51)  # another question: no clash
    answers = a.engagements.get(eid).answer_values()
    assert answers["rto_hours"] == "12" and answers["employee_count"] == 51


def test_a_risk_changed_elsewhere_is_refused_by_name(pair):
    a, b, eid = pair
    risk = a.findings.risks(eid)[0]
    a.findings.update_risk(eid, risk.uid, likelihood=1)
    with pytest.raises(EditConflict) as caught:
        b.findings.update_risk(eid, risk.uid, impact=1)
    assert str(caught.value).startswith(f"The risk “{risk.title}” was changed by ")
    assert a.findings.risk(eid, risk.uid).impact == risk.impact  # nothing of B's half-applied
    # Another risk is not in the way.
    other = a.findings.risks(eid)[1]
    b.findings.update_risk(eid, other.uid, impact=2)
    assert a.findings.risk(eid, other.uid).impact == 2


def test_pricing_inputs_changed_elsewhere_are_refused_and_undo_checks_too(pair):
    a, b, eid = pair
    before = b.offer.pricing_inputs(eid)
    a.offer.set_discount(eid, 5, "Multi-year")
    with pytest.raises(EditConflict) as caught:
        b.offer.set_user_count_override(eid, 60)
    assert str(caught.value).startswith("The pricing inputs were changed by ")
    # An undo in B (putting back the inputs B saw) would wipe A's discount: refused as well.
    with pytest.raises(EditConflict):
        b.offer.set_pricing_inputs(eid, before)
    assert a.offer.pricing_inputs(eid).discount_percent == 5


def test_own_edits_never_clash_with_themselves(pair):
    a, _b, eid = pair
    for hours in (4, 8, 12, 24):
        a.interview.set_answer(eid, "rto_hours", hours)
    assert a.engagements.get(eid).answer_values()["rto_hours"] == "24"
    assert a.changes.outside(eid) is None


def test_a_change_elsewhere_is_reported_to_the_other_window(pair):
    a, b, eid = pair
    site_count = len(b.interview.sites(eid))
    sites = a.interview.sites(eid)
    a.interview.set_sites(eid, [*sites, sites[0].model_copy(update={"uid": "new-site", "name": "Depot"})])
    outside = b.changes.outside(eid)
    assert outside is not None
    assert outside.targets == {"sites"}
    assert a.store.revisions.who in outside.summary and "the sites" in outside.summary
    assert len(b.interview.sites(eid)) == site_count + 1


@pytest.mark.sqlite_only(reason="a window beside the one holding the file's lock opens it read-only")
def test_a_read_only_store_refuses_every_write_in_words_and_changes_no_byte(tmp_path):
    import shutil

    from discovery_app.storage.db import READ_ONLY_MESSAGE, StoreError, StoreReadOnly

    paths = AppPaths.resolve(tmp_path / "one.sqlite3")
    owner = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    eid = create_demo(owner)
    owner.close()
    before = paths.db.read_bytes()
    look = Discovery.open(paths, forms_root=SHIPPED_FORMS, read_only=True)
    try:
        assert look.read_only
        assert look.engagements.get(eid).client_name == "Harbor & Finch CPAs"
        for write in (lambda: look.interview.set_answer(eid, "rto_hours", 3),
                      lambda: look.offer.set_discount(eid, 5, "x"),
                      lambda: look.engagements.create("Someone", form_key="co-managed-discovery")):
            with pytest.raises(StoreReadOnly) as caught:
                write()
            assert str(caught.value) == READ_ONLY_MESSAGE
    finally:
        look.close()
    assert paths.db.read_bytes() == before
    # An older store needs an upgrade, which waits for the window that holds it.
    old = tmp_path / "old.sqlite3"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "db" / "schema-0006.db", old)
    with pytest.raises(StoreError, match="needs an upgrade"):
        Discovery.open(AppPaths.resolve(old), read_only=True)


def test_every_stored_collection_has_words_for_a_conflict_message():
    from discovery_app.services import conflicts
    from discovery_app.storage.tables import CHILD_TABLES

    assert set(CHILD_TABLES) <= set(conflicts._COLLECTIONS)


@pytest.mark.postgresql_only
def test_two_consultants_saving_at_the_same_moment_on_a_server_store_lose_nothing(pair):
    """Two services on one PostgreSQL engagement, each saving from its own thread at once: the
    server's row lock serialises them, every save lands once, none is refused for the other's."""
    import threading

    from discovery_app.storage.revisions import revision_of

    a, b, eid = pair
    with a.store.engine.connect() as conn:
        before = revision_of(conn, eid)
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def save(service, question, values):
        start.wait()
        try:
            for value in values:
                service.interview.set_answer(eid, question, value)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=save, args=(a, "rto_hours", range(1, 21))),
               threading.Thread(target=save, args=(b, "employee_count", range(101, 121)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    answers = a.engagements.get(eid).answer_values()
    assert answers["rto_hours"] == "20" and answers["employee_count"] == 120
    with a.store.engine.connect() as conn:
        assert revision_of(conn, eid) == before + 40  # every save counted exactly once

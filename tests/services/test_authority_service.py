"""Approver authority through the services: the list changes only by signed changes, a direct
approval in team mode signs the statement priced now, and breaking a checkout takes a manager's
key once the practice lists approvers. Runs on SQLite, or PostgreSQL with --backend=postgresql."""

from __future__ import annotations

from pathlib import Path

import pytest
from approval_signing import approver

from discovery_app.demo import create_demo
from discovery_app.domain import authority
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.services import approval_files as files
from discovery_app.storage import repository as repo
from discovery_app.storage.db import StoreError

SHIPPED_FORMS = Path(__file__).parents[2] / "forms"
CEO, CEO_KEY = approver("Ana Ruiz", "ceo")
LEAD, LEAD_KEY = approver("Sam Lee", "service_leader")


@pytest.fixture
def demo(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "d.sqlite3"), forms_root=SHIPPED_FORMS)
    yield s, create_demo(s)
    s.close()


def _list(service, who, signer):
    return service.approvals.add_approver(who.name, who.role, who.public_key, signer=signer)


def test_the_first_approver_signs_themselves_in_and_a_stranger_cannot_follow(demo):
    service, _ = demo
    with pytest.raises(ServiceError, match="signed with the key of an approver who counts"):
        service.approvals.add_approver(CEO.name, CEO.role, CEO.public_key)
    _list(service, CEO, CEO_KEY)
    stranger, stranger_key = approver("Eve Mallory", "ceo")
    with pytest.raises(ServiceError, match="Not saved: It was signed with key .* not the key of an approver who counts"):
        _list(service, stranger, stranger_key)
    _list(service, LEAD, CEO_KEY)
    with pytest.raises(ServiceError, match="Not saved: Sam Lee is service leader and cannot add or remove a CEO"):
        _list(service, stranger, LEAD_KEY)
    assert [a.name for a in service.approvals.approvers()] == ["Ana Ruiz", "Sam Lee"]
    assert len(service.approvals.core.setting(authority.CHANGES_KEY)) == 2  # the refused changes left nothing


def test_an_approver_written_straight_into_the_settings_is_listed_as_not_counted_and_verifies_nothing(demo, tmp_path):
    service, eid = demo
    _list(service, LEAD, LEAD_KEY)
    forged, forged_key = approver("Eve Mallory", "ceo")
    service.settings.set("approvers", [forged.model_dump(mode="json")])  # anyone with the database
    log = service.approvals.core.setting(authority.CHANGES_KEY)
    mal, _ = approver("Mal Lory", "ceo")  # a copied entry with another name and key: its signature breaks
    service.settings.set(authority.CHANGES_KEY, [*log, {**log[0], "name": mal.name, "public_key": mal.public_key}])
    assert [a.name for a in service.approvals.approvers()] == ["Sam Lee"]
    shown = {x.approver.name: x for x in service.approvals.listing()}
    assert shown["Sam Lee"].counts and not shown["Eve Mallory"].counts and not shown["Mal Lory"].counts
    assert "approves nothing" in shown["Eve Mallory"].reason
    assert "changed after it was signed" in shown["Mal Lory"].reason
    service.offer.set_discount(eid, "15")
    with pytest.raises(ServiceError, match="not on the practice's list of approvers"):
        service.approvals.approve(eid, forged_key)
    assert service.approvals.records(eid) == []
    with pytest.raises(ServiceError, match="Mal Lory's entry never counted .*approves nothing"):
        service.approvals.remove_approver("Mal Lory")  # the signed log is append-only: it stays as a record
    # Tidying the forged settings entry up needs no key: it never counted.
    assert [a.name for a in service.approvals.remove_approver("Eve Mallory")] == ["Eve Mallory"]
    assert service.settings.get("approvers") == []


def test_approving_directly_records_a_verified_approval_and_keeps_the_rules(demo, tmp_path):
    service, eid = demo
    _list(service, CEO, CEO_KEY)
    _list(service, LEAD, CEO_KEY)
    service.offer.set_discount(eid, "4")
    with pytest.raises(ServiceError, match="needs no approval"):
        service.approvals.approve(eid, CEO_KEY)
    service.offer.set_discount(eid, "15")
    with pytest.raises(ServiceError, match="Not approved: A 15% discount needs the CEO; Sam Lee is service leader"):
        service.approvals.approve(eid, LEAD_KEY)
    key_file = tmp_path / "ana.key"
    public = files.create_key(key_file, "correct horse")
    with pytest.raises(ServiceError, match="passphrase does not open"):
        service.approvals.approve(eid, files.SignerKey(key_file, "wrong horse"))
    del public
    done = service.approvals.approve(eid, CEO_KEY)
    assert (done.approver, done.role, str(done.percent)) == ("Ana Ruiz", "ceo", "15.00")
    (check,) = service.approvals.checks(eid)
    assert check.verified and check.record.approver == "Ana Ruiz"
    assert service.offer.quote(eid).discount.approved


def test_the_consultant_cannot_approve_their_own_discount_directly(demo):
    service, eid = demo
    consultant = service.engagements.get(eid).consultant
    me, my_key = approver(consultant, "ceo")
    _list(service, me, my_key)
    service.offer.set_discount(eid, "15")
    with pytest.raises(ServiceError, match="cannot approve their own discount"):
        service.approvals.approve(eid, my_key)
    assert service.approvals.records(eid) == []


def test_a_signed_change_is_refused_when_the_log_moved_meanwhile(demo):
    service, _ = demo
    _list(service, CEO, CEO_KEY)
    with pytest.raises(StoreError, match="changed while this change was being signed"):
        repo.append_setting(service.approvals.store, authority.CHANGES_KEY, {"x": 1}, expect_count=0)
    assert len(service.approvals.core.setting(authority.CHANGES_KEY)) == 1


# ---- breaking a checkout ---------------------------------------------------------------------------


def _checked_out(service, eid, tmp_path):
    service.checkouts.check_out(eid, tmp_path / "laptop.sqlite3")
    assert service.checkouts.status(eid) is not None


def test_without_approvers_a_break_needs_no_key_and_keeps_no_record(demo, tmp_path):
    service, eid = demo
    _checked_out(service, eid, tmp_path)
    assert not service.checkouts.break_needs_key()
    service.checkouts.break_checkout(eid)
    assert service.checkouts.status(eid) is None and service.checkouts.break_record(eid) is None


def test_with_approvers_only_a_managers_key_breaks_a_checkout_and_the_signed_record_is_kept(demo, tmp_path):
    service, eid = demo
    _list(service, CEO, CEO_KEY)
    _checked_out(service, eid, tmp_path)
    assert service.checkouts.break_needs_key()
    with pytest.raises(ServiceError, match="needs the key of a manager"):
        service.checkouts.break_checkout(eid)
    _stranger, stranger_key = approver("Eve Mallory", "ceo")
    with pytest.raises(ServiceError, match="not the key of an approver who counts today"):
        service.checkouts.break_checkout(eid, stranger_key)
    assert service.checkouts.status(eid) is not None  # still checked out
    mark = service.checkouts.break_checkout(eid, CEO_KEY)
    assert service.checkouts.status(eid) is None
    record, problem = service.checkouts.break_record(eid)
    assert problem == "" and (record.broken_by, record.holder, record.checkout) == ("Ana Ruiz", mark.who, mark.token)
    # A record edited afterwards no longer holds.
    key = authority.BREAKS_PREFIX + mark.token
    service.settings.set(key, {**service.settings.get(key), "broken_by": "Someone Else"})
    assert "changed after it was signed" in service.checkouts.break_record(eid)[1]


def test_two_managers_changing_the_list_at_once_lose_nothing(demo, monkeypatch):
    service, _ = demo
    _list(service, CEO, CEO_KEY)
    original = repo.append_setting
    raced = []

    def another_manager_first(store, key, entry, *, expect_count):
        if not raced:  # between reading the log and appending, someone else appends
            raced.append(True)
            other, _ = approver("Bo Chen", "service_leader")
            _list(service, other, CEO_KEY)
        return original(store, key, entry, expect_count=expect_count)

    monkeypatch.setattr(repo, "append_setting", another_manager_first)
    with pytest.raises(ServiceError, match="changed while this change was being signed"):
        _list(service, LEAD, CEO_KEY)
    monkeypatch.setattr(repo, "append_setting", original)
    assert [a.name for a in service.approvals.approvers()] == ["Ana Ruiz", "Bo Chen"]
    _list(service, LEAD, CEO_KEY)  # tried again, it links to the entry that won
    assert [a.name for a in service.approvals.approvers()] == ["Ana Ruiz", "Bo Chen", "Sam Lee"]
    assert all(e.counts for e in service.approvals.core.approver_log().entries)


def test_two_stores_appending_at_the_same_moment_the_second_waits_and_is_refused(tmp_path, monkeypatch):
    import threading
    import time

    import sqlalchemy as sa

    from discovery_app.storage import repository
    from discovery_app.storage.tables import SettingRow

    # The second manager has replayed the log and signed when it comes to append: wait for that
    # moment rather than for a fixed time (a loaded machine takes longer to get there).
    appending = threading.Event()
    append = repository.append_setting

    def append_noted(*args, **kwargs):
        appending.set()
        return append(*args, **kwargs)

    monkeypatch.setattr(repository, "append_setting", append_noted)

    paths = AppPaths.resolve(tmp_path / "one.sqlite3")
    a = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    b = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    try:
        _list(a, CEO, CEO_KEY)
        t = SettingRow.__table__
        outcome: dict[str, object] = {}

        def second_manager():
            try:
                _list(b, LEAD, CEO_KEY)
                outcome["result"] = "saved"
            except ServiceError as exc:
                outcome["result"] = str(exc)

        with a.approvals.store.engine.begin() as conn:  # the first manager's append, mid-transaction
            conn.execute(t.update().where(t.c.key == authority.CHANGES_KEY).values(key=t.c.key))
            thread = threading.Thread(target=second_manager)
            appending.clear()  # set by the first manager's own listing above
            thread.start()
            assert appending.wait(30)
            time.sleep(0.3)
            assert thread.is_alive()  # the second append waits for the first
            current = conn.execute(sa.select(t.c.value).where(t.c.key == authority.CHANGES_KEY)).scalar()
            conn.execute(t.update().where(t.c.key == authority.CHANGES_KEY).values(value=[*current, {"first": 1}]))
        thread.join(30)
        assert "changed while this change was being signed" in str(outcome["result"])
        assert len(b.settings.get(authority.CHANGES_KEY)) == 2
    finally:
        a.close()
        b.close()


def test_roots_shipped_in_the_form_package_start_the_list_and_count_for_a_break(tmp_path):
    import shutil

    forms = tmp_path / "forms"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "forms", forms)
    root, root_key = approver("Rosa Diaz", "Service leader")
    (forms / "mini" / "approvers.yaml").write_text(
        f"approvers:\n  - {{name: Rosa Diaz, role: Service leader, public_key: '{root.public_key}'}}\n")
    service = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=forms)
    try:
        assert [(x.approver.name, x.counts, x.source) for x in service.approvals.listing()] == [
            ("Rosa Diaz", True, "forms")]
        newcomer, newcomer_key = approver("Sam Lee", "Service leader")
        with pytest.raises(ServiceError, match="Only an approver listed in the form package"):
            _list(service, newcomer, newcomer_key)  # nobody is trusted on first use when roots ship
        _list(service, newcomer, root_key)
        assert [a.name for a in service.approvals.approvers()] == ["Rosa Diaz", "Sam Lee"]
        with pytest.raises(ServiceError, match="listed in the form package"):
            service.approvals.remove_approver("Rosa Diaz", signer=root_key)
        eid = service.engagements.create("Acme", form_key="mini")
        service.checkouts.check_out(eid, tmp_path / "laptop.sqlite3")
        assert service.checkouts.break_needs_key()
        service.checkouts.break_checkout(eid, root_key)
        assert service.checkouts.break_record(eid)[0].broken_by == "Rosa Diaz"
    finally:
        service.close()

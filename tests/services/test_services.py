"""The service layer the GUI and CLI share."""

import shutil
from pathlib import Path

import pytest

from discovery_app.demo import create_demo
from discovery_app.domain.engagement import Status
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.storage import repository as repo

FIXTURE_FORMS = Path(__file__).parents[1] / "fixtures" / "forms"
SHIPPED_FORMS = Path(__file__).parents[2] / "forms"


@pytest.fixture
def forms(tmp_path):
    root = tmp_path / "forms"
    shutil.copytree(FIXTURE_FORMS, root)
    return root


@pytest.fixture
def service(tmp_path, forms):
    s = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=forms)
    yield s
    s.close()


def test_answers_are_checked_against_the_form(service):
    eid = service.engagements.create("Acme", form_key="mini")
    assert service.interview.set_answer(eid, "employee_count", "1,200") == 1200
    with pytest.raises(ServiceError, match="Employees: must be at least 1"):
        service.interview.set_answer(eid, "employee_count", 0)
    with pytest.raises(ServiceError, match="'shoe_size' is not a question of mini@1"):
        service.interview.set_answer(eid, "shoe_size", 44)
    assert service.engagements.get(eid).answer_values() == {"employee_count": 1200}


def test_clearing_an_answer_keeps_its_note(service):
    eid = service.engagements.create("Acme", form_key="mini")
    service.interview.set_answer(eid, "budget", "5000", note="From the partner meeting")
    service.interview.set_answer(eid, "budget", "")
    (answer,) = service.engagements.get(eid).answers
    assert (answer.value, answer.note) == (None, "From the partner meeting")


def test_editing_or_deleting_a_form_never_changes_an_old_engagement(service, forms, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    service.interview.set_answer(eid, "employee_count", 45)
    before = service.forms.of(service.engagements.get(eid))
    shutil.rmtree(forms / "mini")
    # A later session, with the form gone from disk.
    again = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=forms)
    eng = again.engagements.get(eid)
    assert again.forms.of(eng) == before
    assert again.interview.set_answer(eid, "employee_count", "46") == 46
    assert again.engagements.summaries()[0].completion < 100


def test_status_follows_the_pipeline(service):
    eid = service.engagements.create("Acme", form_key="mini")
    with pytest.raises(ServiceError, match="cannot go from draft to accepted"):
        service.engagements.set_status(eid, Status.ACCEPTED)
    for status in (Status.IN_REVIEW, Status.PROPOSAL_SENT, Status.ACCEPTED):
        service.engagements.set_status(eid, status)
    assert service.engagements.get(eid).status is Status.ACCEPTED


def test_archive_hides_from_the_list_and_comes_back(service):
    keep = service.engagements.create("Keep", form_key="mini")
    gone = service.engagements.create("Old client", form_key="mini")
    service.engagements.archive(gone)
    assert [r.header.id for r in service.engagements.summaries()] == [keep]
    assert {r.header.id for r in service.engagements.summaries(include_archived=True)} == {keep, gone}
    service.engagements.archive(gone, archived=False)
    assert len(service.engagements.summaries()) == 2


def test_duplicate_is_a_fresh_draft_with_the_same_findings(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "d.sqlite3"), forms_root=SHIPPED_FORMS)
    original = s.engagements.get(create_demo(s))
    copy = s.engagements.get(s.engagements.duplicate(original.id, "Harbor & Finch CPAs (2027 review)"))
    assert copy.status is Status.DRAFT and copy.uid != original.uid
    assert copy.client_name == "Harbor & Finch CPAs (2027 review)"
    assert copy.answers == original.answers
    assert [r.title for r in copy.risks] == [r.title for r in original.risks]
    assert not {r.uid for r in copy.risks} & {r.uid for r in original.risks}
    # References follow the new uids.
    risk_uids = {r.uid for r in copy.risks}
    assert all(item.risk_uid in risk_uids for item in copy.remediation if item.risk_uid)
    item_uids = {i.uid for i in copy.remediation}
    assert all(set(i.depends_on) <= item_uids for i in copy.remediation)
    blobs = repo.attachment_data(s.store, copy.id)
    assert set(blobs) == {a.uid for a in copy.attachments}
    assert copy.time_log == [] and copy.discount_approvals == []


def test_delete_is_final(service):
    eid = service.engagements.create("Acme", form_key="mini")
    service.engagements.delete(eid)
    with pytest.raises(ServiceError, match=f"There is no engagement {eid}"):
        service.engagements.get(eid)


def test_a_broken_form_leaves_the_valid_ones_usable(service, forms):
    broken = forms / "broken"
    shutil.copytree(forms / "mini", broken)
    (broken / "package.yaml").write_text((broken / "package.yaml").read_text().replace("id: mini", "id: 7up"))
    assert [p.key for p in service.forms.available()] == ["mini@1"]


def test_empty_client_name_is_refused(service):
    with pytest.raises(ServiceError, match="client name cannot be empty"):
        service.engagements.create("   ", form_key="mini")


def test_demo_is_complete_enough_for_every_export(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "d.sqlite3"), forms_root=SHIPPED_FORMS)
    eng = s.engagements.get(create_demo(s))
    summary = s.engagements.summary(eng.id)
    assert summary["progress"].complete
    assert summary["fit"].verdict.value in {"good_fit", "conditional"}
    pkg = s.forms.of(eng)
    assert {st.category_id for st in eng.standards} == {c.id for c in pkg.standards}
    assert len(eng.sites) == 2 and eng.answer_values()["employee_count"] == 45
    assert any(r.evidence for r in eng.risks)
    assert {i.phase.value for i in eng.remediation} == {"stabilization", "roadmap"}
    assert len(eng.responsibilities) > len(pkg.responsibilities.functions)  # plus a custom row


def test_summary_counts_match_the_engagement_without_loading_it(tmp_path, monkeypatch):
    from discovery_app.domain.engagement import InventoryCategory

    s = Discovery.open(AppPaths.resolve(tmp_path / "d.sqlite3"), forms_root=SHIPPED_FORMS)
    eid = create_demo(s)
    eng = s.engagements.get(eid)
    devices = [i for i in eng.inventory if i.category is InventoryCategory.DEVICE]
    assert 0 < len(devices) < len(eng.inventory)  # the demo also lists applications and services

    full_load = repo.load_engagement

    def no_full_load(store, eid, *, skip=()):
        assert "inventory" in skip, "the summary must count in the database, not load every record"
        return full_load(store, eid, skip=skip)

    monkeypatch.setattr(repo, "load_engagement", no_full_load)
    summary = s.engagements.summary(eid)
    assert (summary["devices"], summary["risks"], summary["remediation_items"]) == (
        len(devices), len(eng.risks), len(eng.remediation))
    assert summary["users"] == eng.answer_values().get("it_user_count")
    assert summary["progress"].complete
    assert s.engagements.header(eid).client_name == eng.client_name


def test_changes_to_a_missing_engagement_say_so(service):
    for change in (lambda: service.engagements.archive(404), lambda: service.interview.update(404, consultant="Pat"),
                   lambda: service.engagements.set_status(404, Status.IN_REVIEW), lambda: service.engagements.duplicate(404)):
        with pytest.raises(ServiceError, match="There is no engagement 404"):
            change()

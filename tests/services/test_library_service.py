"""The practice library: form packages published into the store, offered beside the installed
forms, withdrawn, exported, pulled from another store and cached on a laptop by a checkout.

The store is an SQLite file, or a PostgreSQL database with ``--backend=postgresql``; the other
store (pull) and the laptop's store are SQLite files."""

import json
import os
import shutil

import pytest
from library_packages import FIXTURE_FORMS, package

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.services.library import MAX_FILE_BYTES, PublishRefused
from discovery_app.storage.db import open_store


@pytest.fixture
def service(tmp_path):
    forms = tmp_path / "forms"
    shutil.copytree(FIXTURE_FORMS, forms)
    s = Discovery.open(AppPaths.resolve(tmp_path / "shared.sqlite3"), forms_root=forms)
    yield s
    s.close()


def test_a_published_package_is_offered_beside_the_installed_ones_and_wins_when_newer(service, tmp_path):
    assert [(p.key, service.forms.mark(p)) for p in service.forms.available()] == [("mini@1", "")]
    entry = service.library.publish(package(tmp_path, "v2", 2, "Mini discovery, practice edition"))
    assert (entry.key, entry.title, entry.published_by) == ("mini@2", "Mini discovery, practice edition",
                                                            service.store.revisions.who)
    offered = [(p.key, service.forms.mark(p)) for p in service.forms.available()]
    assert offered == [("mini@2", ", practice library"), ("mini@1", "")]
    assert service.forms.get("mini").key == "mini@2"  # the newest version of the id
    eid = service.engagements.create("Acme", form_key="mini")
    assert service.forms.of(service.engagements.get(eid)).title == "Mini discovery, practice edition"

    # Withdrawn: no longer offered; the engagement keeps the copy it was started with.
    service.library.withdraw("mini@2")
    assert [p.key for p in service.forms.available()] == ["mini@1"]
    assert service.forms.of(service.engagements.get(eid)).title == "Mini discovery, practice edition"
    [listed] = service.library.entries()
    assert listed.withdrawn and listed.withdrawn_by == service.store.revisions.who


def test_the_library_copy_of_the_same_version_wins_over_the_installed_one(service, tmp_path):
    service.library.publish(package(tmp_path, "same", 1, "Mini as the practice keeps it"))
    [pkg] = service.forms.available()
    assert (pkg.key, pkg.title, service.forms.mark(pkg)) == ("mini@1", "Mini as the practice keeps it",
                                                            ", practice library")


def test_the_default_form_falls_back_to_the_newest_version_of_its_id(service, tmp_path):
    service.library.publish(package(tmp_path, "v3", 3))
    service.settings.set("default_form", "mini@3")
    assert service.forms.get().key == "mini@3"
    service.library.withdraw("mini@3")
    assert service.forms.get().key == "mini@1"
    assert service.settings.current().default_form == "mini@3"  # still names the form; the list picks its newest


def test_a_form_that_is_not_there_is_refused_naming_what_is(service, tmp_path):
    service.library.publish(package(tmp_path, "v2", 2))
    with pytest.raises(ServiceError, match=r"available: mini@2, practice library; mini@1\."):
        service.forms.get("maxi")
    with pytest.raises(ServiceError, match=r"no form 'maxi' in the practice library; available: mini@2\."):
        service.library.find("maxi")


def test_publishing_the_same_version_again_is_the_same_entry_but_other_content_is_refused(service, tmp_path):
    first = service.library.publish(package(tmp_path, "a", 2))
    assert service.library.publish(package(tmp_path, "b", 2)) == first  # the same files: nothing new
    changed = package(tmp_path, "c", 2, "Another title")
    with pytest.raises(ServiceError, match="already in the practice library with different content") as refused:
        service.library.publish(changed)
    assert "raise the version" in str(refused.value) and "Nothing was changed" in str(refused.value)
    assert len(service.library.entries()) == 1
    service.library.withdraw("mini")
    with pytest.raises(ServiceError, match="was withdrawn"):
        service.library.publish(package(tmp_path, "d", 2))


def test_broken_yaml_is_refused_with_file_line_and_nothing_is_stored(service, tmp_path):
    bad = package(tmp_path, "bad", 2)
    (bad / "risks.yaml").write_text("risks:\n  - id: x\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(PublishRefused) as refused:
        service.library.publish(bad)
    [line] = refused.value.problems
    assert line.startswith(f"{bad / 'risks.yaml'}:") and "YAML syntax" in line
    assert "1 problem:" in str(refused.value)
    assert service.library.entries() == []


def test_a_schema_problem_names_file_line_and_field(service, tmp_path):
    bad = package(tmp_path, "bad", 2)
    text = (bad / "pricing.yaml").read_text(encoding="utf-8")
    (bad / "pricing.yaml").write_text(text + "\nnot_a_field: 1\n", encoding="utf-8")
    with pytest.raises(PublishRefused) as refused:
        service.library.publish(bad)
    assert any("pricing.yaml:" in p and "not_a_field" in p and "unknown field" in p for p in refused.value.problems)


def test_a_missing_file_and_a_huge_file_are_refused(service, tmp_path):
    missing = package(tmp_path, "missing", 2)
    (missing / "fit.yaml").unlink()
    with pytest.raises(PublishRefused, match="fit.yaml: file is missing from the form package"):
        service.library.publish(missing)
    huge = package(tmp_path, "huge", 2)
    (huge / "risks.yaml").write_text("# " + "x" * (MAX_FILE_BYTES + 10) + "\n", encoding="utf-8")
    with pytest.raises(PublishRefused, match="risks.yaml: the file is .* bytes; a part of a form package may hold"):
        service.library.publish(huge)
    odd = package(tmp_path, "odd", 2)
    (odd / "risks.yaml").unlink()
    if hasattr(os, "mkfifo"):
        os.mkfifo(odd / "risks.yaml")  # would block whoever reads it
    else:
        (odd / "risks.yaml").mkdir()
    with pytest.raises(PublishRefused, match="risks.yaml: not a regular file"):
        service.library.publish(odd)
    with pytest.raises(ServiceError, match="is not a folder"):
        service.library.publish(tmp_path / "nowhere")
    assert service.library.entries() == []


def test_export_writes_the_package_back_and_refuses_a_folder_in_use(service, tmp_path):
    source = package(tmp_path, "v2", 2)
    service.library.publish(source)
    out = service.library.export("mini@2", tmp_path / "out" / "mini")
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in source.iterdir())
    for f in source.iterdir():
        assert (out / f.name).read_bytes() == f.read_bytes()
    with pytest.raises(ServiceError, match="not an empty folder"):
        service.library.export("mini@2", out)
    with pytest.raises(ServiceError, match="available: mini@2"):
        service.library.export("mini@9", tmp_path / "other")
    # What came out publishes as the same entry.
    assert service.library.publish(out).key == "mini@2" and len(service.library.entries()) == 1


def test_pull_copies_what_this_store_lacks_and_withdrawals_and_never_deletes(service, tmp_path):
    other = Discovery(open_store(tmp_path / "other.sqlite3"), FIXTURE_FORMS)
    try:
        other.library.publish(package(tmp_path, "v2", 2))
        other.library.publish(package(tmp_path, "v3", 3))
        other.library.publish(package(tmp_path, "x5", 5, "Theirs"))
    finally:
        other.close()
    service.library.publish(package(tmp_path, "mine4", 4))
    service.library.publish(package(tmp_path, "mine5", 5, "Ours"))
    done = service.library.pull(tmp_path / "other.sqlite3")
    assert set(done.added) == {"mini@2", "mini@3"} and done.differing == ("mini@5",)
    assert [e.key for e in service.library.entries()] == ["mini@5", "mini@4", "mini@3", "mini@2"]
    assert service.library.find("mini@5").title == "Ours"  # left as it is here

    other = Discovery(open_store(tmp_path / "other.sqlite3"), FIXTURE_FORMS)
    try:
        other.library.withdraw("mini@3")
    finally:
        other.close()
    again = service.library.pull(tmp_path / "other.sqlite3")
    assert again.added == () and again.withdrawn == ("mini@3",)
    assert service.library.find("mini@3").withdrawn
    assert len(service.library.entries()) == 4

    with pytest.raises(ServiceError, match="There is no store at"):
        service.library.pull(tmp_path / "absent.sqlite3")


def test_pull_leaves_out_an_entry_that_does_not_load(service, tmp_path):
    other = Discovery(open_store(tmp_path / "other.sqlite3"), FIXTURE_FORMS)
    try:
        other.library.publish(package(tmp_path, "v2", 2))
        with other.store.engine.begin() as conn:  # a hostile or damaged store
            conn.exec_driver_sql("UPDATE library_package SET content = ?",
                                 (json.dumps({"package.yaml": "id: mini\n", "../../evil": "x"}),))
        other.library.publish(package(tmp_path, "v3", 3))
        with other.store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE library_package SET content = ? WHERE version = 3",
                                 (json.dumps({"risks.yaml": "#" * (MAX_FILE_BYTES + 1)}),))
    finally:
        other.close()
    done = service.library.pull(tmp_path / "other.sqlite3")
    assert done.added == () and done.unreadable == ("mini@3", "mini@2")
    assert service.library.entries() == []


def test_checkout_caches_the_library_on_the_laptop(service, tmp_path):
    service.library.publish(package(tmp_path, "v2", 2))
    service.library.publish(package(tmp_path, "v3", 3))
    service.library.withdraw("mini@3")
    eid = service.engagements.create("Acme", form_key="mini@2")
    done = service.checkouts.check_out(eid, tmp_path / "laptop.sqlite3")
    assert done.library == 2
    laptop = Discovery(open_store(tmp_path / "laptop.sqlite3"), tmp_path / "no-forms-here")
    try:
        assert [(e.key, e.withdrawn) for e in laptop.library.entries()] == [("mini@3", True), ("mini@2", False)]
        # Offline, with no installed forms at all, the laptop starts from the cached library.
        assert [p.key for p in laptop.forms.available()] == ["mini@2"]
        assert laptop.forms.get().key == "mini@2"
    finally:
        laptop.close()


def test_a_package_that_lists_approvers_is_refused_so_publishing_never_decides_who_may_approve(service, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from discovery_app.domain.approvals import public_key_text

    folder = package(tmp_path, "self-made", 2)
    me = public_key_text(Ed25519PrivateKey.generate().public_key())
    (folder / "approvers.yaml").write_text(f"approvers:\n  - {{name: Me Myself, role: Service leader, public_key: '{me}'}}\n")
    with pytest.raises(ServiceError, match="approvers.yaml lists discount approvers"):
        service.library.publish(folder)
    assert service.library.entries() == []
    assert [p.key for p in service.forms.available()] == ["mini@1"]
    assert service.approvals.approvers() == []  # not a root either

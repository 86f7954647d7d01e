"""Risk register, evidence files and remediation plan through the service layer."""

import hashlib
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from discovery_app.demo import create_demo
from discovery_app.domain.engagement import InventoryItem, Priority, RemediationItem, StandardStatus
from discovery_app.domain.forms import Phase
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.services.findings_files import MAX_ATTACHMENT_BYTES

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"
SHIPPED_FORMS = Path(__file__).parents[2] / "forms"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run in DOS mode."


@pytest.fixture
def service(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=FORMS)
    yield s
    s.close()


@pytest.fixture
def eid(service):
    return service.engagements.create("Acme", form_key="mini")


@pytest.fixture
def risk(service, eid):
    return service.findings.add_risk_from_library(eid, "no_mfa")


# ---- risks --------------------------------------------------------------------------------

def test_a_library_risk_is_added_with_adjustments_and_saved(service, eid):
    r = service.findings.add_risk_from_library(eid, "no_mfa", title="  MFA missing on VPN ", likelihood=2, impact=4)
    saved = service.findings.risks(eid)
    assert [(x.title, x.likelihood, x.impact, x.score, x.template_id, x.standard_category) for x in saved] == [
        ("MFA missing on VPN", 2, 4, 8, "no_mfa", "rmm")]
    assert saved[0].description == "Accounts without MFA."
    assert r.uid == saved[0].uid


def test_several_library_risks_are_added_in_one_go_and_a_bad_pick_adds_none(service, eid):
    from discovery_app.services.findings import LibraryPick

    ids = [t.id for t in service.findings.risk_library(eid)] * 2  # the fixture library has one risk
    with pytest.raises(ServiceError, match="no risk 'nope'"):
        service.findings.add_risks_from_library(eid, [LibraryPick(ids[0]), LibraryPick("nope")])
    assert service.findings.risks(eid) == []
    with pytest.raises(ServiceError, match="risk"):
        service.findings.add_risks_from_library(eid, [LibraryPick(ids[0]), LibraryPick(ids[1], likelihood=9)])
    assert service.findings.risks(eid) == []
    added = service.findings.add_risks_from_library(
        eid, [LibraryPick(ids[0], title=" Adjusted ", impact=1), LibraryPick(ids[1])])
    saved = service.findings.risks(eid)
    assert [r.uid for r in saved] == [r.uid for r in added]
    assert (saved[0].title, saved[0].impact, saved[1].template_id) == ("Adjusted", 1, ids[1])
    service.findings.remove_risks(eid, [r.uid for r in added])
    assert service.findings.risks(eid) == []
    service.findings.add_risks(eid, added)  # the redo puts the same risks back
    assert [r.uid for r in service.findings.risks(eid)] == [r.uid for r in added]


def test_risk_edits_are_checked(service, eid, risk):
    service.findings.update_risk(eid, risk.uid, likelihood=5, evidence="Seen in the admin portal")
    assert service.findings.risk(eid, risk.uid).score == 25
    with pytest.raises(ServiceError, match="likelihood"):
        service.findings.update_risk(eid, risk.uid, likelihood=6)
    with pytest.raises(ServiceError, match="needs a title"):
        service.findings.update_risk(eid, risk.uid, title="   ")
    with pytest.raises(ServiceError, match="no standards category 'nope'"):
        service.findings.set_risk_standard(eid, risk.uid, "nope")
    assert service.findings.risk(eid, risk.uid).likelihood == 5


def test_links_to_inventory_must_exist(service, eid, risk):
    item = InventoryItem(name="PDX-DC01", kind="server")
    service.inventory.add_items(eid, [item])
    assert service.findings.link_risk_inventory(eid, risk.uid, [item.uid, item.uid]).linked_inventory == [item.uid]
    with pytest.raises(ServiceError, match="no longer in the inventory"):
        service.findings.link_risk_inventory(eid, risk.uid, ["not-there"])


def test_deleting_a_risk_takes_its_evidence_and_undo_brings_all_back(service, eid, risk):
    other = service.findings.add_risk_from_library(eid, "no_mfa", title="Second")
    att = service.findings.attach_bytes(eid, risk.uid, "closet.png", PNG)
    item = service.findings.accept_suggestion(eid, f"risk:{risk.uid}")
    deleted = service.findings.delete_risk(eid, risk.uid)
    assert [r.title for r in service.findings.risks(eid)] == ["Second"]
    assert service.findings.attachments(eid) == []
    assert service.findings.remediation_items(eid)[0].risk_uid is None
    service.findings.restore_risk(eid, deleted)
    assert [r.uid for r in service.findings.risks(eid)] == [risk.uid, other.uid]
    assert service.findings.attachment_bytes(eid, att.uid) == PNG
    assert service.findings.remediation_items(eid)[0].risk_uid == risk.uid == item.risk_uid


# ---- evidence files -------------------------------------------------------------------------

def test_a_photo_is_copied_into_the_store_with_its_hash(service, eid, risk, tmp_path):
    photo = tmp_path / "closet.png"
    photo.write_bytes(PNG)
    att = service.findings.attach_file(eid, risk.uid, photo, note="Backup disk")
    photo.unlink()  # the store keeps its own copy
    assert (att.file_name, att.content_type, att.size) == ("closet.png", "image/png", len(PNG))
    assert att.sha256 == hashlib.sha256(PNG).hexdigest()
    assert service.findings.attachment_bytes(eid, att.uid) == PNG
    assert [a.note for a in service.findings.attachments(eid, risk.uid)] == ["Backup disk"]


def test_a_file_over_the_size_limit_is_refused_without_reading_it(service, eid, risk, tmp_path):
    big = tmp_path / "huge.pdf"
    with big.open("wb") as f:
        f.truncate(MAX_ATTACHMENT_BYTES + 1)  # sparse: nothing to read
    with pytest.raises(ServiceError, match="at most 25 MB"):
        service.findings.attach_file(eid, risk.uid, big)
    just_fits = PDF + b" " * (MAX_ATTACHMENT_BYTES - len(PDF))
    assert service.findings.attach_bytes(eid, risk.uid, "fits.pdf", just_fits).size == MAX_ATTACHMENT_BYTES
    assert service.findings.attachments(eid, risk.uid)[0].file_name == "fits.pdf"


def test_a_program_renamed_to_jpg_is_refused_by_its_content(service, eid, risk, tmp_path):
    fake = tmp_path / "holiday.jpg"
    fake.write_bytes(EXE)
    with pytest.raises(ServiceError, match="“holiday.jpg” is a Windows program"):
        service.findings.attach_file(eid, risk.uid, fake)
    with pytest.raises(ServiceError, match="a script"):
        service.findings.attach_bytes(eid, risk.uid, "notes.txt", b"#!/bin/sh\nrm -rf ~\n")
    with pytest.raises(ServiceError, match="named like a program"):
        service.findings.attach_bytes(eid, risk.uid, "readme.bat", b"echo hello\r\n")
    with pytest.raises(ServiceError, match="not a kind of file"):
        service.findings.attach_bytes(eid, risk.uid, "blob.bin", bytes(range(256)) * 4)
    assert service.findings.attachments(eid) == []


def test_office_documents_with_macros_are_refused(service, eid, risk):
    def docx(*names):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for n in names:
                zf.writestr(n, "x")
        return buf.getvalue()

    ok = service.findings.attach_bytes(eid, risk.uid, "report.docx", docx("[Content_Types].xml", "word/document.xml"))
    assert ok.content_type.endswith("wordprocessingml.document")
    with pytest.raises(ServiceError, match="contains macros"):
        service.findings.attach_bytes(eid, risk.uid, "report2.docx", docx("[Content_Types].xml", "word/vbaProject.bin"))
    with pytest.raises(ServiceError, match="ZIP archive"):
        service.findings.attach_bytes(eid, risk.uid, "stuff.zip", docx("a.txt"))


@pytest.mark.parametrize(
    ("outside_name", "data", "stored"),
    [
        ("../../../etc/cron.d/evil.png", PNG, "evil.png"),
        ("C:\\Users\\dana\\Pictures\\closet.png", PNG, "closet.png"),
        ("CON.png", PNG, "_CON.png"),
        (".hidden.png", PNG, "_hidden.png"),
        ("scan", PDF, "scan.pdf"),
        ("photo.jpg", PNG, "photo.jpg.png"),  # the name always says what the bytes are
        ("notes\x00.png\r\n.txt", b"seen: tape drive", "notes.png__.txt"),
        ("a" * 400 + ".pdf", PDF, "a" * 116 + ".pdf"),
    ],
)
def test_outside_file_names_are_sanitised(service, eid, risk, outside_name, data, stored):
    att = service.findings.attach_bytes(eid, risk.uid, outside_name, data)
    assert att.file_name == stored
    path = service.findings.attachment_view_file(eid, att.uid)
    assert path.name == stored and path.read_bytes() == data


def test_the_same_file_twice_on_one_risk_is_refused_and_removal_can_be_undone(service, eid, risk):
    att = service.findings.attach_bytes(eid, risk.uid, "a.png", PNG)
    with pytest.raises(ServiceError, match="already attached to the risk as “a.png”"):
        service.findings.attach_bytes(eid, risk.uid, "b.png", PNG)
    removed = service.findings.remove_attachment(eid, att.uid)
    assert service.findings.attachments(eid) == []
    service.findings.restore_attachment(eid, removed)
    assert service.findings.attachment_bytes(eid, att.uid) == PNG


# ---- remediation ----------------------------------------------------------------------------

def test_suggestions_are_accepted_once(service, eid, risk):
    service.standards.set_assessment(eid, "backup", status=StandardStatus.MISSING)
    keys = [s.key for s in service.findings.remediation_suggestions(eid)]
    assert keys == [f"risk:{risk.uid}", "standard:backup"]
    item = service.findings.accept_suggestion(eid, f"risk:{risk.uid}", owner="shared", title="Enforce MFA everywhere")
    assert (item.title, item.owner.value, item.hours, item.risk_uid) == (
        "Enforce MFA everywhere", "shared", {"engineer": Decimal("6")}, risk.uid)
    assert [s.key for s in service.findings.remediation_suggestions(eid)] == ["standard:backup"]
    with pytest.raises(ServiceError, match="no longer open"):
        service.findings.accept_suggestion(eid, f"risk:{risk.uid}")


def test_hours_must_be_for_the_forms_roles(service, eid):
    with pytest.raises(ServiceError, match="'wizard', which is not a role"):
        service.findings.add_remediation_item(eid, RemediationItem(title="X", hours={"wizard": Decimal(1)}))


def test_a_dependency_loop_is_refused_naming_its_items(service, eid):
    a, b, c = (RemediationItem(title=t) for t in ("Onboard RMM", "Replace backup", "Test restore"))
    for i in (a, b, c):
        service.findings.add_remediation_item(eid, i)
    service.findings.set_dependencies(eid, b.uid, [a.uid])
    service.findings.set_dependencies(eid, c.uid, [b.uid])
    with pytest.raises(ServiceError) as err:
        service.findings.set_dependencies(eid, a.uid, [c.uid])
    assert "“Onboard RMM” → “Test restore” → “Replace backup” → “Onboard RMM”" in str(err.value)
    with pytest.raises(ServiceError, match="cannot depend on itself"):
        service.findings.set_dependencies(eid, a.uid, [a.uid])
    assert [i.depends_on for i in service.findings.remediation_items(eid)] == [[], [a.uid], [b.uid]]


def test_deleting_an_item_releases_its_dependants_and_undo_restores_them(service, eid):
    a, b = RemediationItem(title="A"), RemediationItem(title="B")
    service.findings.add_remediation_item(eid, a)
    service.findings.add_remediation_item(eid, b)
    service.findings.set_dependencies(eid, b.uid, [a.uid])
    deleted = service.findings.delete_remediation_item(eid, a.uid)
    assert [(i.title, i.depends_on) for i in service.findings.remediation_items(eid)] == [("B", [])]
    service.findings.restore_remediation_item(eid, deleted)
    assert [(i.title, i.depends_on) for i in service.findings.remediation_items(eid)] == [("A", []), ("B", [a.uid])]


def test_demo_plan_puts_onboarding_first_and_sums_hours_per_role(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "d.sqlite3"), forms_root=SHIPPED_FORMS)
    try:
        eid = create_demo(s)
        view = s.findings.stabilization_plan(eid)
        steps = view.plan.steps
        assert steps[0].item.title.startswith("Onboard every device")
        assert all(st.wave == 2 for st in steps[1:])
        ranks = [list(Priority).index(st.item.priority) for st in steps[1:]]
        assert ranks == sorted(ranks)
        stab = [i for i in s.findings.remediation_items(eid) if i.phase is Phase.STABILIZATION]
        for role in view.plan.hours:
            assert view.plan.hours[role] == sum((i.hours.get(role, Decimal(0)) for i in stab), Decimal(0))
        assert list(view.plan.hours)[: len(view.roles)] == [r.id for r in view.roles]
        assert view.plan.cycles == ()
    finally:
        s.close()

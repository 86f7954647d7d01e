"""The client's pre-work workbook out and back: filled with openpyxl as a client would (a date
typed as text, a number with a thousands separator, trailing spaces, a moved column), read back
as a preview, applied with every answer marked from the client, and refused when it belongs to
another engagement or form or was altered."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from discovery_app.demo import create_demo
from discovery_app.export import prework as pio
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.services.inventory import FileRefused

SHIPPED_FORMS = Path(__file__).parents[2] / "forms"


@pytest.fixture
def service(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=SHIPPED_FORMS)
    yield s
    s.close()


@pytest.fixture
def eid(service):
    return service.engagements.create("Cascade Dental", form_key="co-managed-discovery")


def rows_by_qid(wb):
    """question id -> (sheet, answer cell) in the exported workbook, found by the headings."""
    out = {}
    for ws in wb.worksheets:
        found = pio._find_header(ws, (pio.ANSWER, pio.QID))
        if not found:
            continue
        header, cols = found
        for r in range(header + 1, ws.max_row + 1):
            qid = ws.cell(row=r, column=cols[pio.QID]).value
            if qid:
                out[qid] = ws.cell(row=r, column=cols[pio.ANSWER])
    return out


def fill_as_a_client(path: Path) -> None:
    wb = load_workbook(path)
    cells = rows_by_qid(wb)
    cells["industry"].value = "Healthcare (clinics, dental, home care)  "  # trailing spaces
    cells["employee_count"].value = "1,250"  # typed with a thousands separator, stored as text
    cells["it_user_count"].value = 1180
    cells["site_count"].value = 2.0  # Excel keeps numbers as floats
    cells["site_details"].value = "Eugene OR - 40 staff - one rack"
    cells["has_internal_it"].value = "yes"
    cells["internal_it_owner"].value = "  Marcus Lee, Office Manager "
    cells["backup_offsite"].value = "No"
    cells["last_restore_test"].value = "2026-03-15"  # a date typed as text
    cells["contract_renewal_date"].value = 46174  # a date left as a serial number (2026-06-01)
    cells["regulations=hipaa"].value = "Yes"
    cells["regulations=gdpr"].value = "yes "
    cells["annual_it_budget"].value = "$85,000"
    cells["dr_plan"].value = "No written plan"
    cells["rto_hours"].value = "a day or two"  # cannot be read: listed, not imported
    start = wb[pio.START]
    for row in start.iter_rows():
        if row[0].value == pio.FILLED_BY:
            row[1].value = "Marcus Lee"
    people = wb[pio.PEOPLE]
    header, cols = pio._find_header(people, pio.SITE_COLUMNS)
    people.cell(row=header + 1, column=cols["Site name"]).value = "Eugene"
    people.cell(row=header + 1, column=cols["People working there"]).value = "40"
    header, cols = pio._find_header(people, pio.CONTACT_COLUMNS)
    people.cell(row=header + 1, column=cols["Contact name"]).value = "Dr. Ana Ruiz"
    people.cell(row=header + 1, column=cols["Decision maker"]).value = "Yes"
    wb.save(path)


def test_round_trip_every_answer_arrives_marked_from_the_client(service, eid, tmp_path):
    path = service.prework.export(eid, tmp_path / "prework.xlsx", today=date(2026, 12, 3))
    fill_as_a_client(path)
    preview = service.prework.preview(eid, path)
    assert preview.filled_by == "Marcus Lee"
    assert preview.counts() == {"new": 13, "same": 0, "differs": 0}
    assert len(preview.problems) == 1
    assert preview.problems[0].startswith("Backup and continuity, row ")
    assert "Your answer (C" in preview.problems[0] and "a day or two" in preview.problems[0]
    assert [s.name for s in preview.sites_new] == ["Eugene"] and preview.sites_new[0].user_count == 40
    assert [c.name for c in preview.contacts_new] == ["Dr. Ana Ruiz"] and preview.contacts_new[0].decision_maker
    assert service.interview.answers(eid) == {}  # a preview writes nothing

    done = service.prework.apply(eid, preview, today=date(2026, 12, 4))
    assert done["answered"] == 13 and done["sites"] == 1 and done["contacts"] == 1
    answers = {qid: v for qid, (v, _n) in service.interview.answers(eid).items()}
    assert answers == {
        "industry": "healthcare", "employee_count": 1250, "it_user_count": 1180, "site_count": 2,
        "site_details": "Eugene OR - 40 staff - one rack", "has_internal_it": True,
        "internal_it_owner": "Marcus Lee, Office Manager", "backup_offsite": False,
        "last_restore_test": "2026-03-15", "contract_renewal_date": "2026-06-01",
        "regulations": ["hipaa", "gdpr"], "annual_it_budget": "85000.00", "dr_plan": "none",
    }
    marks = service.prework.to_confirm(eid)
    assert set(marks) == set(answers)  # every imported answer is marked from the client
    assert all(m.by == "Marcus Lee (client pre-work)" and m.imported_on == "2026-12-04" and not m.differs
               for m in marks.values())
    assert service.interview.answer_sources(eid)["employee_count"] == "Marcus Lee (client pre-work)"
    assert service.interview.client_details(eid)["internal_it_owner"] == "Marcus Lee, Office Manager"  # the fact's one value
    # the consultant confirms one section; changing an answer makes it theirs
    assert service.prework.confirm(eid, ["industry", "employee_count"]) == 2
    service.interview.set_answer(eid, "site_count", 3)
    assert set(service.prework.to_confirm(eid)) == set(answers) - {"industry", "employee_count", "site_count"}


def test_an_answer_the_consultant_gave_is_never_overwritten_silently(service, eid, tmp_path):
    service.interview.set_answer(eid, "employee_count", 40)
    service.interview.set_answer(eid, "backup_offsite", False)
    path = service.prework.export(eid, tmp_path / "p.xlsx")
    fill_as_a_client(path)
    preview = service.prework.preview(eid, path)
    differs = preview.of("differs")
    assert [(ln.question_id, ln.current, ln.incoming) for ln in differs] == [("employee_count", "40", "1250")]
    assert [ln.question_id for ln in preview.of("same")] == ["backup_offsite"]
    assert "yours “40”, the client's “1250”" in differs[0].describe()
    service.prework.apply(eid, preview)
    assert service.interview.answers(eid)["employee_count"][0] == 40  # kept
    mark = service.prework.to_confirm(eid)["employee_count"]
    assert mark.differs and mark.client_value == 1250
    assert service.prework.use_client_answer(eid, "employee_count") == 1250
    assert service.interview.answers(eid)["employee_count"][0] == 1250
    assert not service.prework.to_confirm(eid)["employee_count"].differs
    # taking the client's answer in the preview replaces it directly
    other = service.engagements.create("Other", form_key="co-managed-discovery")
    service.interview.set_answer(other, "employee_count", 40)
    p2 = service.prework.export(other, tmp_path / "p2.xlsx")
    fill_as_a_client(p2)
    done = service.prework.apply(other, service.prework.preview(other, p2), take=["employee_count"])
    assert done["replaced"] == 1 and service.interview.answers(other)["employee_count"][0] == 1250


def test_a_moved_answer_column_still_reads(service, eid, tmp_path):
    path = service.prework.export(eid, tmp_path / "p.xlsx")
    wb = load_workbook(path)
    ws = wb["Client profile"]
    header, cols = pio._find_header(ws, pio.SECTION_COLUMNS)
    ws.move_range(f"C{header}:C{ws.max_row}", cols=6)  # "Your answer" moved to the far right
    ws.cell(row=header + 2, column=9).value = 77  # employee_count, second question
    wb.save(path)
    preview = service.prework.preview(eid, path)
    assert [(ln.question_id, ln.value) for ln in preview.lines] == [("employee_count", 77)]


def test_wrong_engagement_other_form_and_tampering_are_refused(service, eid, tmp_path):
    path = service.prework.export(eid, tmp_path / "p.xlsx")
    other = service.engagements.create("Someone else", form_key="co-managed-discovery")
    with pytest.raises(FileRefused, match="belongs to another engagement") as exc:
        service.prework.preview(other, path)
    assert exc.value.exit_code == 2

    changed = tmp_path / "old-form.xlsx"
    shutil.copy(path, changed)
    wb = load_workbook(changed)
    meta = wb[pio.META]
    for row in meta.iter_rows():
        if row[0].value == "form_hash":
            row[1].value = "sha256:" + "0" * 64
        if row[0].value == "form":
            row[1].value = "co-managed-discovery@2"
    wb.save(changed)
    with pytest.raises(FileRefused, match=r"made with form co-managed-discovery@2, which differs"):
        service.prework.preview(eid, changed)

    tampered = tmp_path / "tampered.xlsx"
    shutil.copy(path, tampered)
    wb = load_workbook(tampered)
    cells = rows_by_qid(wb)
    ws = cells["employee_count"].parent
    for row in ws.iter_rows():
        for c in row:
            if c.value == "employee_count":
                c.value = "annual_it_budget"
    wb.save(tampered)
    with pytest.raises(FileRefused, match="has been altered"):
        service.prework.preview(eid, tampered)

    no_ids = tmp_path / "no-ids.xlsx"
    shutil.copy(path, no_ids)
    wb = load_workbook(no_ids)
    del wb[pio.META]
    wb.save(no_ids)
    with pytest.raises(FileRefused, match="not a pre-work workbook written by Discovery"):
        service.prework.preview(eid, no_ids)

    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileRefused, match="not an Excel workbook"):
        service.prework.preview(eid, garbage)
    assert service.interview.answers(eid) == {}


def test_the_workbook_is_protected_validated_and_holds_nothing_internal(service, tmp_path):
    demo = create_demo(service)
    path = service.prework.export(demo, tmp_path / "p.xlsx")
    wb = load_workbook(path)
    assert wb[pio.META].sheet_state == "veryHidden" and wb[pio.LISTS].sheet_state == "hidden"
    assert all(ws.protection.sheet for ws in wb.worksheets)
    cells = rows_by_qid(wb)
    assert all(c.protection.locked is False for qid, c in cells.items()
               if not service.forms.of(service.engagements.header(demo)).questionnaire.question(qid)
               or "=" in qid or service.forms.of(service.engagements.header(demo)).questionnaire.question(qid).type.value != "multi_choice")
    ws = cells["industry"].parent
    assert ws.cell(row=cells["industry"].row, column=2).protection.locked is not False  # the question is locked
    kinds = {dv.type for sheet in wb.worksheets for dv in sheet.data_validations.dataValidation}
    assert kinds >= {"list", "whole", "decimal", "date", "textLength"}
    industry_dv = next(dv for dv in ws.data_validations.dataValidation if cells["industry"].coordinate in str(dv.sqref))
    assert industry_dv.type == "list" and industry_dv.formula1.startswith(f"='{pio.LISTS}'!")
    text = "\n".join(str(c.value) for sheet in wb.worksheets for row in sheet.iter_rows() for c in row if c.value)
    assert "Harbor & Finch CPAs" in text and "Elena Finch" in text  # the client's name, contacts prefilled
    pkg = service.forms.of(service.engagements.header(demo))
    for secret in ["bill_rate", "165.00", pkg.fit.criteria[0].label, pkg.risk_library.risks[0].title,
                   "Ask gently", "score"]:
        assert secret not in text, secret
    assert "Answer only if question 4 is more than 1" in text  # site details, after the number of sites
    assert "Answer only if “Which regulations and frameworks apply to you?” includes" not in text
    assert "Answer only if question 1 includes “PCI DSS (card payments)”" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_again_by_libreoffice_reads_back(service, eid, tmp_path):
    import subprocess

    path = service.prework.export(eid, tmp_path / "prework.xlsx")
    fill_as_a_client(path)
    out = tmp_path / "libreoffice"
    out.mkdir()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=240)
    preview = service.prework.preview(eid, out / "prework.xlsx")
    assert preview.filled_by == "Marcus Lee"
    assert {ln.question_id: ln.value for ln in preview.lines}["employee_count"] == 1250
    assert preview.counts()["new"] == 13 and len(preview.problems) == 1

"""The Review & export page: the checklist of blockers, exporting off the GUI thread, open file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QUndoStack

from discovery_app import resources
from discovery_app.demo import create_demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.storage import repository as repo
from discovery_app.ui import ops
from discovery_app.ui.workspace.page import PageContext
from discovery_app.ui.workspace.review.review_page import ReviewPage


@pytest.fixture
def demo_service(tmp_path):
    svc = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=resources.forms_dir())
    eid = create_demo(svc)
    yield svc, eid
    svc.close()


def make_page(qtbot, service, eid, tmp_path, monkeypatch) -> ReviewPage:
    page = ReviewPage(PageContext(service, eid, QUndoStack()))
    qtbot.addWidget(page)
    page.load()
    page.show()
    qtbot.waitExposed(page)
    chosen = iter([str(tmp_path / "out" / "first"), str(tmp_path / "out" / "second.pdf")])
    (tmp_path / "out").mkdir()
    monkeypatch.setattr(page, "_ask_path", lambda document, suggested: next(chosen))
    return page


def checklist(page: ReviewPage) -> list[str]:
    m = page.checklist_model
    return [m.item(r).text() for r in range(m.rowCount())]


def test_ready_engagement_exports_the_proposal_then_opens_it(qtbot, demo_service, tmp_path, monkeypatch):
    service, eid = demo_service
    page = make_page(qtbot, service, eid, tmp_path, monkeypatch)
    assert page.check_title.text() == "Ready: nothing blocks the proposal"
    assert page.proposal_button.isEnabled()
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)

    qtbot.mouseClick(page.proposal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.open_button.isVisible(), timeout=30000)
    written = tmp_path / "out" / "first.pdf"  # ".pdf" added to a name typed without it
    assert written.read_bytes().startswith(b"%PDF")
    assert str(written) in page.result_label.text()
    assert not page.progress_bar.isVisible()

    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [str(written), str(written.parent)]


def test_password_box_needs_a_password(qtbot, demo_service, tmp_path, monkeypatch):
    service, eid = demo_service
    page = make_page(qtbot, service, eid, tmp_path, monkeypatch)
    qtbot.mouseClick(page.password_check, Qt.MouseButton.LeftButton)
    assert page.password_edit.isVisible() and page.password_error.isVisible()
    assert not page.proposal_button.isEnabled()
    qtbot.keyClicks(page.password_edit, "s3cret")
    assert page.proposal_button.isEnabled() and not page.password_error.isVisible()
    qtbot.mouseClick(page.proposal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.open_button.isVisible(), timeout=30000)
    assert b"/Encrypt" in (tmp_path / "out" / "first.pdf").read_bytes()


def test_the_internal_copy_is_written_unprotected_and_named_as_such(qtbot, demo_service, tmp_path, monkeypatch):
    service, eid = demo_service
    page = make_page(qtbot, service, eid, tmp_path, monkeypatch)
    suggested = []
    monkeypatch.setattr(page, "_ask_path", lambda document, name: suggested.append(name) or str(tmp_path / "out" / name))
    qtbot.mouseClick(page.password_check, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.password_edit, "s3cret")  # for the client's copy, not the practice's own
    qtbot.mouseClick(page.internal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.open_button.isVisible(), timeout=30000)
    assert suggested[0].endswith(" (internal copy).pdf")
    data = (tmp_path / "out" / suggested[0]).read_bytes()
    assert data.startswith(b"%PDF") and b"/Encrypt" not in data
    assert page.result_label.text().startswith("Saved the proposal's internal copy to ")


def test_blockers_are_listed_and_stop_only_the_proposal(qtbot, demo_service, tmp_path, monkeypatch):
    service, eid = demo_service
    rows = list(service.engagements.get(eid).responsibilities)
    rows[0] = rows[0].model_copy(update={"raci": {"provider": "R", "internal": "I"}})
    repo.replace_children(service.store, eid, "responsibilities", rows)
    page = make_page(qtbot, service, eid, tmp_path, monkeypatch)

    assert page.check_title.text() == "1 item to resolve before the proposal can be exported"
    readiness = service.assessments.check(eid)
    # The checklist is the readiness check: blockers first, then warnings, each with where to fix it.
    assert checklist(page) == [f"{'' if i.blocks else 'Warning: '}{i.message} ({i.where})"
                               for i in (*readiness.blockers, *readiness.warnings)]
    assert "no party is Accountable" in checklist(page)[0] and checklist(page)[0].endswith("(Responsibilities › "
                                                                                        f"{rows[0].name})")
    assert not page.proposal_button.isEnabled() and not page.internal_button.isEnabled()
    assert page.plan_button.isEnabled()

    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.open_button.isVisible(), timeout=30000)
    assert (tmp_path / "out" / "first.pdf").exists()

    # Fix the row, check again: the proposal can go.
    rows[0] = rows[0].model_copy(update={"raci": {"provider": "RA", "internal": "I"}})
    repo.replace_children(service.store, eid, "responsibilities", rows)
    qtbot.mouseClick(page.recheck_button, Qt.MouseButton.LeftButton)
    assert page.proposal_button.isEnabled() and not page.has_problem()


def test_a_failed_export_says_why_and_keeps_the_buttons(qtbot, demo_service, tmp_path, monkeypatch):
    service, eid = demo_service
    page = make_page(qtbot, service, eid, tmp_path, monkeypatch)
    shown = []
    monkeypatch.setattr("discovery_app.ui.workspace.review.review_page.show_exception",
                        lambda parent, what, exc: shown.append((what, str(exc))))
    page.export_to("plan", Path(tmp_path / "missing-folder" / "plan.pdf"))
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    assert shown[0][0] == "Export stabilization plan" and "does not exist" in shown[0][1]
    assert page.result_label.text() == "The stabilization plan was not written."
    assert page.plan_button.isEnabled() and not page.open_button.isVisible()


def test_the_delivery_workbooks_export_from_the_review_page(qtbot, demo_service, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    service, eid = demo_service
    page = make_page(qtbot, service, eid, tmp_path, monkeypatch)
    for button, name in ((page.workbook_button, "internal"), (page.client_workbook_button, "client")):
        target = tmp_path / "out" / name  # ".xlsx" is added to a name typed without it
        monkeypatch.setattr(page, "_ask_path", lambda _doc, suggested, target=target: str(target))
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        written = target.with_suffix(".xlsx")
        qtbot.waitUntil(lambda written=written, button=button: written.exists() and button.isEnabled(),
                        timeout=30000)
        sheets = load_workbook(written, read_only=True).sheetnames
        assert "Inventory" in sheets and "Summary" in sheets
        assert str(written) in page.result_label.text()


def test_an_edited_workbook_is_previewed_then_applied(qtbot, demo_service, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from discovery_app.export import workbook as wbk
    from discovery_app.ui.workspace.review.workbook_import_dialog import WorkbookImportDialog

    service, eid = demo_service
    page = make_page(qtbot, service, eid, tmp_path, monkeypatch)
    path = tmp_path / "handoff.xlsx"
    service.handoff.export_workbook(eid, path)
    wb = load_workbook(path)
    ws = wb[wbk.STABILIZATION]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index(wbk.HOURS) + 1).value = 12
    ws.cell(row=2, column=headers.index(wbk.RATE) + 1).value = 999
    wb.save(path)

    page.read_back_workbook(path)  # read off the GUI thread; the preview opens when it is read
    qtbot.waitUntil(lambda: page.workbook_dialog is not None, timeout=30000)
    dialog = page.workbook_dialog
    assert isinstance(dialog, WorkbookImportDialog)
    assert dialog.summary_label.text() == "1 changed, 0 new, 0 removed"
    assert dialog.changes.count() == 1 and "-> 12" in dialog.changes.item(0).text()
    assert dialog.refused.count() == 1
    assert "Rate (E): edited" in dialog.refused.item(0).text() and "999" in dialog.refused.item(0).text()
    assert "ignores Order, Rate, Amount" in dialog.columns_label.text()
    assert dialog.apply_button.text() == "Apply 1 change"

    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.workbook_dialog is None, timeout=30000)
    ops.shared().flush()  # the apply is a write op: wait for its commit
    assert service.handoff.preview_workbook_changes(eid, path).empty  # applied: the workbook now matches


def test_an_import_pack_exports_from_the_review_page_into_a_new_folder(qtbot, demo_service, tmp_path, monkeypatch):
    service, eid = demo_service
    page = make_page(qtbot, service, eid, tmp_path, monkeypatch)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    monkeypatch.setattr(page, "_ask_folder", lambda: str(tmp_path / "out"))
    assert [page.pack_tool.itemData(i) for i in range(page.pack_tool.count())] == [
        "connectwise", "autotask", "halopsa", "itglue", "generic"]
    page.pack_tool.setCurrentIndex(page.pack_tool.findData("halopsa"))
    qtbot.mouseClick(page.pack_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.open_button.isVisible(), timeout=30000)
    folders = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    assert len(folders) == 1 and "HaloPSA import" in folders[0].name and "Harbor & Finch CPAs" in folders[0].name
    assert {p.name for p in folders[0].iterdir()} == {"assets.csv", "README.txt"}
    assert page.result_label.text() == f"Saved the HaloPSA import pack to {folders[0]}"
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(folders[0] / "README.txt")]
    assert page.pack_button.isEnabled()

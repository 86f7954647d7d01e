"""Acceptance & changes: the acceptance dialog freezes the engagement; change orders; the
re-assessment and its progress report."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialogButtonBox

from discovery_app.domain.engagement import ChangeOrderStatus, Status
from discovery_app.storage.repository import EngagementFrozen
from discovery_app.ui.workspace.baseline.baseline_page import BaselinePage
from discovery_app.ui.workspace.page import PageContext


def _page(qtbot, service, eid):
    page = BaselinePage(PageContext(service, eid, QUndoStack()))
    qtbot.addWidget(page)
    page.load()
    return page


def _ok(dialog):
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_recording_acceptance_in_the_dialog_freezes_the_engagement(qtbot, demo, tmp_path):
    service, eid = demo
    service.documents.export_proposal(eid, tmp_path / "p.pdf")
    page = _page(qtbot, service, eid)
    assert "Not accepted yet" in page.state.text() and not page.new_co.isEnabled()
    page.record_acceptance()
    dlg = page.dialog
    assert dlg.signed_by.text() == "Elena Finch"  # the decision maker, from the contacts
    dlg.signed_by.clear()
    _ok(dlg)
    assert dlg.isVisible() and "Say who signed" in dlg.error.text()  # nothing recorded yet
    qtbot.keyClicks(dlg.signed_by, "Elena Finch")
    dlg.signed_on.set_date(date(2026, 1, 15))
    dlg.file.setText(str(tmp_path / "p.pdf"))
    _ok(dlg)
    eng = service.engagements.get(eid)
    assert eng.status is Status.ACCEPTED and eng.frozen and eng.acceptance.signed_on == date(2026, 1, 15)
    assert "frozen as the baseline" in page.state.text() and page.new_co.isEnabled()
    try:
        service.interview.set_answer(eid, eng.answers[0].question_id, eng.answers[0].value)
    except EngagementFrozen as exc:
        assert "change order" in str(exc)
    else:
        raise AssertionError("an edit of the frozen engagement was saved")

    page.new_change_order()
    co = page.dialog
    qtbot.keyClicks(co.title, "Second site")
    qtbot.keyClicks(co.reason, "New office")
    co.hours["engineer"].setValue(10)
    _ok(co)
    assert page.co_model.rowCount() == 1 and page.co_model.rows[0][4] == "Awaiting approval"
    page.co_table.selectRow(0)
    assert page.approve_co.isEnabled()
    page.approve_selected()
    page.dialog.on.edit.setText("not a day")
    _ok(page.dialog)
    assert page.dialog.isVisible() and "Date" in page.dialog.error.text()
    page.dialog.on.set_date(date.today())
    _ok(page.dialog)
    assert service.baseline.change_orders(eid)[0].status is ChangeOrderStatus.APPROVED
    page.co_table.selectRow(0)
    assert not page.approve_co.isEnabled()
    page.export_selected(tmp_path / "co.pdf")
    assert (tmp_path / "co.pdf").read_bytes().startswith(b"%PDF")

    qtbot.mouseClick(page.reassess_button, Qt.MouseButton.LeftButton)
    assert page.started is not None
    later = _page(qtbot, service, page.started)
    assert later.progress_box.isVisibleTo(later) and "to confirm" in later.progress_text.text()
    later.export_progress(tmp_path / "progress.pdf")
    assert (tmp_path / "progress.pdf").read_bytes().startswith(b"%PDF")


def test_acceptance_refused_when_no_proposal_was_sent_says_why(qtbot, demo, monkeypatch):
    service, eid = demo
    shown = []
    monkeypatch.setattr("discovery_app.ui.workspace.baseline.baseline_page.show_exception",
                        lambda parent, what, exc: shown.append(str(exc)))
    page = _page(qtbot, service, eid)
    page.record_acceptance()
    _ok(page.dialog)
    assert shown and "export it first" in shown[0]
    assert not service.engagements.get(eid).frozen


def test_the_review_page_exports_a_reassessments_progress_report(qtbot, tmp_path):
    from ui_helpers import SHIPPED_FORMS

    from discovery_app.demo_baseline import create_baseline_demo
    from discovery_app.paths import AppPaths
    from discovery_app.services import Discovery
    from discovery_app.ui.workspace.review.review_page import ReviewPage

    service = Discovery.open(AppPaths.resolve(tmp_path / "b.sqlite3"), forms_root=SHIPPED_FORMS)
    try:
        accepted, later = create_baseline_demo(service)
        first = ReviewPage(PageContext(service, accepted, QUndoStack()))
        qtbot.addWidget(first)
        first.load()
        assert not first.progress_button.isVisibleTo(first)
        page = ReviewPage(PageContext(service, later, QUndoStack()))
        qtbot.addWidget(page)
        page.load()
        assert page.progress_button.isVisibleTo(page)
        page.export_to("progress", tmp_path / "progress.pdf")
        qtbot.waitUntil(lambda: page.last_path is not None, timeout=30000)
        assert page.last_path.read_bytes().startswith(b"%PDF")
    finally:
        service.close()


def test_options_and_accepted_risks_are_recorded_on_the_page_before_acceptance(qtbot, demo):
    service, eid = demo
    page = _page(qtbot, service, eid)
    box = page.options_box
    box.ask_label = lambda: "Business hours"
    service.offer.set_pricing_inputs(eid, service.engagements.get(eid).pricing.model_copy(
        update={"coverage": "business_hours"}))
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert [o.label for o in service.baseline.options(eid)] == ["Business hours"]
    assert box.model.rows[0][1] == "Business hours" and box.model.rows[0][4] == "Ready"
    risks = page.risks_box
    risks.add()
    dlg = risks.dialog
    _ok(dlg)
    assert dlg.isVisible() and "risk owner" in dlg.error.text()  # nothing recorded
    qtbot.keyClicks(dlg.owner, "Marcus Lee")
    qtbot.keyClicks(dlg.rationale, "Fewer than a dozen vendors")
    qtbot.keyClicks(dlg.approved_by, "Elena Finch")
    _ok(dlg)
    (rec,) = service.engagements.get(eid).risk_acceptances
    assert rec.owner == "Marcus Lee" and rec.risk_uid == dlg.risk.itemData(0)
    assert risks.model.rowCount() == 1


def test_an_option_is_edited_in_its_dialog_and_the_page_says_the_proposal_sent_is_stale(qtbot, demo, tmp_path):
    service, eid = demo
    service.baseline.add_option(eid, "Business hours")
    service.documents.export_proposal(eid, tmp_path / "p.pdf")
    page = _page(qtbot, service, eid)
    assert "changed since" not in page.state.text()
    box = page.options_box
    box.table.selectRow(0)
    qtbot.mouseClick(box.edit_button, Qt.MouseButton.LeftButton)
    dlg = box.dialog
    assert dlg.label.text() == "Business hours"
    dlg.label.clear()
    qtbot.keyClicks(dlg.label, "Extended hours")
    dlg.coverage.setCurrentIndex(dlg.coverage.findData("extended"))
    dlg.discount.setText("a lot")
    _ok(dlg)
    assert dlg.isVisible() and dlg.error.text().startswith("Discount:")  # nothing saved
    assert service.baseline.options(eid)[0].label == "Business hours"
    dlg.discount.setText("2")
    _ok(dlg)
    (opt,) = service.baseline.options(eid)
    assert (opt.label, opt.pricing.coverage, str(opt.pricing.discount_percent)) == ("Extended hours", "extended", "2")
    assert box.model.rows[0][1] == "Extended hours"
    assert "changed since the proposal was exported" in page.state.text()

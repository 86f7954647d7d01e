"""Pre-work and suggested findings in the window: the Risks page's Suggested findings panel
(accept with undo, dismiss with a reason, bring back), the navigator's count, the inventory's End
of support column and filter, the questionnaire's "from the client, to confirm" marks, and the
pre-work preview dialog."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QInputDialog, QPushButton
from ui_helpers import show_page

from discovery_app.domain.lifecycle import Support
from discovery_app.export import prework as pio
from discovery_app.ui.workspace.inventory_model import Col
from discovery_app.ui.workspace.inventory_page import InventoryPage
from discovery_app.ui.workspace.page import PageContext
from discovery_app.ui.workspace.prework_dialog import read_prework
from discovery_app.ui.workspace.questions import AnswerBook, QuestionPage
from discovery_app.ui.workspace.risks_page import RisksPage


def test_suggested_findings_accept_with_undo_dismiss_and_bring_back(qtbot, demo_context, monkeypatch):
    page = show_page(qtbot, RisksPage(demo_context))
    panel, svc, eid = page.suggestions, page.service, page.engagement_id
    open_before = panel.open_count()
    assert open_before == svc.open_suggestion_count(eid) > 3
    assert page.lower_tabs.tabText(1) == f"Suggested findings ({open_before})"
    shown = []
    page.request_badge(lambda text, tip: shown.append((text, tip)))
    assert shown == [(f"{open_before} new", f"{open_before} suggested findings to review")]
    assert panel.replacements.text().startswith("Hardware due for replacement")
    assert " workstations" in panel.replacements.text() and "$" in panel.replacements.text()
    assert "PDX-" in panel.replacements.toolTip()
    titles = [panel.list.item(i).text() for i in range(panel.list.count())]
    row = titles.index("Servers or storage out of warranty")
    panel.list.setCurrentRow(row)
    html = panel.detail.toPlainText()
    assert "What triggered it" in html and "2 devices: warranty ended: PDX-HV01, PDX-NAS01" in html
    risks_before = page.model.rowCount()
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == risks_before + 1
    added = page.selected_risk()
    assert added.template_id == "servers_out_of_warranty" and "PDX-HV01" in added.evidence
    assert sorted(svc.inventory_names(eid, added.linked_inventory).values()) == ["PDX-HV01", "PDX-NAS01"]
    assert panel.open_count() == open_before - 1 and page.lower_tabs.currentIndex() == 0
    page.context.undo_stack.undo()
    assert page.model.rowCount() == risks_before and panel.open_count() == open_before

    page.lower_tabs.setCurrentIndex(1)
    panel.list.setCurrentRow(0)
    first = panel.selected()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Client has a quote for this already", True))
    qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert panel.open_count() == open_before - 1
    assert [s.key for s in svc.suggested_findings(eid) if s.dismissed] == [first.key]
    assert panel.show_dismissed.text() == "Show dismissed (1)"
    panel.show_dismissed.setChecked(True)
    panel.list.setCurrentRow(panel.list.count() - 1)
    assert panel.selected().key == first.key and panel.restore_button.isVisibleTo(panel)
    assert "Client has a quote for this already" in panel.detail.toPlainText()
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert panel.open_count() == open_before


def test_the_navigator_counts_suggestions(qtbot, window, demo):
    from discovery_app.ui.workspace.view import WorkspaceView

    service, eid = demo
    view = WorkspaceView(service, eid)
    view.build()
    view.load()
    show_page(qtbot, view)
    view.refresh_summary()
    view.saves.flush()  # the count is made behind the saves, off the GUI thread
    row = next(i for i, p in enumerate(view.pages) if p.section_id == "risks")
    text, _warning = view.navigator.marks(row)
    assert text == f"{service.open_suggestion_count(eid)} new"
    view.close_saves()


def test_inventory_shows_end_of_support_and_filters_by_it(qtbot, demo_context):
    page = show_page(qtbot, InventoryPage(demo_context))
    model, proxy = page.model, page.proxy
    header = model.headerData(Col.END_OF_SUPPORT, Qt.Orientation.Horizontal)
    assert header == "End of support"
    win10 = next(r for r in range(model.rowCount()) if model.item(r).os.startswith("Windows 10"))
    assert model.data(model.index(win10, Col.END_OF_SUPPORT)) == "Ended 2025-10-14"
    assert "learn.microsoft.com" in model.data(model.index(win10, Col.END_OF_SUPPORT), Qt.ItemDataRole.ToolTipRole)
    items = model.items()
    past = [i for i in items if model.support(i).status == Support.PAST]
    assert past and all(i.category.value == "device" for i in past)
    box = page.support_filter
    box.setCurrentIndex(box.findText("Past end of support"))
    assert proxy.rowCount() == len(past)
    box.setCurrentIndex(box.findText("Ends within a year"))
    shown = {proxy.index(r, Col.NAME).data() for r in range(proxy.rowCount())}
    assert "PDX-DC01" in shown  # Windows Server 2016: 2027-01-12
    box.setCurrentIndex(0)
    assert proxy.rowCount() == model.rowCount()


def _returned_workbook(service, eid, tmp_path):
    path = service.export_prework(eid, tmp_path / "pre.xlsx")
    wb = load_workbook(path)
    ws = wb["Service desk and internal IT"]
    header, cols = pio._find_header(ws, (pio.ANSWER, pio.QID))
    values = {"has_internal_it": "Yes", "monthly_ticket_volume": "75", "known_problems": "VPN drops at 5 pm"}
    for r in range(header + 1, ws.max_row + 1):
        qid = ws.cell(row=r, column=cols[pio.QID]).value
        if qid in values:
            ws.cell(row=r, column=cols[pio.ANSWER]).value = values[qid]
    wb.save(path)
    return path


def test_read_prework_preview_tick_and_save(qtbot, demo_context, tmp_path):
    from discovery_app.ui.workspace.client import ClientPage

    page = show_page(qtbot, ClientPage(demo_context))
    svc, eid = page.service, page.engagement_id
    assert page.findChild(QPushButton, "sendPreworkButton").isVisible()
    assert page.findChild(QPushButton, "readPreworkButton").isVisible()
    path = _returned_workbook(svc, eid, tmp_path)
    dialog = read_prework(page, path)
    assert dialog.answers.topLevelItemCount() == 3
    first = dialog.answers.topLevelItem(0)  # differing answers come first
    assert (first.text(0), first.text(2), first.text(3)) == ("Support requests per month (estimate)", "60", "75")
    assert dialog.apply_button.text() == "Save 1 answer"
    first.setCheckState(0, Qt.CheckState.Checked)
    assert dialog.apply_button.text() == "Save 2 answers"
    dialog.accept()
    answers = svc.answers(eid)
    assert answers["monthly_ticket_volume"][0] == 75 and answers["known_problems"][0] == "VPN drops at 5 pm"
    assert set(svc.client_answers_to_confirm(eid)) == {"monthly_ticket_volume", "known_problems"}


def test_the_questionnaire_marks_client_answers_until_confirmed(qtbot, demo, tmp_path):
    service, eid = demo
    path = _returned_workbook(service, eid, tmp_path)
    service.apply_prework(eid, service.preview_prework(eid, path))
    form = service.form_of(service.header(eid))
    book = AnswerBook(service, eid, form)
    book.load()
    section = next(s for s in form.questionnaire.sections if s.id == "service_desk")
    page = show_page(qtbot, QuestionPage(PageContext(service, eid, QUndoStack()), section, book), activate=True)
    marks = page.client_confirm.marks
    new, differs = marks["known_problems"], marks["monthly_ticket_volume"]
    assert new.isVisible() and new.text.text().startswith("From the client, to confirm")
    assert differs.isVisible() and "says “75”; you have “60”" in differs.text.text()
    assert page.client_confirm.bar.isVisible() and "2 answers on this page" in page.client_confirm.bar_text.text()
    qtbot.mouseClick(differs.use_button, Qt.MouseButton.LeftButton)
    assert service.answers(eid)["monthly_ticket_volume"][0] == 75
    assert page.fields["monthly_ticket_volume"].isVisible()
    assert marks["monthly_ticket_volume"].text.text().startswith("From the client, to confirm")
    qtbot.mouseClick(page.client_confirm.confirm_all, Qt.MouseButton.LeftButton)
    assert not any(m.isVisible() for m in marks.values()) and not page.client_confirm.bar.isVisible()
    assert service.client_answers_to_confirm(eid) == {}

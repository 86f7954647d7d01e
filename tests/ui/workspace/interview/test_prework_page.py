"""Client pre-work in the window: the preview dialog of a returned workbook, and the
questionnaire's "from the client, to confirm" marks."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QPushButton
from ui_helpers import show_page

from discovery_app.export import prework as pio
from discovery_app.ui import ops
from discovery_app.ui.workspace.interview.prework_dialog import read_prework
from discovery_app.ui.workspace.interview.questions import AnswerBook, QuestionPage
from discovery_app.ui.workspace.page import PageContext


def _returned_workbook(service, eid, tmp_path):
    path = service.prework.export(eid, tmp_path / "pre.xlsx")
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
    from discovery_app.ui.workspace.interview.client import ClientPage

    page = show_page(qtbot, ClientPage(demo_context))
    svc, eid = page.service, page.engagement_id
    assert page.findChild(QPushButton, "sendPreworkButton").isVisible()
    assert page.findChild(QPushButton, "readPreworkButton").isVisible()
    path = _returned_workbook(svc, eid, tmp_path)
    read_prework(page, path)  # read off the GUI thread; the preview opens when it is read
    qtbot.waitUntil(lambda: getattr(page, "prework_dialog", None) is not None, timeout=10000)
    dialog = page.prework_dialog
    assert dialog.answers.topLevelItemCount() == 3
    first = dialog.answers.topLevelItem(0)  # differing answers come first
    assert (first.text(0), first.text(2), first.text(3)) == ("Support requests per month (estimate)", "60", "75")
    assert dialog.apply_button.text() == "Save 1 answer"
    first.setCheckState(0, Qt.CheckState.Checked)
    assert dialog.apply_button.text() == "Save 2 answers"
    dialog.accept()
    ops.shared().flush()  # the save is a write op: wait for its commit
    answers = svc.interview.answers(eid)
    assert answers["monthly_ticket_volume"][0] == 75 and answers["known_problems"][0] == "VPN drops at 5 pm"
    assert set(svc.prework.to_confirm(eid)) == {"monthly_ticket_volume", "known_problems"}


def test_the_questionnaire_marks_client_answers_until_confirmed(qtbot, demo, tmp_path):
    service, eid = demo
    path = _returned_workbook(service, eid, tmp_path)
    service.prework.apply(eid, service.prework.preview(eid, path))
    form = service.forms.of(service.engagements.header(eid))
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
    assert service.interview.answers(eid)["monthly_ticket_volume"][0] == 75
    assert page.fields["monthly_ticket_volume"].isVisible()
    assert marks["monthly_ticket_volume"].text.text().startswith("From the client, to confirm")
    qtbot.mouseClick(page.client_confirm.confirm_all, Qt.MouseButton.LeftButton)
    assert not any(m.isVisible() for m in marks.values()) and not page.client_confirm.bar.isVisible()
    assert service.prework.to_confirm(eid) == {}

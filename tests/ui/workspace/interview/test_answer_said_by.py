"""Who gave an answer: typed beside the note, stored with the answer, read by the workbook."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from ui_helpers import show_page

from discovery_app.ui.workspace.interview.questions import AnswerBook, QuestionPage
from discovery_app.ui.workspace.page import PageContext


def question_page(qtbot, service, eid, section_id: str) -> QuestionPage:
    form = service.forms.of(service.engagements.header(eid))
    book = AnswerBook(service, eid, form)
    book.load()
    section = next(s for s in form.questionnaire.sections if s.id == section_id)
    return show_page(qtbot, QuestionPage(PageContext(service, eid, QUndoStack()), section, book), activate=True)


def test_who_said_it_is_typed_beside_the_note_and_kept_with_the_answer(qtbot, demo):
    service, eid = demo
    page = question_page(qtbot, service, eid, "service_desk")
    field = page.fields["monthly_ticket_volume"]
    value_before = service.interview.answers(eid)["monthly_ticket_volume"][0]
    assert field.said_by_edit.text() == "Marcus Lee"  # the demo's interview
    field.note_button.setChecked(True)
    edit = field.said_by_edit
    assert edit.isVisible()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Priya (help desk)")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    page.flush()
    qtbot.waitUntil(lambda: service.interview.answer_sources(eid).get("monthly_ticket_volume") == "Priya (help desk)")
    assert service.interview.answers(eid)["monthly_ticket_volume"][0] == value_before  # the answer is kept
    assert next(a for a in service.engagements.get(eid).answers if a.question_id == "monthly_ticket_volume").said_by == \
        "Priya (help desk)"


def test_a_name_with_no_answer_yet_is_kept_and_cleared_with_it(demo):
    service, eid = demo
    service.interview.set_answer(eid, "user_satisfaction", None)
    service.interview.set_answer_said_by(eid, "user_satisfaction", "  Elena   Finch ")
    assert service.interview.answer_sources(eid)["user_satisfaction"] == "Elena Finch"
    service.interview.set_answer_said_by(eid, "user_satisfaction", "")
    assert "user_satisfaction" not in service.interview.answer_sources(eid)

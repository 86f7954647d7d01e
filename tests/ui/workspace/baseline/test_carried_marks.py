"""A re-assessment's records carried over from the baseline are marked where they are shown and
confirmed one by one (a button, a key) or all of a page at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from ui_helpers import show_page

from discovery_app.domain.carried import MARK
from discovery_app.storage import repository as repo
from discovery_app.ui.workspace.interview.questions import AnswerBook, QuestionPage
from discovery_app.ui.workspace.inventory.inventory_page import InventoryPage
from discovery_app.ui.workspace.page import PageContext
from discovery_app.ui.workspace.risks.risks_page import RisksPage
from discovery_app.ui.workspace.standards.standards_page import StandardsPage


def _carry(service, eid, keys):
    """The demo engagement as a re-assessment would leave it: these records still to confirm."""
    repo.update_header(service.store, eid, to_confirm=keys)


def test_carried_inventory_is_marked_and_confirmed_by_key_and_all_at_once(qtbot, demo):
    service, eid = demo
    items = service.engagements.get(eid).inventory
    _carry(service, eid, [f"inventory:{i.uid}" for i in items[:3]])
    page = show_page(qtbot, InventoryPage(PageContext(service, eid, QUndoStack())), activate=True)
    bar = page.carried_bar
    assert bar.isVisible() and bar.text.text().startswith("3 inventory records on this page came from the baseline")
    marked = [r for r in range(page.proxy.rowCount())
              if (page.proxy.index(r, 0).data(Qt.ItemDataRole.ToolTipRole) or "").startswith(MARK)]
    assert len(marked) == 3 and page.proxy.index(marked[0], 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert not bar.confirm_button.isEnabled()  # nothing carried is selected
    page.select_uids([items[0].uid])
    assert bar.confirm_button.isEnabled()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert service.engagements.header(eid).to_confirm == [f"inventory:{i.uid}" for i in items[1:3]]
    assert bar.text.text().startswith("2 inventory records")
    qtbot.mouseClick(bar.confirm_all, Qt.MouseButton.LeftButton)
    assert service.engagements.header(eid).to_confirm == [] and not bar.isVisible()
    assert all(page.proxy.index(r, 0).data(Qt.ItemDataRole.DecorationRole) is None
               for r in range(page.proxy.rowCount()))


def test_carried_answers_are_marked_under_their_question_and_confirmed(qtbot, demo):
    service, eid = demo
    eng = service.engagements.get(eid)
    form = service.forms.of(eng)
    section = next(s for s in form.questionnaire.sections
                   if sum(1 for q in s.questions if q.id in eng.answer_values()) >= 2)
    qids = [q.id for q in section.questions if q.id in eng.answer_values()]
    _carry(service, eid, [f"answer:{q}" for q in qids])
    book = AnswerBook(service, eid, form)
    book.load()
    page = show_page(qtbot, QuestionPage(PageContext(service, eid, QUndoStack()), section, book), activate=True)
    marks = page.baseline_confirm.marks
    shown = [q for q in qids if marks[q].isVisible()]
    assert shown and marks[shown[0]].text.text().startswith(MARK)
    assert page.baseline_confirm.bar.isVisible()
    qtbot.mouseClick(marks[shown[0]].confirm_button, Qt.MouseButton.LeftButton)
    assert not marks[shown[0]].isVisible()
    assert f"answer:{shown[0]}" not in service.engagements.header(eid).to_confirm
    qtbot.mouseClick(page.baseline_confirm.confirm_all, Qt.MouseButton.LeftButton)
    assert not page.baseline_confirm.bar.isVisible()
    assert not any(k.startswith("answer:") and k.split(":", 1)[1] in shown
                   for k in service.engagements.header(eid).to_confirm)


def test_carried_standards_and_risks_are_marked_and_confirmed_one_by_one(qtbot, demo):
    service, eid = demo
    eng = service.engagements.get(eid)
    std, risk = eng.standards[0].category_id, eng.risks[0].uid
    _carry(service, eid, [f"standard:{std}", f"risk:{risk}", f"risk:{eng.risks[1].uid}"])
    standards = show_page(qtbot, StandardsPage(PageContext(service, eid, QUndoStack())))
    row = next(r for r, c in enumerate(standards.model.categories) if c.id == std)
    assert standards.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole).startswith(MARK)
    standards.table.setCurrentIndex(standards.model.index(row, 0))  # the table selects cells
    qtbot.mouseClick(standards.carried_bar.confirm_button, Qt.MouseButton.LeftButton)
    assert f"standard:{std}" not in service.engagements.header(eid).to_confirm
    assert not standards.carried_bar.isVisible()

    risks = show_page(qtbot, RisksPage(PageContext(service, eid, QUndoStack())))
    assert risks.carried_bar.text.text().startswith("2 risks on this page")
    risks.select_uid(risk)
    qtbot.mouseClick(risks.carried_bar.confirm_button, Qt.MouseButton.LeftButton)
    assert service.engagements.header(eid).to_confirm == [f"risk:{eng.risks[1].uid}"]
    # The readiness check reads the same count (the domain's).
    warnings = [i.message for i in service.assessments.check(eid).items if i.code == "carried.to_confirm"]
    assert warnings == ["1 risk carried over from the baseline still to confirm on Risks."]

    # Risk acceptances carried from the baseline wait on the Acceptance & changes page.
    from datetime import date

    from discovery_app.ui.workspace.baseline.baseline_page import BaselinePage

    service.baseline.accept_risk(eid, risk, owner="Marcus Lee", rationale="Legacy app retires in June",
                                 review_on=date(2026, 6, 30), approved_by="Elena Finch")
    _carry(service, eid, [f"acceptance:{risk}"])
    page = show_page(qtbot, BaselinePage(PageContext(service, eid, QUndoStack())))
    bar = page.carried_bar
    assert bar.isVisible() and bar.text.text().startswith("1 risk acceptance on this page came from the baseline")
    assert page.risks_box.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole).startswith(MARK)
    page.risks_box.table.selectRow(0)
    qtbot.mouseClick(bar.confirm_button, Qt.MouseButton.LeftButton)
    assert service.engagements.header(eid).to_confirm == [] and not bar.isVisible()

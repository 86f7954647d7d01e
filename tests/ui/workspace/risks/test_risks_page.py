"""The Risks page, driven as a consultant would: library picker, detail edits, heat map, undo."""

from __future__ import annotations

import pytest
from findings_helpers import check_modal, run_modal
from PySide6.QtCore import Qt
from ui_helpers import select_risk, show_page

from discovery_app.ui.workspace.risks.risk_library_dialog import RiskLibraryDialog
from discovery_app.ui.workspace.risks.risks_page import RisksPage

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def page(qtbot, demo_context):
    return show_page(qtbot, RisksPage(demo_context))


select = select_risk  # the helper lives in ui_helpers: tests in other folders use it too


def test_add_a_risk_from_the_library_by_searching_and_picking(qtbot, page):
    before = page.model.rowCount()

    def drive(dialog: RiskLibraryDialog) -> None:
        qtbot.keyClicks(dialog.search, "legacy authentication")
        assert dialog.proxy.rowCount() == 1
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # picks the first match
        dialog.title.selectAll()
        qtbot.keyClicks(dialog.title, "Scanner still uses basic auth")
        dialog.impact.setFocus()
        qtbot.keyClick(dialog.impact, Qt.Key.Key_Down)  # 4 Major -> 5 Severe
        assert dialog.score.text() == "Score 15 · High"
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    seen = run_modal(qtbot, RiskLibraryDialog, drive)
    qtbot.mouseClick(page.add_library_button, Qt.MouseButton.LeftButton)
    check_modal(seen)
    assert page.model.rowCount() == before + 1
    added = page.selected_risk()
    assert (added.title, added.likelihood, added.impact, added.template_id) == (
        "Scanner still uses basic auth", 3, 5, "legacy_auth_allowed")
    assert page.detail.heading.text() == "Scanner still uses basic auth"
    assert [r.title for r in page.service.findings.risks(page.engagement_id)][-1] == "Scanner still uses basic auth"
    page.context.undo_stack.undo()
    assert page.model.rowCount() == before


def test_changing_likelihood_moves_score_band_and_heat_map(qtbot, page):
    title = "Restores never tested"
    select(qtbot, page, title)
    risk = page.selected_risk()
    assert (risk.likelihood, risk.impact) == (4, 4)
    assert page.heatmap.count(4, 4) == 7 and page.heatmap.count(1, 4) == 0
    page.detail.likelihood.setFocus()
    for _ in range(3):
        qtbot.keyClick(page.detail.likelihood, Qt.Key.Key_Up)  # 4 -> 1 (Rare)
    saved = page.service.findings.risk(page.engagement_id, risk.uid)
    assert saved.likelihood == 1
    assert page.detail.score.text() == "Score 4 of 25 · Low"
    row = page.visible_titles().index(title)
    assert page.proxy.index(row, 5).data() == "Low"
    assert page.heatmap.count(4, 4) == 6 and page.heatmap.count(1, 4) == 1
    page.context.undo_stack.undo()
    page.context.undo_stack.undo()
    page.context.undo_stack.undo()
    assert page.service.findings.risk(page.engagement_id, risk.uid).likelihood == 4
    assert page.heatmap.count(4, 4) == 7


def test_clicking_a_heat_map_cell_filters_the_register_and_again_clears(qtbot, page):
    total = page.model.rowCount()
    centre = page.heatmap.cell_rect(4, 4).center().toPoint()  # Likely x Major
    qtbot.mouseClick(page.heatmap, Qt.MouseButton.LeftButton, pos=centre)
    shown = page.visible_titles()
    expected = [r.title for r in page.service.findings.risks(page.engagement_id) if (r.likelihood, r.impact) == (4, 4)]
    assert len(expected) == 7
    assert sorted(shown) == sorted(expected)
    assert page.count.text() == f"7 of {total} risks"
    assert "Likely × Major" in page.cell_note.text()
    qtbot.mouseClick(page.heatmap, Qt.MouseButton.LeftButton, pos=centre)
    assert len(page.visible_titles()) == total
    assert page.cell_note.text() == ""


def test_text_filter_and_empty_state(qtbot, page):
    qtbot.keyClicks(page.filter, "rdp")
    assert page.visible_titles() == ["Remote desktop exposed to the internet"]
    for uid in [r.uid for r in page.service.findings.risks(page.engagement_id)]:
        page.service.findings.delete_risk(page.engagement_id, uid)
    page.load()
    assert page.table_stack.currentWidget() is page.empty
    assert "risk library" in page.empty.text_label.text()


def test_evidence_notes_are_saved_after_typing_and_photos_show_as_thumbnails(qtbot, page, tmp_path):
    select(qtbot, page, "MFA not enforced for all users")
    page.detail.evidence.setFocus()
    page.detail.evidence.selectAll()
    qtbot.keyClicks(page.detail.evidence, "12 of 45 mailboxes")
    page.flush()
    uid = page.selected_risk().uid
    assert page.service.findings.risk(page.engagement_id, uid).evidence == "12 of 45 mailboxes"
    from PySide6.QtGui import QImage

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    photo = tmp_path / "closet photo.png"
    image.save(str(photo))
    page.add_files([str(photo)])
    assert page.detail.file_names() == ["closet photo.png"]
    icon = page.detail.files_model.item(0).icon()
    assert not icon.isNull()
    pixmap = icon.pixmap(88, 88)
    assert pixmap.toImage().pixelColor(pixmap.width() // 2, pixmap.height() // 2).green() > 50  # the photo itself
    # A photo is ticked for the proposal's appendix; Space on it leaves it out, and undo puts it back.
    item = page.detail.files_model.item(0)
    assert item.isCheckable() and item.checkState() == Qt.CheckState.Checked
    page.detail.files.setFocus()
    page.detail.files.setCurrentIndex(item.index())
    qtbot.keyClick(page.detail.files, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not page.service.findings.attachments(page.engagement_id, uid)[0].in_proposal)
    assert page.detail.files_model.item(0).checkState() == Qt.CheckState.Unchecked
    page.context.undo_stack.undo()
    assert page.service.findings.attachments(page.engagement_id, uid)[0].in_proposal
    page.context.undo_stack.undo()
    assert page.detail.file_names() == []


def test_a_risk_no_item_fixes_gets_its_treatment_recorded_in_the_detail(qtbot, page):
    svc, eid = page.service, page.engagement_id
    risk = svc.findings.risks(eid)[0]
    for item in svc.findings.remediation_items(eid):
        if item.risk_uid == risk.uid:
            svc.findings.update_remediation_item(eid, item.uid, risk_uid=None)
    page.load()
    select(qtbot, page, risk.title)
    assert page.detail.treatment_now.text() == "Now: Treatment not decided yet."
    assert any(i.code == "risk.treatment" and i.where.record == risk.uid for i in svc.assessments.check(eid).blockers)

    combo = page.detail.treatment
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # "Accepted by the client", chosen by keys
    page.flush()
    qtbot.waitUntil(lambda: svc.findings.risk(eid, risk.uid).treatment is not None)
    assert svc.findings.risk(eid, risk.uid).treatment.value == "accepted"
    qtbot.waitUntil(lambda: page.detail.treatment_now.text().startswith("Now: Accepted by you"))
    assert not any(i.code == "risk.treatment" for i in svc.assessments.check(eid).items)
    page.context.undo_stack.undo()
    assert svc.findings.risk(eid, risk.uid).treatment is None


def test_library_adds_several_risks_in_one_step_and_marks_those_already_in_the_register(qtbot, page):
    before = [r.title for r in page.service.findings.risks(page.engagement_id)]
    in_register = {r.template_id for r in page.service.findings.risks(page.engagement_id) if r.template_id}
    assert in_register, "the demo register holds library risks"

    def drive(dialog: RiskLibraryDialog) -> None:
        # Risks already in the register are marked, greyed and cannot be ticked again.
        marked = [dialog.model.item(r) for r in range(dialog.model.rowCount())
                  if dialog.model.item(r).data(Qt.ItemDataRole.UserRole + 1) in in_register]
        assert len(marked) == len(in_register)
        assert all("already in the register" in i.text() and not i.isCheckable() for i in marked)
        # Enter in a search that finds only a risk in the register adds nothing.
        taken = dialog._templates[sorted(in_register)[0]]
        qtbot.keyClicks(dialog.search, taken.title)
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
        assert dialog.choices() == [] and not dialog.add_button.isEnabled()
        qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
        assert dialog.isVisible()
        dialog.search.clear()
        free = [dialog.model.item(r).data(Qt.ItemDataRole.UserRole + 1) for r in range(dialog.model.rowCount())
                if dialog.model.item(r).isCheckable()][:3]
        assert len(free) == 3
        for tid in free:
            dialog.set_ticked(tid)
        assert dialog.add_button.text() == "Add 3 risks to the register"
        dialog.set_ticked(free[2], False)
        assert dialog.add_button.text() == "Add 2 risks to the register"
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    seen = run_modal(qtbot, RiskLibraryDialog, drive)
    qtbot.mouseClick(page.add_library_button, Qt.MouseButton.LeftButton)
    check_modal(seen)
    after = [r.title for r in page.service.findings.risks(page.engagement_id)]
    assert len(after) == len(before) + 2 and after[:len(before)] == before
    # One undo takes both back; one redo puts both back.
    assert page.context.undo_stack.undoText() == "Add 2 risks from the library"
    page.context.undo_stack.undo()
    assert [r.title for r in page.service.findings.risks(page.engagement_id)] == before
    page.context.undo_stack.redo()
    assert [r.title for r in page.service.findings.risks(page.engagement_id)] == after
    assert page.model.rowCount() == len(after)


def test_library_search_and_ticks_survive_filtering(qtbot, page):
    library = page.service.findings.risk_library(page.engagement_id)
    dialog = RiskLibraryDialog(library, set(), page)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.search, "legacy authentication")
    assert dialog.proxy.rowCount() == 1
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.list.hasFocus() or not dialog.isVisible()
    first = dialog.current_template()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)  # Space ticks the highlighted risk
    assert dialog.add_button.text() == "Add 1 risk to the register"
    dialog.search.clear()
    assert dialog.proxy.rowCount() == len(library)
    assert [c.template_id for c in dialog.choices()] == [first.id]
    assert dialog.count.text() == f"{len(library)} library risks · 1 ticked"


def test_score_and_band_are_in_view_beside_the_heat_map_at_1280x800(qtbot, demo_context):
    from discovery_app.ui.workspace.risks.risk_model import BAND, SCORE, TITLE

    page = show_page(qtbot, RisksPage(demo_context), (720, 660))  # the page's share of a 1280x800 window
    qtbot.wait(50)
    view = page.table
    for col in (TITLE, SCORE, BAND):
        left = view.columnViewportPosition(col)
        assert 0 <= left and left + view.columnWidth(col) <= view.viewport().width(), f"column {col} is out of view"
    row = page.visible_titles().index("Restores never tested")
    assert page.proxy.index(row, 2).data(Qt.ItemDataRole.ToolTipRole) == "Likelihood 4: Likely"

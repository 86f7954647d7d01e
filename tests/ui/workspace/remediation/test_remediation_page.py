"""The Remediation page: suggestions, dependencies with loop refusal, and the plan order."""

from __future__ import annotations

import pytest
from findings_helpers import check_modal, run_modal
from PySide6.QtCore import Qt
from ui_helpers import blockers_on, show_page

from discovery_app.ui.workspace.remediation.remediation_model import CHOICES_ROLE
from discovery_app.ui.workspace.remediation.remediation_page import RemediationPage
from discovery_app.ui.workspace.remediation.remediation_suggest_dialog import SuggestionsDialog
from discovery_app.ui.workspace.risks.risk_checklist import ChecklistDialog

ONBOARD = "Onboard every device to the standard RMM and document the baseline"


@pytest.fixture
def page(qtbot, demo_context):
    return show_page(qtbot, RemediationPage(demo_context))


def titles(page):
    col = page.model.column_of("title")
    return [page.proxy.index(r, col).data() for r in range(page.proxy.rowCount())]


def click_row(qtbot, page, title):
    row = titles(page).index(title)
    rect = page.table.visualRect(page.proxy.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_item().title == title


def test_accept_a_suggestion_after_editing_it(qtbot, page):
    # The demo covers every gap; without its PSA item the PSA gap is suggested again.
    psa = next(i for i in page.service.findings.remediation_items(page.engagement_id) if i.standard_category == "psa")
    page.service.findings.delete_remediation_item(page.engagement_id, psa.uid)
    page.load()
    open_before = len(page.service.findings.remediation_suggestions(page.engagement_id))
    assert open_before >= 1
    assert page.suggest_button.text() == f"Suggest items… ({open_before})"
    items_before = page.model.rowCount()

    def drive(dialog: SuggestionsDialog) -> None:
        row = next(r for r in range(dialog.model.rowCount()) if "(PSA) is missing" in dialog.model.item(r, 1).text())
        dialog.table.selectRow(row)
        dialog.table.setCurrentIndex(dialog.model.index(row, 0))
        qtbot.keyClick(dialog.table, Qt.Key.Key_Space)  # tick it
        dialog.title.selectAll()
        qtbot.keyClicks(dialog.title, "Roll out the PSA and route all requests through it")
        qtbot.keyClick(dialog.title, Qt.Key.Key_Tab)
        assert dialog.add_button.text() == "Add 1 item"
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    seen = run_modal(qtbot, SuggestionsDialog, drive)
    qtbot.mouseClick(page.suggest_button, Qt.MouseButton.LeftButton)
    check_modal(seen)
    assert page.model.rowCount() == items_before + 1
    added = page.selected_item()
    assert added.title == "Roll out the PSA and route all requests through it"
    assert added.standard_category == "psa" and added.hours
    left = open_before - 1
    assert page.suggest_button.text() == (f"Suggest items… ({left})" if left else "Suggest items…")
    assert added.title in page.plan_titles()
    page.context.undo_stack.undo()
    assert page.model.rowCount() == items_before


def test_a_dependency_loop_is_refused_with_the_items_named(qtbot, page):
    click_row(qtbot, page, ONBOARD)
    waiting = "Enforce MFA for every user through conditional access"

    def drive(dialog: ChecklistDialog) -> None:
        qtbot.keyClicks(dialog.search, "Enforce MFA")
        assert dialog.proxy.rowCount() == 1
        dialog.list.setCurrentIndex(dialog.proxy.index(0, 0))
        qtbot.keyClick(dialog.list, Qt.Key.Key_Space)
        assert dialog.message.isVisible()
        text = dialog.message.text()
        assert f"“{ONBOARD}” → “{waiting}” → “{ONBOARD}”" in text
        assert not dialog.ok.isEnabled()
        qtbot.keyClick(dialog.list, Qt.Key.Key_Space)  # untick: the problem goes away
        assert not dialog.message.isVisible() and dialog.ok.isEnabled()
        dialog.reject()

    seen = run_modal(qtbot, ChecklistDialog, drive)
    qtbot.mouseClick(page.deps_button, Qt.MouseButton.LeftButton)
    check_modal(seen)
    onboard = next(i for i in page.service.findings.remediation_items(page.engagement_id) if i.title == ONBOARD)
    assert onboard.depends_on == []


def test_plan_order_follows_dependencies_then_priority(qtbot, page):
    order = page.plan_titles()
    assert order[0] == ONBOARD
    ranks = {"Critical": 0, "High": 1, "Medium": 2, "Low": 3}
    headers = [page.plan_model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.plan_model.columnCount())]
    prio_col, weeks_col = headers.index("Priority"), headers.index("Weeks")
    shown = [ranks[page.plan_model.index(r, prio_col).data()] for r in range(1, len(order))]
    assert shown == sorted(shown)
    # The page shows the plan's own numbers and weeks: what the PDF and the workbook show.
    steps = page.service.findings.stabilization_plan(page.engagement_id).plan.steps
    assert [page.plan_model.index(r, 0).data() for r in range(len(steps))] == [str(s.number) for s in steps]
    assert page.plan_model.index(0, weeks_col).data() == (
        str(steps[0].start_week) if steps[0].start_week == steps[0].end_week
        else f"{steps[0].start_week}–{steps[0].end_week}")
    total_row = page.plan_model.rowCount() - 1
    assert page.plan_model.index(total_row, 1).data() == "Total"
    # Make the onboarding item low priority and let a critical item stop waiting for it:
    click_row(qtbot, page, ONBOARD)
    idx = page.proxy.index(titles(page).index(ONBOARD), page.model.column_of("priority"))
    page.proxy.setData(idx, "low")  # what the priority combo in the cell commits
    assert page.plan_titles()[0] == ONBOARD  # still first: everything waits for it
    rdp = "Close exposed RDP and move remote access behind VPN with MFA"
    page.service.findings.set_dependencies(page.engagement_id, next(
        i.uid for i in page.service.findings.remediation_items(page.engagement_id) if i.title == rdp), [])
    page.load()
    # Numbered by phase, the groundwork others wait for stays task 1; the critical item no longer
    # waits for it and starts in week 1 beside it.
    assert page.plan_titles()[0] == ONBOARD
    steps = {s.item.title: s for s in page.service.findings.stabilization_plan(page.engagement_id).plan.steps}
    assert steps[rdp].start_week == 1 and steps[rdp].number > 1


def test_hours_cells_are_right_aligned_and_editable(qtbot, page):
    click_row(qtbot, page, ONBOARD)
    col = next(c for c in range(page.model.columnCount()) if page.model.key_of(c) == "hours:technician")
    idx = page.proxy.index(titles(page).index(ONBOARD), col)
    assert idx.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    before_total = page.service.findings.stabilization_plan(page.engagement_id).plan.hours["technician"]
    page.proxy.setData(idx, "12.5")  # en_US, the window's locale here: "12,5" is refused (test_locale_fields)
    item = next(i for i in page.service.findings.remediation_items(page.engagement_id) if i.title == ONBOARD)
    assert str(item.hours["technician"]) == "12.5"
    after_total = page.service.findings.stabilization_plan(page.engagement_id).plan.hours["technician"]
    assert after_total - before_total == 4 + 0.5 or str(after_total - before_total) == "4.5"


def test_export_blockers_name_items_without_definition_of_done(qtbot, page):
    assert blockers_on(page) == []
    click_row(qtbot, page, ONBOARD)
    idx = page.proxy.index(titles(page).index(ONBOARD), page.model.column_of("definition_of_done"))
    page.proxy.setData(idx, "")
    assert blockers_on(page) == [f"Task 1 “{ONBOARD}” has no definition of done."]


def test_an_item_is_linked_to_a_risk_and_a_standard_in_the_table(qtbot, page):
    svc, eid = page.service, page.engagement_id
    risk = svc.findings.risks(eid)[-1]
    click_row(qtbot, page, ONBOARD)
    row = titles(page).index(ONBOARD)
    risk_idx = page.proxy.index(row, page.model.column_of("risk_uid"))
    assert risk_idx.data() == ""  # the onboarding item fixes no particular risk
    assert (risk.uid, risk.title) in risk_idx.data(CHOICES_ROLE)
    page.proxy.setData(risk_idx, risk.uid)  # what the combo in the cell commits
    item = next(i for i in svc.findings.remediation_items(eid) if i.title == ONBOARD)
    assert item.risk_uid == risk.uid
    assert page.proxy.index(titles(page).index(ONBOARD), page.model.column_of("risk_uid")).data() == risk.title
    number = next(s.number for s in svc.findings.stabilization_plan(eid).plan.steps if s.item.uid == item.uid)
    assert str(number) in svc.findings.risk_treatments(eid)[risk.uid]

    std_idx = page.proxy.index(titles(page).index(ONBOARD), page.model.column_of("standard_category"))
    page.proxy.setData(std_idx, "")  # unlink the standard
    assert next(i for i in svc.findings.remediation_items(eid) if i.title == ONBOARD).standard_category is None
    assert any(i.code == "standards.no_task" and i.where.record == "rmm" for i in svc.assessments.check(eid).blockers)
    page.context.undo_stack.undo()
    assert next(i for i in svc.findings.remediation_items(eid) if i.title == ONBOARD).standard_category == "rmm"


def test_titles_get_the_room_elided_in_the_middle_and_whole_in_the_detail_line(qtbot, page):
    page.window().resize(1280, 800)
    qtbot.wait(50)
    col = page.model.column_of("title")
    fm = page.table.fontMetrics()
    # Room for a readable title: at least 36 average characters (it was about ten).
    assert page.table.columnWidth(col) >= fm.averageCharWidth() * 36
    assert page.table.textElideMode() == Qt.TextElideMode.ElideMiddle
    assert page.plan_table.textElideMode() == Qt.TextElideMode.ElideMiddle
    row = titles(page).index(ONBOARD)
    assert page.proxy.index(row, col).data(Qt.ItemDataRole.ToolTipRole) == ONBOARD
    click_row(qtbot, page, ONBOARD)
    assert page.detail.text().splitlines()[0] == ONBOARD
    assert "Done when:" in page.detail.text()
    # A row of the plan tab shows its item in full the same way.
    plan_row = page.plan_model.titles().index(ONBOARD)
    page.plan_table.setCurrentIndex(page.plan_model.index(plan_row, 1))
    assert page.detail.text().splitlines()[0] == ONBOARD
    assert page.plan_table.columnWidth(1) >= fm.averageCharWidth() * 36
    # A task that needs a licence says so, priced as the quote prices it (beside the fee).
    training = next(t for t in titles(page) if t.startswith("Start KnowBe4"))
    click_row(qtbot, page, training)
    assert "Needs: KnowBe4 Security Awareness Training licence, 43 users × USD 2.50 = USD 107.50 a month" \
        in page.detail.text()


def test_hours_per_role_columns_can_be_hidden_and_the_choice_is_remembered(qtbot, page, demo_context):
    roles = page.service.findings.remediation_roles(page.engagement_id)
    assert len(roles) >= 2
    hours = [page.model.column_of(f"hours:{r.id}") for r in roles]
    title_before = page.table.columnWidth(page.model.column_of("title"))
    page.columns.actions[roles[0].id].trigger()  # untick the first role
    assert page.table.isColumnHidden(hours[0]) and not page.table.isColumnHidden(hours[1])
    assert page.plan_table.isColumnHidden(6) and page.roadmap_table.isColumnHidden(3)
    assert not page.table.isColumnHidden(page.model.column_of("total"))
    assert page.columns.button.text() == "Columns (1 hidden)"
    # Hide them all: the titles and definitions of done have the table to themselves.
    next(a for a in page.columns.menu.actions() if a.text().startswith("Hide every role")).trigger()
    assert all(page.table.isColumnHidden(c) for c in hours)
    assert page.table.columnWidth(page.model.column_of("title")) >= title_before
    qtbot.waitUntil(lambda: not page.table.horizontalScrollBar().isVisible())
    # A new page (another engagement, another day) remembers.
    again = show_page(qtbot, RemediationPage(demo_context))
    assert all(again.table.isColumnHidden(again.model.column_of(f"hours:{r.id}")) for r in roles)
    assert not any(a.isChecked() for a in again.columns.actions.values())
    next(a for a in again.columns.menu.actions() if a.text() == "Show every role").trigger()
    assert not any(again.table.isColumnHidden(again.model.column_of(f"hours:{r.id}")) for r in roles)
    assert again.columns.button.text() == "Columns"

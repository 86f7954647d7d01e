"""The responsibilities page, driven by keyboard and mouse over the demo engagement."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialogButtonBox, QLineEdit, QMenu
from ui_helpers import SHIPPED_FORMS, blockers_on, show_page

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.ui.workspace.offer.responsibilities_page import ResponsibilitiesPage
from discovery_app.ui.workspace.page import PageContext

FN = "help_desk_intake"  # provider RA, internal I in the template


@pytest.fixture
def page(qtbot, demo_context):
    return show_page(qtbot, ResponsibilitiesPage(demo_context), (1200, 800), activate=True)


def letters(page, fid=FN, party="internal"):
    return next(r for r in page.service.offer.responsibilities(page.engagement_id) if r.function_id == fid).raci.get(party)


def check_text(page, fid=FN):
    model = page.model
    return model.index(model.row_of(fid), model.check_column).data()


def type_into_cell(qtbot, page, party, text):
    """Select the cell and type: the first key opens the editor, the rest go into it, Enter saves."""
    page.select_cell(FN, party)
    page.table.setFocus()
    qtbot.keyClick(page.table, text[0])
    editor = page.table.findChild(QLineEdit, "raciEditor")
    assert editor is not None and editor.isVisible()
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop, as in the running app. (Processing
    # events in the check too: after test_application's app.exec()/quit(), waitUntil alone does not.)
    qtbot.waitUntil(lambda: _processed() and page.table.state() != QAbstractItemView.State.EditingState)


def _processed() -> bool:
    QApplication.processEvents()
    return True


def test_typing_a_second_accountable_flags_the_row_and_blocks_export_and_undo_clears_it(qtbot, page):
    assert blockers_on(page) == []
    assert not page.banner_box.isVisible()

    type_into_cell(qtbot, page, "internal", "ra")

    assert letters(page) == "RA"  # saved at once, in canonical order
    assert check_text(page).startswith("Fix: 2 parties are Accountable")
    row = page.model.index(page.model.row_of(FN), 0)
    assert row.data(Qt.ItemDataRole.DecorationRole) is not None  # an icon, not colour alone
    assert page.banner_box.isVisible() and "Help-desk intake" in page.banner.text()
    (blocker,) = blockers_on(page)
    assert "Help-desk intake and first response" in blocker and "exactly one party must be Accountable" in blocker

    # Delete clears the provider's letters: one Accountable left, the flag goes.
    page.select_cell(FN, "provider")
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert letters(page, party="provider") == ""
    assert check_text(page) == "OK: one Accountable"
    assert blockers_on(page) == []

    page.context.undo_stack.undo()  # the provider's RA is back: flagged again
    assert letters(page, party="provider") == "RA"
    assert blockers_on(page) and page.banner_box.isVisible()
    page.context.undo_stack.undo()  # the internal cell is back to I
    assert letters(page) == "I"
    assert blockers_on(page) == [] and not page.banner_box.isVisible()
    page.context.undo_stack.redo()
    assert letters(page) == "RA" and blockers_on(page)


def test_bad_letters_cannot_be_typed(qtbot, page):
    type_into_cell(qtbot, page, "internal", "xz")
    assert letters(page) == "I"
    assert page.context.undo_stack.count() == 0


def test_the_letter_menu_toggles_one_letter(qtbot, page):
    page.select_cell(FN, "internal")
    page.table.customContextMenuRequested.emit(page.table.visualRect(page.table.currentIndex()).center())
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    checked = {a.text()[0]: a.isChecked() for a in menu.actions() if a.isCheckable()}
    assert checked == {"R": False, "A": False, "C": False, "I": True}
    next(a for a in menu.actions() if a.text().startswith("A ")).trigger()
    menu.close()
    assert letters(page) == "AI"
    assert check_text(page).startswith("Fix: 2 parties")
    assert page.context.undo_stack.undoText() == "Set Internal IT on Help-desk intake and first response to AI"


def test_add_a_third_party_column_and_undo_it(qtbot, page):
    dialog = page.add_third_party()
    qtbot.keyClicks(dialog.name, "Acme Telecom")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    headers = [page.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(page.proxy.columnCount())]
    assert "Acme Telecom" in headers
    assert "Acme Telecom" in page.service.offer.matrix(page.engagement_id).parties
    # The new column is editable like the others.
    type_into_cell(qtbot, page, "Acme Telecom", "c")
    assert letters(page, party="Acme Telecom") == "C"
    page.context.undo_stack.undo()
    page.context.undo_stack.undo()
    assert "Acme Telecom" not in page.service.offer.matrix(page.engagement_id).parties


def test_a_taken_name_is_refused_in_the_dialog(qtbot, page):
    dialog = page.add_third_party()
    qtbot.keyClicks(dialog.name, "Internal IT")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "already a column" in dialog.error.text()
    assert page.context.undo_stack.count() == 0


def test_add_a_custom_function_then_accept_it_as_is(qtbot, page):
    dialog = page.add_function()
    qtbot.keyClicks(dialog.name, "Door access badges")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    fid = next(r.function_id for r in page.service.offer.responsibilities(page.engagement_id) if r.name == "Door access badges")
    assert check_text(page, fid) == "Fix: no party is Accountable"
    assert any("Door access badges" in b for b in blockers_on(page))

    page.select_cell(fid, "provider")
    assert page.accept_button.isEnabled()
    accept = page.accept_selected()
    qtbot.mouseClick(accept.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert accept.isVisible() and "Say why" in accept.error.text()  # a note is required
    qtbot.keyClicks(accept.note, "The landlord runs the badge system")
    qtbot.mouseClick(accept.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert check_text(page, fid).startswith("Accepted as is")
    assert blockers_on(page) == []


def test_lane_summary_shows_who_owns_each_lane(qtbot, page):
    m = page.summary_model
    run = [m.index(0, c).data() for c in range(m.columnCount())]
    report = page.service.offer.matrix(page.engagement_id)
    share = report.lanes[0].share("provider")
    assert run[0] == "Run" and run[1] == str(report.lanes[0].functions)
    assert run[2].startswith(f"A {share.accountable} (")
    type_into_cell(qtbot, page, "internal", "ra")  # internal becomes Accountable too
    after = page.service.offer.matrix(page.engagement_id).lanes[0].share("internal").accountable
    assert m.index(0, 3).data().startswith(f"A {after} (")


def test_an_engagement_without_rows_offers_the_template(qtbot, tmp_path):
    service = Discovery.open(AppPaths.resolve(tmp_path / "n.sqlite3"), forms_root=SHIPPED_FORMS)
    eid = service.engagements.create("Acme")
    p = ResponsibilitiesPage(PageContext(service, eid, QUndoStack()))
    qtbot.addWidget(p)
    p.load()
    assert p.stack.currentWidget() is p.empty
    qtbot.mouseClick(p.start_button, Qt.MouseButton.LeftButton)
    assert p.model.rowCount() > 20 and blockers_on(p) == []
    p.context.undo_stack.undo()
    assert p.stack.currentWidget() is p.empty
    service.close()

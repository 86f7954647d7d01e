"""The Standards fit page: status and decision picked from the table's combos, alignment live."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from ui_helpers import blockers_on, show_page

from discovery_app.ui.workspace.page import PageContext
from discovery_app.ui.workspace.standards.standards_model import SCol
from discovery_app.ui.workspace.standards.standards_page import (
    MAX_LINES,
    TEXT_COLUMNS,
    StandardsPage,
)

# The mini form: RMM (standard NinjaOne, surcharge 100.00) and Backup (Datto, 150.00).
RMM, BACKUP = 0, 1


@pytest.fixture
def eid(service):
    return service.engagements.create("Acme", form_key="mini")


@pytest.fixture
def page(qtbot, service, eid):
    return show_page(qtbot, StandardsPage(PageContext(service, eid, QUndoStack())), (1100, 600), activate=True)


def cell(page: StandardsPage, row: int, col: int) -> str:
    return page.table.model().index(row, col).data()


def pick(qtbot, page: StandardsPage, row: int, col: int, presses: int) -> None:
    """Open the cell's combo with F2, move down ``presses`` entries and press Enter to save."""
    page.table.setCurrentIndex(page.table.model().index(row, col))
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    for _ in range(presses):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    # The view deletes the editor once it has committed; a deleted editor is a closed one.
    qtbot.waitUntil(lambda: not shiboken6.isValid(combo) or not combo.isVisible())
    QApplication.processEvents()  # the view saves on its next turn of the event loop


def type_into(qtbot, page: StandardsPage, row: int, col: int, text: str) -> None:
    page.table.setCurrentIndex(page.table.model().index(row, col))
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_rows_are_the_forms_categories_not_assessed_yet(page):
    assert [cell(page, r, SCol.CATEGORY) for r in range(2)] == ["RMM", "Backup"]
    assert cell(page, RMM, SCol.STANDARD) == "NinjaOne"
    assert cell(page, RMM, SCol.STATUS) == "Not assessed"
    assert page.progress() == (0, 2)
    assert page.alignment_label.text() == "Alignment —"


def test_exception_in_the_lane_shows_surcharge_and_alignment(page, service, eid, qtbot):
    type_into(qtbot, page, RMM, SCol.TOOL, "Kaseya VSA")  # not the standard NinjaOne: an exception
    qtbot.waitUntil(lambda: cell(page, RMM, SCol.TOOL) == "Kaseya VSA")
    assert cell(page, RMM, SCol.STATUS) == "Exception"
    # No decision yet: flagged in the row, in words above the table, and as an export blocker.
    assert cell(page, RMM, SCol.DECISION) == "Needs a decision"
    assert page.table.model().index(RMM, SCol.DECISION).data(Qt.ItemDataRole.DecorationRole) is not None
    assert page.flag_row.isVisible()
    assert "1 exception needs a decision" in page.blocker_label.text()
    assert blockers_on(page) == [
        "The standards exception for RMM has no decision: keep it in the exception lane (priced) or replace it."]

    # The cursor moved to the decision; pick "Price in exception lane".
    assert page.table.currentIndex().column() == SCol.DECISION
    pick(qtbot, page, RMM, SCol.DECISION, 1)
    assert cell(page, RMM, SCol.DECISION) == "Price in exception lane"
    assert cell(page, RMM, SCol.SURCHARGE) == "USD 100.00"
    assert "Exception lane: USD 100.00 a month (RMM)" in page.surcharge_label.text()
    assert not page.flag_row.isVisible() and blockers_on(page) == []

    page.table.setCurrentIndex(page.table.model().index(BACKUP, SCol.STATUS))
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    combo = QApplication.focusWidget()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # arrows only move the choice: nothing saved yet
    assert cell(page, BACKUP, SCol.STATUS) == "Not assessed"
    qtbot.keyClick(combo, Qt.Key.Key_Up)  # back to Aligned
    qtbot.keyClick(combo, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: cell(page, BACKUP, SCol.STATUS) == "Aligned")
    assert page.alignment_label.text() == "Alignment 50 %"
    assert "1 of 2 applicable categories aligned" in page.detail_label.text()
    assert page.progress() == (2, 2)

    # Saved at once: the service (and so pricing) sees it.
    view = service.standards.view(eid)
    assert view.assessments["rmm"].current_tool == "Kaseya VSA"
    assert [(s.category_id, str(s.amount)) for s in service.offer.quote(eid).monthly.surcharges] == [("rmm", "100.00")]


def test_undo_puts_the_decision_back_to_empty(page, service, eid, qtbot):
    pick(qtbot, page, RMM, SCol.STATUS, 1)
    pick(qtbot, page, RMM, SCol.DECISION, 2)  # Remediate
    assert cell(page, RMM, SCol.DECISION) == "Remediate"
    assert cell(page, RMM, SCol.SURCHARGE) == "USD 100.00\nif kept"
    page.context.undo_stack.undo()
    assert cell(page, RMM, SCol.DECISION) == "Needs a decision"
    assert service.standards.view(eid).assessments["rmm"].decision is None
    page.context.undo_stack.undo()
    assert cell(page, RMM, SCol.STATUS) == "Not assessed"
    assert "rmm" not in service.standards.view(eid).assessments
    page.context.undo_stack.redo()
    assert cell(page, RMM, SCol.STATUS) == "Exception"


def test_the_standard_product_named_is_aligned(page, qtbot):
    type_into(qtbot, page, BACKUP, SCol.TOOL, "datto")
    qtbot.waitUntil(lambda: cell(page, BACKUP, SCol.STATUS) == "Aligned")
    assert page.alignment_label.text() == "Alignment 100 %"


def test_decision_is_only_editable_for_an_exception(page, qtbot):
    pick(qtbot, page, RMM, SCol.STATUS, 2)  # Missing
    assert cell(page, RMM, SCol.STATUS) == "Missing"
    index = page.table.model().index(RMM, SCol.DECISION)
    assert not (page.table.model().flags(index) & Qt.ItemFlag.ItemIsEditable)


def test_every_column_is_in_view_text_columns_get_the_room_and_columns_can_be_hidden(qtbot, demo_context):
    from PySide6.QtGui import QFont, QFontMetrics

    page = show_page(qtbot, StandardsPage(demo_context), (720, 660))  # the page's share of 1280x800
    qtbot.wait(50)
    view = page.table
    for col in range(len(SCol.SPEC)):
        left = view.columnViewportPosition(col)
        assert 0 <= left and left + view.columnWidth(col) <= view.viewport().width() + 1, \
            f"{SCol.SPEC[col][0]!r} is out of view"
    bold = QFont(view.font())
    bold.setBold(True)
    fm = QFontMetrics(bold)
    for c in page.view_data.categories:
        for word in c.name.split():
            assert fm.horizontalAdvance(word) <= view.columnWidth(SCol.CATEGORY) - 8, word

    # The text columns get the room the short ones leave (decision and surcharge on two lines);
    # long text stops after a few lines, whole in the cell's tooltip.
    chars = view.fontMetrics().averageCharWidth()
    text_widths = {col: view.columnWidth(col) for col in TEXT_COLUMNS}
    assert min(text_widths.values()) >= 16 * chars, text_widths  # 14 before: a word or two a line
    assert view.columnWidth(SCol.DECISION) < view.fontMetrics().horizontalAdvance("Price in exception lane")
    line = view.fontMetrics().lineSpacing()
    longest = max(range(page.model.rowCount()), key=lambda r: len(page.model.index(r, SCol.STANDARD).data()))
    index = page.model.index(longest, SCol.STANDARD)
    assert view.rowHeight(longest) < view.sizeHintForRow(longest), "the longest standard is not elided"
    assert view.rowHeight(longest) <= (MAX_LINES + 1) * line + 16
    assert index.data(Qt.ItemDataRole.ToolTipRole) == index.data()

    # Hiding columns gives the text the room, and is remembered by the next page.
    assert page.columns.button.text() == "Columns"
    page.columns.actions["standard"].trigger()
    page.columns.actions["surcharge"].trigger()
    qtbot.waitUntil(lambda: view.columnWidth(SCol.NOTES) > text_widths[SCol.NOTES] + 40)
    assert view.isColumnHidden(SCol.STANDARD) and view.isColumnHidden(SCol.SURCHARGE)
    assert page.columns.button.text() == "Columns (2 hidden)"
    again = show_page(qtbot, StandardsPage(demo_context), (720, 660))
    assert again.table.isColumnHidden(SCol.STANDARD) and not again.table.isColumnHidden(SCol.NOTES)


def test_the_decision_editor_is_as_wide_as_its_choices(qtbot, demo_context):
    page = show_page(qtbot, StandardsPage(demo_context), (720, 660))
    row = next(r for r in range(page.model.rowCount())
               if page.model.index(r, SCol.STATUS).data() == "Exception")
    index = page.model.index(row, SCol.DECISION)
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    combo = page.table.findChild(QComboBox, "decisionEditor")
    assert combo is not None
    widest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.view().minimumWidth() >= widest
    assert combo.geometry().right() <= page.table.viewport().width()

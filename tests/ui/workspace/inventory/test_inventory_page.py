"""The Inventory page driven like a consultant: import with a bad row, edit, bulk edit, delete, filter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLineEdit, QMessageBox
from ui_helpers import cell_center, show_page, visible_column, wait_for_modal

from discovery_app.domain.engagement import InventoryItem
from discovery_app.ui.workspace.inventory.inventory_edit import BulkEditDialog
from discovery_app.ui.workspace.inventory.inventory_import_dialog import ImportMappingDialog
from discovery_app.ui.workspace.inventory.inventory_model import Col
from discovery_app.ui.workspace.inventory.inventory_page import EMPTY_TEXT, InventoryPage
from discovery_app.ui.workspace.page import PageContext


@pytest.fixture
def eid(service):
    return service.engagements.create("Acme", form_key="mini")


def seed(service, eid, n=6):
    items = [InventoryItem(name=f"PC-{i}", kind="workstation", site="Portland", owner=f"User {i}") for i in range(n)]
    service.inventory.add_items(eid, items)
    return items


@pytest.fixture
def make_page(qtbot, service, eid):
    def make() -> InventoryPage:
        return show_page(qtbot, InventoryPage(PageContext(service, eid, QUndoStack())), (1100, 700), activate=True)

    return make


def names(page: InventoryPage) -> list[str]:
    return visible_column(page.table, Col.NAME)


def stored(service, eid, field="name") -> list:
    return [getattr(i, field) for i in service.inventory.items(eid)]


def test_empty_state_says_what_to_do(make_page):
    page = make_page()
    assert page.stack.currentWidget() is page.empty
    assert page.empty.text_label.text() == EMPTY_TEXT


def test_import_lists_the_bad_row_imports_the_good_ones_and_undoes(make_page, service, eid, qtbot, tmp_path):
    export = tmp_path / "rmm.csv"
    export.write_text("Hostname;Device Class;Location;Warranty End\r\n"
                      "SRV-1;WINDOWS_SERVER;Portland;2027-01-31\r\n"
                      "WS-2;WINDOWS_WORKSTATION;Salem;soon\r\n"
                      ";WINDOWS_WORKSTATION;Salem;\r\n", encoding="utf-8")
    page = make_page()
    page.import_file(export)
    dialog = wait_for_modal(qtbot, ImportMappingDialog)
    assert "semicolon" in dialog.source_label.text() and "CRLF" in dialog.source_label.text()
    assert [c.currentText() for c in dialog.combos] == ["Name", "Kind", "Site", "Warranty end"]
    problems = dialog.rejects_view.model()
    assert problems.rowCount() == 2
    # The bad warranty date leaves that field empty and keeps the row; the nameless row is skipped.
    assert [problems.index(r, c).data() for r in range(2) for c in range(2)] == [
        "3", "Field left empty", "4", "Row skipped"]
    assert "Warranty end" in problems.index(0, 2).data() and "soon" not in problems.index(0, 2).data()
    assert "2 new, 0 updated, 0 unchanged" in dialog.report_label.text()
    # The inferred kind of each row is shown before anything is imported.
    preview = dialog.preview_model
    assert preview.index(0, 0).data() == "server (kind column)"
    assert dialog.import_button.text() == "Import 2 good rows"

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: names(page) == ["SRV-1", "WS-2"])
    assert stored(service, eid) == ["SRV-1", "WS-2"]
    assert stored(service, eid, "kind") == ["server", "workstation"]
    assert page.import_bar.isVisible()
    assert "Imported 2 items from rmm.csv; 1 row skipped" in page.import_message.text()
    assert page.count_label.text() == "2 items"

    qtbot.mouseClick(page.undo_import_button, Qt.MouseButton.LeftButton)
    assert names(page) == []
    assert stored(service, eid) == []
    assert page.stack.currentWidget() is page.empty
    page.context.undo_stack.redo()  # the import is one undo step: redo brings it back whole
    assert names(page) == ["SRV-1", "WS-2"]
    assert stored(service, eid) == ["SRV-1", "WS-2"]


def test_reimport_preview_counts_and_ambiguous_dates_switch(make_page, service, eid, qtbot, tmp_path):
    export = tmp_path / "assets.csv"
    export.write_text("Item Name,Category,Serial,Purchase Date\n"
                      "PC-1,Desktop,S1,05/04/2024\nPC-2,Server,S2,06/03/2024\n", encoding="utf-8")
    service.inventory.import_file(eid, export)
    export.write_text("Item Name,Category,Serial,Purchase Date\n"
                      "PC-1,Desktop,S1,05/04/2024\nPC-2,Server,S2,06/03/2024\nPC-3,Desktop,S3,07/02/2024\n",
                      encoding="utf-8")
    page = make_page()
    page.import_file(export)
    dialog = wait_for_modal(qtbot, ImportMappingDialog)
    assert "1 new, 0 updated, 2 unchanged" in dialog.report_label.text()
    assert not dialog.date_box.isHidden()
    assert "no day is above 12" in dialog.date_label.text()
    assert dialog.date_combo.currentData() == "mdy"
    dialog.date_combo.setCurrentIndex(dialog.date_combo.findData("dmy"))
    dialog.check()
    # Read day first, the two devices already there now have other purchase dates: updated.
    assert "1 new, 2 updated, 0 unchanged" in dialog.report_label.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(stored(service, eid)) == 3)
    assert stored(service, eid, "purchase_date")[0].isoformat() == "2024-04-05"


def test_import_nothing_leaves_the_inventory_alone(make_page, service, eid, qtbot, tmp_path):
    export = tmp_path / "rmm.csv"
    export.write_text("Hostname,Type\nA,Server\n", encoding="utf-8")
    page = make_page()
    page.import_file(export)
    dialog = wait_for_modal(qtbot, ImportMappingDialog)
    qtbot.mouseClick(dialog.nothing_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert stored(service, eid) == []


def test_mapping_without_name_cannot_import(make_page, qtbot, tmp_path):
    export = tmp_path / "rmm.csv"
    export.write_text("Hostname,Type\nA,Server\n", encoding="utf-8")
    page = make_page()
    page.import_file(export)
    dialog = wait_for_modal(qtbot, ImportMappingDialog)
    dialog.combos[0].setCurrentIndex(0)  # "Ignore"
    dialog.check()
    assert not dialog.import_button.isEnabled()
    assert "name" in dialog.report_label.text()


def test_inline_edit_saves_at_once_and_undoes(make_page, service, eid, qtbot):
    seed(service, eid)
    page = make_page()
    row = names(page).index("PC-2")
    pos = cell_center(page.table, row, Col.OWNER)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Grace Kim")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits on its next turn of the event loop
    qtbot.waitUntil(lambda: stored(service, eid, "owner")[2] == "Grace Kim")  # read back from the store
    assert page.table.model().index(row, Col.OWNER).data() == "Grace Kim"
    page.context.undo_stack.undo()
    assert stored(service, eid, "owner")[2] == "User 2"
    assert page.table.model().index(row, Col.OWNER).data() == "User 2"


def test_kind_is_chosen_from_the_forms_kinds(make_page, service, eid, qtbot):
    seed(service, eid, 2)
    page = make_page()
    index = page.table.model().index(0, Col.KIND)
    page.table.setCurrentIndex(index)
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    assert [combo.itemData(i) for i in range(combo.count())] == ["workstation", "server"]
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored(service, eid, "kind") == ["server", "workstation"])
    assert page.table.model().index(0, Col.KIND).data() == "server"


def test_a_bad_date_is_not_saved(make_page, service, eid, qtbot):
    seed(service, eid, 1)
    page = make_page()
    page.table.setCurrentIndex(page.table.model().index(0, Col.WARRANTY))
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "next spring")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    box = wait_for_modal(qtbot, QMessageBox)
    assert "next spring" in box.text()
    box.close()
    assert stored(service, eid, "warranty_end") == [None]
    assert page.context.undo_stack.count() == 0


def test_bulk_edit_site_of_three_selected_rows(make_page, service, eid, qtbot):
    seed(service, eid)
    page = make_page()
    view = page.table.viewport()
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=cell_center(page.table, 1))
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, cell_center(page.table, 3))
    assert len(page.selected_uids()) == 3
    qtbot.keyClick(page.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_for_modal(qtbot, BulkEditDialog)
    qtbot.keyClicks(dialog.site_edit, "Salem")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    expected = ["Portland", "Salem", "Salem", "Salem", "Portland", "Portland"]
    assert stored(service, eid, "site") == expected
    assert visible_column(page.table, Col.SITE) == expected
    assert stored(service, eid, "owner") == [f"User {i}" for i in range(6)]  # unticked: unchanged
    page.context.undo_stack.undo()
    assert stored(service, eid, "site") == ["Portland"] * 6


def test_delete_and_undo(make_page, service, eid, qtbot):
    seed(service, eid, 4)
    page = make_page()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell_center(page.table, 1))
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert names(page) == ["PC-0", "PC-2", "PC-3"]
    assert stored(service, eid) == ["PC-0", "PC-2", "PC-3"]
    page.context.undo_stack.undo()
    assert names(page) == ["PC-0", "PC-1", "PC-2", "PC-3"]
    assert stored(service, eid) == ["PC-0", "PC-1", "PC-2", "PC-3"]


def test_add_device_then_undo(make_page, service, eid, qtbot):
    page = make_page()
    qtbot.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert names(page) == ["New device"]
    assert stored(service, eid, "kind") == ["workstation"]
    page.context.undo_stack.undo()
    assert stored(service, eid) == []


def test_filter_by_text_site_and_kind_shows_the_count(make_page, service, eid, qtbot):
    items = [InventoryItem(name=f"PC-{i}", kind="workstation", site="Portland") for i in range(12)]
    items += [InventoryItem(name="SRV-1", kind="server", site="Salem", notes="domain controller")]
    service.inventory.add_items(eid, items)
    page = make_page()
    assert page.count_label.text() == "13 items"
    qtbot.keyClicks(page.search, "PC-1")
    qtbot.waitUntil(lambda: page.count_label.text() == "3 of 13 items")  # PC-1, PC-10, PC-11
    assert names(page) == ["PC-1", "PC-10", "PC-11"]
    page.search.clear()
    qtbot.keyClicks(page.search, "DOMAIN")  # notes count, case does not
    qtbot.waitUntil(lambda: names(page) == ["SRV-1"])
    page.search.clear()
    page.site_filter.setCurrentIndex(page.site_filter.findText("Salem"))
    qtbot.waitUntil(lambda: page.count_label.text() == "1 of 13 items")
    page.site_filter.setCurrentIndex(0)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("kind:workstation"))
    qtbot.waitUntil(lambda: page.count_label.text() == "12 of 13 items")


def test_header_click_sorts(make_page, service, eid, qtbot):
    service.inventory.add_items(eid, [InventoryItem(name=n, kind="workstation", site=s)
                                      for n, s in (("b", "Salem"), ("c", "Albany"), ("a", "Portland"))])
    page = make_page()
    header = page.table.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(Col.SITE) + 5, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert names(page) == ["c", "a", "b"]  # Albany, Portland, Salem


def test_counts_for_pricing_come_from_the_inventory_and_note_overrides(make_page, service, eid, qtbot):
    seed(service, eid, 3)
    eng = service.engagements.get(eid)
    from discovery_app.storage import repository as repo

    repo.set_pricing(service.store, eid, eng.pricing.model_copy(update={"device_count_overrides": {"server": 2}}))
    page = make_page()
    qtbot.waitUntil(lambda: page.counts is not None)
    text = page.counts_label.text()
    assert "<b>3</b> workstations" in text
    assert "<b>2</b> servers <i>(override; inventory has 0)</i>" in text

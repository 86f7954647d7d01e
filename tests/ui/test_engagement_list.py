"""The engagement list as a consultant uses it: create, find, open, archive, delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import button, click_row, double_click_row, row_of, visible_column, wait_for_modal

from discovery_app.domain.engagement import Status
from discovery_app.storage import repository as repo
from discovery_app.ui.engagement_table import Column
from discovery_app.ui.main_window import EMPTY_TEXT
from discovery_app.ui.new_engagement_dialog import NewEngagementDialog


def open_new_dialog(qtbot, window) -> NewEngagementDialog:
    qtbot.mouseClick(window.toolbar.widgetForAction(window.commands.new), Qt.MouseButton.LeftButton)
    dialog = wait_for_modal(qtbot, NewEngagementDialog)
    assert isinstance(dialog, NewEngagementDialog)
    return dialog


def seed(service, *clients: tuple[str, str]) -> list[int]:
    return [service.engagements.create(name, consultant=consultant) for name, consultant in clients]


def test_empty_store_shows_what_to_do_next(window):
    assert window.empty_page.isVisible()
    assert not window.table.isVisible()
    assert window.empty_page.text_label.text() == EMPTY_TEXT
    assert window.new_button.isVisible() and window.demo_button.isVisible()
    assert window.empty_page.title_label.text() == "Welcome to Discovery"


def test_create_an_engagement_by_typing_in_the_new_dialog(qtbot, window):
    dialog = open_new_dialog(qtbot, window)
    assert dialog.form_combo.currentText() == "Mini discovery (version 1)"
    qtbot.keyClicks(dialog.client_edit, "Northwind Accounting")
    qtbot.keyClicks(dialog.consultant_edit, "Dana Reyes")
    qtbot.keyClicks(dialog.owner_edit, "Sam Ortiz")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    # The new engagement opens straight away, at its first section, to be worked on.
    qtbot.waitUntil(lambda: window.workspace.view is not None)
    view = window.workspace.view
    assert window.stack.currentWidget() is view
    assert view.client_name == "Northwind Accounting"
    assert "Created and opened the engagement for Northwind Accounting" in window.statusBar().currentMessage()
    # Back on the list it is there, selected and summarised on the right.
    window.commands.back.trigger()
    qtbot.waitUntil(lambda: window.table.isVisible())
    assert visible_column(window.table) == ["Northwind Accounting"]
    assert window.count_label.text() == "1 engagement"
    row = 0
    assert window.table.model().index(row, Column.CONSULTANT).data() == "Dana Reyes"
    assert window.table.model().index(row, Column.STATUS).data() == "Draft"
    assert window.table.model().index(row, Column.COMPLETION).data() == "0%"
    # The new engagement is selected and summarised on the right.
    assert window.details.isVisible()
    assert window.details.title.text() == "Northwind Accounting"
    assert window.details.fields["it_owner"].text() == "Sam Ortiz"


def test_new_dialog_remembers_the_last_consultant(qtbot, window):
    dialog = open_new_dialog(qtbot, window)
    qtbot.keyClicks(dialog.client_edit, "First client")
    qtbot.keyClicks(dialog.consultant_edit, "Dana Reyes")
    qtbot.keyClick(dialog.client_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace.view is not None)
    window.commands.back.trigger()
    qtbot.waitUntil(lambda: window.count_label.text() == "1 engagement")

    dialog = open_new_dialog(qtbot, window)
    assert dialog.consultant_edit.text() == "Dana Reyes"
    assert dialog.client_edit.text() == ""


def test_client_name_is_required_and_said_in_place(qtbot, window, service):
    dialog = open_new_dialog(qtbot, window)
    qtbot.keyClicks(dialog.client_edit, "   ")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible(), "the dialog must stay open"
    assert dialog.client_error.isVisible()
    assert "client's name" in dialog.client_error.text()
    assert service.engagements.summaries(include_archived=True) == []

    qtbot.keyClicks(dialog.client_edit, "Acme")
    assert not dialog.client_error.isVisible()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert visible_column(window.table) == ["Acme"]


def test_cancel_creates_nothing(qtbot, window):
    dialog = open_new_dialog(qtbot, window)
    qtbot.keyClicks(dialog.client_edit, "Never mind")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.empty_page.isVisible()


def test_empty_state_buttons_start_a_new_engagement(qtbot, window):
    qtbot.mouseClick(window.new_button, Qt.MouseButton.LeftButton)
    dialog = wait_for_modal(qtbot, NewEngagementDialog)
    assert dialog.windowTitle() == "New engagement"


def test_ctrl_n_opens_the_new_dialog(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_for_modal(qtbot, NewEngagementDialog)


def test_search_as_you_type_filters_and_counts(qtbot, make_window, service):
    seed(service, ("Acme Dental", "Ann Lee"), ("Birch Legal", "Bob Stone"), ("Cedar Works", "Ann Lee"))
    window = make_window(service)
    assert window.count_label.text() == "3 engagements"

    qtbot.keyClicks(window.search_edit, "ann")
    assert sorted(visible_column(window.table)) == ["Acme Dental", "Cedar Works"]
    assert window.count_label.text() == "2 of 3 engagements"

    window.search_edit.clear()
    qtbot.keyClicks(window.search_edit, "BIRCH")
    assert visible_column(window.table) == ["Birch Legal"]
    assert window.count_label.text() == "1 of 3 engagements"

    qtbot.keyClicks(window.search_edit, "zzz")
    assert visible_column(window.table) == []
    assert window.count_label.text() == "0 of 3 engagements"

    window.search_edit.clear()
    assert window.count_label.text() == "3 engagements"


def test_status_filter(qtbot, make_window, service):
    acme, _birch = seed(service, ("Acme", "Ann"), ("Birch", "Bob"))
    service.engagements.set_status(acme, Status.IN_REVIEW)
    window = make_window(service)
    items = [window.status_combo.itemText(i) for i in range(window.status_combo.count())]
    assert items == ["All statuses", "Draft", "In review", "Proposal sent", "Accepted", "Declined"]

    window.status_combo.setFocus()
    window.status_combo.setCurrentIndex(items.index("In review"))
    assert visible_column(window.table) == ["Acme"]
    assert window.count_label.text() == "1 of 2 engagements"
    window.status_combo.setCurrentIndex(items.index("Accepted"))
    assert visible_column(window.table) == []


def test_header_click_sorts(qtbot, make_window, service):
    seed(service, ("Birch", ""), ("acme", ""), ("Cedar", ""))
    window = make_window(service)
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.CLIENT) + header.sectionSize(Column.CLIENT) // 2
    pos = header.rect().center()
    pos.setX(x)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert visible_column(window.table) == ["acme", "Birch", "Cedar"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert visible_column(window.table) == ["Cedar", "Birch", "acme"]


def test_completion_is_right_aligned(make_window, service):
    seed(service, ("Acme", ""))
    window = make_window(service)
    align = window.table.model().index(0, Column.COMPLETION).data(Qt.ItemDataRole.TextAlignmentRole)
    assert Qt.AlignmentFlag(align) & Qt.AlignmentFlag.AlignRight


def test_the_current_row_shows_its_summary(qtbot, make_window, service):
    eid, _ = seed(service, ("Acme Dental", "Ann Lee"), ("Birch", "Bob"))
    service.interview.update(eid, internal_it_owner="Sam Ortiz")
    service.interview.set_answer(eid, "employee_count", 45)
    service.interview.set_answer(eid, "has_internal_it", True)
    service.interview.set_answer(eid, "internal_it_owner", "Sam Ortiz")
    window = make_window(service)

    click_row(qtbot, window.table, row_of(window.table, "Acme Dental"))

    d = window.details
    assert d.isVisible()
    assert d.title.text() == "Acme Dental"
    assert d.fields["consultant"].text() == "Ann Lee"
    assert d.fields["it_owner"].text() == "Sam Ortiz"
    assert d.fields["form"].text() == "Mini discovery (version 1)"
    assert d.fields["completion"].text().startswith("100%")
    assert "Good fit" in d.fields["fit"].text()
    assert "Named internal IT owner" in d.reasons.text()

    # Moving the selection follows it.
    click_row(qtbot, window.table, row_of(window.table, "Birch"))
    assert d.title.text() == "Birch"
    assert d.fields["it_owner"].text() == "Not named yet"


def test_the_list_and_its_details_never_load_a_whole_engagement(qtbot, make_window, service, monkeypatch):
    """At a large client an engagement holds 20,000 inventory rows: browsing the list must not
    read them (it took seconds at start-up before)."""
    seed(service, ("Acme Dental", "Ann Lee"), ("Birch", "Bob"))
    loaded: list[int] = []
    full_load = repo.load_engagement

    def load(store, eid, *, skip=()):
        if "inventory" not in skip:
            loaded.append(eid)
        return full_load(store, eid, skip=skip)

    monkeypatch.setattr(repo, "load_engagement", load)
    window = make_window(service)
    click_row(qtbot, window.table, row_of(window.table, "Birch"))
    click_row(qtbot, window.table, row_of(window.table, "Acme Dental"))
    assert window.details.title.text() == "Acme Dental"
    assert loaded == []


def test_double_click_opens_the_workspace(qtbot, make_window, service):
    seed(service, ("Acme Dental", "Ann Lee"), ("Birch", "Bob"))
    window = make_window(service)
    double_click_row(qtbot, window.table, row_of(window.table, "Birch"))
    assert window.workspace.view is not None
    assert window.workspace.view.isVisible()
    assert window.workspace.view.title_label.text() == "Birch"


def test_enter_on_a_row_opens_the_workspace(qtbot, make_window, service):
    seed(service, ("Acme", "Ann"))
    window = make_window(service)
    click_row(qtbot, window.table, 0)
    assert window.details.title.text() == "Acme"
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert window.workspace.view is not None and window.workspace.view.isVisible()
    assert window.windowTitle().startswith("Acme")


def test_delete_asks_first_and_suggests_archive(qtbot, make_window, service):
    seed(service, ("Acme", "Ann"), ("Birch", "Bob"))
    window = make_window(service)
    click_row(qtbot, window.table, row_of(window.table, "Acme"))

    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    box = wait_for_modal(qtbot, QMessageBox)
    assert "Acme" in box.text()
    assert "cannot be undone" in box.informativeText()
    assert "archive" in box.informativeText().lower()
    qtbot.mouseClick(button(box, "Cancel"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert sorted(visible_column(window.table)) == ["Acme", "Birch"]

    window.commands.delete.trigger()
    box = wait_for_modal(qtbot, QMessageBox)
    qtbot.mouseClick(button(box, "Delete"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: visible_column(window.table) == ["Birch"])
    assert window.count_label.text() == "1 engagement"
    assert [s.header.client_name for s in service.engagements.summaries(include_archived=True)] == ["Birch"]


def test_deleting_the_last_engagement_shows_the_empty_state(qtbot, make_window, service, monkeypatch):
    seed(service, ("Acme", "Ann"))
    window = make_window(service)
    # Answer the confirmation with "Delete" the moment it opens.
    original_open = QMessageBox.open

    def answer_yes(box, *args):
        original_open(box, *args)
        button(box, "Delete").click()

    monkeypatch.setattr(QMessageBox, "open", answer_yes)
    click_row(qtbot, window.table, 0)
    window.commands.delete.trigger()
    qtbot.waitUntil(lambda: window.empty_page.isVisible())
    assert service.engagements.summaries(include_archived=True) == []


def test_archive_instead_of_delete(qtbot, make_window, service):
    seed(service, ("Acme", "Ann"), ("Birch", "Bob"))
    window = make_window(service)
    click_row(qtbot, window.table, row_of(window.table, "Acme"))
    window.commands.delete.trigger()
    box = wait_for_modal(qtbot, QMessageBox)
    qtbot.mouseClick(button(box, "Archive instead"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: visible_column(window.table) == ["Birch"])
    assert len(service.engagements.summaries(include_archived=True)) == 2


def test_archive_hides_unless_show_archived(qtbot, make_window, service):
    seed(service, ("Acme", "Ann"), ("Birch", "Bob"))
    window = make_window(service)
    click_row(qtbot, window.table, row_of(window.table, "Acme"))
    assert window.commands.archive.text().replace("&", "") == "Archive"
    qtbot.mouseClick(window.toolbar.widgetForAction(window.commands.archive), Qt.MouseButton.LeftButton)

    assert visible_column(window.table) == ["Birch"]
    assert window.count_label.text() == "1 engagement (1 archived hidden)"
    assert "Show archived" in window.statusBar().currentMessage()

    qtbot.mouseClick(window.archived_check, Qt.MouseButton.LeftButton)
    assert window.archived_check.isChecked()
    assert sorted(visible_column(window.table)) == ["Acme", "Birch"]
    assert window.count_label.text() == "2 engagements"
    status = window.table.model().index(row_of(window.table, "Acme"), Column.STATUS).data()
    assert status == "Draft (archived)"

    click_row(qtbot, window.table, row_of(window.table, "Acme"))
    assert window.commands.archive.text().replace("&", "") == "Unarchive"
    window.commands.archive.trigger()
    qtbot.mouseClick(window.archived_check, Qt.MouseButton.LeftButton)
    assert sorted(visible_column(window.table)) == ["Acme", "Birch"]
    assert window.count_label.text() == "2 engagements"


def test_duplicate_adds_a_draft_copy(qtbot, make_window, service):
    (eid,) = seed(service, ("Acme", "Ann"))
    service.engagements.set_status(eid, Status.IN_REVIEW)
    window = make_window(service)
    click_row(qtbot, window.table, 0)
    qtbot.keyClick(window.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.count_label.text() == "2 engagements"
    statuses = sorted(visible_column(window.table, Column.STATUS))
    assert statuses == ["Draft", "In review"]


def test_actions_need_a_selection(make_window, service):
    seed(service, ("Acme", "Ann"))
    window = make_window(service)
    window.table.clearSelection()
    for action in (window.commands.duplicate, window.commands.archive, window.commands.delete):
        assert not action.isEnabled()
    assert window.commands.new.isEnabled()


def test_shortcuts_show_in_tooltips_and_menus(window):
    a = window.commands
    assert a.new.toolTip().endswith("(Ctrl+N)")
    assert a.delete.toolTip().endswith("(Del)")
    assert "F5" in a.refresh.toolTip()
    assert a.quit.shortcut().toString() == "Ctrl+Q"
    menu_actions = [x for m in window.menuBar().actions() for x in m.menu().actions()]
    for action in (a.new, a.demo, a.duplicate, a.archive, a.delete, a.refresh, a.quit):
        assert action in menu_actions


def test_loading_state_before_the_store_is_open(make_window):
    window = make_window()
    assert window.loading_page.isVisible()
    assert window.loading_page.title_label.text() == "Loading…"
    assert not window.commands.new.isEnabled()


def test_ctrl_f_goes_to_the_search_box(qtbot, make_window, service):
    seed(service, ("Acme", "Ann"))
    window = make_window(service)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_edit.hasFocus()


def test_del_in_the_search_box_edits_text_and_deletes_nothing(qtbot, make_window, service):
    seed(service, ("Acme", "Ann"))
    window = make_window(service)
    click_row(qtbot, window.table, 0)
    window.search_edit.setFocus()
    qtbot.keyClicks(window.search_edit, "xacme")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Home)
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Delete)
    qtbot.wait(50)
    assert window.search_edit.text() == "acme"
    assert QApplication.activeModalWidget() is None
    assert visible_column(window.table) == ["Acme"]


def test_demo_button_creates_and_shows_the_demo(qtbot, window, service, monkeypatch):
    import discovery_app.demo

    def fake_demo(svc):
        return svc.engagements.create("Harbor & Finch CPAs", consultant="Dana Whitfield")

    monkeypatch.setattr(discovery_app.demo, "create_demo", fake_demo)
    qtbot.mouseClick(window.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.table.isVisible())
    assert visible_column(window.table) == ["Harbor & Finch CPAs"]
    assert window.details.title.text() == "Harbor & Finch CPAs"


def test_a_failing_demo_is_explained(qtbot, window):
    # The mini test form is not the form the demo needs: the service refuses, in words.
    qtbot.mouseClick(window.demo_button, Qt.MouseButton.LeftButton)
    box = wait_for_modal(qtbot, QMessageBox)
    assert box.windowTitle() == "Creating the demo engagement"
    assert "form" in box.text()
    assert box.detailedText() == ""
    qtbot.mouseClick(button(box, "OK"), Qt.MouseButton.LeftButton)
    assert window.empty_page.isVisible()

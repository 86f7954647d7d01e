"""The engagement workspace, driven through its real widgets as a consultant would."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from ui_helpers import FORMS, row_of, visible_column, wait_for_modal

from discovery_app.services import Discovery

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def focused():
    return QApplication.focusWidget()


def activate(qtbot, window) -> None:
    """The offscreen platform has no window manager: hand activation back to the window when a
    popup or dialog took it (a real desktop does this by itself)."""
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def settle(view) -> None:
    """Wait until every autosave the workspace queued is committed and its refresh has run (the
    saves run on the one worker, ui/ops.py; a consultant sees them land a few milliseconds later)."""
    view.ops.flush()


def open_workspace(qtbot, window, client: str):
    from ui_helpers import click_row

    click_row(qtbot, window.table, row_of(window.table, client))
    qtbot.keyClick(window.table, Qt.Key.Key_O, CTRL)
    view = window.workspace.view
    assert view is not None and view.isVisible()
    return view


def go_to_section(qtbot, window, title: str):
    """Ctrl+PgDown until the section is shown, as a consultant walks the form."""
    view = window.workspace.view
    for _ in range(len(view.pages)):
        if view.current_page().title == title:
            return view.current_page()
        qtbot.keyClick(focused() or window, Qt.Key.Key_PageDown, CTRL)
    raise AssertionError(f"never reached {title!r}")


def test_a_whole_engagement_through_the_widgets(qtbot, make_window, paths):
    service = Discovery.open(paths, forms_root=FORMS)
    window = make_window(service)

    # Create it through the New engagement dialog.
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dialog = wait_for_modal(qtbot, QDialog)
    qtbot.keyClicks(dialog.client_edit, "Riverside Dental")
    qtbot.keyClick(dialog.client_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))  # closed and deleted
    assert "Riverside Dental" in visible_column(window.table)
    # The new engagement opens at once, to be worked on.
    qtbot.waitUntil(lambda: window.workspace.view is not None)
    activate(qtbot, window)
    view = window.workspace.view
    assert view.isVisible()
    assert window.windowTitle().startswith("Riverside Dental")
    assert view.navigator.titles()[:3] == ["Client & sites", "Fit", "Profile"]
    # The client page opens first with the cursor in the client name.
    assert focused() is view.page("client").edits["client_name"]

    profile = go_to_section(qtbot, window, "Profile")
    assert view.navigator.marks(2) == ("0/2", False)
    employees = profile.fields["employee_count"]
    assert focused() is employees.editor

    # Validation fires in place: 0 employees is refused with the reason, and the section warns.
    qtbot.keyClicks(employees.editor, "0")
    qtbot.keyClick(employees.editor, Qt.Key.Key_Return)
    assert employees.error_label.isVisible()
    assert employees.error_label.text() == "Must be at least 1."
    assert view.navigator.marks(2) == ("0/2", True)
    assert service.interview.answers(view.eid) == {}

    # Fixing it clears the message; Enter moved on to the next question.
    employees.editor.setFocus()
    employees.editor.selectAll()
    qtbot.keyClicks(employees.editor, "45")
    qtbot.keyClick(employees.editor, Qt.Key.Key_Return)
    settle(view)
    assert not employees.error_label.isVisible()
    assert service.interview.answers(view.eid)["employee_count"] == (45, "")
    has_it = profile.fields["has_internal_it"]
    assert focused() is has_it.focus_widget()

    # A conditional question appears when its condition is met, and goes when it is not.
    owner = profile.fields["internal_it_owner"]
    assert not owner.isVisible()
    assert view.navigator.marks(2) == ("1/2", False)
    yes = dict((v, b) for v, b in has_it.buttons)[True]
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    settle(view)
    assert owner.isVisible()
    assert view.navigator.marks(2) == ("2/3", False)

    # Typing is saved after a short pause, with a quiet "Saved" in the status bar.
    qtbot.mouseClick(owner.editor, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(owner.editor, "Sam Ortiz")
    qtbot.waitUntil(lambda: service.interview.answers(view.eid).get("internal_it_owner") == ("Sam Ortiz", ""), timeout=3000)
    settle(view)
    assert window.statusBar().currentMessage() == "Saved"
    assert view.navigator.marks(2) == ("3/3", False)

    # A choice by keyboard and a note.
    adopt = profile.fields["adopt"]
    activate(qtbot, window)
    adopt.editor.setFocus()
    qtbot.keyClick(adopt.editor, Qt.Key.Key_Down)
    settle(view)
    assert service.interview.answers(view.eid)["adopt"][0] == "full"
    qtbot.mouseClick(owner.note_button, Qt.MouseButton.LeftButton)
    assert focused() is owner.note_edit
    qtbot.keyClicks(owner.note_edit, "Also runs the phones")
    qtbot.keyClick(owner.note_edit, Qt.Key.Key_Tab)
    settle(view)
    assert service.interview.answers(view.eid)["internal_it_owner"] == ("Sam Ortiz", "Also runs the phones")

    # The summary follows: completion, fit verdict, nothing left before export on this form.
    qtbot.waitUntil(lambda: view.summary.completion_bar.value() == 100, timeout=3000)
    assert "Good fit" in view.summary.fit_label.text()
    assert "Nothing blocks the proposal" in view.summary.blockers.text()

    # Undo takes back an answer (the note first, then the choice), redo puts it back.
    owner.editor.setFocus()
    qtbot.keyClick(owner.editor, Qt.Key.Key_Z, CTRL)
    assert service.interview.answers(view.eid)["internal_it_owner"] == ("Sam Ortiz", "")
    qtbot.keyClick(focused(), Qt.Key.Key_Z, CTRL)
    assert "adopt" not in service.interview.answers(view.eid)
    assert adopt.editor.currentIndex() == 0
    qtbot.keyClick(focused(), Qt.Key.Key_Z, CTRL | SHIFT)
    assert service.interview.answers(view.eid)["adopt"][0] == "full"
    assert adopt.editor.currentText() == "Fully"

    # Undo the has_internal_it answer: the conditional question hides again.
    for _ in range(2):
        qtbot.keyClick(focused(), Qt.Key.Key_Z, CTRL)
    assert "internal_it_owner" not in service.interview.answers(view.eid)
    qtbot.keyClick(focused(), Qt.Key.Key_Z, CTRL)
    assert "has_internal_it" not in service.interview.answers(view.eid)
    assert not owner.isVisible()
    for _ in range(4):  # has_internal_it, the owner, the choice, the note
        qtbot.keyClick(focused(), Qt.Key.Key_Z, CTRL | SHIFT)
    assert owner.isVisible() and owner.editor.text() == "Sam Ortiz"
    assert owner.note_edit.text() == "Also runs the phones"
    assert not window.commands.redo.isEnabled()

    # Close the app and open it again on the same database: everything is as it was left.
    eid = view.eid
    window.close()
    again = Discovery.open(paths, forms_root=FORMS)
    second = make_window(again)
    view2 = second.workspace.view
    assert view2 is not None and view2.eid == eid, "the last open engagement opens again"
    page = view2.page("q:profile")
    assert page.fields["employee_count"].editor.text() == "45"
    assert page.fields["has_internal_it"].value() is True
    assert page.fields["internal_it_owner"].editor.text() == "Sam Ortiz"
    assert page.fields["internal_it_owner"].note_edit.text() == "Also runs the phones"
    assert page.fields["adopt"].editor.currentText() == "Fully"
    assert view2.navigator.marks(view2.pages.index(page)) == ("3/3", False)

    # Back to the list forgets it: the next start shows the list.
    qtbot.keyClick(second, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert second.workspace.view is None
    assert second.list_page.isVisible()
    second.close()
    third = make_window(Discovery.open(paths, forms_root=FORMS))
    assert third.workspace.view is None
    third.close()


def test_the_last_engagement_reopens_only_in_its_own_store(qtbot, make_window, service, tmp_path):
    """Engagement 1 of another database (--db) is another client: it must not open instead."""
    from discovery_app.paths import AppPaths

    eid = service.engagements.create("Acme Dental", form_key="mini")
    window = make_window(service)
    window.workspace.open(eid)
    window.close()

    other = Discovery.open(AppPaths.resolve(tmp_path / "other.sqlite3"), forms_root=FORMS)
    assert other.engagements.create("Birch Law", form_key="mini") == eid  # the same id, elsewhere
    elsewhere = make_window(other)
    assert elsewhere.workspace.view is None
    assert visible_column(elsewhere.table) == ["Birch Law"]
    elsewhere.close()
    other.close()

    back = make_window(Discovery.open(AppPaths.resolve(service.store.path), forms_root=FORMS))
    assert back.workspace.view is not None and back.workspace.view.eid == eid
    back.close()


@pytest.fixture
def mini_eid(service):
    return service.engagements.create("Acme", form_key="mini", consultant="Ann Lee")


def test_every_question_type_saves_what_was_entered(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    money = view.page("q:money")
    view.go_to("q:money", focus=True)

    qtbot.keyClicks(money.fields["budget"].editor, "12,500")
    qtbot.keyClick(money.fields["budget"].editor, Qt.Key.Key_Return)
    hipaa = dict(money.fields["regs"].buttons)["hipaa"]
    pci = dict(money.fields["regs"].buttons)["pci_dss"]
    qtbot.mouseClick(pci, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(hipaa, Qt.MouseButton.LeftButton)
    renewal = money.fields["renewal"]
    assert renewal.date_edit.text() == "" and renewal.date_edit.placeholderText() == "M/D/YYYY"
    renewal.date_edit.setFocus()
    qtbot.keyClicks(renewal.date_edit, "3/31/2027")  # en_US: month first
    qtbot.keyClick(renewal.date_edit, Qt.Key.Key_Return)
    qtbot.mouseClick(dict(money.fields["docs"].buttons)[4], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(money.fields["ratio"].editor, "0.75")
    qtbot.keyClick(money.fields["ratio"].editor, Qt.Key.Key_Return)
    qtbot.keyClicks(money.fields["notes"].editor, "Line one")
    qtbot.keyClick(money.fields["notes"].editor, Qt.Key.Key_Return)  # a new line, not the next field
    qtbot.keyClicks(money.fields["notes"].editor, "Line two")
    qtbot.keyClick(money.fields["notes"].editor, Qt.Key.Key_Return, CTRL)

    settle(view)
    values = {k: v for k, (v, _n) in service.interview.answers(mini_eid).items()}
    assert values["budget"] == "12500.00"
    assert money.fields["budget"].editor.text() == "12,500.00"  # shown back as it was read
    assert values["regs"] == ["hipaa", "pci_dss"]  # in the form's order
    assert values["renewal"] == "2027-03-31"
    assert renewal.date_edit.text() == "3/31/2027"
    assert values["docs"] == 4
    assert values["ratio"] == "0.75"
    assert values["notes"] == "Line one\nLine two"

    # Emptying the date marks it not answered again.
    renewal.date_edit.setFocus()
    renewal.date_edit.selectAll()
    qtbot.keyClick(renewal.date_edit, Qt.Key.Key_Delete)
    qtbot.keyClick(renewal.date_edit, Qt.Key.Key_Return)
    settle(view)
    assert "renewal" not in service.interview.answers(mini_eid)


def test_ctrl_f_finds_a_question_in_another_section(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    qtbot.keyClick(focused(), Qt.Key.Key_F, CTRL)
    dialog = wait_for_modal(qtbot, QDialog)
    assert dialog.objectName() == "findQuestionDialog"
    qtbot.keyClicks(dialog.edit, "budg")
    assert dialog.proxy.rowCount() == 1
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert view.current_page().section_id == "q:money"
    assert focused() is view.page("q:money").fields["budget"].editor


def test_client_page_edits_status_sites_and_undo(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    client = view.page("client")
    name = client.edits["client_name"]
    name.selectAll()
    qtbot.keyClicks(name, "Acme Dental")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    settle(view)
    assert service.engagements.header(mini_eid).client_name == "Acme Dental"
    assert view.title_label.text() == "Acme Dental"
    assert window.windowTitle().startswith("Acme Dental")

    # An empty name is refused in place, and nothing is stored.
    name.selectAll()
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    qtbot.keyClick(name, Qt.Key.Key_Return)
    settle(view)
    assert client.errors["client_name"].isVisible()
    assert "cannot be empty" in client.errors["client_name"].text()
    assert service.engagements.header(mini_eid).client_name == "Acme Dental"
    qtbot.keyClicks(name, "Acme Dental Group")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    settle(view)
    assert not client.errors["client_name"].isVisible()

    # Status offers only the allowed next steps.
    combo = client.status_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Draft", "→ In review"]
    combo.setFocus()
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    assert service.engagements.header(mini_eid).status.value == "in_review"
    assert combo.currentText() == "In review"

    # Sites: add one, rename it in place; contacts likewise.
    qtbot.mouseClick(_button(client, "add_sites"), Qt.MouseButton.LeftButton)
    assert [s.name for s in service.interview.sites(mini_eid)] == ["Site 1"]
    index = client.sites_model.index(0, 0)
    assert client.sites_model.setData(index, "Head office")
    client.sites_model.setData(client.sites_model.index(0, 2), "31")
    assert service.interview.sites(mini_eid)[0].name == "Head office"
    assert service.interview.sites(mini_eid)[0].user_count == 31
    assert not client.sites_model.setData(client.sites_model.index(0, 2), "many")
    assert client.table_message.text().startswith("Users: “many” is not a number")
    qtbot.mouseClick(_button(client, "add_contacts"), Qt.MouseButton.LeftButton)
    assert [c.name for c in service.interview.contacts(mini_eid)] == ["New contact"]

    # Undo goes back through the site edits and then the name.
    for _ in range(3):
        window.commands.undo.trigger()
    assert service.interview.contacts(mini_eid) == []
    assert service.interview.sites(mini_eid)[0].user_count is None
    assert client.sites_model.data(client.sites_model.index(0, 2)) == ""


def _button(page, name):
    from PySide6.QtWidgets import QPushButton

    b = page.findChild(QPushButton, name)
    assert b is not None, name
    return b


def test_timer_runs_and_the_summary_weighs_it_against_the_fee(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    assert view.timer.button.text() == "Start timer"
    qtbot.mouseClick(view.timer.button, Qt.MouseButton.LeftButton)
    assert service.timer.running(mini_eid) is not None
    assert view.timer.button.text() == "Stop timer"
    qtbot.waitUntil(lambda: "timer running" in view.summary.counts["time"].text(), timeout=3000)
    assert "USD 4,500.00" in view.summary.fee_label.text()
    # Leaving the workspace stops the timer rather than let it run on unseen.
    activate(qtbot, window)
    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.workspace.view is None
    assert service.timer.running(mini_eid) is None
    assert len(service.timer.log(mini_eid)) == 1


def test_summary_panel_collapses_with_f9_and_folds_away_on_a_narrow_window(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    window.resize(1000, 700)  # 1280x800 at 125 %: the page needs the room
    view = open_workspace(qtbot, window, "Acme")
    assert not view.summary.isVisible()
    assert "F9 shows it" in window.statusBar().currentMessage()
    activate(qtbot, window)
    qtbot.keyClick(focused(), Qt.Key.Key_F9)
    assert view.summary.isVisible()
    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    window.resize(1280, 800)
    view = open_workspace(qtbot, window, "Acme")
    assert view.summary.isVisible()
    activate(qtbot, window)
    qtbot.keyClick(focused(), Qt.Key.Key_F9)
    assert not view.summary.isVisible()
    qtbot.keyClick(focused(), Qt.Key.Key_F9)
    assert view.summary.isVisible()
    # What still blocks export names the missing required answers.
    assert "<li>Required question not answered: “Employees”.</li>" in \
        view.summary.blockers.text().replace("&quot;", '"')


def test_list_commands_rest_inside_the_workspace(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    open_workspace(qtbot, window, "Acme")
    a = window.commands
    assert not a.delete.isEnabled() and not a.duplicate.isEnabled() and not a.new.isEnabled()
    assert a.back.isEnabled()
    activate(qtbot, window)
    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert a.delete.isEnabled() and not a.back.isEnabled()


def test_broken_pages_do_not_stop_the_workspace(qtbot, make_window, service, mini_eid, monkeypatch):
    from discovery_app.ui.workspace import registry
    from discovery_app.ui.workspace.interview import fit_page
    from discovery_app.ui.workspace.page import WorkspacePage

    class Unbuildable(WorkspacePage):
        title, section_id = "Unbuildable", "unbuildable"

        def __init__(self, context, parent=None):
            raise RuntimeError("a bug in the page's constructor")

    monkeypatch.setattr(registry, "AFTER_QUESTIONNAIRE", (Unbuildable,))

    def broken_load(self):
        raise RuntimeError("a bug in the fit page")

    monkeypatch.setattr(fit_page.FitPage, "load", broken_load)
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    assert view.navigator.titles() == ["Client & sites", "Fit", "Profile", "Money", "Unbuildable"]
    view.go_to("fit")
    assert type(view.current_page()).__name__ == "BrokenPage"

"""File > Check out to laptop… and Check in from laptop…: real dialogs over two SQLite stores."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from ui_helpers import FORMS

from discovery_app.domain.checkout import Side
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.ui.engagement_table import ID_ROLE


def _model_status(window, eid):
    model = window.list_page.table.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data(ID_ROLE) == eid:
            return model.index(row, 1).data()
    return None


def test_check_out_from_the_file_menu_marks_the_row_and_switches_the_actions(qtbot, window, service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    window.refresh(select_id=eid)
    assert window.checkout_action.isEnabled() and not window.break_action.isEnabled()
    dialog = window.check_out_selected()
    laptop = tmp_path / "laptop.sqlite3"
    qtbot.keyClicks(dialog.store_row.edit, str(laptop))
    with qtbot.waitSignal(dialog.checked_out, timeout=20000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert service.checkouts.status(eid) is not None and laptop.exists()
    qtbot.waitUntil(lambda: "checked out" in (_model_status(window, eid) or ""))
    assert window.break_action.isEnabled() and not window.checkout_action.isEnabled()


def test_check_in_lists_the_conflicting_sections_and_waits_for_a_choice_each(qtbot, window, service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    laptop_path = tmp_path / "laptop.sqlite3"
    done = service.checkouts.check_out(eid, laptop_path)
    laptop = Discovery.open(AppPaths.resolve(laptop_path), forms_root=FORMS)
    laptop.interview.set_answer(done.laptop_id, "employee_count", 55)
    laptop.close()
    service.checkouts.break_checkout(eid)
    service.interview.set_answer(eid, "employee_count", 70)
    window.refresh(select_id=eid)

    dialog = window.check_in_selected()
    qtbot.keyClicks(dialog.store_row.edit, str(laptop_path))
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=20000)
    assert dialog.table.item(0, 0).text() == "Interview answers"
    assert "here 70; on the laptop 55" in dialog.details.toPlainText()
    assert not dialog.ok_button.isEnabled()  # no side chosen yet: nothing can be checked in
    combo = dialog.combos["answers"]
    combo.setCurrentIndex(combo.findData(str(Side.LAPTOP)))
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.checked_in, timeout=20000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert service.engagements.get(eid).answer_values()["employee_count"] == 55


def test_breaking_a_checkout_shows_what_is_lost_and_needs_a_managers_key_once_approvers_are_listed(
        qtbot, window, service, tmp_path):
    from approval_signing import approver, list_approver

    from discovery_app.services import approval_files

    eid = service.engagements.create("Acme", form_key="mini")
    key_file = tmp_path / "sam.key"
    public = approval_files.create_key(key_file, "correct horse")
    sam, _ = approver("Sam Lee", "Service leader")
    list_approver(service, sam.model_copy(update={"public_key": public}),
                  approval_files.load_key(key_file, "correct horse"))
    service.checkouts.check_out(eid, tmp_path / "laptop.sqlite3")
    window.refresh(select_id=eid)
    dialog = window.break_checkout_selected()
    assert "no longer come back by itself" in dialog.warning.text() and dialog.fields is not None
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "Choose your approver key file" in dialog.error_label.text()
    assert service.checkouts.status(eid) is not None
    qtbot.keyClicks(dialog.fields.file_row.edit, str(key_file))
    qtbot.keyClicks(dialog.fields.passphrase, "correct horse")
    with qtbot.waitSignal(dialog.broken, timeout=20000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert service.checkouts.status(eid) is None
    record, problem = service.checkouts.break_record(eid)
    assert problem == "" and record.broken_by == "Sam Lee"
    checkin = window.check_in_selected()  # the check-in names who broke it, and that it is signed
    qtbot.keyClicks(checkin.store_row.edit, str(tmp_path / "laptop.sqlite3"))
    qtbot.mouseClick(checkin.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Broken by Sam Lee (Service leader)" in checkin.summary.text(), timeout=20000)
    assert "signed, verified." in checkin.summary.text()


def test_without_approvers_the_break_dialog_says_the_authority_is_not_checked(qtbot, window, service, tmp_path):
    eid = service.engagements.create("Acme", form_key="mini")
    service.checkouts.check_out(eid, tmp_path / "laptop.sqlite3")
    window.refresh(select_id=eid)
    dialog = window.break_checkout_selected()
    assert dialog.fields is None
    assert "authority to break it is not checked" in dialog.findChild(QLabel, "breakUnchecked").text()
    with qtbot.waitSignal(dialog.broken, timeout=20000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert service.checkouts.status(eid) is None

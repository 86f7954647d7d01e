"""Settings › Approvers: list an approver by their public key line, refuse a bad one in place,
sign each change with an approver's key file, show what does not count, remove."""

from __future__ import annotations

from approval_signing import approver
from PySide6.QtCore import Qt

from discovery_app.services import approval_files as files
from discovery_app.ui.settings_dialog import SettingsDialog


def _sign(qtbot, tab, key_file, passphrase):
    dialog = tab.signer_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.fields.file_row.edit, str(key_file))
    qtbot.keyClicks(dialog.fields.passphrase, passphrase)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    return dialog


def test_approvers_are_added_by_a_signed_change_refused_in_place_and_removed(qtbot, service, tmp_path):
    dialog = SettingsDialog(service)
    qtbot.addWidget(dialog)
    tab = dialog.approvers
    dialog.tabs.setCurrentWidget(tab)
    assert tab.empty.isVisibleTo(dialog) and [tab.role.itemText(i) for i in range(tab.role.count())] == ["Service leader"]
    ana_key = tmp_path / "ana.key"
    ana_public = files.create_key(ana_key, "correct horse")
    qtbot.keyClicks(tab.name, "Ana Ruiz")
    qtbot.keyClicks(tab.key, "ed25519:AAAA")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "32 bytes" in tab.error.text() and tab.signer_dialog is None and service.approvals.approvers() == []
    tab.key.setText(ana_public)
    qtbot.keyClicks(tab.valid_to.edit, "2027-06-30")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    signer = _sign(qtbot, tab, ana_key, "wrong horse")
    assert "passphrase does not open" in signer.error_label.text() and service.approvals.approvers() == []
    signer.fields.passphrase.clear()
    qtbot.keyClicks(signer.fields.passphrase, "correct horse")
    qtbot.mouseClick(signer.ok_button, Qt.MouseButton.LeftButton)
    (listed,) = service.approvals.approvers()
    assert (listed.name, str(listed.valid_to)) == ("Ana Ruiz", "2027-06-30")
    assert tab.table.rowCount() == 1 and tab.table.item(0, 3).text() == listed.fingerprint
    assert tab.table.item(0, 4).text() == "Yes"

    # Someone types an approver straight into the settings: shown, not counted, removed without a key.
    eve, _ = approver("Eve Mallory", "Service leader")
    service.settings.set("approvers", [eve.model_dump(mode="json")])
    tab.refresh()
    assert tab.table.item(1, 4).text() == "Not counted" and "approves nothing" in tab.table.item(1, 4).toolTip()
    tab.table.selectRow(1)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert tab.table.rowCount() == 1 and service.settings.get("approvers") == []

    # A second approver, signed by Ana; then Ana signs their removal.
    sam, _ = approver("Sam Lee", "Service leader")
    qtbot.keyClicks(tab.name, "Sam Lee")
    tab.key.setText(sam.public_key)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    _sign(qtbot, tab, ana_key, "correct horse")
    assert [a.name for a in service.approvals.approvers()] == ["Ana Ruiz", "Sam Lee"]
    tab.table.selectRow(1)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    _sign(qtbot, tab, ana_key, "correct horse")
    assert [a.name for a in service.approvals.approvers()] == ["Ana Ruiz"] and tab.table.rowCount() == 1

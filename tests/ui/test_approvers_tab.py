"""Settings › Approvers: list an approver by their public key line, refuse a bad one in place, remove."""

from __future__ import annotations

from approval_signing import approver
from PySide6.QtCore import Qt

from discovery_app.ui.settings_dialog import SettingsDialog


def test_approvers_are_added_refused_in_place_and_removed(qtbot, service):
    dialog = SettingsDialog(service)
    qtbot.addWidget(dialog)
    tab = dialog.approvers
    dialog.tabs.setCurrentWidget(tab)
    assert tab.empty.isVisibleTo(dialog) and [tab.role.itemText(i) for i in range(tab.role.count())] == ["Service leader"]
    ana, _ = approver("Ana Ruiz", "Service leader")
    qtbot.keyClicks(tab.name, "Ana Ruiz")
    qtbot.keyClicks(tab.key, "ed25519:AAAA")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "32 bytes" in tab.error.text() and service.approvals.approvers() == []
    tab.key.setText(ana.public_key)
    qtbot.keyClicks(tab.valid_to.edit, "2027-06-30")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    (listed,) = service.approvals.approvers()
    assert (listed.name, str(listed.valid_to)) == ("Ana Ruiz", "2027-06-30")
    assert tab.table.rowCount() == 1 and tab.table.item(0, 3).text() == ana.fingerprint
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert service.approvals.approvers() == [] and tab.table.isHidden()

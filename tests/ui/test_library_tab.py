"""Settings › Library: publish a folder (a broken one is refused in place), export the selected
package, withdraw it after a confirmation; reachable by keyboard."""

from __future__ import annotations

from library_packages import package
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import button, wait_for_modal

from discovery_app.ui.settings_dialog import SettingsDialog


def test_publish_export_and_withdraw_from_the_library_tab(qtbot, service, tmp_path, monkeypatch):
    dialog = SettingsDialog(service)
    qtbot.addWidget(dialog)
    tab = dialog.library
    dialog.tabs.setCurrentWidget(tab)
    dialog.show()
    assert tab.empty.isVisible() and not tab.export_button.isEnabled() and not tab.withdraw_button.isEnabled()

    bad = package(tmp_path, "bad", 2)
    (bad / "risks.yaml").write_text("risks: [\n", encoding="utf-8")
    monkeypatch.setattr(tab, "_ask_package_folder", lambda: str(bad))
    qtbot.mouseClick(tab.publish_button, Qt.MouseButton.LeftButton)
    assert "was not published" in tab.message.text() and "risks.yaml:" in tab.message.text()
    assert service.library.entries() == []

    good = package(tmp_path, "good", 2)
    monkeypatch.setattr(tab, "_ask_package_folder", lambda: str(good))
    tab.publish_button.setFocus()
    qtbot.keyClick(tab.publish_button, Qt.Key.Key_Space)  # keyboard reachable
    assert tab.table.isVisible() and tab.table.rowCount() == 1
    row = [tab.table.item(0, c).text() for c in range(tab.table.columnCount())]
    assert row[0] == "Mini discovery (mini)" and row[1] == "2" and row[4] == "Published"
    assert row[2] == service.store.revisions.who
    assert tab.selected() is not None and tab.selected().key == "mini@2"
    assert tab.table.accessibleName() == "Practice library"
    # The Defaults tab offers it at once, marked.
    texts = [dialog.form_combo.itemText(i) for i in range(dialog.form_combo.count())]
    assert texts[1:] == ["Mini discovery (version 2), practice library", "Mini discovery (version 1)"]

    out = tmp_path / "out"
    monkeypatch.setattr(tab, "_ask_export_folder", lambda key: str(out))
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    assert (out / "package.yaml").exists() and "Wrote mini@2" in tab.message.text()
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    assert "not an empty folder" in tab.message.text()

    qtbot.mouseClick(tab.withdraw_button, Qt.MouseButton.LeftButton)
    box = wait_for_modal(qtbot, QMessageBox)
    assert "Withdraw Mini discovery, version 2?" == box.text() and "keep their copy" in box.informativeText()
    qtbot.mouseClick(button(box, "Cancel"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert not service.library.entries()[0].withdrawn

    qtbot.mouseClick(tab.withdraw_button, Qt.MouseButton.LeftButton)
    box = wait_for_modal(qtbot, QMessageBox)
    qtbot.mouseClick(button(box, "Withdraw"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.library.entries()[0].withdrawn)
    assert tab.table.item(0, 4).text() == "Withdrawn" and not tab.withdraw_button.isEnabled()
    assert [dialog.form_combo.itemText(i) for i in range(dialog.form_combo.count())][1:] == ["Mini discovery (version 1)"]


def test_a_library_package_is_marked_in_the_default_form_list(qtbot, service, tmp_path):
    service.library.publish(package(tmp_path, "v2", 2))
    dialog = SettingsDialog(service)
    qtbot.addWidget(dialog)
    texts = [dialog.form_combo.itemText(i) for i in range(dialog.form_combo.count())]
    assert "Mini discovery (version 2), practice library" in texts and "Mini discovery (version 1)" in texts


def test_the_new_engagement_list_marks_a_library_package():
    from discovery_app.ui.new_engagement_dialog import FormChoice

    assert FormChoice("mini@2", "Mini discovery", "", ", practice library").text == (
        "Mini discovery (version 2), practice library")
    assert FormChoice("mini@1", "Mini discovery").text == "Mini discovery (version 1)"

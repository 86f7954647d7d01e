"""Save archive / Open archive dialogs, driven like a consultant: type, click, read the errors."""

from __future__ import annotations

import pytest
from durability_helpers import PASS, add_engagement
from PySide6.QtCore import Qt

from discovery_app.export import sealed
from discovery_app.ui.archive_dialogs import OpenArchiveDialog, SaveArchiveDialog


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    monkeypatch.setattr(sealed, "LOG2_N", 14)


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_save_then_open_an_encrypted_archive(qtbot, service, tmp_path):
    eid = add_engagement(service)
    target = tmp_path / "contoso.discovery"
    save = SaveArchiveDialog(service, eid, "Contoso Dental")
    qtbot.addWidget(save)
    save.show()
    qtbot.waitExposed(save)
    assert save.encrypt_check.isChecked()  # encrypted unless the consultant says otherwise
    qtbot.keyClicks(save.file_row.edit, str(target))
    qtbot.keyClicks(save.pass_edit, "short")
    click(qtbot, save.save_button)
    assert save.pass_error.isVisible() and "at least 8" in save.pass_error.text()
    save.pass_edit.clear()
    qtbot.keyClicks(save.pass_edit, PASS)
    qtbot.keyClicks(save.repeat_edit, PASS + "!")
    click(qtbot, save.save_button)
    assert "differ" in save.pass_error.text() and not target.exists()
    save.repeat_edit.clear()
    qtbot.keyClicks(save.repeat_edit, PASS)
    with qtbot.waitSignal(save.saved, timeout=10000):
        click(qtbot, save.save_button)
    assert target.read_bytes().startswith(sealed.MAGIC)

    before = len(service.engagements.summaries())
    dialog = OpenArchiveDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.file_row.edit, str(target))
    click(qtbot, dialog.open_button)
    assert dialog.error_label.isVisible() and "encrypted" in dialog.error_label.text()
    qtbot.keyClicks(dialog.pass_edit, "not the right one")
    click(qtbot, dialog.open_button)
    assert "passphrase is wrong" in dialog.error_label.text()
    assert len(service.engagements.summaries()) == before
    dialog.pass_edit.clear()
    qtbot.keyClicks(dialog.pass_edit, PASS)
    with qtbot.waitSignal(dialog.opened, timeout=10000) as opened:
        click(qtbot, dialog.open_button)
    assert service.engagements.get(opened.args[0]).client_name == "Contoso Dental"


def test_open_refuses_a_tampered_archive_in_place(qtbot, service, tmp_path):
    eid = add_engagement(service)
    path = service.archives.write(eid, tmp_path / "plain.discovery")
    data = bytearray(path.read_bytes())
    data[data.find(b"\x89PNG") if b"\x89PNG" in data else len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    before = len(service.engagements.summaries())
    dialog = OpenArchiveDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.file_row.edit, str(path))
    click(qtbot, dialog.open_button)
    assert dialog.isVisible() and "Nothing was imported" in dialog.error_label.text()
    assert len(service.engagements.summaries()) == before

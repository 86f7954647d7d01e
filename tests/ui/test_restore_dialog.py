"""The Restore backup dialog: lists the backups with dates and counts, restores after a yes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import FORMS, button, click_row, visible_column, wait_for_modal

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.ui.restore_dialog import EMPTY_TEXT, RestoreDialog, open_restore_dialog


def sessions(paths: AppPaths, clients: list[str]) -> None:
    """One app session per client: each opens (taking a backup), adds the client, closes."""
    for name in clients:
        svc = Discovery.open(paths, forms_root=FORMS)
        svc.engagements.create(name)
        svc.close()


def test_lists_backups_newest_first_with_counts_and_restores_the_chosen_one(qtbot, paths):
    sessions(paths, ["Contoso Dental", "Fabrikam Law", "Northwind Travel"])
    service = Discovery.open(paths, forms_root=FORMS)  # backup with 3 engagements
    try:
        dialog = open_restore_dialog(None, service=service)
        assert dialog is not None
        qtbot.addWidget(dialog)
        qtbot.waitExposed(dialog)
        table = dialog.table
        assert visible_column(table, 2) == ["3", "2", "1"]  # engagements, newest first
        assert visible_column(table, 1)[0] == "When Discovery opened"
        assert table.model().index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
        assert "3 backups" in dialog.count_label.text()

        click_row(qtbot, table, 2)  # the oldest: only Contoso
        assert dialog.restore_button.isEnabled()
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        box = wait_for_modal(qtbot, QMessageBox)
        assert "1 engagement)" in box.text()
        with qtbot.waitSignal(dialog.restored, timeout=5000):
            qtbot.mouseClick(button(box, "Restore"), Qt.MouseButton.LeftButton)
        assert [s.header.client_name for s in service.engagements.summaries()] == ["Contoso Dental"]
        kept = [b for b in service.backups.available() if b.kind == "before-restore"]
        assert len(kept) == 1 and kept[0].engagements == 3  # the restore can be undone
    finally:
        service.close()


def test_cancel_changes_nothing(qtbot, paths):
    sessions(paths, ["Contoso Dental", "Fabrikam Law"])
    service = Discovery.open(paths, forms_root=FORMS)
    try:
        dialog = open_restore_dialog(None, service=service)
        qtbot.addWidget(dialog)
        click_row(qtbot, dialog.table, 1)
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        box = wait_for_modal(qtbot, QMessageBox)
        qtbot.mouseClick(button(box, "Cancel"), Qt.MouseButton.LeftButton)
        assert len(service.engagements.summaries()) == 2
        assert dialog.isVisible()
    finally:
        service.close()


def test_works_without_an_open_store_when_the_database_is_damaged(qtbot, paths):
    sessions(paths, ["Contoso Dental", "Fabrikam Law"])
    Discovery.open(paths, forms_root=FORMS).close()
    paths.db.write_bytes(b"scrambled by a bad sync" * 300)
    dialog = open_restore_dialog(None, paths=paths)
    qtbot.addWidget(dialog)
    assert visible_column(dialog.table, 2)[0] == "2"
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    box = wait_for_modal(qtbot, QMessageBox)
    with qtbot.waitSignal(dialog.restored, timeout=5000) as signal:
        qtbot.mouseClick(button(box, "Restore"), Qt.MouseButton.LeftButton)
    assert signal.args[0].name.startswith("damaged-")
    service = Discovery.open(paths, forms_root=FORMS)
    try:
        assert sorted(s.header.client_name for s in service.engagements.summaries()) == ["Contoso Dental", "Fabrikam Law"]
    finally:
        service.close()


def test_an_unreadable_backup_cannot_be_chosen_and_says_why(qtbot, paths):
    sessions(paths, ["Contoso Dental", "Fabrikam Law"])
    Discovery.open(paths, forms_root=FORMS).close()
    (paths.backups / "discovery-29990101-000000-auto.sqlite3").write_bytes(b"junk" * 100)
    dialog = open_restore_dialog(None, paths=paths)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    assert visible_column(dialog.table, 2)[0] == "unreadable"
    assert not dialog.restore_button.isEnabled()
    assert dialog.error_label.isVisible() and "cannot be restored" in dialog.error_label.text()
    click_row(qtbot, dialog.table, 1)
    assert dialog.restore_button.isEnabled() and not dialog.error_label.isVisible()


def test_empty_state_says_when_backups_appear(qtbot):
    dialog = RestoreDialog([], lambda p: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.empty_label.isVisible() and dialog.empty_label.text() == EMPTY_TEXT
    assert not dialog.restore_button.isEnabled()


def test_a_server_store_says_its_backups_are_the_servers_business_instead_of_listing_none(qtbot):
    paths = AppPaths.resolve("postgresql://anna@db.example.invalid/discovery")  # never connected to
    assert open_restore_dialog(None, paths=paths) is None  # no empty list pretending there are no backups
    boxes: list[QMessageBox] = []
    qtbot.waitUntil(lambda: boxes.extend(w for w in QApplication.topLevelWidgets()
                                         if isinstance(w, QMessageBox) and w.isVisible()) or bool(boxes))
    box = boxes[0]
    assert "backups are the server's business" in box.text() and "cannot restore one" in box.text()
    box.close()

"""The locale in Settings: chosen there, kept on save, followed at once by the open window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from ui_helpers import FORMS, wait_for_modal

from discovery_app.services import Discovery
from discovery_app.ui import app_locale

CTRL = Qt.KeyboardModifier.ControlModifier


def open_settings(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_Comma, CTRL)
    dialog = wait_for_modal(qtbot, QDialog)
    assert dialog.objectName() == "settingsDialog"
    return dialog


def save(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_a_locale_set_another_way_survives_saving_settings(qtbot, make_window, paths):
    # Saving Settings used to reset the locale to en_US.
    service = Discovery.open(paths, forms_root=FORMS)
    settings = service.settings.current()
    service.settings.save(settings.profile.model_copy(update={"locale": "es_AR"}), None, "USD")
    window = make_window(service)
    assert app_locale.current() == "es_AR"
    dialog = open_settings(qtbot, window)
    assert dialog.locale_combo.currentData() == "es_AR"
    qtbot.keyClicks(dialog.name_edit, "Harbor IT")
    save(qtbot, dialog)
    assert service.settings.current().profile.locale == "es_AR"
    assert service.settings.current().profile.name == "Harbor IT"


def test_choosing_german_applies_to_the_window_and_is_stored(qtbot, make_window, paths):
    service = Discovery.open(paths, forms_root=FORMS)
    window = make_window(service)
    assert app_locale.current() == "en_US"
    dialog = open_settings(qtbot, window)
    dialog.tabs.setCurrentIndex(2)
    dialog.locale_combo.setCurrentIndex(dialog.locale_combo.findData("de_DE"))
    dialog.currency_combo.setCurrentText("EUR")
    assert dialog.locale_sample.text().startswith("For example 24.376,50\xa0€, 12,5\xa0%, 15.01.2026")
    save(qtbot, dialog)
    assert service.settings.current().profile.locale == "de_DE"
    assert app_locale.current() == "de_DE"


def test_this_computers_locale_is_a_choice(qtbot, make_window, paths, monkeypatch):
    for var in ("LC_ALL", "LC_NUMERIC", "LC_CTYPE", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "fr_CH.UTF-8")
    service = Discovery.open(paths, forms_root=FORMS)
    window = make_window(service)
    dialog = open_settings(qtbot, window)
    assert "French (Switzerland)" in dialog.locale_combo.itemText(0)
    dialog.locale_combo.setCurrentIndex(0)
    save(qtbot, dialog)
    assert service.settings.current().profile.locale == ""
    assert app_locale.current() == "fr_CH"

"""The Settings dialog: provider profile, proposals, defaults; checked, stored in the database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from ui_helpers import FORMS, wait_for_modal

from discovery_app.services import Discovery

CTRL = Qt.KeyboardModifier.ControlModifier


def open_settings(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_Comma, CTRL)
    dialog = wait_for_modal(qtbot, QDialog)
    assert dialog.objectName() == "settingsDialog"
    return dialog


def test_settings_are_saved_and_come_back_after_a_restart(qtbot, make_window, paths, tmp_path):
    service = Discovery.open(paths, forms_root=FORMS)
    window = make_window(service)
    dialog = open_settings(qtbot, window)
    qtbot.keyClicks(dialog.name_edit, "Harbor IT Partners")
    logo = tmp_path / "logo.png"
    from PySide6.QtGui import QColor, QImage

    image = QImage(60, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("#0a7d5a"))
    image.save(str(logo))
    qtbot.keyClicks(dialog.logo_edit, str(logo))
    assert not dialog.logo_preview.pixmap().isNull()
    dialog.colour_edit.clear()
    qtbot.keyClicks(dialog.colour_edit, "#0a7d5a")
    qtbot.keyClicks(dialog.email_edit, "hello@harbor.example")
    dialog.validity_spin.setValue(45)
    dialog.page_combo.setCurrentIndex(dialog.page_combo.findData("A4"))
    qtbot.keyClicks(dialog.terms_edit, "Net 30. Changes need a priced change order.")
    dialog.form_combo.setCurrentIndex(dialog.form_combo.findData("mini@1"))
    dialog.currency_combo.setCurrentText("EUR")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert window.statusBar().currentMessage() == "Settings saved"
    window.close()

    again = Discovery.open(paths, forms_root=FORMS)
    second = make_window(again)
    s = again.settings.current()
    assert s.profile.name == "Harbor IT Partners"
    assert s.profile.brand_colour == "#0a7d5a"
    assert s.profile.logo_path == str(logo)
    assert s.profile.proposal_validity_days == 45
    assert s.profile.page_size == "A4"
    assert s.profile.terms.startswith("Net 30.")
    assert (s.default_form, s.currency) == ("mini@1", "EUR")
    # The dialog shows what is stored.
    dialog = open_settings(qtbot, second)
    assert dialog.name_edit.text() == "Harbor IT Partners"
    assert dialog.page_combo.currentData() == "A4"
    assert dialog.form_combo.currentData() == "mini@1"
    dialog.reject()


def test_a_wrong_colour_is_explained_and_nothing_is_stored(qtbot, window, service):
    dialog = open_settings(qtbot, window)
    dialog.colour_edit.clear()
    qtbot.keyClicks(dialog.colour_edit, "teal")
    qtbot.keyClicks(dialog.name_edit, "Harbor IT")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "brand colour" in dialog.error_label.text()
    assert service.settings.current().profile.name == ""
    dialog.reject()


def test_commercial_terms_are_the_forms_until_the_provider_sets_its_own(qtbot, make_window, tmp_path):
    from ui_helpers import SHIPPED_FORMS

    from discovery_app.demo import create_demo
    from discovery_app.paths import AppPaths

    service = Discovery.open(AppPaths.resolve(tmp_path / "terms.sqlite3"), forms_root=SHIPPED_FORMS)
    eid = create_demo(service)
    window = make_window(service)
    dialog = open_settings(qtbot, window)
    form_terms = service.forms.get().pricing.terms
    assert dialog.payment_edit.text() == "" and dialog.payment_edit.placeholderText() == form_terms.payment_schedule
    assert dialog.notice_spin.text() == f"Form's default ({form_terms.notice_days} days)"
    dialog.payment_edit.setFocus()
    qtbot.keyClicks(dialog.payment_edit, "Invoiced monthly in arrears.")
    dialog.notice_spin.setFocus()
    dialog.notice_spin.selectAll()
    qtbot.keyClicks(dialog.notice_spin, "60")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert service.settings.commercial_terms() == {"payment_schedule": "Invoiced monthly in arrears.", "notice_days": 60}
    terms = service.assessments.of(eid).terms
    assert (terms.payment_schedule, terms.notice_days) == ("Invoiced monthly in arrears.", 60)
    assert terms.minimum_term_months == form_terms.minimum_term_months  # still the form's
    report = service.documents.report(eid)
    assert ("Notice", "Either party may end co-managed operations with 60 days' written notice, effective at "
            "the end of the minimum term at the earliest.") in report.terms

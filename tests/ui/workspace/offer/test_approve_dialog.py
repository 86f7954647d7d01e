"""Pricing › Approve with my key…: the approver sees exactly what they sign (the discount as a
percent, the fees as money, the date) and signs it with their key file, in team mode."""

from __future__ import annotations

from approval_signing import approver, list_approver
from PySide6.QtCore import Qt
from ui_helpers import blockers_on, retype, show_page

from discovery_app.services import approval_files
from discovery_app.ui.workspace.offer import offer_format as fmt
from discovery_app.ui.workspace.offer.pricing_page import PricingPage


def test_an_approver_signs_the_discount_shown_with_their_key_and_it_clears_the_blocker(qtbot, demo_context, tmp_path):
    page = show_page(qtbot, PricingPage(demo_context), activate=True)
    service, eid = page.service, page.engagement_id
    key_file = tmp_path / "ana.key"
    public = approval_files.create_key(key_file, "correct horse")
    ana, _ = approver("Ana Ruiz", "ceo")
    list_approver(service, ana.model_copy(update={"public_key": public}), approval_files.load_key(key_file, "correct horse"))
    assert page.approve_with_key() is None  # the demo's 5 % needs no approval: nothing to sign
    assert "5% discount needs no approval" in page.approval_error.text()
    retype(qtbot, page.discount, "15")
    assert blockers_on(page)

    dialog = page.approve_with_key()
    qtbot.waitUntil(dialog.isVisible)
    statement, quote = service.approvals.statement(eid)
    assert dialog.facts["Discount"].text().startswith("15%: ")  # the domain's percent, never "15.00 %"
    assert fmt.money(statement.fixed_fee) in dialog.facts["Fixed fee"].text()
    assert fmt.money(statement.monthly_fee) in dialog.facts["Monthly fee"].text()
    assert dialog.facts["Date"].text() == fmt.day(statement.date)
    assert dialog.facts["Pricing"].text() == "The proposal's own pricing"

    qtbot.keyClicks(dialog.fields.file_row.edit, str(key_file))
    qtbot.keyClicks(dialog.fields.passphrase, "wrong horse")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "passphrase does not open" in dialog.error_label.text() and service.approvals.records(eid) == []
    dialog.fields.passphrase.clear()
    qtbot.keyClicks(dialog.fields.passphrase, "correct horse")
    with qtbot.waitSignal(dialog.approved, timeout=10000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert blockers_on(page) == []
    assert "Approved by <b>Ana Ruiz</b>" in page.approval_need.text()
    assert page.approvals_model.index(0, 2).data() == "Verified"


def test_a_key_that_is_not_listed_is_refused_in_place_and_records_nothing(qtbot, demo_context, tmp_path):
    page = show_page(qtbot, PricingPage(demo_context), activate=True)
    retype(qtbot, page.discount, "15")
    key_file = tmp_path / "eve.key"
    approval_files.create_key(key_file, "correct horse")
    dialog = page.approve_with_key()
    qtbot.keyClicks(dialog.fields.file_row.edit, str(key_file))
    qtbot.keyClicks(dialog.fields.passphrase, "correct horse")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "not on the practice's list of approvers" in dialog.error_label.text() and dialog.isVisible()
    assert page.service.approvals.records(page.engagement_id) == []

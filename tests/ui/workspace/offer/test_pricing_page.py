"""The pricing page, driven like a consultant would, over the demo engagement."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from approval_signing import approver, list_approver
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from ui_helpers import blockers_on, retype, show_page

from discovery_app.domain.forms import Lane
from discovery_app.services import approval_files
from discovery_app.ui.workspace.offer import offer_format as fmt
from discovery_app.ui.workspace.offer.offer_pricing_models import AMOUNT_ROLE, KIND_ROLE
from discovery_app.ui.workspace.offer.pricing_page import PricingPage


@pytest.fixture
def page(qtbot, demo_context):
    return show_page(qtbot, PricingPage(demo_context), activate=True)




def click_ok(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_a_15_percent_discount_needs_the_ceo_until_a_signed_approval_is_added(qtbot, page, tmp_path):
    assert blockers_on(page) == []  # the demo's 5 % needs no approval
    assert "Needs no approval" in page.approval_need.text()

    retype(qtbot, page.discount, "15")

    assert page.service.offer.pricing_inputs(page.engagement_id).discount_percent == Decimal("15")
    assert "Needs a signed approval by the CEO" in page.approval_need.text()
    assert "Required approval: <b>CEO</b>" in page.discount_summary.text()
    (blocker,) = blockers_on(page)
    assert "15% discount needs a signed approval by the CEO" in blocker
    quote = page.service.offer.quote(page.engagement_id)
    assert page.fixed_net.text() == fmt.money_cur(quote.stabilization_fee, "USD")
    assert not hasattr(page, "record_button")  # a role typed as text no longer clears anything

    request = page.request_approval(tmp_path / "request.json")
    ceo, key = approver("Ana Ruiz", "ceo")
    list_approver(page.service, ceo, key)
    doc = json.loads(request.read_text())
    doc["statement"]["monthly_fee"] = "1.00"  # tampered on the way
    (tmp_path / "tampered.json").write_text(json.dumps(doc))
    approval_files.sign_request(request, key)
    tampered = json.loads((tmp_path / "tampered.json").read_text()) | {
        k: json.loads(request.read_text())[k] for k in ("signature", "public_key")}
    (tmp_path / "tampered.json").write_text(json.dumps(tampered))
    assert not page.add_signed_approval(tmp_path / "tampered.json")
    assert "changed after it was signed" in page.approval_error.text() and blockers_on(page)

    assert page.add_signed_approval(request)
    assert blockers_on(page) == [] and page.approval_error.isHidden()
    assert "Approved by <b>Ana Ruiz</b>" in page.approval_need.text() and "signature verified" in page.approval_need.text()
    assert page.approvals_model.index(0, 0).data() == "Ana Ruiz (CEO)"
    assert page.approvals_model.index(0, 2).data() == "Verified"

    retype(qtbot, page.discount, "14")  # any change to the priced engagement voids it
    assert page.approvals_model.index(0, 2).data() == "Does not count"
    assert "the discount is now 14%" in page.approval_need.text()


def test_typing_a_discount_is_one_undo_step(qtbot, page):
    retype(qtbot, page.discount, "12.5")
    assert page.service.offer.pricing_inputs(page.engagement_id).discount_percent == Decimal("12.5")
    assert page.context.undo_stack.count() == 1
    page.context.undo_stack.undo()
    assert page.service.offer.pricing_inputs(page.engagement_id).discount_percent == Decimal("5")
    assert page.discount.text() == "5"


def test_a_bad_discount_is_shown_in_place_and_not_saved(qtbot, page):
    retype(qtbot, page.discount, "150")
    assert page.discount_error.isVisible() and "between 0 and 100" in page.discount_error.text()
    assert page.service.offer.pricing_inputs(page.engagement_id).discount_percent == Decimal("15")  # "15" was valid on the way


def test_coverage_follows_the_answer_until_the_consultant_overrides_it(qtbot, page):
    # The demo client answered "Extended": pricing follows the answer, and says so.
    assert page.coverage.currentIndex() == 0
    assert page.coverage.currentText().startswith("As answered: Extended")
    assert page.service.offer.quote(page.engagement_id).coverage.level.id == "extended"
    before = page.monthly_net.text()
    page.coverage.setFocus()
    page.coverage.setCurrentIndex(page.coverage.findData("round_the_clock"))  # an override

    quote = page.service.offer.quote(page.engagement_id)
    assert quote.monthly.coverage.id == "round_the_clock" and quote.coverage.overridden
    assert "override" in page.coverage.currentText()
    assert any("overrides the coverage answer" in i.message for i in page.service.assessments.check(page.engagement_id).warnings)
    assert page.monthly_net.text() == fmt.money_cur(quote.monthly_fee, "USD") != before
    assert page.first_year.text() == fmt.money_cur(quote.first_year_total, "USD")
    # The breakdown's net monthly line is the same amount.
    model = page.breakdown_model
    nets = [model.index(r, 0).data(AMOUNT_ROLE) for r in range(model.rowCount())
            if model.index(r, 0).data() == "Net monthly fee"]
    assert nets == [quote.monthly_fee]


def test_each_breakdown_section_adds_up_to_its_total(qtbot, page):
    model = page.breakdown_model
    section: list[Decimal] = []
    totals = []
    for r in range(model.rowCount()):
        kind, amount = model.index(r, 0).data(KIND_ROLE), model.index(r, 0).data(AMOUNT_ROLE)
        if kind == "heading":
            section = []
        elif kind == "line":
            section.append(amount)
        elif kind == "total":
            assert sum(section, Decimal(0)) == amount
            totals.append(amount)
    quote = page.service.offer.quote(page.engagement_id)
    assert totals == [quote.stabilization_fee, quote.monthly_fee, quote.roadmap_total, quote.first_year_total]
    for r in range(model.rowCount()):
        if model.index(r, 3).data():
            assert model.index(r, 3).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_user_override_and_clearing_it(qtbot, page):
    derived = page.service.offer.quote(page.engagement_id).counts.users.derived
    retype(qtbot, page.users, "60")
    assert page.service.offer.quote(page.engagement_id).counts.users.value == 60
    assert page.users_help.text().startswith("Override: 60 priced")
    retype(qtbot, page.users, "")
    assert page.service.offer.quote(page.engagement_id).counts.users.value == derived
    assert page.users.placeholderText() == str(derived)


def test_margin_under_target_is_flagged_in_words(qtbot, page):
    retype(qtbot, page.discount, "20")
    m = page.margins_model
    rows = {m.index(r, 0).data(): m.index(r, 4) for r in range(m.rowCount())}
    assert rows["First year"].data().endswith(", under 40%")
    assert rows["First year"].data(Qt.ItemDataRole.DecorationRole) is not None
    assert "first-year total" in page.warnings.text() and page.warnings_box.isVisible()


def test_lanes_and_credit(qtbot, page):
    before = page.service.offer.quote(page.engagement_id)
    qtbot.mouseClick(page.lane_boxes[Lane.RUN], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.credit, Qt.MouseButton.LeftButton)
    after = page.service.offer.quote(page.engagement_id)
    assert [lf.lane.value for lf in after.monthly.lanes] == ["change", "govern"]
    assert after.stabilization.credit == 0 < before.stabilization.credit
    assert page.fixed_net.text() == fmt.money_cur(after.stabilization_fee, "USD")


def test_the_page_says_what_fee_would_meet_the_margin_target(qtbot, page):
    from discovery_app.domain.locale_text import format_money

    assert not page.target_advice.isVisible()  # the demo meets its form's target
    retype(qtbot, page.discount, "20")
    text = page.target_advice.text()
    assert page.target_advice.isVisible() and text.startswith("To meet the 40% margin target: ")
    q = page.service.offer.quote(page.engagement_id)
    gap = next(g for g in q.target_gaps() if g.scope == "monthly")
    # Money as the locale writes it everywhere else on the page, thousands grouped: "$3,451.45".
    assert f"a monthly fee of {format_money(gap.needed, q.locale, q.currency)} (now " in text
    assert format_money(gap.needed, q.locale, q.currency) != f"{gap.needed:.2f}"
    assert gap.needed > gap.price


def test_the_discount_reason_says_it_is_printed_for_the_client(page):
    from PySide6.QtWidgets import QLabel

    assert any("printed in the proposal" in w.text() for w in page.findChildren(QLabel) if w.buddy() is page.reason)

"""Facts typed on the Client & sites page are the questionnaire's answers: one value, kept in step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_helpers import show_page

from discovery_app.services import ServiceError
from discovery_app.ui.workspace.interview.client import ClientPage


@pytest.fixture
def page(qtbot, demo_context):
    return show_page(qtbot, ClientPage(demo_context), activate=True)


def test_the_industry_is_chosen_from_the_questionnaires_choices_and_stored_as_its_answer(qtbot, page):
    svc, eid = page.service, page.engagement_id
    combo = page.industry_combo
    assert combo is not None and combo.currentText() == "Accounting and tax"  # the demo's answer
    assert svc.interview.answers(eid)["industry"][0] == "accounting"

    combo.setFocus()
    combo.setCurrentIndex(combo.findText("Legal") - 1)
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # picked by keys
    page.flush()
    qtbot.waitUntil(lambda: svc.interview.answers(eid)["industry"][0] == "legal")
    assert svc.engagements.header(eid).industry == "Legal"

    # Answered in the questionnaire instead: the client page follows.
    svc.interview.set_answer(eid, "industry", "healthcare")
    assert svc.engagements.header(eid).industry == "Healthcare (clinics, dental, home care)"
    page.load()
    assert combo.currentText() == "Healthcare (clinics, dental, home care)"


def test_the_internal_it_owner_typed_on_the_client_page_is_the_answer(qtbot, page):
    svc, eid = page.service, page.engagement_id
    edit = page.edits["internal_it_owner"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Priya Shah")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: svc.interview.answers(eid)["internal_it_owner"][0] == "Priya Shah")
    assert svc.engagements.header(eid).internal_it_owner == "Priya Shah"
    assert svc.documents.report(eid).client.internal_it_owner == "Priya Shah"


def test_an_industry_the_form_does_not_offer_is_refused_in_words(demo):
    svc, eid = demo
    with pytest.raises(ServiceError, match="is not one of the form's choices"):
        svc.interview.update(eid, industry="Space mining")
    assert svc.interview.answers(eid)["industry"][0] == "accounting"


def test_a_new_engagement_stores_the_owner_it_was_given_as_the_answer(demo):
    svc, _ = demo
    eid = svc.engagements.create("Nordic Cabins", internal_it_owner="Ola Berg", industry="legal")
    assert svc.interview.answers(eid)["internal_it_owner"][0] == "Ola Berg"
    assert svc.interview.answers(eid)["industry"][0] == "legal"
    assert svc.engagements.header(eid).industry == "Legal"

"""Typing numbers, money, percents and dates under de_DE, fr_CH, en_IN and en_US: what is stored.

Each field kind is driven with real key presses (pytest-qt) in the window's locale; the store must
hold the value the consultant meant, or nothing new with the reason shown in place.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from ui_helpers import show_page

from discovery_app.ui import app_locale
from discovery_app.ui.workspace.interview.client import ClientPage
from discovery_app.ui.workspace.interview.questions import AnswerBook, QuestionPage
from discovery_app.ui.workspace.offer.pricing_page import PricingPage
from discovery_app.ui.workspace.page import PageContext


@pytest.fixture
def window_locale():
    def use(locale: str) -> None:
        app_locale.set_current(locale)

    yield use
    app_locale.set_current("en_US")


@pytest.fixture
def mini(service):
    return service, service.engagements.create("Acme", form_key="mini")


def question_page(qtbot, service, eid, section_id: str) -> QuestionPage:
    form = service.forms.of(service.engagements.header(eid))
    book = AnswerBook(service, eid, form)
    book.load()
    section = next(s for s in form.questionnaire.sections if s.id == section_id)
    return show_page(qtbot, QuestionPage(PageContext(service, eid, QUndoStack()), section, book), activate=True)


def type_into(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def stored(service, eid, qid):
    return service.interview.answers(eid).get(qid, (None, ""))[0]


# ---- answers ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "budget", "ratio", "employees", "renewal", "shown_budget"), [
    ("de_DE", "1.234,50", "12,5", "1234", "15.01.2026", "1.234,50"),
    ("de_DE", "4.500", "1,5", "45", "2026-01-15", "4.500,00"),
    ("fr_CH", "1'234,50", "12,5", "1234", "15.01.2026", "1'234,50"),
    ("en_IN", "12,34,567.50", "12.5", "1,234", "15/01/2026", "12,34,567.50"),
    ("en_US", "$1,234.50", "12.5", "1,234", "1/15/2026", "1,234.50"),
])
def test_answers_typed_in_the_locale_are_stored_as_meant(qtbot, mini, window_locale, locale, budget, ratio,
                                                         employees, renewal, shown_budget):
    service, eid = mini
    window_locale(locale)
    money = question_page(qtbot, service, eid, "money")
    type_into(qtbot, money.fields["budget"].editor, budget)
    type_into(qtbot, money.fields["ratio"].editor, ratio)
    type_into(qtbot, money.fields["renewal"].date_edit, renewal)
    profile = question_page(qtbot, service, eid, "profile")
    type_into(qtbot, profile.fields["employee_count"].editor, employees)
    profile.flush()
    money.flush()

    expected_budget = str(Decimal(budget.replace("$", "").replace("'", "").replace(".", "").replace(",", "."))
                          .quantize(Decimal("0.01"))) if locale in ("de_DE", "fr_CH") else \
        str(Decimal(budget.replace("$", "").replace(",", "")).quantize(Decimal("0.01")))
    assert stored(service, eid, "budget") == expected_budget
    assert stored(service, eid, "ratio") in ("12.5", "1.5")
    assert stored(service, eid, "employee_count") in (1234, 45)
    assert stored(service, eid, "renewal") == "2026-01-15"
    # Shown back as the locale writes what was stored: how it was read.
    assert money.fields["budget"].editor.text() == shown_budget
    assert money.fields["renewal"].date_edit.text() == {"en_US": "1/15/2026", "en_IN": "15/01/2026"}.get(
        locale, "15.01.2026")
    assert not any(f.has_error for f in (*money.fields.values(), *profile.fields.values()))


@pytest.mark.parametrize(("locale", "qid", "section", "typed", "says"), [
    ("de_DE", "employee_count", "profile", "1.234", "could mean 1234 or 1.234"),
    ("de_DE", "employee_count", "profile", "12,5", "whole number"),
    ("de_DE", "ratio", "money", "1.250", "could mean 1250 or 1.250"),
    ("en_US", "ratio", "money", "12,5", "Did you mean 12.5?"),
    ("en_IN", "budget", "money", "1.234,50", "Did you mean 1,234.5?"),
    ("fr_CH", "budget", "money", "4.500", "Did you mean 4,5?"),
    ("en_US", "renewal", "money", "15/01/2026", "month 15"),
    ("de_DE", "renewal", "money", "15. Januar", "DD.MM.YYYY"),
])
def test_what_could_be_misread_is_refused_in_place_and_not_stored(qtbot, mini, window_locale, locale, qid, section,
                                                                   typed, says):
    service, eid = mini
    window_locale(locale)
    page = question_page(qtbot, service, eid, section)
    field = page.fields[qid]
    type_into(qtbot, field.date_edit if qid == "renewal" else field.editor, typed)
    page.flush()
    assert stored(service, eid, qid) is None
    assert field.has_error and says in field.error_label.text()
    assert page.has_problem()  # the navigator marks the section; nothing misread was stored


def test_a_date_typed_over_another_replaces_it_whole(qtbot, mini, window_locale):
    # QDateEdit edited one section: "2026-01-15" typed over 2023-09-14 stored 2023-01-15.
    service, eid = mini
    window_locale("de_DE")
    service.interview.set_answer(eid, "renewal", "2023-09-14")
    page = question_page(qtbot, service, eid, "money")
    edit = page.fields["renewal"].date_edit
    assert edit.text() == "14.09.2023"
    type_into(qtbot, edit, "2026-01-15")
    page.flush()
    assert stored(service, eid, "renewal") == "2026-01-15"
    assert edit.text() == "15.01.2026"


# ---- pricing inputs -----------------------------------------------------------------------------

@pytest.fixture
def pricing(qtbot, demo_context, window_locale):
    def make(locale: str) -> PricingPage:
        window_locale(locale)
        return show_page(qtbot, PricingPage(demo_context), activate=True)

    return make


def retype(qtbot, edit, text):
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


@pytest.mark.parametrize(("locale", "discount", "users", "expected_pct"), [
    ("de_DE", "12,5", "1234", Decimal("12.5")),
    ("fr_CH", "12,5", "1'234", Decimal("12.5")),
    ("en_IN", "12.5", "1,234", Decimal("12.5")),
    ("en_US", "12.5", "1,234", Decimal("12.5")),
])
def test_pricing_inputs_read_in_the_locale(qtbot, pricing, locale, discount, users, expected_pct):
    page = pricing(locale)
    retype(qtbot, page.discount, discount)
    retype(qtbot, page.users, users)
    page.context.ops and page.context.ops.wait()
    inputs = page.service.offer.pricing_inputs(page.engagement_id)
    assert inputs.discount_percent == expected_pct
    assert inputs.user_count_override == 1234
    assert page.counts_error.isHidden() and page.discount_error.isHidden()


def test_german_thousands_in_a_count_is_refused_not_stored_as_1(qtbot, pricing):
    # Qt's German validator let "1.234" through: the store kept 1 and said "must be a whole number".
    page = pricing("de_DE")
    kind = next(iter(page.device_edits))
    before = page.service.offer.pricing_inputs(page.engagement_id).device_count_overrides.get(kind)
    retype(qtbot, page.device_edits[kind], "1.234")
    # The "1" read on the first key press is taken back: the store holds what it held before.
    assert page.service.offer.pricing_inputs(page.engagement_id).device_count_overrides.get(kind) == before
    message = page.counts_error.text()
    assert not page.counts_error.isHidden()
    assert "could mean 1234 or 1.234" in message and "Not saved" in message
    assert f"the price still uses {before if before is not None else 'the inventory'}" in message
    assert page.has_problem()  # the navigator marks Pricing while the refusal shows
    retype(qtbot, page.device_edits[kind], "1234")
    assert page.service.offer.pricing_inputs(page.engagement_id).device_count_overrides[kind] == 1234
    assert page.counts_error.isHidden()


def test_en_us_reads_12_comma_5_discount_as_nothing_it_guesses(qtbot, pricing):
    page = pricing("en_US")
    before = page.service.offer.pricing_inputs(page.engagement_id).discount_percent
    retype(qtbot, page.discount, "12,5")
    # "12" was read while typing; "12,5" is refused and the discount from before the typing is back.
    assert page.service.offer.pricing_inputs(page.engagement_id).discount_percent == before
    assert "Did you mean 12.5?" in page.discount_error.text()
    assert f"the price still uses {before.normalize():f}%" in page.discount_error.text()
    retype(qtbot, page.discount, "12.5")
    assert page.service.offer.pricing_inputs(page.engagement_id).discount_percent == Decimal("12.5")
    assert page.discount_error.isHidden()


def test_german_page_shows_figures_the_german_way(qtbot, pricing):
    page = pricing("de_DE")
    assert page.discount.text() == "5"
    retype(qtbot, page.discount, "7,5")
    assert "7,5\xa0%" in page.discount_summary.text()
    assert "," in page.fixed_net.text() and page.fixed_net.text().startswith("USD ")
    cents = page.fixed_net.text().split(",")[-1]
    assert len(cents) == 2


# ---- client discovery date ----------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "typed"), [("de_DE", "15.01.2026"), ("fr_CH", "15.1.26"),
                                               ("en_IN", "15/01/2026"), ("en_US", "1/15/2026"),
                                               ("en_US", "2026-01-15")])
def test_discovery_date_typed_in_the_locale(qtbot, demo_context, window_locale, locale, typed):
    window_locale(locale)
    page = show_page(qtbot, ClientPage(demo_context), activate=True)
    type_into(qtbot, page.date_edit, typed)
    page.focus_first()
    assert page.service.interview.client_details(page.engagement_id)["discovery_date"] == date(2026, 1, 15)


def test_discovery_date_that_is_not_a_date_is_said_not_dropped(qtbot, demo_context, window_locale):
    window_locale("de_DE")
    page = show_page(qtbot, ClientPage(demo_context), activate=True)
    before = page.service.interview.client_details(page.engagement_id)["discovery_date"]
    type_into(qtbot, page.date_edit, "1/15/2026")
    page.focus_first()
    assert page.service.interview.client_details(page.engagement_id)["discovery_date"] == before
    assert not page.errors["discovery_date"].isHidden()
    assert "DD.MM.YYYY" in page.errors["discovery_date"].text()


# ---- table cells: site users, remediation hours, inventory dates --------------------------------

@pytest.mark.parametrize(("locale", "typed", "stored", "says"), [
    ("en_US", "1,200", 1200, None),
    ("en_US", "1,5", None, "Did you mean 1.5?"),  # was stored as 15
    ("de_DE", "1200", 1200, None),
    ("de_DE", "1.200", None, "could mean 1200 or 1.200"),
    ("de_DE", "12,5", None, "whole number"),
])
def test_site_user_counts_typed_in_a_table_cell(qtbot, window_locale, locale, typed, stored, says):
    from discovery_app.domain.engagement import Site
    from discovery_app.ui.workspace.interview.client import SITE_COLUMNS
    from discovery_app.ui.workspace.table_models import RecordTableModel

    window_locale(locale)
    saved, refused = [], []
    model = RecordTableModel(SITE_COLUMNS, saved.append)
    model.refused.connect(refused.append)
    model.set_records([Site(name="HQ")])
    model.setData(model.index(0, 2), typed, Qt.ItemDataRole.EditRole)
    if stored is None:
        assert not saved and says in refused[0]
    else:
        assert saved[-1][0]["user_count"] == stored and not refused


@pytest.mark.parametrize(("locale", "typed", "hours", "says"), [
    ("de_DE", "1,5", Decimal("1.5"), None),
    ("de_DE", "1.5", None, "Did you mean 1,5?"),
    ("en_US", "1,5", None, "Did you mean 1.5?"),  # was read as 1.5 whatever the locale
    ("en_US", "2.25h", Decimal("2.25"), None),
    ("en_IN", "1,234.5", Decimal("1234.5"), None),
])
def test_remediation_hours_read_in_the_locale(window_locale, locale, typed, hours, says):
    from discovery_app.domain.locale_text import ReadError
    from discovery_app.ui.workspace.remediation.remediation_model import hours_text, read_hours

    window_locale(locale)
    if hours is None:
        with pytest.raises(ReadError, match=says):
            read_hours(typed)
    else:
        assert read_hours(typed) == hours
        assert read_hours(hours_text(hours)) == hours  # shown the way it is read back


def test_fit_page_and_summary_show_stored_values_in_the_locale(service, window_locale):
    from discovery_app.ui.workspace.interview.fit_page import answer_text
    from discovery_app.ui.workspace.summary_panel import money

    eid = service.engagements.create("Acme", form_key="mini")
    form = service.forms.of(service.engagements.header(eid))
    window_locale("de_DE")
    assert answer_text(form, "budget", "1234.50") == "1.234,50"
    assert answer_text(form, "ratio", "12.5") == "12,5"
    assert answer_text(form, "renewal", "2026-01-15") == "15.01.2026"
    assert money(Decimal("24376.5"), "EUR") == "EUR 24.376,50"
    window_locale("en_IN")
    assert answer_text(form, "budget", "1234567.50") == "12,34,567.50"

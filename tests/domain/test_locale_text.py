"""Numbers and dates as people write them in de_DE, fr_CH, en_IN and en_US: read right or refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discovery_app.domain import locale_text as lt
from discovery_app.domain.locale_text import Kind, ReadError

LOCALES = ("de_DE", "fr_CH", "en_IN", "en_US")


@pytest.mark.parametrize(("locale", "text", "kind", "expected"), [
    # The readings the issue saw go wrong under German settings.
    ("de_DE", "12,5", Kind.DECIMAL, Decimal("12.5")),
    ("de_DE", "1,5", Kind.DECIMAL, Decimal("1.5")),
    ("de_DE", "1.234,50", Kind.MONEY, Decimal("1234.50")),
    ("de_DE", "4.500", Kind.MONEY, Decimal("4500")),
    ("de_DE", "4.500,00 €", Kind.MONEY, Decimal("4500.00")),
    ("de_DE", "12,5 %", Kind.PERCENT, Decimal("12.5")),
    ("de_DE", "1234", Kind.WHOLE, Decimal("1234")),
    ("de_DE", "−3,5", Kind.DECIMAL, Decimal("-3.5")),
    ("fr_CH", "12,5", Kind.DECIMAL, Decimal("12.5")),
    ("fr_CH", "1'234,50", Kind.MONEY, Decimal("1234.50")),
    ("fr_CH", "1 234,50", Kind.MONEY, Decimal("1234.50")),
    ("fr_CH", "1\u202f234,50", Kind.MONEY, Decimal("1234.50")),
    ("en_IN", "12,34,567.50", Kind.MONEY, Decimal("1234567.50")),
    ("en_IN", "1,234,567.50", Kind.MONEY, Decimal("1234567.50")),  # grouped in threes: same value
    ("en_IN", "₹1,00,000", Kind.MONEY, Decimal("100000")),
    ("en_US", "1,234", Kind.WHOLE, Decimal("1234")),
    ("en_US", "$24,376.50", Kind.MONEY, Decimal("24376.50")),
    ("en_US", "12.5%", Kind.PERCENT, Decimal("12.5")),
    ("en_US", " 12 ", Kind.WHOLE, Decimal("12")),
])
def test_reads_numbers_as_the_locale_writes_them(locale, text, kind, expected):
    got = lt.parse_number(text, locale, kind, currency="EUR" if locale != "en_IN" else "INR")
    assert got == expected


@pytest.mark.parametrize(("locale", "text", "kind", "says"), [
    # A "." that may group thousands or mark decimals, in a count: refused, both readings named.
    ("de_DE", "1.234", Kind.WHOLE, "could mean 1234 or 1.234"),
    ("de_DE", "1.250", Kind.DECIMAL, "could mean 1250 or 1.250"),
    # A decimal in a whole-number field.
    ("de_DE", "12,5", Kind.WHOLE, "whole number"),
    ("en_US", "1.5", Kind.WHOLE, "whole number"),
    # The other convention: said how it was read and what was probably meant.
    ("en_US", "12,5", Kind.DECIMAL, "Did you mean 12.5?"),
    ("en_IN", "1,5", Kind.DECIMAL, "Did you mean 1.5?"),
    ("en_US", "1.234,50", Kind.MONEY, "Did you mean 1,234.5?"),
    ("de_DE", "1234.5", Kind.DECIMAL, "Did you mean 1.234,5?"),
    ("de_DE", "1.5", Kind.DECIMAL, "Did you mean 1,5?"),
    ("fr_CH", "4.500", Kind.MONEY, "Did you mean 4,5?"),
    # Not numbers at all.
    ("en_US", "1e5", Kind.DECIMAL, "not a number"),
    ("en_US", "12 apples", Kind.DECIMAL, "not a number"),
    ("en_US", "1.2.3", Kind.DECIMAL, "not a number"),
    ("en_US", "1,2345", Kind.DECIMAL, "not a number"),
    ("de_DE", "-", Kind.DECIMAL, "not a number"),
])
def test_refuses_what_could_be_misread_and_says_how_it_read_it(locale, text, kind, says):
    with pytest.raises(ReadError) as info:
        lt.parse_number(text, locale, kind)
    assert says in str(info.value)
    assert text.strip() in str(info.value)


def test_money_has_at_most_cents():
    with pytest.raises(ReadError, match="more than two decimals"):
        lt.parse_money("12,345", "de_DE")
    assert lt.parse_money("12,34", "de_DE") == Decimal("12.34")


def test_formats_for_the_locale():
    n = Decimal("1234567.5")
    assert lt.format_number(n, "de_DE") == "1.234.567,5"
    assert lt.format_number(n, "en_IN") == "12,34,567.5"
    assert lt.format_amount(n, "en_IN") == "12,34,567.50"
    assert lt.format_amount(n, "en_US") == "1,234,567.50"
    assert lt.format_percent(Decimal("12.50"), "de_DE") == "12,5\xa0%"
    assert lt.format_percent(Decimal("12.50"), "en_US") == "12.5%"
    assert lt.format_percent(Decimal("15.00"), "en_US") == "15%"
    assert lt.format_money(Decimal("24376.5"), "de_DE", "EUR") == "24.376,50\xa0€"
    assert lt.format_money(Decimal("24376.5"), "en_US", "USD") == "$24,376.50"


@pytest.mark.parametrize(("locale", "text"), [
    ("de_DE", "15.01.2026"), ("de_DE", "15.1.26"), ("de_DE", "2026-01-15"),
    ("fr_CH", "15.01.2026"), ("fr_CH", "2026-01-15"),
    ("en_IN", "15/01/2026"), ("en_IN", "15/1/26"), ("en_IN", "2026-01-15"),
    ("en_US", "1/15/2026"), ("en_US", "01/15/26"), ("en_US", "2026-01-15"),
])
def test_dates_in_the_short_form_and_in_iso(locale, text):
    assert lt.parse_date(text, locale) == date(2026, 1, 15)


@pytest.mark.parametrize(("locale", "text", "says"), [
    ("en_US", "15/01/2026", "read as day 1, month 15"),
    ("de_DE", "31.02.2026", "not a day of the calendar"),
    ("de_DE", "15. Januar", "DD.MM.YYYY"),
    ("en_US", "next tuesday", "M/D/YYYY"),
    ("en_US", "1/15/202", "2026-01-15"),
])
def test_dates_that_do_not_read_are_refused(locale, text, says):
    with pytest.raises(ReadError, match=says):
        lt.parse_date(text, locale)


def test_short_dates_written_with_four_digit_years():
    d = date(2026, 1, 5)
    assert lt.format_date_short(d, "de_DE") == "05.01.2026"
    assert lt.format_date_short(d, "en_US") == "1/5/2026"
    assert lt.format_date_short(d, "en_IN") == "05/01/2026"


def test_empty_locale_is_the_computers(monkeypatch):
    for var in ("LC_ALL", "LC_NUMERIC", "LC_CTYPE", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert lt.resolve("") == "de_DE"
    monkeypatch.setenv("LANG", "C")
    assert lt.resolve(None) == "en_US"
    assert lt.resolve("xx_YY") == "en_US"


decimals = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4,
                       allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(value=decimals, locale=st.sampled_from(lt.SUPPORTED_LOCALES))
def test_format_then_parse_gives_the_same_decimal(value, locale):
    assert lt.parse_number(lt.format_number(value, locale), locale, Kind.MONEY) == value


@settings(max_examples=100, deadline=None)
@given(cents=st.integers(min_value=-10**12, max_value=10**12), locale=st.sampled_from(lt.SUPPORTED_LOCALES))
def test_money_and_percent_round_trip(cents, locale):
    amount = Decimal(cents).scaleb(-2)
    assert lt.parse_money(lt.format_amount(amount, locale), locale) == amount
    assert lt.parse_money(lt.format_money(amount, locale, "EUR"), locale, "EUR") == amount
    points = Decimal(cents % 10001).scaleb(-2)
    assert lt.parse_percent(lt.format_percent(points, locale), locale) == points


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       locale=st.sampled_from(lt.SUPPORTED_LOCALES))
def test_date_format_then_parse_gives_the_same_day(day, locale):
    assert lt.parse_date(lt.format_date_short(day, locale), locale) == day
    assert lt.parse_date(day.isoformat(), locale) == day


@settings(max_examples=100, deadline=None)
@given(value=decimals, locale=st.sampled_from(lt.SUPPORTED_LOCALES))
def test_what_an_input_field_shows_reads_back_as_the_same_decimal(value, locale):
    # Fields show counts and decimals without grouping, so "1.234" never has to be guessed at.
    shown = lt.format_number(value, locale, grouping=False)
    assert lt.parse_number(shown, locale, Kind.DECIMAL) == value
    if value == value.to_integral_value():
        assert lt.parse_whole(lt.format_number(value.quantize(Decimal(1)), locale, grouping=False), locale) == value


def test_money_and_hours_round_half_up_in_every_document_and_screen():
    # One formatter for the window and the documents; a half cent rounds up, never to even.
    assert lt.format_money(Decimal("0.125"), "en_US", "USD") == "$0.13"
    assert lt.format_amount(Decimal("2.345"), "de_DE") == "2,35"
    assert lt.format_hours(Decimal("12.50"), "en_US") == "12.5"
    assert lt.format_hours(Decimal("1234"), "de_DE") == "1.234"

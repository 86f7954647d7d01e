from datetime import date
from pathlib import Path

import pytest

from discovery_app.domain.answers import AnswerError, normalise, progress, visible_values
from discovery_app.formsio import load_package

FORM = load_package(Path(__file__).parents[1] / "fixtures" / "forms" / "mini").package
Q = FORM.questionnaire


def n(qid, value):
    return normalise(Q.question(qid), value, Q)


def test_values_are_normalised_to_their_stored_form():
    assert n("employee_count", " 45 ") == 45
    assert n("employee_count", "1,200") == 1200
    assert n("has_internal_it", "yes") is True
    assert n("has_internal_it", False) is False
    assert n("budget", "$12,500") == "12500.00"
    assert n("renewal", date(2027, 3, 31)) == "2027-03-31"
    assert n("renewal", "2027-03-31") == "2027-03-31"
    assert n("regs", ["pci_dss", "hipaa", "pci_dss"]) == ["hipaa", "pci_dss"]
    assert n("docs", 4) == 4
    assert n("ratio", "0.50") == "0.50"
    assert n("notes", "") is None


@pytest.mark.parametrize(
    ("qid", "value", "message"),
    [
        ("employee_count", "0", "at least 1"),
        ("employee_count", "4.5", "whole number"),
        ("employee_count", "many", "a number"),
        ("employee_count", "NaN", "a number"),
        ("has_internal_it", "perhaps", "yes or no"),
        ("adopt", "sometimes", "not one of the choices"),
        ("regs", ["sox"], "not one of the choices"),
        ("renewal", "31/03/2027", "YYYY-MM-DD"),
        ("docs", 6, "at most 5"),
        ("budget", "-5", "at least 0"),
    ],
)
def test_bad_values_say_what_is_wrong(qid, value, message):
    with pytest.raises(AnswerError, match=message):
        n(qid, value)


def test_conditional_question_counts_only_when_shown():
    without = progress(Q, {"employee_count": 10, "has_internal_it": False})
    assert without.required == 2 and without.complete
    shown = progress(Q, {"employee_count": 10, "has_internal_it": True})
    assert shown.required == 3 and shown.missing == ("internal_it_owner",)
    assert "internal_it_owner" not in visible_values(Q, {"has_internal_it": False, "internal_it_owner": "Sam"})


@pytest.mark.parametrize(("locale", "qid", "typed", "stored"), [
    # What the issue saw misread under German settings, stored right.
    ("de_DE", "ratio", "12,5", "12.5"),
    ("de_DE", "ratio", "1,5", "1.5"),
    ("de_DE", "budget", "1.234,50", "1234.50"),
    ("de_DE", "budget", "4.500", "4500.00"),
    ("de_DE", "employee_count", "1234", 1234),
    ("de_DE", "renewal", "15.01.2026", "2026-01-15"),
    ("fr_CH", "budget", "1'234,50", "1234.50"),
    ("fr_CH", "renewal", "15.01.2026", "2026-01-15"),
    ("en_IN", "budget", "12,34,567.50", "1234567.50"),
    ("en_IN", "renewal", "15/01/2026", "2026-01-15"),
    ("en_US", "budget", "$1,234.50", "1234.50"),
    ("en_US", "renewal", "1/15/2026", "2026-01-15"),
    ("en_US", "renewal", "2026-01-15", "2026-01-15"),
])
def test_typed_values_are_read_in_the_locale(locale, qid, typed, stored):
    assert normalise(Q.question(qid), typed, Q, locale) == stored


@pytest.mark.parametrize(("locale", "qid", "typed", "message"), [
    ("de_DE", "employee_count", "1.234", "could mean 1234 or 1.234"),
    ("de_DE", "employee_count", "12,5", "whole number"),
    ("de_DE", "budget", "12,345", "more than two decimals"),
    ("en_US", "ratio", "12,5", "Did you mean 12.5"),
    ("en_US", "renewal", "15.01.2026", "month 15"),
])
def test_typed_values_that_could_be_misread_are_refused(locale, qid, typed, message):
    with pytest.raises(AnswerError, match=message):
        normalise(Q.question(qid), typed, Q, locale)


def test_without_a_locale_a_comma_is_never_deleted_blindly():
    # The old reader deleted every comma: "12,5" became 125.
    with pytest.raises(AnswerError, match="Did you mean 12.5"):
        n("ratio", "12,5")

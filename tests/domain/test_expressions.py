import pytest

from discovery_app.domain.expressions import ExpressionError, parse


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("has_it == true", {"has_it": True}, True),
        ("has_it == true", {"has_it": False}, False),
        ("has_it == true", {}, False),
        ("employees >= 20 and employees < 250", {"employees": 45}, True),
        ("employees >= 20 and employees < 250", {"employees": 300}, False),
        ("employees > 10", {}, False),  # unanswered never satisfies an ordering
        ("not (employees > 10)", {}, True),
        ("'pci_dss' in regs", {"regs": ["hipaa", "pci_dss"]}, True),
        ("'pci_dss' not in regs", {"regs": ["hipaa"]}, True),
        ("'pci_dss' in regs", {"regs": None}, False),
        ("coverage in ['extended', 'round_the_clock']", {"coverage": "extended"}, True),
        ("coverage != 'business_hours' or sites > 1", {"coverage": "business_hours", "sites": 2}, True),
        ("budget >= 10000.50", {"budget": "10000.50"}, False),  # money is a string: no silent coercion
        ("ratio > 0.5", {"ratio": 0.75}, True),
        ("1 < count < 5", {"count": 3}, True),
        ("owner == null", {}, True),
    ],
)
def test_conditions_evaluate(text, values, expected):
    assert parse(text).evaluate(values) is expected


def test_names_are_collected_without_constants():
    assert parse("a == true and b in ['x'] or not c").names == {"a", "b", "c"}


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hi')",
        "a.b == 1",
        "a[0] == 1",
        "a + 1 == 2",
        "lambda: 1",
        "(x := 1)",
        "a == ",
        "f'{a}' == 'x'",
    ],
)
def test_anything_but_the_small_language_is_refused(text):
    with pytest.raises(ExpressionError):
        parse(text)


def test_syntax_error_names_the_condition():
    with pytest.raises(ExpressionError, match="a =="):
        parse("a ==")

"""Text for money, percents and counts on the offer pages: Decimal in, text out, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ...domain import pricing as pricing_mod


def money(amount: Decimal) -> str:
    """``Decimal("12350")`` -> ``"12,350.00"`` (cents, half up, grouped; a minus for credits)."""
    return f"{Decimal(pricing_mod.money_str(amount)):,}"


def money_cur(amount: Decimal, currency: str) -> str:
    """``"USD 12,350.00"``: the currency once, for totals."""
    return f"{currency} {money(amount)}"


def percent(value: Decimal) -> str:
    """``Decimal("40.00")`` -> ``"40 %"``, ``Decimal("37.50")`` -> ``"37.5 %"``."""
    return f"{pricing_mod.percent_text(value)} %"


def whole_percent(value: Decimal) -> str:
    """``Decimal("53.85")`` -> ``"54 %"``: shares shown at a glance (half up, no float)."""
    return f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP)} %"


def signed_money(amount: Decimal) -> str:
    return ("+" if amount > 0 else "") + money(amount)


def quantity(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return pricing_mod.percent_text(value)
    return f"{value:,}"


def role(role_id: str | None) -> str:
    """An approval-matrix role for people: ``ceo`` -> ``CEO``, ``service_leader`` -> ``service leader``."""
    return pricing_mod.role_label(role_id or "")

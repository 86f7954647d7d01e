"""Text for money, percents and counts on the offer pages: Decimal in, text out, never float.

Written in the window's locale (:mod:`discovery_app.ui.app_locale`) by the domain's one formatter
(:mod:`discovery_app.domain.locale_text`): ``12,350.00`` under en_US, ``12.350,00`` under de_DE.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ....domain import locale_text
from ....domain import pricing as pricing_mod
from ... import app_locale


def money(amount: Decimal) -> str:
    """``Decimal("12350")`` -> ``"12,350.00"`` (cents, half up, grouped; a minus for credits)."""
    return locale_text.format_amount(pricing_mod.cents(amount), app_locale.current())


def money_cur(amount: Decimal, currency: str) -> str:
    """``"USD 12,350.00"``: the currency once, for totals."""
    return f"{currency} {money(amount)}"


def percent(value: Decimal) -> str:
    """``Decimal("40.00")`` -> ``"40%"``, ``Decimal("37.50")`` -> ``"37.5%"`` (``"37,5 %"`` in de_DE)."""
    return locale_text.format_percent(value, app_locale.current())


def whole_percent(value: Decimal) -> str:
    """``Decimal("53.85")`` -> ``"54%"``: shares shown at a glance (half up, no float)."""
    return locale_text.format_percent(value.quantize(Decimal(1), rounding=ROUND_HALF_UP), app_locale.current())


def day(d: date) -> str:
    """A date in the window's locale, short with a four-digit year: ``1/15/2026``, ``15.01.2026``."""
    return locale_text.format_date_short(d, app_locale.current())


def signed_money(amount: Decimal) -> str:
    return ("+" if amount > 0 else "") + money(amount)


def quantity(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return locale_text.format_number(value.normalize(), app_locale.current())
    return locale_text.format_whole(value, app_locale.current())


def role(role_id: str | None) -> str:
    """An approval-matrix role for people: ``ceo`` -> ``CEO``, ``service_leader`` -> ``service leader``."""
    return pricing_mod.role_label(role_id or "")

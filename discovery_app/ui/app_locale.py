"""The locale the window reads and writes numbers, money, percents and dates in.

One value for the whole window, set from Settings (the provider's locale, or this computer's when
Settings leaves it empty) when a store is opened and whenever Settings are saved. Widgets read it
when they show or read a value; the rules themselves live in :mod:`discovery_app.domain.locale_text`.
"""

from __future__ import annotations

from ..domain import locale_text

_current = locale_text.DEFAULT_LOCALE


def current() -> str:
    """The Babel locale name in use (``en_US``, ``de_DE``, ...)."""
    return _current


def set_current(locale: str | None) -> str:
    """Use ``locale`` from now on (``""``/None: this computer's); returns the locale in use."""
    global _current
    _current = locale_text.resolve(locale)
    return _current


def from_service(service: object) -> str:
    """Take the locale from the store's settings (the provider profile)."""
    try:
        locale = service.settings.current().profile.locale  # type: ignore[attr-defined]
    except Exception:  # a store that cannot say keeps the default
        locale = locale_text.DEFAULT_LOCALE
    return set_current(locale)

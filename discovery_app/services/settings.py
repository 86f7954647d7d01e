"""The application settings: the provider profile the documents are branded with, the default
form, the currency, and the provider's own commercial terms.

Settings live in the store's ``setting`` table as JSON values under fixed keys, so they travel
with the database and survive app upgrades. They are read leniently: a value an older or newer
version wrote that no longer fits falls back to its default instead of failing the app.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from ..domain.provider import PROFILE_KEY, ProviderProfile
from .base import Feature, ServiceError

log = logging.getLogger("discovery_app.services.settings")

DEFAULT_FORM_KEY = "default_form"
CURRENCY_KEY = "currency"
TERMS_KEY = "commercial_terms"


@dataclass(frozen=True)
class AppSettings:
    profile: ProviderProfile
    default_form: str | None  # a form key ("id@version") or id; None: the newest form
    currency: str  # ISO 4217 code used when a form does not say otherwise


class Settings(Feature):
    """Read and change the application settings."""

    def get(self, key: str, default: Any = None) -> Any:
        """The stored value of one setting (JSON), or ``default``."""
        return self.core.setting(key, default)

    def set(self, key: str, value: Any) -> None:
        self.core.set_setting(key, value)

    def current(self) -> AppSettings:
        profile = self.provider()
        default_form = self.core.setting(DEFAULT_FORM_KEY)
        if not isinstance(default_form, str) or not any(
                default_form.partition("@")[0] == p.id for p in self.core.forms.available()):
            default_form = None
        currency = self.core.setting(CURRENCY_KEY)
        if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
            currency = "USD"
        return AppSettings(profile, default_form, currency)

    def save(self, profile: ProviderProfile | dict[str, Any], default_form: str | None, currency: str) -> AppSettings:
        """Check and store the settings; nothing is stored when any part is wrong."""
        try:
            prof = ProviderProfile.model_validate(profile.model_dump() if isinstance(profile, BaseModel) else profile)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = str(err["loc"][0]).replace("_", " ") if err["loc"] else "profile"
            raise ServiceError(f"Provider profile, {field}: {err['msg'].lower()}.") from None
        currency = (currency or "").strip().upper()
        if not (len(currency) == 3 and currency.isalpha()):
            raise ServiceError("The currency must be a three-letter code such as USD, EUR or GBP.")
        if default_form:
            self.core.forms.get(default_form)  # raises ServiceError naming the installed forms
        self.core.set_setting(PROFILE_KEY, prof.model_dump(mode="json"))
        self.core.set_setting(DEFAULT_FORM_KEY, default_form or None)
        self.core.set_setting(CURRENCY_KEY, currency)
        return AppSettings(prof, default_form or None, currency)

    def commercial_terms(self) -> dict:
        """The provider's own commercial terms (Settings › Terms), laid over the form's."""
        value = self.core.setting(TERMS_KEY, {})
        return value if isinstance(value, dict) else {}

    def set_commercial_terms(self, terms: dict) -> dict:
        """Store the provider's own commercial terms; an empty value follows the form's. Refuses
        (nothing stored) a value out of range."""
        from pydantic import ValidationError

        from ..domain.forms import CommercialTerms

        kept = {k: v for k, v in terms.items() if v not in (None, "", 0)}
        try:
            CommercialTerms.model_validate(kept)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = str(err["loc"][0]).replace("_", " ") if err["loc"] else "terms"
            raise ServiceError(f"Commercial terms, {field}: {err['msg'].lower()}.") from None
        self.core.set_setting(TERMS_KEY, kept)
        return kept

    def provider(self) -> ProviderProfile:
        """The provider profile the documents are branded with (defaults for whatever is not set)."""
        return ProviderProfile.lenient(self.core.setting(PROFILE_KEY))

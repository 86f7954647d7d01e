"""Who the documents come from: the provider profile, as the Settings dialog stores it and as the
proposal, the plan and the workbook are branded with it. One model for both."""

from __future__ import annotations

import logging
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger("discovery_app.domain.provider")

#: The setting the profile is stored under.
PROFILE_KEY = "provider_profile"
#: What the documents call the provider before a name is set.
DEFAULT_PROVIDER = "Your IT Partner"
DEFAULT_BRAND = "#127C8A"
PAGE_SIZES = ("Letter", "A4")

# Keys older versions or hand-made profiles used, and the field each one means now.
_OLD_KEYS = {"provider_name": "name", "logo": "logo_path", "brand_color": "brand_colour", "colour": "brand_colour",
             "color": "brand_colour", "validity_days": "proposal_validity_days"}


class ProviderProfile(BaseModel):
    """The provider's name, logo, brand colour, contact, terms, paper and locale."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    name: str = Field(default="", max_length=200)
    logo_path: str = Field(default="", max_length=1000)  # a PNG or JPEG; empty: the documents' placeholder
    brand_colour: str = Field(default=DEFAULT_BRAND, pattern=r"^#[0-9a-fA-F]{6}$")
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=100)
    website: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=1000)
    contact: str = Field(default="", max_length=2000)  # free text, as older or hand-made profiles hold it
    proposal_validity_days: int = Field(default=30, ge=1, le=365)
    terms: str = Field(default="", max_length=20000)  # the provider's own terms, printed with the assumptions
    page_size: Literal["Letter", "A4"] = "Letter"
    # How numbers, money, percents and dates are read and written, in the window and the
    # documents (a Babel locale such as en_US, de_DE); "" follows this computer's locale.
    locale: str = Field(default="en_US", pattern=r"^([a-z]{2,3}(_[A-Z]{2})?)?$")

    @classmethod
    def lenient(cls, data: Any) -> ProviderProfile:
        """Read a stored profile; each field that does not fit any more keeps its default."""
        if not isinstance(data, dict):
            return cls()
        data = {_OLD_KEYS.get(k, k): v for k, v in data.items() if not (k in _OLD_KEYS and _OLD_KEYS[k] in data)}
        data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        if isinstance(data.get("page_size"), str):
            data["page_size"] = next((s for s in PAGE_SIZES if s.casefold() == data["page_size"].casefold()),
                                     data["page_size"])
        try:
            return cls.model_validate(data)
        except ValidationError:
            good: dict[str, Any] = {}
            for key, value in data.items():
                if key in cls.model_fields:
                    try:
                        cls.model_validate({key: value})
                    except ValidationError:
                        log.warning("setting %s.%s ignored: no longer valid", PROFILE_KEY, key)
                        continue
                    good[key] = value
            return cls.model_validate(good)

    # ---- as the documents show it ----------------------------------------------------------

    @property
    def display_name(self) -> str:
        """The name the documents print: the provider's, or a neutral one until it is set."""
        return self.name.strip() or DEFAULT_PROVIDER

    @property
    def contact_line(self) -> str:
        """The contact details in one line: address, person, phone, email, web."""
        parts = [self.contact, self.address.replace("\n", ", "), self.contact_name, self.contact_phone,
                 self.contact_email, self.website]
        return " · ".join(p.strip() for p in parts if p.strip())

    @property
    def validity_days(self) -> int:
        return self.proposal_validity_days

    @property
    def document_locale(self) -> str:
        """The Babel locale the documents are written in ("" is this computer's)."""
        from . import locale_text

        return locale_text.resolve(self.locale)

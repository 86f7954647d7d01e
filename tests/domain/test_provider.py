"""One provider profile: what the Settings dialog saves is what the documents are branded with."""

from discovery_app.domain import locale_text
from discovery_app.domain.provider import DEFAULT_BRAND, DEFAULT_PROVIDER, ProviderProfile


def test_an_empty_profile_brands_the_documents_with_neutral_defaults():
    p = ProviderProfile.lenient({})
    assert (p.display_name, p.brand_colour, p.validity_days, p.contact_line) == (DEFAULT_PROVIDER, DEFAULT_BRAND, 30, "")


def test_the_contact_parts_the_dialog_saves_make_one_line_in_the_documents():
    p = ProviderProfile.lenient({"name": " Harbor IT ", "address": "1 Pier St\nPortland", "contact_phone": "555-0100",
                                 "contact_email": "hello@harbor.example"})
    assert p.display_name == "Harbor IT"
    assert p.contact_line == "1 Pier St, Portland · 555-0100 · hello@harbor.example"


def test_profiles_written_by_hand_or_by_older_versions_still_read():
    p = ProviderProfile.lenient({"provider_name": "Old IT", "brand_color": "#0a7d5a", "validity_days": 45,
                                 "page_size": "a4", "contact": "call Ann"})
    assert (p.display_name, p.brand_colour, p.validity_days, p.page_size, p.contact_line) == (
        "Old IT", "#0a7d5a", 45, "A4", "call Ann")


def test_a_bad_field_keeps_its_default_and_the_rest_is_kept():
    p = ProviderProfile.lenient({"name": "Harbor IT", "brand_colour": "teal", "proposal_validity_days": 9999})
    assert (p.name, p.brand_colour, p.validity_days) == ("Harbor IT", DEFAULT_BRAND, 30)


def test_an_empty_locale_means_this_computers_in_the_documents_too():
    assert ProviderProfile.lenient({"locale": ""}).document_locale == locale_text.system_locale()
    assert ProviderProfile.lenient({"locale": "de_DE"}).document_locale == "de_DE"

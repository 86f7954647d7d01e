"""The workspace's use cases: client details, sites, contacts, notes, the timer and settings."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from discovery_app.domain.engagement import Contact, Site
from discovery_app.domain.provider import DEFAULT_BRAND, ProviderProfile
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.storage import repository as repo

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"
T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


@pytest.fixture
def paths(tmp_path):
    return AppPaths.resolve(tmp_path / "w.sqlite3")


@pytest.fixture
def service(paths):
    s = Discovery.open(paths, forms_root=FORMS)
    yield s
    s.close()


@pytest.fixture
def eid(service):
    return service.engagements.create("Acme", form_key="mini")


def test_client_fields_are_checked_and_stored(service, eid):
    assert service.interview.set_client_field(eid, "client_name", "  Acme Dental ") == "Acme Dental"
    service.interview.set_client_field(eid, "discovery_date", "2026-11-18")
    service.interview.set_client_field(eid, "notes", "Meet in the server room")
    details = service.interview.client_details(eid)
    assert details["client_name"] == "Acme Dental"
    assert details["discovery_date"] == date(2026, 11, 18)
    assert details["notes"] == "Meet in the server room"
    with pytest.raises(ServiceError, match="client name cannot be empty"):
        service.interview.set_client_field(eid, "client_name", "   ")
    with pytest.raises(ServiceError, match="must be a date"):
        service.interview.set_client_field(eid, "discovery_date", "next tuesday")
    with pytest.raises(ServiceError, match="not a client detail"):
        service.interview.set_client_field(eid, "status", "accepted")
    service.interview.set_client_field(eid, "discovery_date", "")
    assert service.interview.client_details(eid)["discovery_date"] is None


def test_sites_and_contacts_replace_and_validate(service, eid):
    service.interview.set_sites(eid, [Site(name="Head office", user_count=40), Site(name="Warehouse")])
    service.interview.set_contacts(eid, [Contact(name="Ann Lee", role="Office manager", decision_maker=True)])
    assert [s.name for s in service.interview.sites(eid)] == ["Head office", "Warehouse"]
    assert service.interview.sites(eid)[0].user_count == 40
    assert service.interview.contacts(eid)[0].decision_maker is True
    with pytest.raises(ServiceError, match="site's name"):
        service.interview.set_sites(eid, [{"name": ""}])
    # A refused change leaves what was there.
    assert len(service.interview.sites(eid)) == 2


def test_a_note_keeps_its_answer_and_an_answer_keeps_its_note(service, eid):
    service.interview.set_answer(eid, "employee_count", 45)
    service.interview.set_answer_note(eid, "employee_count", "Includes 5 seasonal staff")
    assert service.interview.answers(eid)["employee_count"] == (45, "Includes 5 seasonal staff")
    service.interview.set_answer(eid, "employee_count", 50)
    assert service.interview.answers(eid)["employee_count"] == (50, "Includes 5 seasonal staff")
    # A note on an unanswered question is kept too.
    service.interview.set_answer_note(eid, "budget", "Ask the CFO")
    assert service.interview.answers(eid)["budget"] == (None, "Ask the CFO")
    with pytest.raises(ServiceError, match="not a question"):
        service.interview.set_answer_note(eid, "shoe_size", "x")


def test_missing_required_follows_conditions(service, eid):
    assert [m[1] for m in service.interview.missing_required(eid)] == ["employee_count", "has_internal_it"]
    service.interview.set_answer(eid, "has_internal_it", True)
    assert [m[1] for m in service.interview.missing_required(eid)] == ["employee_count", "internal_it_owner"]
    assert service.interview.missing_required(eid)[1] == ("Profile", "internal_it_owner", "Named internal IT owner")
    service.interview.set_answer(eid, "has_internal_it", False)
    assert [m[1] for m in service.interview.missing_required(eid)] == ["employee_count"]


def test_timer_starts_stops_and_sums_against_the_fee(service, eid):
    assert service.timer.running(eid) is None
    service.timer.start(eid, now=T0)
    # Starting again while running changes nothing.
    service.timer.start(eid, now=T0 + timedelta(minutes=5))
    assert len(service.timer.log(eid)) == 1
    running = service.timer.summary(eid, now=T0 + timedelta(minutes=30))
    assert running.running_since == T0
    assert running.spent == timedelta(minutes=30)
    finished = service.timer.stop(eid, now=T0 + timedelta(hours=1, minutes=30))
    assert finished is not None and finished.ended_at == T0 + timedelta(hours=1, minutes=30)
    assert service.timer.stop(eid) is None
    service.timer.start(eid, now=T0 + timedelta(days=1))
    service.timer.stop(eid, now=T0 + timedelta(days=1, hours=1, minutes=30))
    total = service.timer.summary(eid, now=T0 + timedelta(days=5))
    assert total.running_since is None
    assert total.spent == timedelta(hours=3)
    assert total.hours == Decimal("3.00")
    assert total.discovery_fee == Decimal("4500.00")
    assert total.effective_rate == Decimal("1500.00")


def test_settings_are_checked_and_survive_reopening(paths, service):
    defaults = service.settings.current()
    assert defaults.profile.proposal_validity_days == 30
    assert defaults.default_form is None
    assert defaults.currency == "USD"
    profile = ProviderProfile(name="Harbor IT", brand_colour="#0a7d5a", proposal_validity_days=45, page_size="A4",
                              contact_email="hello@harbor.example", terms="Net 30.")
    service.settings.save(profile, "mini@1", "eur")
    with pytest.raises(ServiceError, match="brand colour"):
        service.settings.save({"brand_colour": "green"}, None, "USD")
    with pytest.raises(ServiceError, match="three-letter"):
        service.settings.save(profile, None, "euro")
    with pytest.raises(ServiceError, match="no valid form 'nope'"):
        service.settings.save(profile, "nope", "USD")
    service.close()

    again = Discovery.open(paths, forms_root=FORMS)
    try:
        s = again.settings.current()
        assert s.profile.name == "Harbor IT"
        assert s.profile.brand_colour == "#0a7d5a"
        assert s.profile.page_size == "A4"
        assert s.profile.proposal_validity_days == 45
        assert s.default_form == "mini@1"
        assert s.currency == "EUR"
        # The default form is what a new engagement gets.
        assert again.forms.get().key == "mini@1"
    finally:
        again.close()


def test_settings_written_by_another_version_are_read_leniently(service):
    # A later version may add keys; an older one may have stored a value that no longer fits.
    repo.set_setting(service.store, "provider_profile",
                     {"name": "Harbor IT", "brand_colour": "teal", "page_size": "A3", "slogan": "We fix it"})
    repo.set_setting(service.store, "currency", 12)
    s = service.settings.current()
    assert s.profile.name == "Harbor IT"
    assert s.profile.brand_colour == DEFAULT_BRAND
    assert s.profile.page_size == "Letter"
    assert s.currency == "USD"

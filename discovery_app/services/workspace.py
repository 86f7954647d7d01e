"""The consultant's workspace: client details, sites and contacts, answers with notes, the
discovery timer, and the application settings (provider profile, default form, currency).

Settings live in the store's ``setting`` table as JSON values under fixed keys, so they travel
with the database and survive app upgrades. They are read leniently: a value an older or newer
version wrote that no longer fits falls back to its default instead of failing the app.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..domain import answers as answers_mod
from ..domain import facts as facts_mod
from ..domain.engagement import Contact, Site, TimeEntry
from ..storage import repository as repo
from .base import ServiceBase, ServiceError

log = logging.getLogger("discovery_app.services.workspace")

PROFILE_KEY = "provider_profile"
DEFAULT_FORM_KEY = "default_form"
CURRENCY_KEY = "currency"

CLIENT_FIELDS = ("client_name", "consultant", "internal_it_owner", "industry", "discovery_date", "notes")


class ProviderProfile(BaseModel):
    """Who the proposal comes from: what the client-facing documents are branded with."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    name: str = Field(default="", max_length=200)
    logo_path: str = Field(default="", max_length=1000)
    brand_colour: str = Field(default="#1f5fa8", pattern=r"^#[0-9a-fA-F]{6}$")
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=100)
    website: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=1000)
    proposal_validity_days: int = Field(default=30, ge=1, le=365)
    terms: str = Field(default="", max_length=20000)
    page_size: Literal["Letter", "A4"] = "Letter"
    # How numbers, money, percents and dates are read and written, in the window and the
    # documents (a Babel locale such as en_US, de_DE); "" follows this computer's locale.
    locale: str = Field(default="en_US", pattern=r"^([a-z]{2,3}(_[A-Z]{2})?)?$")

    @classmethod
    def lenient(cls, data: Any) -> ProviderProfile:
        """Read a stored profile; each field that does not fit any more keeps its default."""
        if not isinstance(data, dict):
            return cls()
        try:
            return cls.model_validate(data)
        except ValidationError:
            good: dict[str, Any] = {}
            for key, value in data.items():
                if key in cls.model_fields:
                    try:
                        cls.model_validate({key: value})
                    except ValidationError:
                        log.warning("setting %s.%s=%r ignored: no longer valid", PROFILE_KEY, key, value)
                        continue
                    good[key] = value
            return cls.model_validate(good)


@dataclass(frozen=True)
class AppSettings:
    profile: ProviderProfile
    default_form: str | None  # a form key ("id@version") or id; None: the newest form
    currency: str  # ISO 4217 code used when a form does not say otherwise


@dataclass(frozen=True)
class TimeSummary:
    spent: timedelta
    running_since: datetime | None
    discovery_fee: Decimal
    currency: str

    @property
    def hours(self) -> Decimal:
        return (Decimal(int(self.spent.total_seconds())) / Decimal(3600)).quantize(Decimal("0.01"))

    @property
    def effective_rate(self) -> Decimal | None:
        """The fee divided by the hours spent so far: what the discovery really paid per hour."""
        if self.spent.total_seconds() < 60:
            return None
        return (self.discovery_fee / self.hours).quantize(Decimal("0.01"))


def _now() -> datetime:
    return datetime.now(UTC)


class WorkspaceMixin(ServiceBase):
    # ---- client, sites and contacts --------------------------------------------------------

    def client_details(self, eid: int) -> dict[str, Any]:
        """The client's details; the industry and internal IT owner are read from their answers
        (the one value, domain/facts.py) where the form binds them and they are answered."""
        h = self._header(eid)
        out = {f: getattr(h, f) for f in CLIENT_FIELDS}
        pkg = self.form_of(h)
        values = {qid: v for qid, (v, _n) in self.answers(eid).items()}
        for fact, fv in facts_mod.fact_values(pkg, values).items():
            if fact in facts_mod.HEADER_FACTS and fv.question is not None and fv.answered:
                out[fact.value] = facts_mod.display_text(pkg.questionnaire, fv.question, fv.value)
        return out

    def set_client_field(self, eid: int, field: str, value: Any) -> Any:
        """Change one client detail; returns the stored value."""
        if field not in CLIENT_FIELDS:
            raise ServiceError(f"{field!r} is not a client detail.")
        if field == "discovery_date":
            if value in ("", None):
                value = None
            elif not isinstance(value, date):
                try:
                    value = date.fromisoformat(str(value))
                except ValueError:
                    raise ServiceError("The discovery date must be a date (YYYY-MM-DD).") from None
        else:
            value = str(value or "")
            if field == "client_name":
                value = value.strip()
            limit = 20000 if field == "notes" else 300
            if len(value) > limit:
                raise ServiceError(f"That is longer than {limit} characters.")
        self.update_engagement(eid, **{field: value})  # type: ignore[attr-defined]  # EngagementsMixin.update_engagement, a sibling mixin
        return value

    def sites(self, eid: int) -> list[Site]:
        self._header(eid)
        return [Site.model_validate(r) for r in repo.children(self.store, eid, "sites")]

    def set_sites(self, eid: int, sites: list[Site]) -> None:
        self._header(eid)
        checked = [self._check(Site, s, "site") for s in sites]
        repo.replace_children(self.store, eid, "sites", checked)

    def contacts(self, eid: int) -> list[Contact]:
        self._header(eid)
        return [Contact.model_validate(r) for r in repo.children(self.store, eid, "contacts")]

    def set_contacts(self, eid: int, contacts: list[Contact]) -> None:
        self._header(eid)
        checked = [self._check(Contact, c, "contact") for c in contacts]
        repo.replace_children(self.store, eid, "contacts", checked)

    @staticmethod
    def _check(model: type[BaseModel], record: Any, what: str) -> Any:
        data = record.model_dump() if isinstance(record, BaseModel) else record
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or what
            raise ServiceError(f"The {what}'s {field.replace('_', ' ')}: {err['msg'].lower()}.") from None

    # ---- answers and notes -----------------------------------------------------------------

    def answers(self, eid: int) -> dict[str, tuple[Any, str]]:
        """question id -> (stored value, note) of every stored answer."""
        self._header(eid)
        return {r["question_id"]: (r["value"], r["note"] or "") for r in repo.children(self.store, eid, "answers")}

    def answer_sources(self, eid: int) -> dict[str, str]:
        """question id -> who gave the answer, for the answers that name someone."""
        self._header(eid)
        return {r["question_id"]: r["said_by"] for r in repo.children(self.store, eid, "answers") if r.get("said_by")}

    def set_answer_said_by(self, eid: int, question_id: str, said_by: str) -> None:
        """Record who gave the answer to a question (the answer and its note are kept)."""
        pkg = self.form_of(self._header(eid))
        if pkg.questionnaire.question(question_id) is None:
            raise ServiceError(f"{question_id!r} is not a question of {pkg.key}.")
        said_by = " ".join(said_by.split())
        if len(said_by) > 300:
            raise ServiceError("A name cannot be longer than 300 characters.")
        value = self.answers(eid).get(question_id, (None, ""))[0]
        repo.set_answer(self.store, eid, question_id, value, None, said_by=said_by)

    def set_answer_note(self, eid: int, question_id: str, note: str) -> None:
        """Change the note of a question, keeping its answer."""
        pkg = self.form_of(self._header(eid))
        if pkg.questionnaire.question(question_id) is None:
            raise ServiceError(f"{question_id!r} is not a question of {pkg.key}.")
        if len(note) > 20000:
            raise ServiceError("A note cannot be longer than 20000 characters.")
        value = self.answers(eid).get(question_id, (None, ""))[0]
        repo.set_answer(self.store, eid, question_id, value, note)

    def missing_required(self, eid: int) -> list[tuple[str, str, str]]:
        """(section title, question id, label) of every shown required question not answered."""
        pkg = self.form_of(self._header(eid))
        values = {qid: v for qid, (v, _n) in self.answers(eid).items()}
        shown = answers_mod.visible_values(pkg.questionnaire, values)
        out = []
        for section in pkg.questionnaire.sections:
            for qid in answers_mod.section_progress(section, shown).missing:
                q = pkg.questionnaire.question(qid)
                out.append((section.title, qid, q.label if q else qid))
        return out

    # ---- discovery timer -------------------------------------------------------------------

    def time_log(self, eid: int) -> list[TimeEntry]:
        self._header(eid)
        return [TimeEntry.model_validate(r) for r in repo.children(self.store, eid, "time_log")]

    def running_timer(self, eid: int) -> TimeEntry | None:
        return next((e for e in self.time_log(eid) if e.ended_at is None), None)

    def start_timer(self, eid: int, now: datetime | None = None, note: str = "") -> TimeEntry:
        """Start timing the discovery; starting a running timer changes nothing."""
        log_ = self.time_log(eid)
        running = next((e for e in log_ if e.ended_at is None), None)
        if running is not None:
            return running
        entry = TimeEntry(started_at=now or _now(), note=note)
        repo.replace_children(self.store, eid, "time_log", [*log_, entry])
        return entry

    def stop_timer(self, eid: int, now: datetime | None = None) -> TimeEntry | None:
        """Stop the running timer; returns the finished entry (None when none was running)."""
        log_ = self.time_log(eid)
        for i, e in enumerate(log_):
            if e.ended_at is None:
                end = max(now or _now(), e.started_at)
                log_[i] = e.model_copy(update={"ended_at": end})
                repo.replace_children(self.store, eid, "time_log", log_)
                return log_[i]
        return None

    def time_summary(self, eid: int, now: datetime | None = None) -> TimeSummary:
        """Time spent on the discovery so far (a running timer counts up to ``now``)."""
        now = now or _now()
        spent = timedelta()
        running = None
        for e in self.time_log(eid):
            end = e.ended_at or now
            if e.ended_at is None:
                running = e.started_at
            spent += max(end - e.started_at, timedelta())
        pkg = self.form_of(self._header(eid))
        return TimeSummary(spent, running, pkg.pricing.discovery_fee, pkg.pricing.currency)

    # ---- settings --------------------------------------------------------------------------

    def app_settings(self) -> AppSettings:
        profile = ProviderProfile.lenient(self.setting(PROFILE_KEY))
        default_form = self.setting(DEFAULT_FORM_KEY)
        if not isinstance(default_form, str) or not any(default_form in (p.key, p.id) for p in self.forms()):
            default_form = None
        currency = self.setting(CURRENCY_KEY)
        if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
            currency = "USD"
        return AppSettings(profile, default_form, currency)

    def save_app_settings(self, profile: ProviderProfile | dict[str, Any], default_form: str | None, currency: str) -> AppSettings:
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
            self.form(default_form)  # raises ServiceError naming the installed forms
        self.set_setting(PROFILE_KEY, prof.model_dump(mode="json"))
        self.set_setting(DEFAULT_FORM_KEY, default_form or None)
        self.set_setting(CURRENCY_KEY, currency)
        return AppSettings(prof, default_form or None, currency)

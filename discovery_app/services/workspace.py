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
from typing import Any

from pydantic import BaseModel, ValidationError

from ..domain import answers as answers_mod
from ..domain import facts as facts_mod
from ..domain.engagement import Contact, Site, TimeEntry
from ..storage import repository as repo
from .base import Feature, ServiceError
from .engagements import fact_answer

log = logging.getLogger("discovery_app.services.workspace")

CLIENT_FIELDS = ("client_name", "consultant", "internal_it_owner", "industry", "discovery_date", "notes")


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


class Interview(Feature):
    """The interview: client details, sites and contacts, answers with their notes and who gave them."""



    # ---- client, sites and contacts --------------------------------------------------------

    def client_details(self, eid: int) -> dict[str, Any]:
        """The client's details; the industry and internal IT owner are read from their answers
        (the one value, domain/facts.py) where the form binds them and they are answered."""
        h = self.core.header(eid)
        out = {f: getattr(h, f) for f in CLIENT_FIELDS}
        pkg = self.core.form_of(h)
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
        self.update(eid, **{field: value})
        return value

    def sites(self, eid: int) -> list[Site]:
        self.core.header(eid)
        return [Site.model_validate(r) for r in repo.children(self.store, eid, "sites")]

    def set_sites(self, eid: int, sites: list[Site]) -> None:
        self.core.header(eid)
        checked = [self._check(Site, s, "site") for s in sites]
        repo.replace_children(self.store, eid, "sites", checked)

    def contacts(self, eid: int) -> list[Contact]:
        self.core.header(eid)
        return [Contact.model_validate(r) for r in repo.children(self.store, eid, "contacts")]

    def set_contacts(self, eid: int, contacts: list[Contact]) -> None:
        self.core.header(eid)
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
        self.core.header(eid)
        return {r["question_id"]: (r["value"], r["note"] or "") for r in repo.children(self.store, eid, "answers")}

    def answer_sources(self, eid: int) -> dict[str, str]:
        """question id -> who gave the answer, for the answers that name someone."""
        self.core.header(eid)
        return {r["question_id"]: r["said_by"] for r in repo.children(self.store, eid, "answers") if r.get("said_by")}

    def set_answer_said_by(self, eid: int, question_id: str, said_by: str) -> None:
        """Record who gave the answer to a question (the answer and its note are kept)."""
        pkg = self.core.form_of(self.core.header(eid))
        if pkg.questionnaire.question(question_id) is None:
            raise ServiceError(f"{question_id!r} is not a question of {pkg.key}.")
        said_by = " ".join(said_by.split())
        if len(said_by) > 300:
            raise ServiceError("A name cannot be longer than 300 characters.")
        value = self.answers(eid).get(question_id, (None, ""))[0]
        repo.set_answer(self.store, eid, question_id, value, None, said_by=said_by)

    def set_answer_note(self, eid: int, question_id: str, note: str) -> None:
        """Change the note of a question, keeping its answer."""
        pkg = self.core.form_of(self.core.header(eid))
        if pkg.questionnaire.question(question_id) is None:
            raise ServiceError(f"{question_id!r} is not a question of {pkg.key}.")
        if len(note) > 20000:
            raise ServiceError("A note cannot be longer than 20000 characters.")
        value = self.answers(eid).get(question_id, (None, ""))[0]
        repo.set_answer(self.store, eid, question_id, value, note)

    def missing_required(self, eid: int) -> list[tuple[str, str, str]]:
        """(section title, question id, label) of every shown required question not answered."""
        pkg = self.core.form_of(self.core.header(eid))
        values = {qid: v for qid, (v, _n) in self.answers(eid).items()}
        shown = answers_mod.visible_values(pkg.questionnaire, values)
        out = []
        for section in pkg.questionnaire.sections:
            for qid in answers_mod.section_progress(section, shown).missing:
                q = pkg.questionnaire.question(qid)
                out.append((section.title, qid, q.label if q else qid))
        return out

    # ---- answers that are facts, and header fields ----------------------------------------

    def set_answer(self, eid: int, question_id: str, value: Any, note: str | None = None) -> Any:
        """Check ``value`` against the engagement's form and store it; returns the stored value."""
        header = self.core.header(eid)
        pkg = self.core.form_of(header)
        q = pkg.questionnaire.question(question_id)
        if q is None:
            raise ServiceError(f"{question_id!r} is not a question of {pkg.key}.")
        try:
            stored = answers_mod.normalise(q, value, pkg.questionnaire)
        except answers_mod.AnswerError as exc:
            raise ServiceError(f"{q.label}: {exc}.") from exc
        # An answer bound to a fact the header mirrors (industry, internal IT owner) updates the
        # mirror in the same transaction: the answer is the one value.
        fact = facts_mod.fact_of(pkg.questionnaire, question_id)
        mirror = ({fact.value: facts_mod.display_text(pkg.questionnaire, q, stored)}
                  if fact in facts_mod.HEADER_FACTS else None)
        repo.set_answer(self.store, eid, question_id, stored, note, header=mirror)
        return stored


    def update(self, eid: int, **fields: Any) -> None:
        """Change header fields. The industry and the internal IT owner are facts whose one value
        is an answer: changing them here writes that answer too."""
        if "status" in fields:
            raise ServiceError("Use set_status to change the status.")
        if "client_name" in fields and not str(fields["client_name"]).strip():
            raise ServiceError("The client name cannot be empty.")
        header = self.core.header(eid)
        pkg = self.core.form_of(header)
        for fact in facts_mod.HEADER_FACTS:
            if fact.value not in fields:
                continue
            q = facts_mod.question_for(pkg, fact)
            if q is None:
                continue
            text = str(fields.pop(fact.value) or "")
            answer = fact_answer(pkg, q, text)
            self.set_answer(eid, q.id, answer)
        if not fields:
            return
        try:
            repo.update_header(self.store, eid, **fields)
        except repo.NotFound as exc:
            raise ServiceError(f"There is no engagement {eid}.") from exc


class Timer(Feature):
    """The discovery timer: the time spent on the paid discovery, against its fee."""

    # ---- discovery timer -------------------------------------------------------------------

    def log(self, eid: int) -> list[TimeEntry]:
        self.core.header(eid)
        return [TimeEntry.model_validate(r) for r in repo.children(self.store, eid, "time_log")]

    def running(self, eid: int) -> TimeEntry | None:
        return next((e for e in self.log(eid) if e.ended_at is None), None)

    def start(self, eid: int, now: datetime | None = None, note: str = "") -> TimeEntry:
        """Start timing the discovery; starting a running timer changes nothing."""
        log_ = self.log(eid)
        running = next((e for e in log_ if e.ended_at is None), None)
        if running is not None:
            return running
        entry = TimeEntry(started_at=now or _now(), note=note)
        repo.replace_children(self.store, eid, "time_log", [*log_, entry])
        return entry

    def stop(self, eid: int, now: datetime | None = None) -> TimeEntry | None:
        """Stop the running timer; returns the finished entry (None when none was running)."""
        log_ = self.log(eid)
        for i, e in enumerate(log_):
            if e.ended_at is None:
                end = max(now or _now(), e.started_at)
                log_[i] = e.model_copy(update={"ended_at": end})
                repo.replace_children(self.store, eid, "time_log", log_)
                return log_[i]
        return None

    def summary(self, eid: int, now: datetime | None = None) -> TimeSummary:
        """Time spent on the discovery so far (a running timer counts up to ``now``)."""
        now = now or _now()
        spent = timedelta()
        running = None
        for e in self.log(eid):
            end = e.ended_at or now
            if e.ended_at is None:
                running = e.started_at
            spent += max(end - e.started_at, timedelta())
        pkg = self.core.form_of(self.core.header(eid))
        return TimeSummary(spent, running, pkg.pricing.discovery_fee, pkg.pricing.currency)

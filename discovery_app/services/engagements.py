"""Engagements: create, list, answer, change status, archive, duplicate, delete, JSON in and out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .. import __version__
from ..domain import answers as answers_mod
from ..domain import facts as facts_mod
from ..domain import fit as fit_mod
from ..domain.engagement import (
    STATUS_FLOW,
    Answer,
    Engagement,
    EngagementHeader,
    Status,
    new_uid,
)
from ..domain.forms import Fact, FormPackage, Question
from ..export import interchange
from ..export.atomic import write_atomic
from ..storage import repository as repo
from .base import ServiceBase, ServiceError


@dataclass(frozen=True)
class EngagementSummary:
    """One row of the engagement list."""

    header: EngagementHeader
    fit_verdict: str
    fit_score: str
    completion: int

    def as_dict(self) -> dict[str, Any]:
        h = self.header
        return {
            "id": h.id,
            "client": h.client_name,
            "status": h.status.value,
            "consultant": h.consultant,
            "updated_at": h.updated_at.isoformat(),
            "form": f"{h.form_id}@{h.form_version}",
            "fit_verdict": self.fit_verdict,
            "fit_score": self.fit_score,
            "completion_percent": self.completion,
            "archived": h.archived,
        }


class EngagementsMixin(ServiceBase):
    def create_engagement(
        self,
        client_name: str,
        *,
        form_key: str | None = None,
        consultant: str = "",
        internal_it_owner: str = "",
        industry: str = "",
        discovery_date: date | None = None,
    ) -> int:
        if not client_name.strip():
            raise ServiceError("The client name cannot be empty.")
        pkg = self.form(form_key)
        now = repo.now()
        # Facts typed in the new-engagement dialog are stored as their answers, the one value.
        answers = []
        for fact, text in ((Fact.INDUSTRY, industry), (Fact.INTERNAL_IT_OWNER, internal_it_owner)):
            q = facts_mod.question_for(pkg, fact)
            if q is not None and text.strip():
                value = self._fact_answer(pkg, q, text)
                answers.append(Answer(question_id=q.id, value=value))
                text = facts_mod.display_text(pkg.questionnaire, q, value)
            if fact is Fact.INDUSTRY:
                industry = text
            else:
                internal_it_owner = text
        eng = Engagement(
            client_name=client_name.strip(),
            consultant=consultant,
            internal_it_owner=internal_it_owner,
            industry=industry,
            answers=answers,
            discovery_date=discovery_date,
            created_at=now,
            updated_at=now,
            form_id=pkg.id,
            form_version=pkg.version,
            form_hash=pkg.content_hash(),
        )
        return self.save_new(eng, pkg)

    def list_engagements(self, *, include_archived: bool = False) -> list[EngagementSummary]:
        headers = repo.list_headers(self.store, include_archived=include_archived)
        answers = repo.answer_values_by_engagement(self.store, [h.id for h in headers if h.id is not None])
        out = []
        for h in headers:
            pkg = self.form_of(h)
            values = answers.get(h.id or 0, {})
            fit = fit_mod.evaluate(pkg, values)
            prog = answers_mod.progress(pkg.questionnaire, values)
            out.append(EngagementSummary(h, fit.label, str(fit.score), prog.percent))
        return out

    def set_answer(self, eid: int, question_id: str, value: Any, note: str | None = None) -> Any:
        """Check ``value`` against the engagement's form and store it; returns the stored value."""
        header = self._header(eid)
        pkg = self.form_of(header)
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

    def update_engagement(self, eid: int, **fields: Any) -> None:
        """Change header fields. The industry and the internal IT owner are facts whose one value
        is an answer: changing them here writes that answer too."""
        if "status" in fields:
            raise ServiceError("Use set_status to change the status.")
        if "client_name" in fields and not str(fields["client_name"]).strip():
            raise ServiceError("The client name cannot be empty.")
        header = self._header(eid)
        pkg = self.form_of(header)
        for fact in facts_mod.HEADER_FACTS:
            if fact.value not in fields:
                continue
            q = facts_mod.question_for(pkg, fact)
            if q is None:
                continue
            text = str(fields.pop(fact.value) or "")
            answer = self._fact_answer(pkg, q, text)
            self.set_answer(eid, q.id, answer)
        if not fields:
            return
        try:
            repo.update_header(self.store, eid, **fields)
        except repo.NotFound as exc:
            raise ServiceError(f"There is no engagement {eid}.") from exc

    @staticmethod
    def _fact_answer(pkg: FormPackage, q: Question, text: str) -> Any:
        answer = facts_mod.answer_from_text(pkg.questionnaire, q, text)
        if answer is None and text.strip():
            lst = pkg.questionnaire.choice_list(q.choices or "")
            known = "; ".join(c.label for c in lst.choices) if lst else ""
            raise ServiceError(f"{q.label}: “{text.strip()}” is not one of the form's choices ({known}).")
        return answer

    def set_status(self, eid: int, status: Status) -> None:
        current = self._header(eid).status
        if status == current:
            return
        if status not in STATUS_FLOW[current]:
            allowed = ", ".join(s.value for s in STATUS_FLOW[current]) or "none"
            raise ServiceError(f"An engagement cannot go from {current.value} to {status.value} (allowed: {allowed}).")
        repo.update_header(self.store, eid, status=status)

    def archive(self, eid: int, archived: bool = True) -> None:
        try:
            repo.update_header(self.store, eid, archived=archived)
        except repo.NotFound as exc:
            raise ServiceError(f"There is no engagement {eid}.") from exc

    def delete(self, eid: int) -> None:
        try:
            repo.delete_engagement(self.store, eid)
        except repo.NotFound as exc:
            raise ServiceError(f"There is no engagement {eid}.") from exc

    def duplicate(self, eid: int, client_name: str | None = None) -> int:
        """A copy for a re-assessment: same answers and findings, new identity, back to draft."""
        eng = self.get(eid)
        data, mapping = self._renew_uids(eng)
        now = repo.now()
        data.update(
            id=None, uid=new_uid(), status=Status.DRAFT, archived=False, created_at=now, updated_at=now,
            client_name=client_name or eng.client_name, discount_approvals=[], time_log=[],
        )
        copy = Engagement.model_validate(data)
        attachments = repo.attachment_data(self.store, eid)
        renamed = {new: attachments[old] for old, new in mapping.items() if old in attachments}
        return self.save_new(copy, self.form_of(eng), renamed)

    @staticmethod
    def _renew_uids(eng: Engagement) -> tuple[dict[str, Any], dict[str, str]]:
        """Give every child record a fresh uid and rewrite the references to it."""
        mapping: dict[str, str] = {}
        for attr in ("sites", "contacts", "inventory", "risks", "remediation", "attachments"):
            for rec in getattr(eng, attr):
                mapping[rec.uid] = new_uid()
        data = eng.model_dump(mode="python")

        def fix(value: Any) -> Any:
            if isinstance(value, str):
                return mapping.get(value, value)
            if isinstance(value, list):
                return [fix(v) for v in value]
            return value

        for attr in ("sites", "contacts", "inventory", "risks", "remediation", "attachments"):
            for rec in data[attr]:
                for key in ("uid", "risk_uid", "linked_inventory", "depends_on"):
                    if key in rec:
                        rec[key] = fix(rec[key])
        return data, mapping

    # ---- summary ----------------------------------------------------------------------------

    def summary(self, eid: int) -> dict[str, Any]:
        """Fit, progress and counts for the list's details panel: counted in the database, never
        by loading the engagement (which holds 20,000 inventory rows at a large client)."""
        header = self._header(eid)
        pkg = self.form_of(header)
        values = repo.answer_values(self.store, eid)
        fit = fit_mod.evaluate(pkg, values)
        prog = answers_mod.progress(pkg.questionnaire, values)
        return {
            "fit": fit,
            "progress": prog,
            "users": values.get("it_user_count"),
            **repo.child_counts(self.store, eid),
        }

    def header(self, eid: int) -> EngagementHeader:
        """The engagement without its child records (what lists and the details panel show)."""
        return self._header(eid)

    # ---- pricing and the responsibility matrix --------------------------------------------

    # ---- interchange ------------------------------------------------------------------------

    def export_json(self, eid: int, target: Path) -> Path:
        eng = self.get(eid)
        text = interchange.dumps(
            eng, repo.form_snapshot(self.store, eng.form_hash), repo.attachment_data(self.store, eid), __version__
        )
        data = text.encode("utf-8")
        return write_atomic(Path(target), lambda fh: fh.write(data))

    def import_json(self, source: Path) -> int:
        """Import an engagement file whole, or raise without writing anything."""
        source = Path(source)
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise interchange.InterchangeUnreadable(str(source), [f"not UTF-8 text (byte {exc.start})"]) from None
        except OSError as exc:
            raise ServiceError(f"Cannot read {source}: {exc.strerror}.") from exc
        parsed = interchange.loads(text, str(source))
        eng = parsed.engagement
        attachments = parsed.attachments
        if eng.uid in repo.uids_in_use(self.store, [eng.uid]):
            # The same engagement is already here: import it as a copy rather than clash.
            data = eng.model_dump(mode="python")
            data["uid"] = new_uid()
            eng = Engagement.model_validate(data)
        eid = self.save_new(eng.model_copy(update={"id": None}), parsed.form, attachments)
        self.repairs = list(parsed.repairs)
        return eid


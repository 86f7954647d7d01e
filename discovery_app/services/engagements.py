"""Engagements: create, list, answer, change status, archive, duplicate, delete, JSON in and out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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
from ..storage import checkouts
from ..storage import repository as repo
from .base import Feature, ServiceError


@dataclass(frozen=True)
class EngagementSummary:
    """One row of the engagement list."""

    header: EngagementHeader
    fit_verdict: str
    fit_score: str
    completion: int
    expired_acceptances: int = 0  # risk acceptances past their review date
    checked_out_by: str = ""  # checked out to a laptop (read-only here) by whom
    checked_out_at: datetime | None = None
    laptop_copy: str = ""  # in a laptop's store: "active" (checked out here) or "returned" (read-only)

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
            "expired_risk_acceptances": self.expired_acceptances,
            "checked_out_by": self.checked_out_by or None,
            "checked_out_at": self.checked_out_at.isoformat() if self.checked_out_at else None,
            "laptop_copy": self.laptop_copy or None,
        }


def fact_answer(pkg: FormPackage, q: Question, text: str) -> Any:
    """The answer a fact typed as text stands for; refuses text that is none of the choices."""
    answer = facts_mod.answer_from_text(pkg.questionnaire, q, text)
    if answer is None and text.strip():
        lst = pkg.questionnaire.choice_list(q.choices or "")
        known = "; ".join(c.label for c in lst.choices) if lst else ""
        raise ServiceError(f"{q.label}: “{text.strip()}” is not one of the form's choices ({known}).")
    return answer


class Engagements(Feature):
    def get(self, eid: int) -> Engagement:
        """The whole engagement with every child record."""
        return self.core.get(eid)

    def header(self, eid: int) -> EngagementHeader:
        """The engagement without its child records (what lists and the details panel show)."""
        return self.core.header(eid)

    def save_new(self, eng: Engagement, pkg: FormPackage, attachments: dict[str, bytes] | None = None) -> int:
        """Store a new engagement with the form copy it is run with; returns its id."""
        return self.core.save_new(eng, pkg, attachments)

    def create(
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
        pkg = self.core.forms.get(form_key)
        now = repo.now()
        # Facts typed in the new-engagement dialog are stored as their answers, the one value.
        answers = []
        for fact, text in ((Fact.INDUSTRY, industry), (Fact.INTERNAL_IT_OWNER, internal_it_owner)):
            q = facts_mod.question_for(pkg, fact)
            if q is not None and text.strip():
                value = fact_answer(pkg, q, text)
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
        return self.core.save_new(eng, pkg)

    def summaries(self, *, include_archived: bool = False) -> list[EngagementSummary]:
        headers = repo.list_headers(self.store, include_archived=include_archived)
        answers = repo.answer_values_by_engagement(self.store, [h.id for h in headers if h.id is not None])
        expired = repo.expired_acceptance_counts(self.store, date.today())
        out_marks = checkouts.active_marks(self.store)
        copy_states = checkouts.copy_states(self.store)
        out = []
        for h in headers:
            pkg = self.core.form_of(h)
            values = answers.get(h.id or 0, {})
            fit = fit_mod.evaluate(pkg, values)
            prog = answers_mod.progress(pkg.questionnaire, values)
            mark = out_marks.get(h.id or 0)
            out.append(EngagementSummary(h, fit.status, str(fit.score), prog.percent, expired.get(h.id or 0, 0),
                                         mark.who if mark else "", mark.at if mark else None,
                                         copy_states.get(h.id or 0, "")))
        return out

    def set_status(self, eid: int, status: Status) -> None:
        current = self.core.header(eid).status
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
        eng = self.core.get(eid)
        data, mapping = self._renew_uids(eng)
        now = repo.now()
        data.update(
            id=None, uid=new_uid(), status=Status.DRAFT, archived=False, created_at=now, updated_at=now,
            client_name=client_name or eng.client_name, discount_approvals=[], signed_approvals=[], time_log=[],
            # A copy is a new proposal: not signed, no change orders, nothing sent yet.
            acceptance=None, change_orders=[], proposal_sha256="", roadmap_quarters=[], to_confirm=[],
            proposal_fingerprint="", proposal_issued_on=None,
        )
        copy = Engagement.model_validate(data)
        attachments = repo.attachment_data(self.store, eid)
        renamed = {new: attachments[old] for old, new in mapping.items() if old in attachments}
        return self.core.save_new(copy, self.core.form_of(eng), renamed)

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
        for rec in data["risk_acceptances"]:
            rec["risk_uid"] = fix(rec["risk_uid"])
        return data, mapping

    # ---- summary ----------------------------------------------------------------------------

    def summary(self, eid: int) -> dict[str, Any]:
        """Fit, progress and counts for the list's details panel: counted in the database, never
        by loading the engagement (which holds 20,000 inventory rows at a large client)."""
        header = self.core.header(eid)
        pkg = self.core.form_of(header)
        values = repo.answer_values(self.store, eid)
        fit = fit_mod.evaluate(pkg, values)
        prog = answers_mod.progress(pkg.questionnaire, values)
        return {
            "fit": fit,
            "progress": prog,
            "users": values.get("it_user_count"),
            "checkout": checkouts.active_marks(self.store).get(eid),  # checked out to a laptop, or None
            **repo.child_counts(self.store, eid),
        }

    # ---- interchange ------------------------------------------------------------------------

    def export_json(self, eid: int, target: Path) -> Path:
        eng = self.core.get(eid)
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
        eid = self.core.save_new(eng.model_copy(update={"id": None}), parsed.form, attachments)
        self.core.repairs = list(parsed.repairs)
        return eid


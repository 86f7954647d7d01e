"""Client pre-work out and back: the workbook the client fills before the visit, read back as a
preview (every answer beside the current one), applied without overwriting the consultant's
answers unless asked, and marked "from the client, to confirm" until the consultant confirms.

The marks are kept in the store's settings per engagement uid (no schema change): question id ->
the client's value, when and from whom it came, and whether it differs from the answer kept. A
mark whose answer the consultant has since changed no longer shows (the consultant's word wins).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import prework as pw
from ..domain.engagement import ClientAnswer, Contact, Site
from ..export.atomic import ExportError
from ..storage import repository as repo
from .base import Core, Feature, ServiceError
from .settings import Settings
from .workspace import Interview

if TYPE_CHECKING:
    from ..export import prework as prework_io

log = logging.getLogger("discovery_app.services.prework")

CLIENT_SOURCE = "client pre-work"


def reference_of(uid: str) -> str:
    """The short reference a client can quote back: the first 8 characters of the engagement uid."""
    return uid.replace("-", "")[:8].upper()


@dataclass(frozen=True)
class PreworkLine:
    """One answer in the returned workbook, beside the engagement's current answer."""

    section: str
    question_id: str
    label: str
    current: str  # as shown; "" when unanswered
    incoming: str
    status: str  # "new" (no answer yet), "same", "differs" (the consultant's answer is kept unless taken)
    value: Any  # the client's answer in its stored form
    where: str  # sheet and row

    def describe(self) -> str:
        if self.status == "new":
            return f"{self.section}: {self.label}: {self.incoming}"
        if self.status == "same":
            return f"{self.section}: {self.label}: {self.incoming} (same as yours)"
        return f"{self.section}: {self.label}: yours “{self.current}”, the client's “{self.incoming}”"


@dataclass
class PreworkPreview:
    source: str
    engagement_uid: str
    filled_by: str
    lines: list[PreworkLine] = field(default_factory=list)
    sites_new: list[Site] = field(default_factory=list)
    contacts_new: list[Contact] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # sites/contacts the client changed; ours are kept
    problems: list[str] = field(default_factory=list)

    def of(self, status: str) -> list[PreworkLine]:
        return [ln for ln in self.lines if ln.status == status]

    def counts(self) -> dict[str, int]:
        return {s: len(self.of(s)) for s in ("new", "same", "differs")}

    @property
    def empty(self) -> bool:
        return not (self.of("new") or self.of("differs") or self.sites_new or self.contacts_new)


@dataclass(frozen=True)
class ToConfirm:
    question_id: str
    client_value: Any
    imported_on: str
    by: str
    differs: bool  # the client's answer differs from the one kept; confirming keeps ours


class Prework(Feature):

    def __init__(self, core: Core, interview: Interview, settings: Settings):
        super().__init__(core)
        self.interview = interview
        self.settings = settings

    # ---- out ----------------------------------------------------------------------------------

    def export(self, eid: int, path: Path, *, today: date | None = None) -> Path:
        """Write the client's pre-work workbook for ``eid`` to ``path`` (all or nothing)."""
        from ..export import prework as prework_io

        eng = self.core.get(eid)
        pkg = self.core.form_of(eng)
        if not pw.client_sections(pkg):
            raise ServiceError(f"The form {pkg.key} marks no question for the client (audience: client); "
                               "there is nothing to send.")
        provider = self.settings.provider()
        data = prework_io.PreworkOut(
            pkg=pkg, client_name=eng.client_name, engagement_uid=eng.uid, reference=reference_of(eng.uid),
            provider_name=provider.display_name, provider_contact=provider.contact_line, brand_colour=provider.brand_colour,
            sites=eng.sites, contacts=eng.contacts, issued_on=today or date.today())
        try:
            out = prework_io.write_prework(data, Path(path))
        except ExportError as exc:
            raise ServiceError(str(exc)) from exc
        log.info("engagement %s: pre-work workbook exported", eid)
        return out

    # ---- back ---------------------------------------------------------------------------------

    def preview(self, eid: int, path: Path) -> PreworkPreview:
        """Read a returned pre-work workbook against ``eid``: every answer with the current one.
        Nothing is written. A file that cannot be trusted is refused (FileRefused, exit code 2)."""
        from ..export import prework as prework_io

        eng = self.core.get(eid)
        pkg = self.core.form_of(eng)
        try:
            read = prework_io.read_prework(Path(path), pkg, engagement_uid=eng.uid,
                                           locale=self.settings.provider().document_locale)
        except prework_io.PreworkRefused as exc:
            from .inventory import FileRefused

            raise FileRefused(str(exc)) from exc
        return self._preview(eid, eng.uid, Path(path).name, read)

    def _preview(self, eid: int, uid: str, source: str, read: prework_io.PreworkIn) -> PreworkPreview:
        pkg = self.core.form_of(self.core.header(eid))
        q = pkg.questionnaire
        current = {qid: v for qid, (v, _n) in self.interview.answers(eid).items()}
        sections = {qq.id: s.title for s in q.sections for qq in s.questions}
        preview = PreworkPreview(source, uid, read.filled_by, problems=list(read.problems))
        for a in read.answers:
            question = q.question(a.question_id)
            if question is None:
                continue
            now = current.get(a.question_id)
            status = "new" if now in (None, "", []) else ("same" if now == a.value else "differs")
            preview.lines.append(PreworkLine(
                sections.get(a.question_id, ""), a.question_id, question.label, pw.display(q, question, now),
                pw.display(q, question, a.value), status, a.value, a.where))
        sites = {s.name.casefold(): s for s in self.interview.sites(eid)}
        for s in read.sites:
            have = sites.get(s.name.casefold())
            if have is None:
                preview.sites_new.append(s)
            elif (have.address, have.user_count, have.notes) != (s.address, s.user_count, s.notes):
                preview.kept.append(f"Site {s.name}: the client's details differ from yours; yours are kept.")
        contacts = {c.name.casefold(): c for c in self.interview.contacts(eid)}
        for c in read.contacts:
            have_c = contacts.get(c.name.casefold())
            if have_c is None:
                preview.contacts_new.append(c)
            elif (have_c.role, have_c.email, have_c.phone, have_c.decision_maker) != (c.role, c.email, c.phone,
                                                                                          c.decision_maker):
                preview.kept.append(f"Contact {c.name}: the client's details differ from yours; yours are kept.")
        return preview

    def apply(self, eid: int, preview: PreworkPreview, *, take: Iterable[str] = (),
                      today: date | None = None) -> dict[str, int]:
        """Apply a previewed workbook: answers to unanswered questions, new sites and contacts.
        An answer the consultant gave is replaced only for the question ids in ``take``; every
        other differing answer is kept and the client's is remembered beside it. Every imported
        answer is marked "from the client, to confirm". Returns counts by what was done."""
        h = self.core.header(eid)
        if preview.engagement_uid != h.uid:
            raise ServiceError("This preview was read for another engagement. Nothing was changed.")
        take = set(take)
        current = {qid: v for qid, (v, _n) in self.interview.answers(eid).items()}
        marks = self._marks(eid)
        who = f"{preview.filled_by} ({CLIENT_SOURCE})" if preview.filled_by else CLIENT_SOURCE[0].upper() + CLIENT_SOURCE[1:]
        on = (today or date.today()).isoformat()
        done = {"answered": 0, "replaced": 0, "kept": 0, "same": 0, "sites": 0, "contacts": 0}
        writes = []
        for line in preview.lines:
            now = current.get(line.question_id)
            if now == line.value:
                done["same"] += 1
                continue
            if now in (None, "", []) or line.question_id in take:
                writes.append(line)
                marks[line.question_id] = {"value": line.value, "on": on, "by": who, "differs": False}
                done["replaced" if now not in (None, "", []) else "answered"] += 1
            else:
                marks[line.question_id] = {"value": line.value, "on": on, "by": who, "differs": True}
                done["kept"] += 1
        # The marks first: a mark whose answer never got written does not show (its value is not
        # the answer), so stopping half-way leaves every saved answer marked and nothing false.
        self._save_marks(eid, marks)
        for line in writes:
            self.interview.set_answer(eid, line.question_id, line.value)
            self.interview.set_answer_said_by(eid, line.question_id, who)
        if preview.sites_new:
            have = self.interview.sites(eid)
            names = {s.name.casefold() for s in have}
            new = [s for s in preview.sites_new if s.name.casefold() not in names]
            self.interview.set_sites(eid, [*have, *new])
            done["sites"] = len(new)
        if preview.contacts_new:
            have_c = self.interview.contacts(eid)
            names = {c.name.casefold() for c in have_c}
            new_c = [c for c in preview.contacts_new if c.name.casefold() not in names]
            self.interview.set_contacts(eid, [*have_c, *new_c])
            done["contacts"] = len(new_c)
        log.info("engagement %s: pre-work applied (%s)", eid, done)
        return done

    # ---- to confirm ---------------------------------------------------------------------------

    def _marks(self, eid: int) -> dict[str, dict[str, Any]]:
        """question id -> the client's answer waiting for confirmation (the engagement's records)."""
        return {r["question_id"]: {"value": r["value"], "on": r["imported_on"].isoformat(), "by": r["by"],
                                   "differs": r["differs"]}
                for r in repo.children(self.store, eid, "client_answers")}

    def _save_marks(self, eid: int, marks: dict[str, dict[str, Any]]) -> None:
        repo.replace_children(self.store, eid, "client_answers", [
            ClientAnswer(question_id=qid, value=m.get("value"), by=str(m.get("by", "")),
                         imported_on=date.fromisoformat(str(m["on"])), differs=bool(m.get("differs")))
            for qid, m in marks.items()])

    def to_confirm(self, eid: int) -> dict[str, ToConfirm]:
        """The answers that came from the client and wait for the consultant, by question id. An
        answer the consultant has changed since is theirs: it is no longer listed."""
        self.core.header(eid)
        current = {qid: v for qid, (v, _n) in self.interview.answers(eid).items()}
        out = {}
        for qid, m in self._marks(eid).items():
            differs = bool(m.get("differs"))
            if (current.get(qid) == m.get("value")) == differs:
                continue  # the consultant answered it since
            out[qid] = ToConfirm(qid, m.get("value"), str(m.get("on", "")), str(m.get("by", "")), differs)
        return out

    def confirm(self, eid: int, question_ids: Iterable[str]) -> int:
        """The consultant confirms these answers (a differing client answer is dropped, the
        consultant's kept); returns how many marks were cleared."""
        self.core.header(eid)
        marks = self._marks(eid)
        n = 0
        for qid in question_ids:
            if marks.pop(qid, None) is not None:
                n += 1
        if n:
            self._save_marks(eid, marks)
        return n

    def use_client_answer(self, eid: int, question_id: str) -> Any:
        """Replace the consultant's answer with the client's differing one (it stays to confirm)."""
        self.core.header(eid)
        marks = self._marks(eid)
        m = marks.get(question_id)
        if m is None:
            raise ServiceError("The client gave no answer to that question in the pre-work.")
        stored = self.interview.set_answer(eid, question_id, m.get("value"))
        self.interview.set_answer_said_by(eid, question_id, str(m.get("by", "")))
        marks[question_id] = {**m, "differs": False}
        self._save_marks(eid, marks)
        return stored

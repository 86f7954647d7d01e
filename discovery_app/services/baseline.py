"""From proposal to signed baseline, and the proof of improvement a year later (use cases).

Options, the roadmap's placements and the accepted-risk register are edited here before
acceptance; :meth:`Baseline.accept` freezes the engagement (the store then refuses every edit of
it: see ``repository._refuse_frozen``); change orders, the delivery read-back and filing it away
are what may still change. :meth:`Baseline.reassess` starts the year-later engagement and
:meth:`Baseline.progress` compares the two with the one domain diff.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from ..domain import baseline as bl
from ..domain import carried as carried_mod
from ..domain import progress as progress_mod
from ..domain import roadmap as roadmap_mod
from ..domain.basis import Basis
from ..domain.engagement import (
    Attachment,
    ChangeOrder,
    DeliveryStatus,
    Engagement,
    PricingInputs,
    PricingOption,
    RiskAcceptance,
    Status,
)
from ..domain.pricing import PricingError, Quote, build_quote
from ..storage import repository as repo
from .base import Core, Feature, ServiceError
from .exports import Assessments, Documents
from .findings_files import MAX_ATTACHMENT_BYTES, detect_kind, stored_name

if TYPE_CHECKING:
    from ..domain.forms import FormPackage

log = logging.getLogger("discovery_app.services")


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


@dataclass(frozen=True)
class ProgressData:
    """What the progress report renders: the two engagements and the domain diff."""

    before: Engagement
    after: Engagement
    form: FormPackage
    diff: progress_mod.Progress
    roadmap: roadmap_mod.Roadmap
    quote_after: Quote | None


class Baseline(Feature):
    """Options, roadmap, accepted risks, acceptance, change orders, re-assessment and progress."""

    def __init__(self, core: Core, assessments: Assessments, documents: Documents):
        super().__init__(core)
        self.assessments = assessments
        self.documents = documents

    # ---- options ----------------------------------------------------------------------------

    def options(self, eid: int) -> list[PricingOption]:
        return sorted(self.core.get(eid).options, key=lambda o: o.number)

    def set_options(self, eid: int, options: list[PricingOption]) -> None:
        try:
            bl.check_options(options)
        except bl.BaselineError as exc:
            raise ServiceError(str(exc)) from None
        repo.replace_children(self.store, eid, "options", options)

    def add_option(self, eid: int, label: str, pricing: PricingInputs | None = None, note: str = "") -> PricingOption:
        """A new option; its inputs start as the pricing page's (then the consultant varies them)."""
        eng = self.core.get(eid)
        taken = {o.number for o in eng.options}
        free = [n for n in range(1, bl.MAX_OPTIONS + 1) if n not in taken]
        if not free:
            raise ServiceError(f"A proposal offers at most {bl.MAX_OPTIONS} options; remove one first.")
        try:
            opt = PricingOption(number=free[0], label=label.strip(), note=note, pricing=pricing or eng.pricing)
        except ValidationError as exc:
            raise ServiceError(f"The option is not valid: {_errors(exc)}") from None
        self.set_options(eid, [*eng.options, opt])
        return opt

    def edit_option(self, eid: int, number: int, *, label: str | None = None, note: str | None = None,
                    pricing: PricingInputs | None = None) -> bl.PricedOption:
        """Change option ``number`` in place (its name, its line for the client, its pricing
        inputs); it is priced again by the same engine. Refused once the engagement is accepted:
        the option the client signed is part of the baseline."""
        eng = self.core.get(eid)
        if eng.frozen:
            raise ServiceError(bl.frozen_message(eng.client_name, eng.acceptance))
        try:
            old = next(o for o in eng.options if o.number == number)
        except StopIteration:
            offered = ", ".join(str(o.number) for o in sorted(eng.options, key=lambda o: o.number)) or "none"
            raise ServiceError(f"There is no option {number}; the proposal offers options {offered}.") from None
        update: dict[str, object] = {}
        if label is not None:
            update["label"] = label.strip()
        if note is not None:
            update["note"] = note.strip()
        if pricing is not None:
            update["pricing"] = pricing.model_dump()
        try:
            new = PricingOption.model_validate({**old.model_dump(), **update})
        except ValidationError as exc:
            raise ServiceError(f"Option {number} is not valid: {_errors(exc)}") from None
        self.set_options(eid, [new if o.number == number else o for o in eng.options])
        basis = self.assessments.basis(eid)
        return bl.price_option(basis, self.core.form_of(basis.engagement), new, self.assessments.sentence_locale(),
                               self.assessments.settings.commercial_terms())

    def remove_option(self, eid: int, number: int) -> None:
        self.set_options(eid, [o for o in self.core.get(eid).options if o.number != number])

    def priced_options(self, eid: int) -> list[bl.PricedOption]:
        basis = self.assessments.basis(eid)
        return bl.price_options(basis, self.core.form_of(basis.engagement), self.assessments.sentence_locale(),
                                self.assessments.settings.commercial_terms())

    # ---- roadmap ----------------------------------------------------------------------------

    def roadmap(self, eid: int, start: date | None = None) -> roadmap_mod.Roadmap:
        """The roadmap by quarter from the quarter after ``start`` (default: the acceptance date,
        else today), the projects priced by the engagement's quote."""
        eng = self.core.get(eid)
        return roadmap_mod.build_roadmap(eng, self._quote(eng), start or self._start(eng))

    @staticmethod
    def _start(eng: Engagement) -> date:
        return eng.acceptance.signed_on if eng.acceptance else (eng.discovery_date or date.today())

    def _quote(self, eng: Engagement) -> Quote | None:
        option = eng.acceptance.option if eng.acceptance else 0
        try:
            return build_quote(bl.option_basis(Basis.of(eng, self.core.approvers()), option), self.core.form_of(eng))
        except PricingError:
            return None

    def move_roadmap_item(self, eid: int, key: str, quarter: str) -> None:
        eng = self.core.get(eid)
        road = roadmap_mod.build_roadmap(eng, self._quote(eng), self._start(eng))
        try:
            placements = roadmap_mod.move(eng.roadmap_quarters, road, key, quarter)
        except roadmap_mod.RoadmapError as exc:
            raise ServiceError(str(exc)) from None
        repo.replace_children(self.store, eid, "roadmap_quarters", placements)

    # ---- accepted risks ---------------------------------------------------------------------

    def accept_risk(self, eid: int, risk_uid: str, *, owner: str, rationale: str, review_on: date,
                    approved_by: str, compensating_controls: str = "", approved_on: date | None = None) -> RiskAcceptance:
        """Record (or replace) the client's written acceptance of a risk."""
        eng = self.core.get(eid)
        if not any(r.uid == risk_uid for r in eng.risks):
            raise ServiceError(f"There is no risk {risk_uid} in this engagement.")
        try:
            rec = RiskAcceptance(risk_uid=risk_uid, owner=owner.strip(), rationale=rationale.strip(),
                                 compensating_controls=compensating_controls.strip(), review_on=review_on,
                                 approved_by=approved_by.strip(), approved_on=approved_on)
        except ValidationError as exc:
            raise ServiceError(f"The risk acceptance is not complete: {_errors(exc)}") from None
        kept = [a for a in eng.risk_acceptances if a.risk_uid != risk_uid]
        repo.replace_children(self.store, eid, "risk_acceptances", [*kept, rec])
        return rec

    def withdraw_risk_acceptance(self, eid: int, risk_uid: str) -> None:
        eng = self.core.get(eid)
        repo.replace_children(self.store, eid, "risk_acceptances",
                              [a for a in eng.risk_acceptances if a.risk_uid != risk_uid])

    def expired_acceptances(self, today: date | None = None) -> dict[int, int]:
        """Engagement id -> how many of its risk acceptances are past their review date."""
        return repo.expired_acceptance_counts(self.store, today or date.today())

    # ---- acceptance -------------------------------------------------------------------------

    def accept(self, eid: int, *, option: int, signed_by: str, title: str, signed_on: date,
               signed_file: Path | None = None) -> Engagement:
        """Record the client's signature and freeze the engagement as the baseline."""
        basis = self.assessments.basis(eid)
        eng = basis.engagement
        form = self.core.form_of(eng)
        try:
            a = self.assessments.of_basis(bl.option_basis(basis, option))
        except bl.BaselineError as exc:
            raise ServiceError(str(exc)) from None
        problems = bl.acceptance_problems(eng, option, a.readiness, a.readiness.on_page("pricing"),
                                          self.proposal_now(eid) if eng.proposal_sha256 and not eng.frozen else None)
        if problems:
            raise ServiceError("The engagement cannot be accepted:\n- " + "\n- ".join(problems))
        quote = a.quote
        assert quote is not None  # no pricing blocker, so it priced
        document = None
        if signed_file is not None:
            document = self._signed_document(Path(signed_file))
        try:
            acceptance = bl.accept(eng, option, signed_by, title, signed_on, bl.freeze(eng, form, a, quote, option),
                                   document[0].uid if document else None)
        except bl.BaselineError as exc:
            raise ServiceError(str(exc)) from None
        except ValidationError as exc:
            raise ServiceError(f"The acceptance is not complete: {_errors(exc)}") from None
        repo.record_acceptance(self.store, eid, acceptance, Status.ACCEPTED.value, document)
        log.info("engagement %s accepted (option %s)", eid, option)
        return self.core.get(eid)

    def proposal_now(self, eid: int) -> str:
        """The fingerprint of what the client proposal would say now, for the issue date of the
        last export ("" when it cannot be made: then it cannot equal the stored one)."""
        from ..export.fingerprint import proposal_fingerprint

        h = self.core.header(eid)
        try:
            return proposal_fingerprint(self.documents.report(eid, client=True, issued_on=h.proposal_issued_on))
        except ServiceError:
            return ""

    def proposal_is_current(self, eid: int) -> bool | None:
        """Whether the engagement still says what the last exported proposal says (None: none
        was exported). Acceptance is refused while it is False."""
        h = self.core.header(eid)
        if not h.proposal_sha256:
            return None
        return bool(h.proposal_fingerprint) and self.proposal_now(eid) == h.proposal_fingerprint

    @staticmethod
    def _signed_document(path: Path) -> tuple[Attachment, bytes]:
        try:
            if path.stat().st_size > MAX_ATTACHMENT_BYTES:
                raise ServiceError(f"“{path.name}” is larger than {MAX_ATTACHMENT_BYTES // 1048576} MB.")
            data = path.read_bytes()
        except OSError as exc:
            raise ServiceError(f"Cannot read “{path.name}”: {exc.strerror or exc}.") from exc
        if not data:
            raise ServiceError(f"“{path.name}” is empty; attach the signed proposal.")
        kind = detect_kind(data, path.name)
        if kind.content_type != "application/pdf":
            raise ServiceError(f"“{path.name}” is not a PDF; attach the signed proposal as a PDF (scanned or e-signed).")
        att = Attachment(file_name=stored_name(path.name, kind), content_type=kind.content_type,
                         sha256=hashlib.sha256(data).hexdigest(), size=len(data), note="Signed proposal")
        return att, data

    # ---- change orders ----------------------------------------------------------------------

    def change_orders(self, eid: int) -> list[ChangeOrder]:
        return sorted(self.core.get(eid).change_orders, key=lambda o: o.number)

    def add_change_order(self, eid: int, *, title: str, reason: str, hours: dict[str, Decimal],
                         monthly_change: Decimal = Decimal(0), requested_on: date | None = None) -> ChangeOrder:
        eng = self.core.get(eid)
        try:
            order = bl.new_change_order(eng, self.core.form_of(eng), title, reason, hours, monthly_change,
                                        requested_on or date.today())
        except bl.BaselineError as exc:
            raise ServiceError(str(exc)) from None
        except ValidationError as exc:
            raise ServiceError(f"The change order is not valid: {_errors(exc)}") from None
        repo.save_change_orders(self.store, eid, [*eng.change_orders, order])
        return order

    def _order(self, eng: Engagement, number: int) -> ChangeOrder:
        for o in eng.change_orders:
            if o.number == number:
                return o
        raise ServiceError(f"There is no change order {number}.")

    def approve_change_order(self, eid: int, number: int, *, approved_by: str, title: str = "",
                             approved_on: date | None = None) -> ChangeOrder:
        eng = self.core.get(eid)
        try:
            order = bl.approve(self._order(eng, number), approved_by, title, approved_on or date.today())
        except bl.BaselineError as exc:
            raise ServiceError(str(exc)) from None
        repo.save_change_orders(self.store, eid, [order if o.number == number else o for o in eng.change_orders])
        return order

    def decline_change_order(self, eid: int, number: int) -> ChangeOrder:
        eng = self.core.get(eid)
        try:
            order = bl.decline(self._order(eng, number))
        except bl.BaselineError as exc:
            raise ServiceError(str(exc)) from None
        repo.save_change_orders(self.store, eid, [order if o.number == number else o for o in eng.change_orders])
        return order

    def contract_totals(self, eid: int) -> bl.ContractTotals:
        eng = self.core.get(eid)
        try:
            return bl.contract_totals(eng, self.core.form_of(eng))
        except bl.BaselineError as exc:
            raise ServiceError(str(exc)) from None

    def report_delivery(self, eid: int,
                        updates: dict[str, tuple[DeliveryStatus, dict[str, Decimal], date | None]]) -> None:
        """What delivery reports on sold tasks (status, actual hours per role, done date), also on an
        accepted engagement: the rest of the task stays as signed."""
        eng = self.core.get(eid)
        unknown = set(updates) - {i.uid for i in eng.remediation}
        if unknown:
            raise ServiceError(f"There is no task {sorted(unknown)[0]} in this engagement.")
        try:
            items = [i.model_copy(update={"delivery_status": updates[i.uid][0], "actual_hours": updates[i.uid][1],
                                          "done_on": updates[i.uid][2]}) if i.uid in updates else i
                     for i in eng.remediation]
            items = [type(i).model_validate(i.model_dump()) for i in items]
        except ValidationError as exc:
            raise ServiceError(f"The delivery report is not valid: {_errors(exc)}") from None
        repo.set_delivery_progress(self.store, eid, items)

    # ---- re-assessment and progress ---------------------------------------------------------

    def reassess(self, eid: int, today: date | None = None) -> int:
        """A new engagement from accepted ``eid``, its records carried over to confirm; its id."""
        eng = self.core.get(eid)
        try:
            new = bl.reassess(eng, today or date.today(), datetime.now(UTC))
        except bl.BaselineError as exc:
            raise ServiceError(str(exc)) from None
        new_id = self.core.save_new(new, self.core.form_of(eng))
        log.info("engagement %s re-assesses baseline %s", new_id, eid)
        return new_id

    def carried(self, eid: int) -> carried_mod.Carried:
        """The records of re-assessment ``eid`` still "from the baseline, to confirm"."""
        h = self.core.header(eid)
        if not h.to_confirm:
            return carried_mod.Carried({})
        return carried_mod.still_to_confirm(self.core.get(eid))

    def confirm(self, eid: int, keys: list[str] | None = None) -> int:
        """Mark carried records as confirmed (all when ``keys`` is None; a key is
        ``"<kind>:<record>"``, see :mod:`~discovery_app.domain.carried`); how many are left.
        A key that is not waiting is refused, and nothing is confirmed."""
        h = self.core.header(eid)
        try:
            left = carried_mod.after_confirming(h.to_confirm, keys)
        except carried_mod.CarriedError as exc:
            raise ServiceError(f"{h.client_name}: {exc}.") from None
        if left != h.to_confirm:
            repo.update_header(self.store, eid, to_confirm=left)
        return len(carried_mod.still_to_confirm(self.core.get(eid)).keys()) if left else 0

    def confirm_kind(self, eid: int, kind: str) -> int:
        """Confirm every carried record of one kind (a page's "Confirm all"); how many are left."""
        try:
            k = carried_mod.Kind(kind)
        except ValueError:
            raise ServiceError(f"“{kind}” is no kind of carried record: answer, inventory, standard, risk or "
                               "acceptance.") from None
        waiting = [x for x in self.core.header(eid).to_confirm if x.startswith(f"{k.value}:")]
        return self.confirm(eid, waiting) if waiting else len(self.carried(eid).keys())

    def baseline_of(self, eid: int) -> int:
        """The id of the accepted engagement that ``eid`` re-assesses."""
        h = self.core.header(eid)
        if not h.baseline_of:
            raise ServiceError(f"{h.client_name} is not a re-assessment: start one from an accepted engagement "
                               f"(discovery-app reassess ID).")
        for other in repo.list_headers(self.store, include_archived=True):
            if other.uid == h.baseline_of and other.id is not None:
                return other.id
        raise ServiceError("The baseline this engagement re-assesses is not in this database (import it first).")

    def progress(self, eid: int) -> ProgressData:
        """The re-assessment ``eid`` against its baseline, by the one domain diff."""
        before = self.core.get(self.baseline_of(eid))
        after = self.core.get(eid)
        fb, fa = self.core.form_of(before), self.core.form_of(after)
        qb, qa = self._quote(before), self._quote(after)
        diff = progress_mod.compare(before, after, fb, fa, qb, qa)
        road = roadmap_mod.build_roadmap(after, qa, after.discovery_date or date.today())
        return ProgressData(before, after, fa, diff, road, qa)

    # ---- documents --------------------------------------------------------------------------

    def export_change_order(self, eid: int, number: int, path: Path) -> Path:
        """The change-order PDF in the proposal's style."""
        from ..export.baseline_pdf import render_change_order

        eng = self.core.get(eid)
        order = self._order(eng, number)
        form = self.core.form_of(eng)
        try:
            totals = bl.contract_totals(eng, form)
        except bl.BaselineError as exc:
            raise ServiceError(str(exc)) from None
        report = self.documents.report(eid, client=True)
        data = render_change_order(report, eng, order, bl.price_change_order(order, form), totals)
        return self.documents._write_export(Path(path), data)

    def export_progress(self, eid: int, path: Path) -> Path:
        """The progress report of re-assessment ``eid`` against its signed baseline (PDF)."""
        from ..export.baseline_pdf import render_progress

        data = self.progress(eid)
        report = self.documents.report(eid, client=True)
        return self.documents._write_export(Path(path), render_progress(report, data.before, data.after, data.diff,
                                                                        data.roadmap))

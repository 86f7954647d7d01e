"""Client documents: the report model, the proposal and stabilization-plan PDFs, and what blocks
the client-facing export.

Files are written through :func:`~discovery_app.export.atomic.write_atomic`: a locked, read-only
or full target raises :class:`ServiceError` with a sentence for the consultant and leaves any
earlier file untouched.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import assessment as assessment_mod
from ..domain import pricing as pricing_mod
from ..domain.basis import Basis
from ..export.atomic import ExportError, write_atomic
from ..storage import repository as repo
from .base import Core, Feature, ServiceError
from .settings import Settings

if TYPE_CHECKING:
    from ..export import report as report_mod

# The report model (and Babel, which formats its money and dates) is imported when a document is
# first built, not at start-up: the engagement list needs neither.

PROFILE_KEY = "provider_profile"
TERMS_KEY = "commercial_terms"


class Assessments(Feature):
    """The one assessment of an engagement (quote, plan, readiness) every surface reads."""

    def __init__(self, core: Core, settings: Settings):
        super().__init__(core)
        self.settings = settings

    def basis(self, eid: int, *, documents: bool = True) -> Basis:
        """Every record of the engagement except the inventory, which comes as counts per kind (all
        an assessment reads of it). At a large client this skips reading 20,000 records.
        ``documents=False`` also leaves out what only the documents show (contacts, attachment
        records) and the time log."""
        skip = ("inventory", "time_log") if documents else ("inventory", "time_log", "contacts", "attachments")
        try:
            eng = repo.load_engagement(self.store, eid, skip=skip)
        except repo.NotFound as exc:
            raise ServiceError(f"There is no engagement {eid}.") from exc
        return Basis(eng, repo.inventory_kind_counts(self.store, eid), self.core.approvers())

    def of_basis(self, basis: Basis) -> assessment_mod.Assessment:
        return assessment_mod.assess(basis, self.core.form_of(basis.engagement), self.settings.commercial_terms(),
                                     self.sentence_locale())

    def sentence_locale(self) -> str:
        """The locale the app's sentences write percents in: the provider's (Settings)."""
        return self.settings.provider().locale

    def of(self, eid: int) -> assessment_mod.Assessment:
        """The one assessment of ``eid``: quote, schedule, matrix, risk treatments, readiness."""
        return self.of_basis(self.basis(eid))

    def check(self, eid: int) -> assessment_mod.Readiness:
        """What blocks the client-facing proposal and what only warns, with where to fix each."""
        return self.of_basis(self.basis(eid, documents=False)).readiness


class Documents(Feature):
    """The client documents: the report model and the proposal and plan PDFs."""

    def __init__(self, core: Core, assessments: Assessments, settings: Settings):
        super().__init__(core)
        self.assessments = assessments
        self.settings = settings

    def report_of(self, basis: Basis, client: bool = True, *,
                  issued_on: date | None = None) -> tuple[report_mod.Report, assessment_mod.Assessment]:
        """The report model of a basis and the assessment it was laid out from."""
        from ..export import report as report_mod

        eng = basis.engagement
        assessed = self.assessments.of_basis(basis)
        try:
            eid = eng.id
            photos = None if eid is None else (lambda uid: repo.attachment_blob(self.store, eid, uid))
            report = report_mod.build_report(eng, self.core.form_of(eng), assessed, self.settings.provider(),
                                             client=client, issued_on=issued_on, photo_bytes=photos)
        except pricing_mod.PricingError as exc:
            raise ServiceError(f"Cannot price engagement {eng.id}: {exc}") from exc
        report.extra["proposal_extras"] = self._proposal_extras(basis, assessed, report.issued_on)
        return report, assessed

    def _proposal_extras(self, basis: Basis, assessed: assessment_mod.Assessment, issued_on: date) -> Any:
        """The proposal's options side by side, its roadmap and budget by quarter, its accepted risks."""
        from ..domain import baseline as bl
        from ..domain import roadmap as roadmap_mod
        from ..export.baseline_pdf import ProposalExtras

        eng = basis.engagement
        form = self.core.form_of(eng)
        options = bl.price_options(basis, form, self.assessments.sentence_locale(), self.settings.commercial_terms())
        # Lifecycle replacements need the devices' dates, which the basis counts away: three columns.
        devices = roadmap_mod.device_dates(eng) if eng.inventory or eng.id is None else repo.device_dates(self.store, eng.id)
        road = roadmap_mod.build_roadmap(eng, assessed.quote, eng.acceptance.signed_on if eng.acceptance else issued_on,
                                         devices)
        titles = {r.uid: r.title for r in eng.risks}
        return ProposalExtras(
            options=tuple(options), differences=tuple(bl.option_differences(form, eng.options)), roadmap=road,
            accepted_risks=tuple((titles.get(a.risk_uid, ""), a) for a in eng.risk_acceptances))

    def report(self, eid: int, client: bool = True, *, issued_on: date | None = None) -> report_mod.Report:
        """The one report model of engagement ``eid``; ``client=False`` adds costs and margins."""
        return self.report_of(self.assessments.basis(eid), client, issued_on=issued_on)[0]


    def export_proposal(self, eid: int, path: Path, password: str | None = None, *, draft: bool = False,
                        issued_on: date | None = None, report: report_mod.Report | None = None,
                        internal: bool = False) -> Path:
        """Write the fixed-fee proposal PDF. Refuses while anything blocks the export, unless
        ``draft`` (then every page says it is a draft, not for signature). ``report``: the client
        report of ``eid`` when the caller already built it (one assessment for several documents).

        ``internal``: the provider's internal copy instead: the same pages, marked, with the
        discount's approvals (verified), costs and margins at the end. It is not the proposal sent,
        so it records nothing about the engagement."""
        from ..export import report as report_mod
        from ..export.proposal_pdf import render_proposal

        figures = None
        if report is None:
            report, assessed = self.report_of(self.assessments.basis(eid), True, issued_on=issued_on)
            if internal and assessed.quote is not None:
                figures = report_mod.internal_figures(assessed.quote)
        elif internal:
            figures = self.report(eid, client=False, issued_on=report.issued_on).internal
        if report.blockers and not draft:
            raise ServiceError("The proposal cannot be exported yet (discovery-app check lists where to fix each):\n- "
                               + "\n- ".join(report.blockers))
        data = render_proposal(report, password=password or None, draft=bool(report.blockers) and draft,
                               internal=figures)
        written = self._write_export(Path(path), data)
        if internal:
            return written
        if not report.blockers and repo.acceptance(self.store, eid) is None:
            # The fingerprint of the proposal sent: acceptance freezes it into the baseline, and
            # what it says, so acceptance can tell the engagement still says the same.
            from ..export.fingerprint import proposal_fingerprint

            repo.update_header(self.store, eid, proposal_sha256=hashlib.sha256(data).hexdigest(),
                               proposal_fingerprint=proposal_fingerprint(report), proposal_issued_on=report.issued_on)
        return written

    def export_plan(self, eid: int, path: Path, *, issued_on: date | None = None,
                    report: report_mod.Report | None = None) -> Path:
        """Write the stabilization plan PDF (it carries no prices, so nothing blocks it)."""
        from ..export.plan_pdf import render_plan

        report = report or self.report(eid, client=True, issued_on=issued_on)
        return self._write_export(Path(path), render_plan(report))

    @staticmethod
    def _write_export(path: Path, data: bytes) -> Path:
        try:
            return write_atomic(path, lambda fh: fh.write(data))
        except ExportError as exc:
            raise ServiceError(str(exc)) from exc

    def file_name(self, eid: int, document: str) -> str:
        """A safe default file name: ``"Harbor & Finch CPAs - Proposal P-2026-0001.pdf"``.

        ``document``: "proposal", "internal_proposal" (its internal copy), "plan" or "progress"."""
        from ..domain.filenames import safe_file_name
        from ..export import report as report_mod

        eng = self.core.header(eid)  # the name and id are all a file name needs
        number = report_mod.proposal_number(eng, date.today())
        label = {"proposal": "Proposal", "internal_proposal": "Proposal", "plan": "Stabilization plan",
                 "progress": "Progress report"}.get(document, document.capitalize())
        tail = " (internal copy)" if document == "internal_proposal" else ""
        return safe_file_name(f"{eng.client_name} - {label} {number}{tail}.pdf", fallback=f"{label}{tail}.pdf")

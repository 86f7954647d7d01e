"""Client documents: the report model, the proposal and stabilization-plan PDFs, and what blocks
the client-facing export.

Files are written through :func:`~discovery_app.export.atomic.write_atomic`: a locked, read-only
or full target raises :class:`ServiceError` with a sentence for the consultant and leaves any
earlier file untouched.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import matrix as matrix_mod
from ..domain import pricing as pricing_mod
from ..domain.engagement import Engagement
from ..export.atomic import ExportError, write_atomic
from ..storage import repository as repo
from .base import ServiceBase, ServiceError
from .pricing import stand_ins

if TYPE_CHECKING:
    from ..export import report as report_mod

# The report model (and Babel, which formats its money and dates) is imported when a document is
# first built, not at start-up: the engagement list needs neither.

PROFILE_KEY = "provider_profile"


class ExportsMixin(ServiceBase):
    def engagement_for_documents(self, eid: int) -> Engagement:
        """The engagement with every record the proposal and plan show; its inventory (which no
        document lists) stands in by count per kind, which is all pricing reads of it. At a large
        client this skips reading and checking 20,000 records per export."""
        try:
            eng = repo.load_engagement(self.store, eid, skip=("inventory",))
        except repo.NotFound as exc:
            raise ServiceError(f"There is no engagement {eid}.") from exc
        return eng.model_copy(update={"inventory": stand_ins(repo.inventory_kind_counts(self.store, eid))})

    def document_provider(self) -> report_mod.ProviderProfile:
        """The provider profile from the settings, with defaults for whatever is not set."""
        from ..export import report as report_mod

        return report_mod.ProviderProfile.from_setting(self.setting(PROFILE_KEY, {}))

    def build_report(self, eid: int, client: bool = True, *, issued_on: date | None = None) -> report_mod.Report:
        """The one report model of engagement ``eid``; ``client=False`` adds costs and margins."""
        from ..export import report as report_mod

        eng = self.engagement_for_documents(eid)
        pkg = self.form_of(eng)
        try:
            quote = pricing_mod.build_quote(eng, pkg)
        except pricing_mod.PricingError as exc:
            raise ServiceError(f"Cannot price engagement {eid}: {exc}") from exc
        return report_mod.build_report(eng, pkg, quote, matrix_mod.build_matrix(eng.responsibilities),
                                       self.document_provider(), client=client, issued_on=issued_on)

    def export_blockers(self, eid: int) -> list[str]:
        """Sentences saying what stops the proposal going to the client: missing required answers,
        responsibility-matrix rows without exactly one Accountable party, a discount not approved."""
        from ..export import report as report_mod

        eng = self.engagement_for_documents(eid)
        pkg = self.form_of(eng)
        try:
            quote = pricing_mod.build_quote(eng, pkg)
        except pricing_mod.PricingError as exc:
            return [f"The engagement cannot be priced: {exc}"]
        return report_mod.export_blockers(eng, pkg, quote, matrix_mod.build_matrix(eng.responsibilities))

    def export_proposal(self, eid: int, path: Path, password: str | None = None, *, draft: bool = False,
                        issued_on: date | None = None) -> Path:
        """Write the fixed-fee proposal PDF. Refuses while anything blocks the export, unless
        ``draft`` (then every page says it is a draft, not for signature)."""
        from ..export.proposal_pdf import render_proposal

        report = self.build_report(eid, client=True, issued_on=issued_on)
        if report.blockers and not draft:
            raise ServiceError("The proposal cannot be exported yet:\n- " + "\n- ".join(report.blockers))
        data = render_proposal(report, password=password or None, draft=bool(report.blockers) and draft)
        return self._write_export(Path(path), data)

    def export_plan(self, eid: int, path: Path, *, issued_on: date | None = None) -> Path:
        """Write the stabilization plan PDF (it carries no prices, so nothing blocks it)."""
        from ..export.plan_pdf import render_plan

        report = self.build_report(eid, client=True, issued_on=issued_on)
        return self._write_export(Path(path), render_plan(report))

    @staticmethod
    def _write_export(path: Path, data: bytes) -> Path:
        try:
            return write_atomic(path, lambda fh: fh.write(data))
        except ExportError as exc:
            raise ServiceError(str(exc)) from exc

    def export_file_name(self, eid: int, document: str) -> str:
        """A safe default file name: ``"Harbor & Finch CPAs - Proposal P-2026-0001.pdf"``.

        ``document``: "proposal" or "plan"."""
        from ..domain.filenames import safe_file_name
        from ..export import report as report_mod

        eng = self._header(eid)  # the name and id are all a file name needs
        number = report_mod.proposal_number(eng, date.today())
        label = {"proposal": "Proposal", "plan": "Stabilization plan"}.get(document, document.capitalize())
        return safe_file_name(f"{eng.client_name} - {label} {number}.pdf", fallback=f"{label}.pdf")

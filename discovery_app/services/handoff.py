"""The delivery handoff workbook: export it (internal or client variant), and read an edited one
back as a previewed diff that is then applied in one transaction."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.basis import Basis
from ..export.atomic import ExportError
from ..storage import repository as repo
from .base import Core, Feature, ServiceError
from .exports import Documents

if TYPE_CHECKING:
    from ..export import packs, workbook_data
    from ..export import workbook as workbook_mod
    from ..export import workbook_import as wb_import

# The exporters (openpyxl) are imported inside the methods: start-up never loads them.

log = logging.getLogger("discovery_app.services.handoff")


class Handoff(Feature):

    def __init__(self, core: Core, documents: Documents):
        super().__init__(core)
        self.documents = documents

    def workbook_data(self, eid: int, *, client: bool = False, today: date | None = None,
                      start: date | None = None) -> workbook_data.HandoffData:
        """The workbook's rows, from the report model (client or internal audience). ``start``:
        the day delivery starts (plan week 1); by default the Monday after ``today``."""
        from ..export import workbook_data
        eng = self.core.get(eid)
        today = today or date.today()
        rep, assessed = self.documents.report_of(Basis.of(eng, self.core.approvers()), client, issued_on=today)
        data = workbook_data.from_report(rep, eng, self.core.form_of(eng), assessed, today, start)
        if not eng.change_orders:
            return data
        from dataclasses import replace

        from ..export.change_order_work import approved_work

        last = max((t.order for t in (*data.stabilization, *data.roadmap)), default=0)
        return replace(data, change_orders=approved_work(eng, self.core.form_of(eng), last + 1))

    def export_workbook(self, eid: int, path: Path, client: bool = False, *,
                        start: date | None = None) -> workbook_mod.WorkbookResult:
        """Write the delivery workbook to ``path`` (internal variant unless ``client``); task and
        phase dates count from ``start`` (default: the Monday after today)."""
        from ..export import workbook as workbook_mod
        data = self.workbook_data(eid, client=client, start=start)
        try:
            result = workbook_mod.write_workbook(data, Path(path), client=client)
        except ExportError as exc:
            raise ServiceError(str(exc)) from exc
        log.info("engagement %s: %s workbook exported (%d inventory rows)", eid,
                 "client" if client else "internal", result.rows.get(workbook_mod.INVENTORY, 0))
        return result

    def export_pack(self, eid: int, tool: str, folder: Path, *, start: date | None = None) -> packs.PackResult:
        """Write the import pack for ``tool`` (connectwise, autotask, halopsa, itglue, generic) into
        ``folder``: CSV files checked against the tool's columns and picklists, and a README. A
        pack that fails its checks writes nothing; the message lists file, row and column."""
        from ..export import packs
        from ..export.packs.tools import build_pack
        data = self.workbook_data(eid, client=True, start=start)
        try:
            result = packs.write_pack(build_pack(data, tool), Path(folder))
        except (packs.PackError, ExportError) as exc:
            raise ServiceError(str(exc)) from exc
        log.info("engagement %s: %s pack exported (%s)", eid, tool, result.rows)
        return result

    def preview_workbook_changes(self, eid: int, path: Path) -> wb_import.WorkbookDiff:
        """What re-importing the edited workbook would change; nothing is written."""
        from ..export import workbook_import as wb_import
        eng = self.core.get(eid)
        try:
            return wb_import.read_diff(Path(path), eng, self.core.form_of(eng))
        except wb_import.WorkbookUnreadable as exc:
            from .inventory import FileRefused

            raise FileRefused(f"{exc.source} cannot be imported: {'; '.join(p.rstrip('.') for p in exc.problems)}. "
                              "Nothing was changed.") from exc
        except wb_import.WorkbookImportError as exc:
            raise ServiceError(str(exc)) from exc

    def review_workbook(self, eid: int, path: Path) -> tuple[list[Any], list[Any]]:
        """(the columns each sheet reads and ignores, the ignored cells that were edited): the
        edited workbook against a fresh export of the same variant, written to a temporary folder."""
        import tempfile

        from ..export import workbook_review as review

        path = Path(path)
        try:
            cols = review.columns(path)
            client = review.is_client_copy(path)
            start = review.start_date(path)
        except Exception as exc:  # read_diff already vouched for the file; a surprise is not fatal
            log.warning("workbook review skipped: %s", type(exc).__name__)
            return [], []
        with tempfile.TemporaryDirectory(prefix="discovery-review-") as tmp:
            fresh = self.export_workbook(eid, Path(tmp) / "fresh.xlsx", client=client, start=start).path
            return cols, review.refused_cells(path, fresh)

    def apply_workbook_changes(self, eid: int, diff: wb_import.WorkbookDiff) -> int:
        """Apply a previewed diff in one transaction; returns how many rows changed. Refuses when
        the engagement changed since the preview (preview again)."""
        from ..export import workbook_import as wb_import
        eng = self.core.get(eid)
        if diff.engagement_uid != eng.uid:
            raise ServiceError(f"These changes were read for another engagement, not {eng.client_name}.")
        if wb_import.fingerprint(eng) != diff.base:
            raise ServiceError("The engagement changed since the workbook was previewed; preview the workbook "
                               "again before applying it. Nothing was changed.")
        collections = {attr: records for attr, records in (
            ("inventory", diff.inventory), ("risks", diff.risks), ("remediation", diff.remediation))
            if records is not None}
        if collections and eng.frozen:
            # After acceptance the workbook reports delivery; anything else is a change order.
            delivery = {"delivery_status", "actual_hours", "done_on"}
            sold = [r.model_dump(exclude=delivery) for r in eng.remediation]
            if (any(records != getattr(eng, attr) for attr, records in collections.items() if attr != "remediation")
                    or ("remediation" in collections
                        and [r.model_dump(exclude=delivery) for r in collections["remediation"]] != sold)):
                raise ServiceError(f"{eng.client_name} is accepted: the workbook may only report delivery "
                                   f"(status, actual hours, done date). Record other changes as a change order. "
                                   f"Nothing was changed.")
            if "remediation" in collections:
                repo.set_delivery_progress(self.store, eid, collections["remediation"])
        elif collections:
            repo.replace_children_many(self.store, eid, collections)
        log.info("engagement %s: workbook changes applied (%s)", eid, diff.counts())
        return len(diff.rows)

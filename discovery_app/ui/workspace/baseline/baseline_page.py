"""Acceptance & changes: record the client's signature (which freezes the engagement as the
baseline), the change orders after it, starting the re-assessment, and for a re-assessment the
progress report against its baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ....domain import baseline as bl
from ....domain import carried as carried_mod
from ....domain.carried import Kind
from ....domain.engagement import ChangeOrderStatus, Engagement
from ....domain.filenames import safe_file_name
from ....domain.progress import RiskOutcome
from ....domain.wording import count
from ...messages import show_exception
from ...widgets import muted, scaled_font
from ..carried_marks import CarriedBar
from ..offer.offer_format import money, signed_money
from ..page import PageContext, WorkspacePage
from ..table_models import RowsModel, rows_table
from .baseline_dialogs import AcceptanceDialog, ApprovalDialog, ChangeOrderDialog
from .offer_boxes import AcceptedRisksBox, OptionsBox


def _day(d: Any) -> str:
    from ....domain import locale_text
    from ... import app_locale

    return locale_text.format_date_short(d, app_locale.current())


_STATUS = {ChangeOrderStatus.PROPOSED: "Awaiting approval", ChangeOrderStatus.APPROVED: "Approved",
           ChangeOrderStatus.DECLINED: "Declined"}


class BaselinePage(WorkspacePage):
    section_id = "baseline"
    title = "Acceptance & changes"
    fills_view = False

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("baselinePage")
        self._eng: Engagement | None = None
        #: The dialog open now (tests drive it), else None.
        self.dialog: QDialog | None = None
        #: The id of the re-assessment last started here.
        self.started: int | None = None
        heading = QLabel(self.title)
        heading.setFont(scaled_font(self, 1.4, bold=True))

        self.state = QLabel()
        self.state.setObjectName("baselineState")
        self.state.setWordWrap(True)
        self.accept_button = QPushButton("&Record acceptance…")
        self.accept_button.setObjectName("recordAcceptance")
        self.accept_button.setToolTip("Record the option chosen, who signed and when, and the signed PDF (Alt+R)")
        self.accept_button.clicked.connect(self.record_acceptance)
        self.reassess_button = QPushButton("Start &re-assessment")
        self.reassess_button.setObjectName("startReassessment")
        self.reassess_button.setToolTip("A new engagement with this one's answers, inventory, standards and risks, "
                                        "each marked to confirm")
        self.reassess_button.clicked.connect(self.start_reassessment)
        status_box = QGroupBox("Acceptance")
        sl = QVBoxLayout(status_box)
        sl.addWidget(self.state)
        row = QHBoxLayout()
        row.addWidget(self.accept_button)
        row.addWidget(self.reassess_button)
        row.addStretch(1)
        sl.addLayout(row)

        co_box = QGroupBox("Change orders")
        self.co_intro = muted(QLabel())
        self.co_intro.setWordWrap(True)
        self.co_model = RowsModel(["No.", "Change", "One-time", "Monthly", "Status"], right=(0, 2, 3))
        self.co_table = rows_table(self.co_model, "changeOrders", "Change orders")
        self.new_co = QPushButton("&New change order…")
        self.new_co.setObjectName("newChangeOrder")
        self.new_co.clicked.connect(self.new_change_order)
        self.approve_co = QPushButton("&Approve…")
        self.approve_co.setObjectName("approveChangeOrder")
        self.approve_co.clicked.connect(self.approve_selected)
        self.decline_co = QPushButton("&Decline")
        self.decline_co.setObjectName("declineChangeOrder")
        self.decline_co.clicked.connect(self.decline_selected)
        self.pdf_co = QPushButton("Change order &PDF…")
        self.pdf_co.setObjectName("changeOrderPdf")
        self.pdf_co.clicked.connect(self.export_selected)
        self.totals = QLabel()
        self.totals.setObjectName("contractTotals")
        self.totals.setWordWrap(True)
        cl = QVBoxLayout(co_box)
        cl.addWidget(self.co_intro)
        cl.addWidget(self.co_table, 1)
        buttons = QHBoxLayout()
        for b in (self.new_co, self.approve_co, self.decline_co, self.pdf_co):
            buttons.addWidget(b)
        buttons.addStretch(1)
        cl.addLayout(buttons)
        cl.addWidget(self.totals)

        self.progress_box = QGroupBox("Progress against the baseline")
        self.progress_text = QLabel()
        self.progress_text.setObjectName("progressSummary")
        self.progress_text.setWordWrap(True)
        self.progress_button = QPushButton("Export progress re&port…")
        self.progress_button.setObjectName("exportProgress")
        self.progress_button.clicked.connect(self.export_progress)
        pl = QVBoxLayout(self.progress_box)
        pl.addWidget(self.progress_text)
        prow = QHBoxLayout()
        prow.addWidget(self.progress_button)
        prow.addStretch(1)
        pl.addLayout(prow)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 16)
        def save(fn: Any, message: str, what: str) -> None:
            self.save(fn, self._after(message), self._failed(what))

        self.options_box = OptionsBox(self.service, self.engagement_id, save)
        self.risks_box = AcceptedRisksBox(self.service, self.engagement_id, save)
        # A re-assessment's risk acceptances come from the baseline, to confirm (their review dates).
        self.carried_bar = CarriedBar(self, Kind.ACCEPTANCE, self.risks_box.model, self.risks_box.table,
                                      self.risks_box.selected_risks)
        risks_layout = self.risks_box.layout()
        assert isinstance(risks_layout, QVBoxLayout)
        risks_layout.insertWidget(0, self.carried_bar)
        self.co_table.setMinimumHeight(140)
        lay.addWidget(heading)
        lay.addWidget(status_box)
        lay.addWidget(self.progress_box)
        lay.addWidget(self.options_box)
        lay.addWidget(self.risks_box)
        lay.addWidget(co_box, 1)
        self.co_table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())

    # ---- showing ------------------------------------------------------------------------------

    def load(self) -> None:
        eng = self._eng = self.service.engagements.get(self.engagement_id)
        acc = eng.acceptance
        if acc is None:
            current = self.service.baseline.proposal_is_current(self.engagement_id)
            stale = ("" if current is not False else
                     f" The engagement changed since the proposal was exported"
                     f"{' on ' + _day(eng.proposal_issued_on) if eng.proposal_issued_on else ''}: export it again "
                     "and send that one before recording the acceptance.")
            self.state.setText(
                "Not accepted yet. When the client signs, record the option chosen, who signed and the signed "
                "document. The proposal must have been exported (its fingerprint is kept) and nothing may block it."
                + stale)
        else:
            label = acc.baseline.get("option_label", "")
            doc = "the signed PDF is attached" if acc.document_uid else "no signed document attached"
            self.state.setText(
                f"Accepted on {_day(acc.signed_on)}: {label}, signed by {acc.signed_by} ({acc.title}); {doc}. "
                f"The engagement is frozen as the baseline. Proposal fingerprint (SHA-256): "
                f"{acc.proposal_sha256[:16]}…")
        self.options_box.load(eng)
        self.risks_box.load(eng)
        self.carried_bar.load()
        self.accept_button.setVisible(acc is None)
        self.reassess_button.setVisible(acc is not None)
        form = self.service.forms.of(eng)
        orders = sorted(eng.change_orders, key=lambda o: o.number)
        self.co_model.set_rows([[str(o.number), o.title, money(bl.price_change_order(o, form).price),
                                 signed_money(o.monthly_change) if o.monthly_change else "", _STATUS[o.status]]
                                for o in orders], [o.reason for o in orders])
        if acc is None:
            self.co_intro.setText("Change orders start after acceptance; until then, edit the proposal itself.")
            self.totals.setText("")
        else:
            self.co_intro.setText("Every change after acceptance is a priced change order. No work starts on one the "
                                  "client has not approved." + ("" if orders else " No change orders yet."))
            t = bl.contract_totals(eng, form)
            self.totals.setText(f"Contract with approved orders: {money(t.one_time)} one-time and {money(t.monthly)} "
                                f"a month" + (f"; awaiting approval: {money(t.one_time_pending)}"
                                              if t.one_time_pending else "") + ".")
        self.progress_box.setVisible(bool(eng.baseline_of))
        if eng.baseline_of:
            from ....services import ServiceError

            try:
                d = self.service.baseline.progress(self.engagement_id).diff
            except ServiceError as exc:  # the baseline is not in this database
                self.progress_text.setText(str(exc))
                self.progress_button.setEnabled(False)
            else:
                self.progress_text.setText(
                    f"Standards aligned {d.aligned_before} → {d.aligned_after}; "
                    f"{count(len(d.risks_by(RiskOutcome.CLOSED)), 'risk')} closed, "
                    f"{len(d.risks_by(RiskOutcome.REDUCED))} reduced, {len(d.risks_by(RiskOutcome.NEW))} new; "
                    f"plan tasks done {d.tasks_done} of {len(d.tasks)}. "
                    f"Still to confirm from the baseline: {carried_mod.still_to_confirm(eng).words()}.")
                self.progress_button.setEnabled(True)
        self._enable()

    def _selected(self) -> Any:
        if self._eng is None:
            return None
        orders = sorted(self._eng.change_orders, key=lambda o: o.number)
        row = self.co_table.currentIndex().row()
        return orders[row] if 0 <= row < len(orders) else None

    def _enable(self) -> None:
        accepted = self._eng is not None and self._eng.frozen
        sel = self._selected()
        self.new_co.setEnabled(accepted)
        proposed = sel is not None and sel.status is ChangeOrderStatus.PROPOSED
        self.approve_co.setEnabled(proposed)
        self.decline_co.setEnabled(proposed)
        self.pdf_co.setEnabled(sel is not None)

    # ---- actions ------------------------------------------------------------------------------

    def _after(self, message: str) -> Any:
        def done(_: object) -> None:
            self.load()
            self.changed.emit()
            self.status.emit(message)
        return done

    def _failed(self, what: str) -> Any:
        return lambda exc: show_exception(self, what, exc)

    def _decision_maker(self) -> tuple[str, str]:
        eng = self._eng
        dm = next((c for c in eng.contacts if c.decision_maker), None) if eng else None
        return (dm.name, dm.role) if dm else ("", "")

    def record_acceptance(self) -> None:
        eng = self._eng
        if eng is None:
            return
        name, role = self._decision_maker()
        dlg = self.dialog = AcceptanceDialog([(o.number, o.label) for o in sorted(eng.options, key=lambda o: o.number)],
                                             name, role, self)
        dlg.finished.connect(lambda result: self._accepted(dlg, result))
        dlg.open()

    def _accepted(self, dlg: AcceptanceDialog, result: int) -> None:
        self.dialog = None
        if result != QDialog.DialogCode.Accepted:
            return
        v = dlg.values()
        eid = self.engagement_id
        self.save(lambda: self.service.baseline.accept(eid, **v),  # type: ignore[arg-type]
                  self._after("Accepted: the engagement is frozen as the baseline"), self._failed("Recording the acceptance"))

    def new_change_order(self) -> None:
        eng = self._eng
        if eng is None:
            return
        roles = [(r.id, r.name) for r in self.service.forms.of(eng).pricing.roles]
        dlg = self.dialog = ChangeOrderDialog(roles, self)
        dlg.finished.connect(lambda result: self._order_entered(dlg, result))
        dlg.open()

    def _order_entered(self, dlg: ChangeOrderDialog, result: int) -> None:
        self.dialog = None
        if result != QDialog.DialogCode.Accepted:
            return
        v = dlg.values()
        eid = self.engagement_id
        self.save(lambda: self.service.baseline.add_change_order(eid, **v),  # type: ignore[arg-type]
                  self._after("Change order recorded"), self._failed("Recording the change order"))

    def approve_selected(self) -> None:
        order = self._selected()
        if order is None:
            return
        name, role = self._decision_maker()
        dlg = self.dialog = ApprovalDialog(order.number, name, role, self)

        def finished(result: int) -> None:
            self.dialog = None
            if result != QDialog.DialogCode.Accepted:
                return
            v = dlg.values()
            eid = self.engagement_id
            self.save(lambda: self.service.baseline.approve_change_order(eid, order.number, **v),  # type: ignore[arg-type]
                      self._after(f"Change order {order.number} approved: the work may start"),
                      self._failed("Approving the change order"))

        dlg.finished.connect(finished)
        dlg.open()

    def decline_selected(self) -> None:
        order = self._selected()
        if order is None:
            return
        eid = self.engagement_id
        self.save(lambda: self.service.baseline.decline_change_order(eid, order.number),
                  self._after(f"Change order {order.number} declined"), self._failed("Declining the change order"))

    def _save_path(self, caption: str, name: str) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(self, caption, str(Path(folder) / name), "PDF files (*.pdf)")
        return Path(path) if path else None

    def export_selected(self, path: Path | None = None) -> None:
        order = self._selected()
        if order is None or self._eng is None:
            return
        path = path or self._save_path("Save the change order", safe_file_name(
            f"{self._eng.client_name} - Change order {order.number}.pdf", fallback="Change order.pdf"))
        if path is None:
            return
        eid = self.engagement_id
        self.save(lambda: self.service.baseline.export_change_order(eid, order.number, path),
                  lambda p: self.status.emit(f"Change order written to {p}"), self._failed("Writing the change order"))

    def export_progress(self, path: Path | None = None) -> None:
        if self._eng is None:
            return
        path = path or self._save_path("Save the progress report", safe_file_name(
            f"{self._eng.client_name} - Progress report.pdf", fallback="Progress report.pdf"))
        if path is None:
            return
        eid = self.engagement_id
        self.save(lambda: self.service.baseline.export_progress(eid, path),
                  lambda p: self.status.emit(f"Progress report written to {p}"), self._failed("Writing the progress report"))

    def start_reassessment(self) -> None:
        eid = self.engagement_id

        def done(new_id: int) -> None:
            self.started = new_id
            self.status.emit(f"Re-assessment started as engagement {new_id}: open it from the engagement list; "
                             "carried records are marked to confirm")
            self.changed.emit()

        self.save(lambda: self.service.baseline.reassess(eid), done, self._failed("Starting the re-assessment"))

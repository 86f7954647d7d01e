"""Before the signature: the options the proposal offers (the pricing page's inputs saved as an
option, each priced on its own) and the register of risks the client accepts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ....domain.engagement import Engagement, RiskAcceptance
from ...widgets import checked_buttons, muted
from ..carried_marks import marked
from ..offer.offer_format import money
from ..table_models import RowsModel, rows_table
from .baseline_dialogs import _date_edit, _date_problem, _day
from .option_dialog import OptionDialog

Save = Callable[[Callable[[], Any], str, str], None]


def _table(model: RowsModel, name: str, accessible: str) -> QTableView:
    view = rows_table(model, name, accessible)
    view.setMaximumHeight(130)
    return view


class OptionsBox(QGroupBox):
    """Up to three options: save the pricing page's current inputs as an option; remove one."""

    def __init__(self, service: Any, eid: int, save: Save, parent: QWidget | None = None) -> None:
        super().__init__("Options the proposal offers", parent)
        self.service, self.eid, self._save = service, eid, save
        self.intro = muted(QLabel("Set the pricing page as one option should be (coverage, lanes, users, discount), "
                                  "then save it here as an option; repeat for up to three. Each is priced by the same "
                                  "rules and must pass the discount and margin rules on its own."))
        self.intro.setWordWrap(True)
        self.model = RowsModel(["No.", "Option", "One-time", "Monthly", "Check"], right=(0, 2, 3))
        self.table = _table(self.model, "optionsTable", "Options the proposal offers")
        self.add_button = QPushButton("Save pricing as &option…")
        self.add_button.setObjectName("addOption")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("&Edit option…")
        self.edit_button.setObjectName("editOption")
        self.edit_button.setToolTip("Change the selected option's name, note and pricing inputs; it is priced again")
        self.edit_button.clicked.connect(self.edit)
        self.table.doubleClicked.connect(lambda *_: self.edit())
        self.remove_button = QPushButton("Remove option")
        self.remove_button.setObjectName("removeOption")
        self.remove_button.clicked.connect(self.remove)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        lay.addLayout(row)
        self._numbers: list[int] = []
        self._eng: Engagement | None = None
        #: The dialog open now (tests drive it), else None.
        self.dialog: OptionDialog | None = None
        #: The label asked for (tests replace this).
        self.ask_label: Callable[[], str] = self._ask_label

    def load(self, eng: Engagement) -> None:
        priced = self.service.baseline.priced_options(self.eid) if eng.options else []
        self._numbers = [p.number for p in priced]
        self.model.set_rows([[str(p.number), p.label, money(p.one_time), money(p.recurring),
                              "Ready" if p.ready else "; ".join(i.message for i in p.readiness if i.blocks) or "Blocked"]
                             for p in priced], [p.note for p in priced])
        self._eng = eng
        editable = not eng.frozen
        self.add_button.setEnabled(editable and len(priced) < 3)
        self.edit_button.setEnabled(editable and bool(priced))
        self.remove_button.setEnabled(editable and bool(priced))

    def _ask_label(self) -> str:
        text, ok = QInputDialog.getText(self, "Save pricing as an option", "Name the option (the client reads it):")
        return text.strip() if ok else ""

    def add(self) -> None:
        label = self.ask_label()
        if label:
            self._save(lambda: self.service.baseline.add_option(self.eid, label), f"Option “{label}” saved",
                       "Saving the option")

    def edit(self) -> None:
        row = self.table.currentIndex().row()
        if self._eng is None or self._eng.frozen or not 0 <= row < len(self._numbers):
            return
        n = self._numbers[row]
        option = next(o for o in self._eng.options if o.number == n)
        coverage = [(c.id, c.label) for c in self.service.forms.of(self._eng).pricing.coverage]
        dlg = self.dialog = OptionDialog(option, coverage, self)

        def finished(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted:
                v = dlg.values()
                self._save(lambda: self.service.baseline.edit_option(self.eid, n, **v),
                           f"Option {n} saved and priced again", "Saving the option")

        dlg.finished.connect(finished)
        dlg.open()

    def remove(self) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < len(self._numbers):
            n = self._numbers[row]
            self._save(lambda: self.service.baseline.remove_option(self.eid, n), f"Option {n} removed",
                       "Removing the option")


class RiskAcceptanceDialog(QDialog):
    """The client's written acceptance of one risk."""

    def __init__(self, risks: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record a risk acceptance")
        self.risk = QComboBox()
        self.risk.setObjectName("acceptRisk")
        for uid, title in risks:
            self.risk.addItem(title, uid)
        self.owner = QLineEdit()
        self.owner.setObjectName("riskOwner")
        self.rationale = QPlainTextEdit()
        self.rationale.setTabChangesFocus(True)
        self.rationale.setFixedHeight(60)
        self.controls = QPlainTextEdit()
        self.controls.setTabChangesFocus(True)
        self.controls.setFixedHeight(50)
        self.review = _date_edit(date.today() + timedelta(days=182), "riskReview")
        self.approved_by = QLineEdit()
        self.approved_by.setObjectName("riskApprovedBy")
        form = QFormLayout()
        form.addRow("Risk", self.risk)
        form.addRow("Risk owner (client side)", self.owner)
        form.addRow("Why it is accepted", self.rationale)
        form.addRow("Compensating controls", self.controls)
        form.addRow("Review or expiry date", self.review)
        form.addRow("Approved by", self.approved_by)
        self.error, buttons = checked_buttons(self, "Record acceptance", self._check)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _check(self) -> None:
        missing = [name for name, w in (("the risk owner", self.owner), ("who approved it", self.approved_by))
                   if not w.text().strip()]
        if not self.rationale.toPlainText().strip():
            missing.append("why it is accepted")
        problem = ("Say " + ", ".join(missing) + ".") if missing else _date_problem(self.review, "Review date")
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        return {"risk_uid": self.risk.currentData(), "owner": self.owner.text().strip(),
                "rationale": self.rationale.toPlainText().strip(),
                "compensating_controls": self.controls.toPlainText().strip(), "review_on": _day(self.review),
                "approved_by": self.approved_by.text().strip()}


class AcceptedRisksBox(QGroupBox):
    """The register of risks the client accepts instead of treating them."""

    def __init__(self, service: Any, eid: int, save: Save, parent: QWidget | None = None) -> None:
        super().__init__("Risks the client accepts", parent)
        self.service, self.eid, self._save = service, eid, save
        self.model = marked(RowsModel, lambda m, row: self._records[row].risk_uid)(["Review by", "Risk", "Owner",
                                                                                   "Approved by"])
        self.table = _table(self.model, "acceptedRisks", "Risks the client accepts")
        self.add_button = QPushButton("Record risk &acceptance…")
        self.add_button.setObjectName("addRiskAcceptance")
        self.add_button.clicked.connect(self.add)
        self.withdraw_button = QPushButton("Withdraw")
        self.withdraw_button.setObjectName("withdrawRiskAcceptance")
        self.withdraw_button.clicked.connect(self.withdraw)
        self.note = muted(QLabel())
        self.note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.withdraw_button)
        row.addStretch(1)
        row.addWidget(self.note)
        lay.addLayout(row)
        self._records: list[RiskAcceptance] = []
        self._risks: list[tuple[str, str]] = []
        #: The dialog open now (tests drive it), else None.
        self.dialog: RiskAcceptanceDialog | None = None

    def load(self, eng: Engagement) -> None:
        titles = {r.uid: r.title for r in eng.risks}
        self._risks = [(r.uid, r.title) for r in eng.risks]
        self._records = sorted(eng.risk_acceptances, key=lambda a: a.review_on)
        today = date.today()
        from ....domain import locale_text
        from ... import app_locale

        loc = app_locale.current()
        self.model.set_rows([[locale_text.format_date_short(a.review_on, loc) + (" (expired)" if a.review_on < today else ""),
                              titles.get(a.risk_uid, "(removed risk)"), a.owner, a.approved_by]
                             for a in self._records],
                            [a.rationale + (f"\nControls: {a.compensating_controls}" if a.compensating_controls else "")
                             for a in self._records])
        self.note.setText("The proposal lists them and signing covers them." if self._records else
                          "None yet: a risk the client will not treat needs their written acceptance.")
        editable = not eng.frozen
        self.add_button.setEnabled(editable and bool(self._risks))
        self.withdraw_button.setEnabled(editable and bool(self._records))

    def selected_risks(self) -> list[str]:
        row = self.table.currentIndex().row()
        return [self._records[row].risk_uid] if 0 <= row < len(self._records) else []

    def add(self) -> None:
        dlg = self.dialog = RiskAcceptanceDialog(self._risks, self)

        def finished(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted:
                v = dlg.values()
                uid = v.pop("risk_uid")
                self._save(lambda: self.service.baseline.accept_risk(self.eid, uid, **v), "Risk acceptance recorded",
                           "Recording the risk acceptance")

        dlg.finished.connect(finished)
        dlg.open()

    def withdraw(self) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < len(self._records):
            uid = self._records[row].risk_uid
            self._save(lambda: self.service.baseline.withdraw_risk_acceptance(self.eid, uid),
                       "Risk acceptance withdrawn", "Withdrawing the risk acceptance")

"""The acceptance dialog (option, who signed, the date, the signed PDF) and the change-order
dialogs (a new order; the client's approval)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ....domain import locale_text
from ...date_input import DateInput
from ...widgets import checked_buttons, muted


def _date_edit(day: date, name: str) -> DateInput:
    edit = DateInput(name, allow_empty=False)
    edit.set_date(day)
    return edit


def _day(edit: DateInput) -> date:
    """The date typed (the dialogs check it with :func:`_date_problem` before closing)."""
    day = edit.read()
    assert day is not None  # allow_empty=False
    return day


def _date_problem(edit: DateInput, label: str) -> str:
    try:
        edit.read()
    except locale_text.ReadError as exc:
        return f"{label}: {exc}."
    return ""


class AcceptanceDialog(QDialog):
    """Record the client's signature: it freezes the engagement as the signed baseline."""

    def __init__(self, options: list[tuple[int, str]], signer: str = "", title: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record acceptance")
        self.setObjectName("acceptanceDialog")
        intro = muted(QLabel("Recording the client's signature freezes the proposal as the baseline: the quote, plan, "
                             "matrix and accepted risks can no longer be edited in place. Later changes are change "
                             "orders."))
        intro.setWordWrap(True)
        self.option = QComboBox()
        self.option.setObjectName("acceptOption")
        if options:
            for number, label in options:
                self.option.addItem(f"Option {number}: {label}", number)
        else:
            self.option.addItem("The proposal as priced (no options offered)", 0)
        self.signed_by = QLineEdit(signer)
        self.signed_by.setObjectName("acceptSignedBy")
        self.title = QLineEdit(title)
        self.title.setObjectName("acceptTitle")
        self.signed_on = _date_edit(date.today(), "acceptDate")
        self.file = QLineEdit()
        self.file.setObjectName("acceptFile")
        self.file.setPlaceholderText("The signed proposal (scanned or e-signed PDF); optional")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Option chosen", self.option)
        form.addRow("Signed by", self.signed_by)
        form.addRow("Title", self.title)
        form.addRow("Date signed", self.signed_on)
        form.addRow("Signed document", file_row)
        self.error, buttons = checked_buttons(self, "Record acceptance", self._check, "acceptError")
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The signed proposal", "", "PDF files (*.pdf)")
        if path:
            self.file.setText(path)

    def _check(self) -> None:
        problem = ("Say who signed: their name and their title."
                   if not self.signed_by.text().strip() or not self.title.text().strip()
                   else _date_problem(self.signed_on, "Date signed"))
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()

    def values(self) -> dict[str, object]:
        return {"option": int(self.option.currentData()), "signed_by": self.signed_by.text().strip(),
                "title": self.title.text().strip(), "signed_on": _day(self.signed_on),
                "signed_file": Path(self.file.text().strip()) if self.file.text().strip() else None}


class ChangeOrderDialog(QDialog):
    """A new change order: what changes, why, the hours by role and any change to the monthly fee."""

    def __init__(self, roles: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New change order")
        self.setObjectName("changeOrderDialog")
        self.title = QLineEdit()
        self.title.setObjectName("coTitle")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("coReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.hours: dict[str, QDoubleSpinBox] = {}
        form = QFormLayout()
        form.addRow("What changes", self.title)
        form.addRow("Why", self.reason)
        for rid, name in roles:
            spin = QDoubleSpinBox()
            spin.setObjectName(f"coHours_{rid}")
            spin.setRange(0, 10000)
            spin.setDecimals(1)
            spin.setSingleStep(0.5)
            spin.setSuffix(" h")
            self.hours[rid] = spin
            form.addRow(name, spin)
        self.monthly = QDoubleSpinBox()
        self.monthly.setObjectName("coMonthly")
        self.monthly.setRange(-1_000_000, 1_000_000)
        self.monthly.setDecimals(2)
        form.addRow("Monthly fee change", self.monthly)
        self.requested = _date_edit(date.today(), "coRequested")
        form.addRow("Requested on", self.requested)
        note = muted(QLabel("Priced by the same rates, contingency and rounding as the proposal. No work starts until "
                            "the client approves the order."))
        note.setWordWrap(True)
        self.error, buttons = checked_buttons(self, "Record change order", self._check)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _check(self) -> None:
        problem = ("Say what changes and why." if not self.title.text().strip() or not self.reason.toPlainText().strip()
                   else _date_problem(self.requested, "Requested on"))
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()

    def values(self) -> dict[str, object]:
        hours = {rid: Decimal(str(spin.value())).quantize(Decimal("0.1")) for rid, spin in self.hours.items() if spin.value()}
        return {"title": self.title.text().strip(), "reason": self.reason.toPlainText().strip(), "hours": hours,
                "monthly_change": Decimal(str(self.monthly.value())).quantize(Decimal("0.01")),
                "requested_on": _day(self.requested)}


class ApprovalDialog(QDialog):
    """The client's approval of a change order: who, their title, the date."""

    def __init__(self, number: int, signer: str = "", title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Approve change order {number}")
        self.by = QLineEdit(signer)
        self.by.setObjectName("approveBy")
        self.title = QLineEdit(title)
        self.on = _date_edit(date.today(), "approveDate")
        form = QFormLayout()
        form.addRow("Approved by", self.by)
        form.addRow("Title", self.title)
        form.addRow("Date", self.on)
        self.error, buttons = checked_buttons(self, "Record approval", self._check)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _check(self) -> None:
        problem = ("Say who approved the change order." if not self.by.text().strip()
                   else _date_problem(self.on, "Date"))
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()

    def values(self) -> dict[str, object]:
        return {"approved_by": self.by.text().strip(), "title": self.title.text().strip(), "approved_on": _day(self.on)}

"""Pricing › Approve with my key…: an approver on the shared store (team mode) signs the discount
as priced now with their own key, no request file. The dialog shows exactly what is signed (the
pricing, the discount as a percent and in money, the fees, the date) before asking for the key;
the service checks it as it checks a signed file (the role, the matrix, nobody approving their
own discount)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ....domain import approvals as ap
from ....domain.pricing import role_label
from ... import app_locale
from ...signer_key import SignerKeyFields
from ...widgets import error_label

if TYPE_CHECKING:
    from ....services import Discovery


class ApproveDialog(QDialog):
    """What is approved, then the approver's key; emits :attr:`approved` with the verified approval."""

    approved = Signal(object)  # VerifiedApproval

    def __init__(self, service: Discovery, eid: int, *, option: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approveDialog")
        self.setWindowTitle("Approve with my key")
        self.service, self.eid, self.option = service, eid, option
        # Refused (ServiceError) before anything shows when the discount needs no approval.
        self.statement, quote = service.approvals.approvable(eid, option)
        req = quote.discount.requirement
        lay = QVBoxLayout(self)
        who = f"the {role_label(req.role)}" if req.role else "an approver"
        intro = QLabel(f"You sign this discount with your own approver key. It needs {who}; it counts only if "
                       "your key is on the practice's list in that role, and any later change to these figures "
                       "voids it.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.facts: dict[str, QLabel] = {}
        for label, value in ap.statement_facts(self.statement, app_locale.current()):
            if label == "Engagement":
                continue
            shown = QLabel(value)
            shown.setObjectName(f"fact{label.replace(' ', '')}")
            shown.setWordWrap(True)
            self.facts[label] = shown
            form.addRow(f"{label}:", shown)
        lay.addLayout(form)
        self.fields = SignerKeyFields()
        lay.addWidget(self.fields)
        self.error_label = error_label("approveError")
        lay.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Approve and sign", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("approveButton")
        self.buttons.accepted.connect(self.approve)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def approve(self) -> bool:
        from ....services import ServiceError
        from ....storage.db import StoreError

        try:
            key = self.fields.key()
            verified = self.service.approvals.approve(self.eid, key, option=self.option, expect=self.statement)
        except (ServiceError, StoreError) as exc:  # a store refusal (checked out, frozen) says why in words
            self.error_label.setText(str(exc))
            self.error_label.show()
            return False
        self.error_label.hide()
        self.accept()
        self.approved.emit(verified)
        return True

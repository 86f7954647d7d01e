"""Settings › Approvers: the practice's discount approvers (name, role in the approval matrix,
public key, valid dates). An approver creates their key with ``discovery-app approver init`` and
gives the practice the public key line. Adding and removing is a change signed with the key of an
approver who counts (:mod:`.signer_key` asks for it), saved at once; an entry that does not
count (typed into the settings, or signed by nobody who counts) is listed as not counted."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import locale_text
from . import app_locale
from .date_input import DateInput
from .signer_key import SignerKeyDialog
from .widgets import error_colour, muted

if TYPE_CHECKING:
    from ..services import Discovery


class ApproversTab(QWidget):
    """The list of approvers with a form to add one and a button to remove the selected one."""

    def __init__(self, service: Discovery, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approversTab")
        self.service = service
        self.signer_dialog: SignerKeyDialog | None = None
        lay = QVBoxLayout(self)
        intro = muted(QLabel("Discounts above the free level count only when signed by an approver listed here, "
                             "with the role the approval matrix asks for. An approver creates their key with "
                             "“discovery-app approver init” and gives you the public key line. Adding or removing "
                             "someone is signed with the key of an approver who counts (the first approver signs "
                             "with their own key) and saved at once."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("approversTable")
        self.table.setHorizontalHeaderLabels(["Name", "Role", "Valid", "Key fingerprint", "Counts"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.empty = muted(QLabel("No approvers listed yet: add the first one below."))
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        self.remove_button = QPushButton("&Remove selected approver")
        self.remove_button.setObjectName("removeApprover")
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        lay.addLayout(row)

        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setObjectName("approverName")
        self.role = QComboBox()
        self.role.setObjectName("approverRole")
        for role in service.approvals.matrix_roles():
            self.role.addItem(role.replace("_", " ").upper() if len(role) <= 3 else role.replace("_", " "), role)
        self.key = QLineEdit()
        self.key.setObjectName("approverKey")
        self.key.setPlaceholderText("ed25519:… (the line approver init printed)")
        self.valid_from = DateInput("approverValidFrom")
        self.valid_to = DateInput("approverValidTo")
        form.addRow("&Name:", self.name)
        form.addRow("R&ole:", self.role)
        form.addRow("Public &key:", self.key)
        form.addRow("Valid &from:", self.valid_from)
        form.addRow("Valid &until:", self.valid_to)
        form.addRow("", muted(QLabel("Leave the dates empty for no limit; an approval dated outside them does not count.")))
        lay.addLayout(form)
        self.add_button = QPushButton("&Add approver")
        self.add_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.add_button.setObjectName("addApprover")
        self.add_button.clicked.connect(self.add)
        self.error = QLabel()
        self.error.setObjectName("approverError")
        self.error.setWordWrap(True)
        pal = self.error.palette()
        pal.setColor(self.error.foregroundRole(), error_colour(pal))
        self.error.setPalette(pal)
        self.error.hide()
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addStretch(0)
        row.addWidget(self.add_button, 0)
        lay.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        listed = self.service.approvals.listing()
        loc = app_locale.current()
        self.table.setRowCount(len(listed))
        for r, x in enumerate(listed):
            a = x.approver
            valid = ("from " + locale_text.format_date_short(a.valid_from, loc) if a.valid_from else "")
            if a.valid_to:
                valid = (valid + " " if valid else "") + "until " + locale_text.format_date_short(a.valid_to, loc)
            role = a.role.replace("_", " ")
            state = ("Yes (form package)" if x.source == "forms" else "Yes") if x.counts else "Not counted"
            for c, text in enumerate((a.name, role.upper() if len(role) <= 3 else role, valid or "No limit",
                                      a.fingerprint, state)):
                item = QTableWidgetItem(text)
                if not x.counts:
                    item.setToolTip(x.reason)
                self.table.setItem(r, c, item)
        self.table.setVisible(bool(listed))
        self.empty.setVisible(not listed)
        self.remove_button.setEnabled(bool(listed))

    def add(self) -> bool:
        """Check the form, then ask for the signer's key; the change is saved once it is signed."""
        try:
            valid_from, valid_to = self.valid_from.read(), self.valid_to.read()
        except locale_text.ReadError as exc:
            return self._refuse(f"Valid dates: {exc}.")
        from ..services import ServiceError

        name, role, public = self.name.text(), str(self.role.currentData() or ""), self.key.text()
        try:
            self.service.approvals.check_approver(name, role, public, valid_from=valid_from, valid_to=valid_to)
        except ServiceError as exc:
            return self._refuse(str(exc))
        self.error.hide()
        first_one = not self.service.approvals.approvers()
        purpose = (f"Sign the listing of {name.strip()} with your approver key. "
                   + ("As the practice's first approver, list yourself and sign with your own key."
                      if first_one else "Only an approver who counts, in a role at least as high, can sign it."))
        self._ask_key(purpose, lambda key: self._add_signed(key, name, role, public, valid_from, valid_to))
        return True

    def _add_signed(self, key: Any, name: str, role: str, public: str, valid_from: Any, valid_to: Any) -> None:
        from ..services import ServiceError

        try:
            added = self.service.approvals.add_approver(name, role, public, signer=key, valid_from=valid_from,
                                                        valid_to=valid_to)
        except ServiceError as exc:
            self._refuse(str(exc))
            return
        self.error.hide()
        for w in (self.name, self.key):
            w.clear()
        self.valid_from.set_date(None)
        self.valid_to.set_date(None)
        self.refresh()
        self.table.selectRow(next((r for r in range(self.table.rowCount())
                                   if self._text(r, 3) == added.fingerprint), 0))

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self._refuse("Select the approver to remove.")
            return
        row = rows[0].row()
        fingerprint, name = self._text(row, 3), self._text(row, 0)
        if self._text(row, 4) == "Not counted":  # it never counted: no signature needed to tidy it up
            self._remove(None, fingerprint)
            return
        self._ask_key(f"Sign the removal of {name} with your approver key.", lambda key: self._remove(key, fingerprint))

    def _remove(self, key: Any, fingerprint: str) -> None:
        from ..services import ServiceError

        try:
            self.service.approvals.remove_approver(fingerprint, signer=key)
        except ServiceError as exc:
            self._refuse(str(exc))
            return
        self.error.hide()
        self.refresh()

    def _ask_key(self, purpose: str, then: Callable[[Any], None]) -> SignerKeyDialog:
        dialog = SignerKeyDialog(purpose, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(then)
        self.signer_dialog = dialog
        dialog.open()
        return dialog

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _refuse(self, message: str) -> bool:
        self.error.setText(message)
        self.error.show()
        return False

"""An approver's key file and passphrase, asked for where something is signed: a discount approved
directly, a change to the approvers list, a checkout broken. :class:`SignerKeyFields` is the two
fields (embedded in the approve and break dialogs); :class:`SignerKeyDialog` is the same fields on
their own, for the approvers tab. The key is opened here, so a wrong passphrase is said in place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from .widgets import FileRow, error_label, labelled

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_FILTER = "Approver keys (*.key);;All files (*)"


class SignerKeyFields(QWidget):
    """Key file (with Browse…) and passphrase; :meth:`key` opens it or says why not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signerKeyFields")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.file_row = FileRow(save=False, title="Your approver key", file_filter=KEY_FILTER, edit_name="signerKeyFile",
                                placeholder="the .key file “discovery-app approver init” wrote")
        labelled(lay, "Your approver &key file", self.file_row)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("signerPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        labelled(lay, "&Passphrase", self.passphrase, "The key stays on this machine; only the signature is stored.")

    def key(self) -> Ed25519PrivateKey:
        """The opened key; :class:`~discovery_app.services.ServiceError` in words otherwise."""
        from ..services import ServiceError
        from ..services import approval_files as files

        path = self.file_row.path()
        if path is None:
            raise ServiceError("Choose your approver key file.")
        return files.SignerKey(path, self.passphrase.text()).load()


class SignerKeyDialog(QDialog):
    """Ask for the signer's key before a change is signed; emits :attr:`chosen` with the opened key."""

    chosen = Signal(object)  # Ed25519PrivateKey

    def __init__(self, purpose: str, parent: QWidget | None = None, *, title: str = "Sign with your key") -> None:
        super().__init__(parent)
        self.setObjectName("signerKeyDialog")
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        intro = QLabel(purpose)
        intro.setObjectName("signerPurpose")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.fields = SignerKeyFields()
        lay.addWidget(self.fields)
        self.error_label = error_label("signerKeyError")
        lay.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Sign", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("signButton")
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.sign)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def sign(self) -> bool:
        from ..services import ServiceError

        try:
            key = self.fields.key()
        except ServiceError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return False
        self.error_label.hide()
        self.accept()
        self.chosen.emit(key)
        return True

"""Save archive and Open archive: one engagement and its attachments in one file, optionally
encrypted with a passphrase. Both dialogs call the service; errors show in place, in words."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .messages import show_exception
from .widgets import FileRow, error_label, labelled, muted

if TYPE_CHECKING:
    from ..services import Discovery

SUFFIX = ".discovery"
FILTER = "Discovery archives (*.discovery);;All files (*)"
MIN_PASSPHRASE = 8




class SaveArchiveDialog(QDialog):
    saved = Signal(object)  # Path

    def __init__(self, service: Discovery, eid: int, client_name: str, *,
                 suggested: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveArchiveDialog")
        self.setWindowTitle("Save engagement archive")
        self.service, self.eid = service, eid
        layout = QVBoxLayout(self)
        intro = QLabel(f"Save {client_name}'s engagement, with its attachments, as one file for a "
                       "colleague or for your records.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(6)
        self.file_row = FileRow(save=True, title="Save archive", file_filter=FILTER, suffix=SUFFIX)
        if suggested is not None:
            self.file_row.edit.setText(str(suggested))
        labelled(layout, "&File", self.file_row)
        self.file_error = error_label("fileError")
        layout.addWidget(self.file_error)
        layout.addSpacing(6)

        self.encrypt_check = QCheckBox("&Encrypt with a passphrase")
        self.encrypt_check.setObjectName("encryptCheck")
        self.encrypt_check.setChecked(True)
        layout.addWidget(self.encrypt_check)
        self.pass_edit = QLineEdit()
        self.pass_edit.setObjectName("passphraseEdit")
        self.pass_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setObjectName("repeatEdit")
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._pass_box = QWidget()
        box = QVBoxLayout(self._pass_box)
        box.setContentsMargins(0, 0, 0, 0)
        labelled(box, "&Passphrase", self.pass_edit,
               f"At least {MIN_PASSPHRASE} characters; a few unrelated words are strong and easy to say.")
        labelled(box, "&Repeat the passphrase", self.repeat_edit,
               "The archive holds the client's weaknesses. Without the passphrase nobody can open it, "
               "including you: give it to your colleague another way than the file.")
        self.pass_error = error_label("passphraseError")
        box.addWidget(self.pass_error)
        layout.addWidget(self._pass_box)
        self.encrypt_check.toggled.connect(self._pass_box.setVisible)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save archive", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def _check(self) -> tuple[Path | None, str | None, bool]:
        self.file_error.hide()
        self.pass_error.hide()
        ok = True
        path = self.file_row.path()
        if path is None:
            self.file_error.setText("Choose where to save the archive.")
            self.file_error.show()
            ok = False
        passphrase = None
        if self.encrypt_check.isChecked():
            passphrase = self.pass_edit.text()
            if len(passphrase) < MIN_PASSPHRASE:
                self.pass_error.setText(f"The passphrase needs at least {MIN_PASSPHRASE} characters.")
                self.pass_error.show()
                ok = False
            elif self.repeat_edit.text() != passphrase:
                self.pass_error.setText("The two passphrases differ: type the same one twice.")
                self.pass_error.show()
                ok = False
        return path, passphrase, ok

    def save(self) -> None:
        path, passphrase, ok = self._check()
        if not ok or path is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = self.service.archives.write(self.eid, path, passphrase)
        except Exception as exc:
            QApplication.restoreOverrideCursor()
            show_exception(self, "Saving the archive", exc)
            return
        QApplication.restoreOverrideCursor()
        self.saved.emit(written)
        self.accept()


class OpenArchiveDialog(QDialog):
    opened = Signal(int)  # the new engagement's id

    def __init__(self, service: Discovery, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("openArchiveDialog")
        self.setWindowTitle("Open engagement archive")
        self.service = service
        layout = QVBoxLayout(self)
        intro = QLabel("Add the engagement in an archive file as a new engagement. The whole archive "
                       "is checked first; if anything is wrong, nothing is added.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(6)
        self.file_row = FileRow(save=False, title="Open archive", file_filter=FILTER)
        labelled(layout, "&File", self.file_row)
        self.pass_edit = QLineEdit()
        self.pass_edit.setObjectName("passphraseEdit")
        self.pass_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._pass_label = labelled(layout, "&Passphrase", self.pass_edit)
        self._pass_help = muted(QLabel("Only for an encrypted archive: the passphrase it was saved with."))
        self._pass_help.setWordWrap(True)
        layout.addWidget(self._pass_help)
        self.error_label = error_label("openError")
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.open_button = self.buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setObjectName("openButton")
        self.open_button.setDefault(True)
        self.buttons.accepted.connect(self.open_archive)
        self.buttons.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def open_archive(self) -> None:
        from ..services import ServiceError
        from ..services.durability import ArchiveRefused

        self.error_label.hide()
        path = self.file_row.path()
        if path is None:
            self._show_error("Choose the archive file to open.")
            return
        passphrase = self.pass_edit.text() or None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            eid = self.service.archives.open(path, passphrase)
        except ArchiveRefused as exc:
            QApplication.restoreOverrideCursor()
            if exc.needs_passphrase or exc.wrong_passphrase:
                self.pass_edit.setFocus()
                self.pass_edit.selectAll()
            self._show_error(str(exc))
            return
        except ServiceError as exc:
            QApplication.restoreOverrideCursor()
            self._show_error(str(exc))
            return
        except Exception as exc:
            QApplication.restoreOverrideCursor()
            show_exception(self, "Opening the archive", exc)
            return
        QApplication.restoreOverrideCursor()
        self.opened.emit(eid)
        self.accept()

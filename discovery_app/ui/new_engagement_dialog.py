"""The New engagement dialog: who the client is, who runs it, and which form it follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .widgets import error_colour, muted

NAME_MAX = 300  # the domain's limit for names


@dataclass(frozen=True)
class FormChoice:
    key: str  # "id@version", what the service accepts as form_key
    title: str
    description: str = ""
    mark: str = ""  # ", practice library" for a package from the practice library

    @property
    def text(self) -> str:
        version = self.key.rpartition("@")[2]
        return (f"{self.title} (version {version})" if version else self.title) + self.mark


@dataclass(frozen=True)
class NewEngagement:
    client_name: str
    consultant: str
    internal_it_owner: str
    form_key: str


class NewEngagementDialog(QDialog):
    """Labels above fields; the client name is required and says so in place."""

    def __init__(self, forms: Sequence[FormChoice], *, consultant: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newEngagementDialog")
        self.setWindowTitle("New engagement")
        self._forms = list(forms)

        self.client_edit = self._line_edit("clientEdit", "For example: Northwind Accounting")
        # One line, no word wrap: a wrapped label in a shown dialog can be clipped when it appears.
        self.client_error = QLabel("Enter the client's name: it names the engagement.")
        self.client_error.setObjectName("clientError")
        pal = self.client_error.palette()
        pal.setColor(QPalette.ColorRole.WindowText, error_colour(pal))
        self.client_error.setPalette(pal)
        self.client_error.hide()

        self.consultant_edit = self._line_edit("consultantEdit", "Who runs the discovery")
        self.consultant_edit.setText(consultant)
        self.owner_edit = self._line_edit("itOwnerEdit", "The client's named internal IT owner")

        self.form_combo = QComboBox()
        self.form_combo.setObjectName("formCombo")
        for f in self._forms:
            self.form_combo.addItem(f.text, f.key)
        self.form_help = muted(QLabel())
        self.form_help.setWordWrap(True)
        self.form_combo.currentIndexChanged.connect(self._show_form_help)
        self._show_form_help(self.form_combo.currentIndex())

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create engagement")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        self._field(layout, "&Client name (required)", self.client_edit)
        layout.addWidget(self.client_error)
        self._field(layout, "C&onsultant", self.consultant_edit)
        self._field(layout, "Internal &IT owner", self.owner_edit)
        self._field(layout, "&Form", self.form_combo)
        layout.addWidget(self.form_help)
        layout.addSpacing(12)
        layout.addWidget(buttons)

        self.client_edit.textEdited.connect(self._clear_error)
        self.setMinimumWidth(max(420, self.fontMetrics().horizontalAdvance("x") * 60))

    def _line_edit(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(NAME_MAX)
        return edit

    def _field(self, layout: QVBoxLayout, text: str, field: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(field)
        if layout.count():
            layout.addSpacing(8)
        layout.addWidget(label)
        layout.addWidget(field)

    def _show_form_help(self, index: int) -> None:
        text = self._forms[index].description if 0 <= index < len(self._forms) else ""
        self.form_help.setText(text)
        self.form_help.setVisible(bool(text))

    def _clear_error(self) -> None:
        if self.client_edit.text().strip():
            self.client_error.hide()

    def value(self) -> NewEngagement:
        return NewEngagement(
            client_name=self.client_edit.text().strip(),
            consultant=self.consultant_edit.text().strip(),
            internal_it_owner=self.owner_edit.text().strip(),
            form_key=str(self.form_combo.currentData() or ""),
        )

    def accept(self) -> None:
        if not self.client_edit.text().strip():
            self.client_error.show()
            self.client_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        super().accept()

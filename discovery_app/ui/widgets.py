"""Small reusable widgets: centred message pages (loading, empty state, error) and text helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def apply_buttons(dialog: QDialog, apply_button: QPushButton,
                  dismiss: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Cancel) -> QDialogButtonBox:
    """The button row of a preview dialog: ``apply_button`` accepts it, the other closes it."""
    apply_button.setObjectName("applyButton")
    buttons = QDialogButtonBox()
    buttons.addButton(apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(dismiss).setObjectName("closeButton")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def checked_buttons(dialog: QDialog, ok_text: str, check: Callable[[], object],
                    error_name: str = "") -> tuple[QLabel, QDialogButtonBox]:
    """A form dialog's error line (hidden until ``check`` finds a problem) and its OK/Cancel row,
    whose OK (named ``ok_text``) runs ``check``: it accepts the dialog or shows the error."""
    error = QLabel()
    if error_name:
        error.setObjectName(error_name)
    error.setWordWrap(True)
    error.hide()
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(check)
    buttons.rejected.connect(dialog.reject)
    return error, buttons


def muted(label: QLabel) -> QLabel:
    """Help text: the platform's placeholder colour, so it follows light and dark palettes."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def labelled(layout: QBoxLayout, text: str, widget: QWidget, help_text: str = "") -> QLabel:
    """A form row in a column: the label (buddy of ``widget``), the widget, then its muted help."""
    label = QLabel(text)
    label.setBuddy(widget)
    layout.addWidget(label)
    layout.addWidget(widget)
    if help_text:
        h = muted(QLabel(help_text))
        h.setWordWrap(True)
        layout.addWidget(h)
    return label


def error_colour(palette: QPalette) -> QColor:
    """A red that reads on the current palette (Qt has no palette role for errors)."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#b3261e")


def error_label(name: str) -> QLabel:
    """A hidden, wrapping line for a dialog's error, in the palette's error red."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    pal = label.palette()
    pal.setColor(QPalette.ColorRole.WindowText, error_colour(pal))
    label.setPalette(pal)
    label.hide()
    return label


class FileRow(QWidget):
    """A file's path, typed or chosen with Browse…: ``save`` asks where to write (``suffix`` added
    to a name without one), else which file to open. The row hands its focus to the text field."""

    def __init__(self, *, save: bool, title: str, file_filter: str, edit_name: str = "fileEdit",
                 suffix: str = "", placeholder: str = "", confirm_overwrite: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName(edit_name)
        if placeholder:
            self.edit.setPlaceholderText(placeholder)
        self.browse = QPushButton("Browse…")
        self.browse.setObjectName("browseButton")
        self._save, self._title, self._filter, self._suffix = save, title, file_filter, suffix
        self._confirm_overwrite = confirm_overwrite
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.browse)
        self.browse.clicked.connect(self._choose)
        self.setFocusProxy(self.edit)

    def _choose(self) -> None:
        start = self.edit.text() or str(Path.home())
        if self._save:
            options = QFileDialog.Option(0) if self._confirm_overwrite else QFileDialog.Option.DontConfirmOverwrite
            name, _ = QFileDialog.getSaveFileName(self, self._title, start, self._filter, options=options)
            if name and self._suffix and "." not in Path(name).name:
                name += self._suffix
        else:
            name, _ = QFileDialog.getOpenFileName(self, self._title, start, self._filter)
        if name:
            self.edit.setText(name)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:
        font.setPixelSize(round(font.pixelSize() * factor))
    font.setBold(bold)
    return font


class MessagePage(QWidget):
    """A centred title, a sentence, and optionally buttons saying what to do next."""

    def __init__(self, title: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Parented from the start: a parentless label made visible shows as a window of its own.
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("pageTitle")
        self.title_label.setFont(scaled_font(self, 1.5, bold=True))
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        self.text_label = QLabel(text, self)
        self.text_label.setObjectName("pageText")
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_label.setVisible(bool(text))
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        self._buttons.addStretch(1)
        # Choices: a button with a muted sentence beside it, one per row (the welcome page).
        self._choices = QGridLayout()
        self._choices.setHorizontalSpacing(16)
        self._choices.setVerticalSpacing(10)
        self._choices.setColumnStretch(1, 1)

        inner = QVBoxLayout()
        inner.setSpacing(12)
        inner.addWidget(self.title_label)
        inner.addWidget(self.text_label)
        inner.addSpacing(8)
        inner.addLayout(self._choices)
        inner.addLayout(self._buttons)
        box = QWidget()
        box.setLayout(inner)
        box.setMaximumWidth(640)

        outer = QVBoxLayout(self)
        outer.addStretch(2)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)

    def set_text(self, title: str, text: str = "") -> None:
        self.title_label.setText(title)
        self.text_label.setText(text)
        self.text_label.setVisible(bool(text))

    def add_button(self, button: QPushButton) -> QPushButton:
        self._buttons.insertWidget(self._buttons.count() - 1, button)
        return button

    def add_choice(self, button: QPushButton, description: str) -> QPushButton:
        """A button with a sentence saying what it does, in a column under the text."""
        row = self._choices.rowCount()
        label = muted(QLabel(description))
        label.setWordWrap(True)
        label.setBuddy(button)
        self._choices.addWidget(button, row, 0)
        self._choices.addWidget(label, row, 1)
        return button


class Banner(QFrame):
    """A quiet, non-modal note across the top of a page, with actions and a way to close it."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(12, 8, 8, 8)
        self._row.addWidget(self.label, 1)

    def add_button(self, button: QPushButton) -> QPushButton:
        self._row.addWidget(button)
        return button

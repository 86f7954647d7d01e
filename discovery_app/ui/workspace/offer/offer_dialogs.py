"""Small dialogs of the offer pages: labels above fields, the service's refusal shown in place.

Each dialog takes an ``accept_with`` callback that tries the edit through the service; a
:class:`ServiceError` keeps the dialog open with its message under the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ....services import ServiceError
from ...widgets import error_colour, muted

W = TypeVar("W", bound=QWidget)


class OfferDialog(QDialog):
    """A single-column form: add fields with :meth:`field`, validation text under them.
    ``accept_with`` is called with the dialog itself, so a subclass's callback may read its fields."""

    def __init__(self, title: str, accept_with: Callable[[Self], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self._accept_with = accept_with
        self._layout = QVBoxLayout(self)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        pal = self.error.palette()
        pal.setColor(QPalette.ColorRole.WindowText, error_colour(pal))
        self.error.setPalette(pal)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)

    def field(self, label: str, widget: W, help_text: str = "") -> W:
        lab = QLabel(label)
        lab.setBuddy(widget)
        self._layout.addWidget(lab)
        self._layout.addWidget(widget)
        if help_text:
            h = muted(QLabel(help_text))
            h.setWordWrap(True)
            self._layout.addWidget(h)
        self._layout.addSpacing(6)
        return widget

    def finish(self, ok_text: str) -> None:
        self._layout.addWidget(self.error)
        self._layout.addStretch(1)
        self._layout.addWidget(self.buttons)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _try_accept(self: Self) -> None:
        try:
            self._accept_with(self)
        except ServiceError as exc:
            self.show_error(str(exc))
            return
        self.accept()


class AddFunctionDialog(OfferDialog):
    def __init__(self, accept_with: Callable[[QDialog], None], parent: QWidget | None = None, lane: str = "run") -> None:
        super().__init__("Add a function", accept_with, parent)
        self.name = self.field("Function name", QLineEdit(), "An IT function the template does not list, "
                               "e.g. \"Copier and scanner fleet\".")
        self.name.setObjectName("functionName")
        self.lane = QComboBox()
        self.lane.setObjectName("functionLane")
        for value, text in (("run", "Run: day-to-day operations"), ("change", "Change: projects and changes"),
                            ("govern", "Govern: decisions and planning")):
            self.lane.addItem(text, value)
        self.lane.setCurrentIndex(max(0, self.lane.findData(lane)))
        self.field("Lane", self.lane)
        self.finish("Add function")


class NameDialog(OfferDialog):
    """One name: a third party to add, or a new name for one."""

    def __init__(self, title: str, label: str, help_text: str, ok_text: str,
                 accept_with: Callable[[QDialog], None], parent: QWidget | None = None, value: str = "") -> None:
        super().__init__(title, accept_with, parent)
        self.name = self.field(label, QLineEdit(value), help_text)
        self.name.setObjectName("partyName")
        self.finish(ok_text)


class AcceptDialog(OfferDialog):
    def __init__(self, function_name: str, problem: str, accept_with: Callable[[QDialog], None],
                 parent: QWidget | None = None, note: str = "") -> None:
        super().__init__("Accept as is", accept_with, parent)
        intro = QLabel(f"<b>{function_name}</b>: {problem}. Accepting it lets the proposal go out with the row as it "
                       "is; the note explains why to the client and the delivery team.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self._layout.addWidget(intro)
        self._layout.addSpacing(6)
        self.note = QPlainTextEdit(note)
        self.note.setObjectName("acceptNote")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(80)
        self.field("Why it is accepted", self.note)
        self.finish("Accept as is")

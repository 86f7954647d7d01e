"""Pieces the table pages of the workspace build the same way: the heading with its intro, the
filter field and the row of buttons above a table.

Only construction lives here; each page keeps its own widgets as attributes and wires them itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services import ServiceError
from ..widgets import muted, scaled_font
from ..wrap_row import WrapRow
from .page import WorkspacePage
from .undo import ServiceCommand


def page_header(page: QWidget, heading: str, intro: str, scale: float = 1.3) -> tuple[QLabel, QLabel]:
    """The page's bold heading and its muted, word-wrapped introduction."""
    title = QLabel(heading)
    title.setFont(scaled_font(page, scale, bold=True))
    text = muted(QLabel(intro))
    text.setWordWrap(True)
    return title, text


def page_layout(page: QWidget, heading: QLabel, intro: QLabel, body: QWidget) -> QVBoxLayout:
    """The page's layout: heading, intro, then ``body`` taking the room left."""
    layout = QVBoxLayout(page)
    layout.addWidget(heading)
    layout.addWidget(intro)
    layout.addWidget(body, 1)
    return layout


def tool_button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    return button


def filter_edit(placeholder: str, min_chars: int = 14) -> QLineEdit:
    """A filter field with a clear button, wide enough to show its placeholder whole."""
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    edit.setAccessibleName(placeholder)
    fm = edit.fontMetrics()
    # Room for the placeholder (or min_chars characters), the clear button and the frame.
    text_w = max(fm.horizontalAdvance(placeholder), fm.averageCharWidth() * min_chars)
    edit.setMinimumWidth(text_w + fm.height() + 16)
    return edit


def tool_row(buttons: Sequence[QWidget], filter_field: QLineEdit, *after: QWidget) -> WrapRow:
    """Buttons on the left, then the filter (taking the room left) and what follows it; on a
    window too narrow for one line, what does not fit wraps onto the next."""
    row = WrapRow()
    for b in buttons:
        row.addWidget(b)
    row.addSpacing(12)
    row.addWidget(filter_field, 1)
    for w in after:
        row.addWidget(w)
    return row


def bare_column(*items: QWidget | QLayout, stretch_last: bool = True) -> QWidget:
    """A widget with a margin-less vertical layout of ``items``; the last one takes the room left."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for n, item in enumerate(items):
        stretch = 1 if stretch_last and n == len(items) - 1 else 0
        if isinstance(item, QWidget):
            layout.addWidget(item, stretch)
        else:
            layout.addLayout(item, stretch)
    return holder


def run_with_undo(page: WorkspacePage, text: str, do: Callable[[], object], undo: Callable[[], object],
                  select: str | None = None) -> bool:
    """Save an edit now through the service; on success push it onto the undo stack, reload the
    page (selecting ``select``) and tell the workspace. A refused edit is explained and undone."""
    try:
        do()
    except ServiceError as exc:
        QMessageBox.warning(page, "Not saved", str(exc))
        page.load()
        return False
    page.context.undo_stack.push(ServiceCommand(text, page, do, undo))
    page.load()
    if select:
        page.select_uid(select)  # type: ignore[attr-defined]  # the pages that pass select= have it
    page.changed.emit()
    page.status.emit("Saved")
    return True

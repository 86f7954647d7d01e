"""Keyboard and screen-reader behaviour every widget of the app shares, set in one place.

Installed once on the application (:func:`install`), before any window is built. As each widget
is polished (just before it is first shown) it gets:

- tables and lists: Tab and Shift+Tab leave the view (arrow keys move cell to cell, F2 edits),
  so every page has one Tab order that follows the reading order;
- scroll areas: never a focus stop of their own (they scroll to whatever inside takes focus);
- an accessible name when it has none: the text of the label that is its buddy, else its
  placeholder, else its tooltip (search boxes, icon-only buttons, date boxes);
- the palette: muted text, placeholders and selection at WCAG 4.5:1 (:mod:`.contrast`), again
  whenever the platform switches between light and dark.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QWidget,
)

from . import contrast

_POLISH = QEvent.Type.Polish
_PALETTE = QEvent.Type.ApplicationPaletteChange

#: Widgets a keyboard user operates: each needs an accessible name.
INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractItemView)


def plain(text: str) -> str:
    """A label's words without its mnemonic marks, required stars or rich-text tags."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"&(?!&)", "", text).replace("&&", "&")
    return text.rstrip(" *:").strip()


def name_of(widget: QWidget) -> str:
    """The accessible name a widget gets when the code gave it none ("" when nothing fits)."""
    if isinstance(widget, QAbstractButton) and plain(widget.text()):
        return ""  # a screen reader reads a button's own text
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        return widget.placeholderText()
    if isinstance(widget, QPlainTextEdit | QTextEdit) and widget.placeholderText():
        return widget.placeholderText()
    tip = plain(widget.toolTip())
    return tip.split(" (")[0] if tip else ""


class _Policy(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._adjusting = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == _POLISH and isinstance(watched, QWidget):
            polish(watched)
        elif kind == _PALETTE and watched is self._app and not self._adjusting:
            self.apply_palette()
        return False

    def apply_palette(self) -> None:
        self._adjusting = True
        try:
            pal = self._app.palette()
            fixed = contrast.accessible(pal)
            if fixed != pal:
                self._app.setPalette(fixed)
        finally:
            self._adjusting = False


def polish(widget: QWidget) -> None:
    """What every widget of the kind gets (see the module's docstring)."""
    if isinstance(widget, QAbstractItemView):
        widget.setTabKeyNavigation(False)
    elif isinstance(widget, QScrollArea) and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if isinstance(widget, QLabel):
        buddy = widget.buddy()
        if buddy is not None and not buddy.accessibleName() and plain(widget.text()):
            buddy.setAccessibleName(plain(widget.text()))
    elif isinstance(widget, INTERACTIVE) and not widget.accessibleName():
        name = name_of(widget)
        if name:
            widget.setAccessibleName(name)


def install(app: QApplication | None = None) -> None:
    """Put the policy on the application (once; later calls do nothing)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if not isinstance(app, QApplication) or app.property("discoveryKeyboard"):
        return
    policy = _Policy(app)
    app.installEventFilter(policy)
    app.setProperty("discoveryKeyboard", True)
    policy.apply_palette()
    # Widgets already built before the policy (rare: a test's own widget) get it now.
    for w in QApplication.allWidgets():
        polish(w)

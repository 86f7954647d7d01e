"""A date typed as people write it, or picked from a calendar.

A line edit that takes the locale's short form ("15.01.2026" under de_DE, "1/15/2026" under
en_US) or ISO ("2026-01-15"), read by :mod:`discovery_app.domain.locale_text`, with a calendar
button beside it. Unlike ``QDateEdit`` it never edits one section of the old date: what is typed
is read whole, and text that is not a date is reported (:attr:`DateInput.refused`), never
silently dropped.
"""

from __future__ import annotations

import datetime
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from ..domain import locale_text
from . import app_locale

#: Opens the calendar from the date box (also Alt+Down, as in a combo box).
CALENDAR_KEY = "F4"


class DateInput(QWidget):
    #: The consultant finished typing (Enter, leaving the box) or picked a day: the date or None.
    committed = Signal(object)
    #: What was typed is not a date: the message says how it was read and what to type.
    refused = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None, *, allow_empty: bool = True,
                 maximum: date | None = None) -> None:
        super().__init__(parent)
        self.allow_empty = allow_empty
        self.maximum = maximum
        self._date: date | None = None
        self._in_error = False
        self.edit = QLineEdit()
        self.edit.setObjectName(name)
        self.edit.setClearButtonEnabled(allow_empty)
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("0000-00-00__") + 40)
        self.button = QToolButton()
        self.button.setObjectName(f"{name}_calendar")
        self.button.setText("Calendar")
        self.button.setToolTip(f"Pick the day from a calendar ({CALENDAR_KEY})")
        self.button.setAccessibleName("Pick the date from a calendar")
        # Not a Tab stop of its own: F4 or Alt+Down in the box opens the calendar.
        self.button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(False)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._open_calendar)
        self.button.setMenu(menu)
        self._menu = menu
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(self.button)
        row.addStretch(1)
        self.edit.editingFinished.connect(self._finished)
        self.edit.textEdited.connect(self._cleared_by_button)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)  # Enter on a day
        self.edit.installEventFilter(self)
        self.refresh_locale()

    # ---- state ------------------------------------------------------------------------------

    def refresh_locale(self) -> None:
        loc = app_locale.current()
        pattern = locale_text.date_pattern(loc)
        self.edit.setPlaceholderText(pattern)
        self.edit.setToolTip(f"Type the date as {pattern} ({locale_text.format_date_short(date(2026, 1, 15), loc)}) "
                             "or as YYYY-MM-DD, or pick it from the calendar")
        self.set_date(self._date)

    def set_date(self, day: date | None) -> None:
        """Show ``day`` (no signal)."""
        self._date = day
        self.edit.setText("" if day is None else locale_text.format_date_short(day, app_locale.current()))

    def date(self) -> date | None:
        """The date shown last accepted (what was typed is read by :meth:`read`)."""
        return self._date

    def text(self) -> str:
        return self.edit.text()

    def read(self) -> datetime.date | None:
        """Read what is typed now; raises :class:`~discovery_app.domain.locale_text.ReadError`."""
        text = self.edit.text().strip()
        if not text:
            if not self.allow_empty:
                raise locale_text.ReadError("Enter a date")
            return None
        day = locale_text.parse_date(text, app_locale.current())
        if self.maximum is not None and day > self.maximum:
            raise locale_text.ReadError(
                f"{locale_text.format_date_short(day, app_locale.current())} is in the future")
        return day

    # ---- internals --------------------------------------------------------------------------

    def commit(self) -> None:
        """Read what is typed now and report it (as leaving the box does)."""
        self._finished()

    def _finished(self) -> None:
        self.edit.setModified(False)
        try:
            day = self.read()
        except locale_text.ReadError as exc:
            self._in_error = True
            self.refused.emit(str(exc))
            return
        changed = day != self._date or self._in_error
        self._in_error = False
        self.set_date(day)  # shown back as the locale writes it: how it was read
        if changed:
            self.committed.emit(day)

    def _cleared_by_button(self, text: str) -> None:
        if text == "" and self._date is not None and not self.edit.hasFocus():
            self._finished()

    def open_calendar(self) -> None:
        """Drop the calendar down under the box, the keyboard on today's (or the shown) day."""
        self.button.showMenu()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            alt_down = (event.key() == Qt.Key.Key_Down
                        and event.modifiers() & Qt.KeyboardModifier.AltModifier)
            if event.key() == Qt.Key.Key_F4 or alt_down:
                if self.edit.isModified():
                    self.commit()
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def _open_calendar(self) -> None:
        QTimer.singleShot(0, lambda: self.calendar.setFocus(Qt.FocusReason.PopupFocusReason))
        day = self._date or date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        if self.maximum is not None:
            m = self.maximum
            self.calendar.setMaximumDate(QDate(m.year, m.month, m.day))

    def _picked(self, qd: QDate) -> None:
        self._menu.hide()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
        day = date(qd.year(), qd.month(), qd.day())
        changed = day != self._date or self._in_error
        self._in_error = False
        self.set_date(day)
        if changed:
            self.committed.emit(day)

"""Which columns the Standards page shows: a "Columns" menu, remembered.

At a laptop's width seven columns leave the text columns (the client's current tool, notes) a
hand's breadth each; a consultant who knows the standard stack by heart hides the Standard
column, or the Surcharge, and the text gets the room. Remembered across engagements and restarts
(QSettings), as the remediation page remembers its role columns. Category, status and decision
always stay: they are what the page is for.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

HIDDEN_KEY = "standards/hiddenColumns"


def hidden_columns() -> set[str]:
    value = QSettings().value(HIDDEN_KEY, [])
    if isinstance(value, str):
        return {value} if value else set()
    return {str(v) for v in value} if isinstance(value, (list, tuple)) else set()


class StandardsColumns(QObject):
    """The menu button and the hidden set (column keys); ``changed`` fires after a pick."""

    changed = Signal()

    def __init__(self, columns: Mapping[str, str], parent: QWidget) -> None:
        """``columns``: key -> the column's name, for the columns that can be hidden."""
        super().__init__(parent)
        self.button = QToolButton(parent)
        self.button.setObjectName("standardsColumnsButton")
        self.button.setToolTip("Show or hide columns of the standards table (remembered)")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.button)
        self.menu.setObjectName("standardsColumnsMenu")
        self.button.setMenu(self.menu)
        self.hidden = hidden_columns() & set(columns)
        self.actions: dict[str, QAction] = {}
        for key, name in columns.items():
            action = self.menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(key not in self.hidden)
            action.toggled.connect(lambda on, k=key: self._toggle(k, on))
            self.actions[key] = action
        self._label()

    def _toggle(self, key: str, shown: bool) -> None:
        (self.hidden.discard if shown else self.hidden.add)(key)
        QSettings().setValue(HIDDEN_KEY, sorted(self.hidden))
        self._label()
        self.changed.emit()

    def is_hidden(self, key: str) -> bool:
        return key in self.hidden

    def _label(self) -> None:
        n = len(self.hidden)
        self.button.setText(f"Columns ({n} hidden)" if n else "Columns")
        self.button.setAccessibleName(self.button.text())

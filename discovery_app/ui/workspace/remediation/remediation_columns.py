"""Which hours-per-role columns the remediation page shows: a "Columns" menu, remembered.

A consultant who prices with two roles out of six hides the other four so the titles get the
room; the choice is remembered across engagements and restarts (QSettings), and applies to the
items table and both plan tabs at once. Total hours always stay.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from ....domain.forms import Role

HIDDEN_KEY = "remediation/hiddenRoleColumns"


def hidden_roles() -> set[str]:
    value = QSettings().value(HIDDEN_KEY, [])
    if isinstance(value, str):
        return {value} if value else set()
    return {str(v) for v in value} if isinstance(value, (list, tuple)) else set()


def remember_hidden(ids: set[str]) -> None:
    QSettings().setValue(HIDDEN_KEY, sorted(ids))


class RoleColumns(QObject):
    """The menu button and the hidden set; ``changed`` fires after the consultant picks."""

    changed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.button = QToolButton(parent)
        self.button.setObjectName("remediationColumnsButton")
        self.button.setText("Columns")
        self.button.setToolTip("Show or hide the hours-per-role columns (remembered)")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.button)
        self.menu.setObjectName("remediationColumnsMenu")
        self.button.setMenu(self.menu)
        self.actions: dict[str, QAction] = {}
        self._roles: list[Role] = []
        self.hidden = hidden_roles()

    def set_roles(self, roles: Sequence[Role]) -> None:
        if [r.id for r in roles] == [r.id for r in self._roles]:
            return
        self._roles = list(roles)
        self.menu.clear()
        self.actions = {}
        every = self.menu.addAction("Show every role")
        every.triggered.connect(lambda: self.set_hidden(set()))
        none = self.menu.addAction("Hide every role (total hours stay)")
        none.triggered.connect(lambda: self.set_hidden({r.id for r in self._roles}))
        self.menu.addSeparator()
        for role in roles:
            action = self.menu.addAction(f"{role.name} hours")
            action.setCheckable(True)
            action.setChecked(role.id not in self.hidden)
            action.toggled.connect(lambda on, rid=role.id: self._toggle(rid, on))
            self.actions[role.id] = action
        self._label()

    def _toggle(self, role_id: str, shown: bool) -> None:
        hidden = set(self.hidden)
        (hidden.discard if shown else hidden.add)(role_id)
        self.set_hidden(hidden)

    def set_hidden(self, ids: set[str]) -> None:
        self.hidden = set(ids)
        remember_hidden(self.hidden)
        for rid, action in self.actions.items():
            action.blockSignals(True)
            action.setChecked(rid not in self.hidden)
            action.blockSignals(False)
        self._label()
        self.changed.emit()

    def is_hidden(self, role_id: str) -> bool:
        return role_id in self.hidden

    def _label(self) -> None:
        n = sum(1 for r in self._roles if r.id in self.hidden)
        self.button.setText(f"Columns ({n} hidden)" if n else "Columns")

    def apply(self, hide: Callable[[str, bool], None]) -> None:
        """Call ``hide(role_id, hidden)`` for every role (each table maps ids to its columns)."""
        for role in self._roles:
            hide(role.id, role.id in self.hidden)

"""Records a re-assessment carried over from its baseline, marked where they are shown.

Each carried record still to confirm shows an information icon at the start of its row, with
"From the baseline, to confirm" in its tooltip and accessible description. A bar above the table
counts them and confirms the selected ones (Confirm, also Ctrl+Shift+K in the table) or every
one of the page (Confirm all). Which records are carried and how they are counted is the
domain's (:mod:`discovery_app.domain.carried`); the page only shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QWidget,
)

from ...domain import carried as carried_mod
from ...domain.wording import count
from ...services import ServiceError
from .. import shortcuts
from ..widgets import muted

if TYPE_CHECKING:
    from .page import WorkspacePage

_ROLES = frozenset({Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.AccessibleDescriptionRole})

M = TypeVar("M", bound=QAbstractItemModel)


def marked(model_class: type[M], record_of_row: Callable[[Any, int], str]) -> type[M]:
    """``model_class`` whose first column marks the rows of carried records (the record keys in
    the model's ``carried`` set; ``record_of_row(model, row)`` names a row's record)."""

    class Marked(model_class):  # type: ignore[valid-type,misc]
        carried: frozenset[str] = frozenset()

        def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if (role in _ROLES and self.carried and index.isValid() and index.column() == 0
                    and record_of_row(self, index.row()) in self.carried):
                if role == Qt.ItemDataRole.DecorationRole:
                    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
                base = super().data(index, role)
                if role == Qt.ItemDataRole.ToolTipRole:
                    return carried_mod.MARK + (f"\n\n{base}" if base else "")
                return carried_mod.MARK + (f". {base}" if base else "")
            return super().data(index, role)

        def set_carried(self, records: frozenset[str]) -> None:
            if records == self.carried:
                return
            self.carried = records
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0),
                                      [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole])

    Marked.__name__ = f"Marked{model_class.__name__}"
    Marked.__qualname__ = Marked.__name__
    return Marked


class CarriedBar(QFrame):
    """The bar above a page's table: how many of its records are carried from the baseline, and
    Confirm (the selected ones) and Confirm all."""

    def __init__(self, page: WorkspacePage, kind: carried_mod.Kind, model: Any, table: QAbstractItemView,
                 selected: Callable[[], list[str]]) -> None:
        super().__init__(page)
        self.page, self.kind, self.model, self.selected = page, kind, model, selected
        self.setObjectName(f"carriedBar_{kind.value}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(16, 16))
        self.text = muted(QLabel())
        self.text.setWordWrap(True)
        noun = carried_mod.NOUNS[kind]
        self.confirm_button = QPushButton("Confirm")
        self.confirm_button.setObjectName(f"confirmCarried_{kind.value}")
        key = shortcuts.sequence("carried_confirm")
        seq = key.toString(QKeySequence.SequenceFormat.NativeText)
        self.confirm_button.setToolTip(f"The selected {noun}s are right as carried over: clear their mark ({seq} "
                                       "in the table)")
        self.confirm_all = QPushButton("Confirm all")
        self.confirm_all.setObjectName(f"confirmAllCarried_{kind.value}")
        self.confirm_all.setToolTip(f"Every {noun} carried over from the baseline on this page is right")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(icon)
        row.addWidget(self.text, 1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.confirm_all)
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.confirm_all.clicked.connect(self.confirm_every)
        shortcut = QShortcut(key, table, self.confirm_selected)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        table.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self.records: tuple[str, ...] = ()
        self.hide()

    def load(self) -> None:
        """Read what is still to confirm (the domain's count) and mark the rows."""
        try:
            self.records = self.page.service.baseline.carried(self.page.engagement_id).of(self.kind)
        except ServiceError:
            self.records = ()
        self.model.set_carried(frozenset(self.records))
        n = len(self.records)
        self.text.setText(f"{count(n, carried_mod.NOUNS[self.kind])} on this page came from the baseline and "
                          f"wait for you to confirm {'it' if n == 1 else 'them'}: {'its row starts' if n == 1 else 'their rows start'} "
                          "with this icon. Select and Confirm, or Confirm all.")
        self.setVisible(n > 0)
        self._enable()

    def _waiting_selected(self) -> list[str]:
        waiting = set(self.records)
        return [r for r in self.selected() if r in waiting]

    def _enable(self) -> None:
        self.confirm_button.setEnabled(bool(self._waiting_selected()))

    def confirm_selected(self) -> None:
        records = self._waiting_selected()
        if records:
            self._confirm([carried_mod.key(self.kind, r) for r in records], len(records))

    def confirm_every(self) -> None:
        if self.records:
            self._confirm([carried_mod.key(self.kind, r) for r in self.records], len(self.records))

    def _confirm(self, keys: list[str], n: int) -> None:
        page, eid = self.page, self.page.engagement_id

        def done(_left: object) -> None:
            self.load()
            page.changed.emit()
            page.status.emit(f"Confirmed {count(n, carried_mod.NOUNS[self.kind])}")

        def failed(exc: BaseException) -> None:
            page.status.emit(f"Not confirmed: {exc}")
            self.load()

        page.save(lambda: page.service.baseline.confirm(eid, keys), done, failed)


def add_bar(page: WorkspacePage, layout: Any, before: QWidget, kind: carried_mod.Kind, model: Any,
            table: QAbstractItemView, selected: Callable[[], list[str]]) -> CarriedBar:
    """A :class:`CarriedBar` placed in ``layout`` just above ``before``."""
    bar = CarriedBar(page, kind, model, table, selected)
    layout.insertWidget(layout.indexOf(before), bar)
    return bar


__all__ = ["CarriedBar", "add_bar", "marked"]

"""A searchable checklist dialog: link inventory items to a risk, or pick an item's dependencies.

An optional ``check`` callback judges the current choice as it changes and its message shows in
place, under the list; while it reports a problem the OK button is off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from ...widgets import error_colour, muted

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class _Filter(QSortFilterProxyModel):
    _words: list[str] = []

    def set_words(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        words = self._words
        text = (self.sourceModel().index(row, 0, parent).data() or "").casefold()
        return all(w in text for w in words)


class ChecklistDialog(QDialog):
    def __init__(
        self,
        title: str,
        intro: str,
        entries: Sequence[tuple[str, str]],
        checked: Sequence[str],
        parent: QWidget | None = None,
        *,
        check: Callable[[list[str]], str | None] | None = None,
        ok_text: str = "OK",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(560, 520)
        self._check = check
        self.intro = muted(QLabel(intro))
        self.intro.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search")
        self.model = QStandardItemModel(self)
        chosen = set(checked)
        for key, label in entries:
            item = QStandardItem(label)
            item.setEditable(False)
            item.setCheckable(True)
            item.setCheckState(Qt.CheckState.Checked if key in chosen else Qt.CheckState.Unchecked)
            item.setData(key, KEY_ROLE)
            self.model.appendRow(item)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)
        self.list.setAccessibleName(title)
        self.summary = muted(QLabel())
        self.message = QLabel()
        self.message.setWordWrap(True)
        pal = self.message.palette()
        pal.setColor(self.message.foregroundRole(), error_colour(pal))
        self.message.setPalette(pal)
        self.message.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self.proxy.set_words)
        self.model.itemChanged.connect(lambda _i: self._changed())
        self._changed()
        self.search.setFocus()

    def chosen(self) -> list[str]:
        return [self.model.item(r).data(KEY_ROLE) for r in range(self.model.rowCount())
                if self.model.item(r).checkState() == Qt.CheckState.Checked]

    def set_checked(self, key: str, on: bool) -> None:
        for r in range(self.model.rowCount()):
            item = self.model.item(r)
            if item.data(KEY_ROLE) == key:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _changed(self) -> None:
        n = len(self.chosen())
        self.summary.setText(f"{n} chosen of {self.model.rowCount()}")
        problem = self._check(self.chosen()) if self._check else None
        self.message.setText(problem or "")
        self.message.setVisible(bool(problem))
        self.ok.setEnabled(not problem)

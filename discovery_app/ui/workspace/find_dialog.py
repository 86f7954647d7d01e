"""Ctrl+F in the workspace: find a question (or field) by its label, across every section."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class Target:
    page_index: int
    key: str
    label: str
    section: str


class FindQuestionDialog(QDialog):
    def __init__(self, targets: list[Target], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findQuestionDialog")
        self.setWindowTitle("Find a question")
        self.chosen: Target | None = None
        self.targets = targets
        self.edit = QLineEdit()
        self.edit.setObjectName("findQuestionEdit")
        self.edit.setPlaceholderText("Type part of a question…")
        self.edit.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        for i, t in enumerate(targets):
            item = QStandardItem(f"{t.label} — {t.section}")
            item.setData(i, Qt.ItemDataRole.UserRole)
            item.setToolTip(t.label)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView()
        self.list.setObjectName("findQuestionList")
        self.list.setModel(self.proxy)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.count = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Open).setText("Go to question")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.edit)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.count)
        lay.addWidget(buttons)
        self.edit.textChanged.connect(self._filter)
        self.edit.installEventFilter(self)
        self.list.activated.connect(lambda _i: self.accept())
        self.resize(560, 420)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        n = self.proxy.rowCount()
        self.count.setText(f"{n} of {len(self.targets)}" if text.strip() else f"{n} questions")
        if n:
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up and Down in the search box move through the matches.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentIndex().row() + (1 if event.key() == Qt.Key.Key_Down else -1)
                if 0 <= row < self.proxy.rowCount():
                    self.list.setCurrentIndex(self.proxy.index(row, 0))
                return True
        return False

    def accept(self) -> None:
        index = self.list.currentIndex()
        if not index.isValid():
            return
        self.chosen = self.targets[int(index.data(Qt.ItemDataRole.UserRole))]
        super().accept()

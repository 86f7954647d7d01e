"""Suggested remediation items not yet in the plan: tick the ones to add, edit them first if needed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ....domain import plan as plan_mod
from ...widgets import muted
from .remediation_model import CHOICES, RIGHT, hours_text

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class SuggestionsDialog(QDialog):
    def __init__(self, suggestions: list[plan_mod.Suggestion], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suggested remediation items")
        self.resize(960, 600)
        self._suggestions = {s.key: s for s in suggestions}
        self._edits: dict[str, dict[str, Any]] = {}
        self._current: str | None = None

        intro = muted(QLabel("From the risks in the register and the standards gaps. Tick the items to "
                             "add to the plan; select one to adjust it before adding."))
        intro.setWordWrap(True)
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["Title", "From", "Phase", "Hours"])
        for s in suggestions:
            title = QStandardItem(s.title)
            title.setCheckable(True)
            title.setEditable(False)
            title.setData(s.key, KEY_ROLE)
            source = QStandardItem(s.source)
            phase = QStandardItem(plan_mod.PHASE_LABELS[s.phase])
            hours = QStandardItem(hours_text(sum(s.hours.values(), Decimal(0))) or "—")
            hours.setData(RIGHT, Qt.ItemDataRole.TextAlignmentRole)
            for it in (source, phase, hours):
                it.setEditable(False)
            self.model.appendRow([title, source, phase, hours])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName("Suggestions")
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)

        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.phase = self._combo("phase")
        self.priority = self._combo("priority")
        self.owner = self._combo("owner")
        self.done_edit = QPlainTextEdit()
        self.done_edit.setAccessibleName("Definition of done")
        self.done_edit.setTabChangesFocus(True)
        editor = QVBoxLayout()
        for label, w in (("Title", self.title),):
            lab = QLabel(label)
            lab.setBuddy(w)
            editor.addWidget(lab)
            editor.addWidget(w)
        row = QHBoxLayout()
        for label, combo in (("Phase", self.phase), ("Priority", self.priority), ("Owner", self.owner)):
            box = QVBoxLayout()
            lab = QLabel(label)
            lab.setBuddy(combo)
            box.addWidget(lab)
            box.addWidget(combo)
            row.addLayout(box)
        editor.addLayout(row)
        lab = QLabel("Definition of done")
        lab.setBuddy(self.done_edit)
        editor.addWidget(lab)
        editor.addWidget(self.done_edit, 1)

        self.check_all = QPushButton("Tick all")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.addButton(self.check_all, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addLayout(editor, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.model.itemChanged.connect(lambda _i: self._count())
        self.check_all.clicked.connect(self._tick_all)
        for combo in (self.phase, self.priority, self.owner):
            combo.activated.connect(lambda _i: self._store())
        self.title.editingFinished.connect(self._store)
        self.done_edit.textChanged.connect(self._store)
        self._count()
        if suggestions:
            self.table.selectRow(0)
        else:
            self._selected()

    def _combo(self, key: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(key.capitalize())
        for value, label in CHOICES[key]:
            box.addItem(label, value)
        return box

    def _key_at(self, row: int) -> str:
        return self.model.item(row, 0).data(KEY_ROLE)

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._current = None
        if not rows:
            for w in (self.title, self.phase, self.priority, self.owner, self.done_edit):
                w.setEnabled(False)
            return
        key = self._key_at(rows[0].row())
        s = self._suggestions[key]
        values = {"title": s.title, "phase": s.phase.value, "priority": s.priority.value, "owner": s.owner.value,
                  "definition_of_done": s.definition_of_done, **self._edits.get(key, {})}
        for w in (self.title, self.phase, self.priority, self.owner, self.done_edit):
            w.setEnabled(True)
        self.title.setText(values["title"])
        for w, k in ((self.phase, "phase"), (self.priority, "priority"), (self.owner, "owner")):
            w.setCurrentIndex(max(0, w.findData(values[k])))
        self.done_edit.blockSignals(True)
        self.done_edit.setPlainText(values["definition_of_done"])
        self.done_edit.blockSignals(False)
        self._current = key

    def _store(self) -> None:
        key = self._current
        if key is None:
            return
        s = self._suggestions[key]
        edits = {"title": self.title.text().strip() or s.title, "phase": self.phase.currentData(),
                 "priority": self.priority.currentData(), "owner": self.owner.currentData(),
                 "definition_of_done": self.done_edit.toPlainText().strip()}
        original = {"title": s.title, "phase": s.phase.value, "priority": s.priority.value, "owner": s.owner.value,
                    "definition_of_done": s.definition_of_done}
        self._edits[key] = {k: v for k, v in edits.items() if v != original[k]}
        row = next(r for r in range(self.model.rowCount()) if self._key_at(r) == key)
        self.model.item(row, 0).setText(edits["title"])
        self.model.item(row, 2).setText(dict(CHOICES["phase"])[edits["phase"]])
        self.model.item(row, 0).setCheckState(Qt.CheckState.Checked)

    def _tick_all(self) -> None:
        for r in range(self.model.rowCount()):
            self.model.item(r, 0).setCheckState(Qt.CheckState.Checked)

    def set_ticked(self, title: str, on: bool = True) -> None:
        for r in range(self.model.rowCount()):
            if self.model.item(r, 0).text() == title:
                self.model.item(r, 0).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _count(self) -> None:
        n = len(self.chosen())
        self.add_button.setText(f"Add {n} item{'s' if n != 1 else ''}" if n else "Add items")
        self.add_button.setEnabled(n > 0)

    def _accept(self) -> None:
        self._store()
        self.accept()

    def chosen(self) -> list[tuple[str, dict[str, Any]]]:
        """(suggestion key, the consultant's changes) for each ticked suggestion, in list order."""
        return [(self._key_at(r), dict(self._edits.get(self._key_at(r), {})))
                for r in range(self.model.rowCount())
                if self.model.item(r, 0).checkState() == Qt.CheckState.Checked]

"""Pick a risk from the form's library: search, pick, adjust title / likelihood / impact, add."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from ....domain import risks as rk
from ....domain.forms import RiskTemplate
from ...widgets import muted
from .risk_model import category_label

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


def level_combo(words: tuple[str, ...], name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for n, word in enumerate(words, 1):
        box.addItem(f"{n} – {word}", n)
    return box


@dataclass(frozen=True)
class LibraryChoice:
    template_id: str
    title: str
    likelihood: int
    impact: int


class _SearchProxy(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self._words: list[str] = []

    def set_words(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # every word must match
        words = self._words
        if not words:
            return True
        hay = self.sourceModel().index(row, 0, parent).data(SEARCH_ROLE) or ""
        return all(w in hay for w in words)


class RiskLibraryDialog(QDialog):
    def __init__(self, library: list[RiskTemplate], in_register: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a risk from the library")
        self.resize(820, 520)
        self._templates = {t.id: t for t in library}
        self._in_register = set(in_register)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the library: title, category, description")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the risk library")
        self.model = QStandardItemModel(self)
        for t in sorted(library, key=lambda t: (-(t.likelihood * t.impact), t.title.casefold())):
            added = " (in the register)" if t.id in in_register else ""
            item = QStandardItem(f"{t.title}{added}")
            item.setEditable(False)
            item.setData(t.id, ID_ROLE)
            item.setData(" ".join((t.title, t.category.value, t.description, t.why_it_matters)).casefold(), SEARCH_ROLE)
            item.setToolTip(f"{category_label(t.category.value)} · score {t.likelihood * t.impact}")
            self.model.appendRow(item)
        self.proxy = _SearchProxy()
        self.proxy.setSourceModel(self.model)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName("Library risks")
        self.list.setUniformItemSizes(True)
        self.count = muted(QLabel())

        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.likelihood = level_combo(rk.LIKELIHOOD_WORDS, "Likelihood")
        self.impact = level_combo(rk.IMPACT_WORDS, "Impact")
        self.score = QLabel()
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.why = muted(QLabel())
        self.why.setWordWrap(True)
        self.why.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.list, 1)
        left.addWidget(self.count)
        right = QVBoxLayout()
        for label, w in (("Title", self.title), ("Likelihood", self.likelihood), ("Impact", self.impact)):
            lab = QLabel(label)
            lab.setBuddy(w)
            right.addWidget(lab)
            right.addWidget(w)
        right.addWidget(self.score)
        right.addSpacing(6)
        right.addWidget(self.description)
        right.addWidget(self.why)
        right.addStretch(1)
        panes = QHBoxLayout()
        panes.addLayout(left, 3)
        panes.addLayout(right, 2)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("Add to register")
        # Enter in the search box moves to the matches; it never adds the top one unseen.
        self.add_button.setAutoDefault(False)
        self.add_button.setDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(panes, 1)
        outer.addWidget(self.buttons)

        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._focus_first)
        self.list.selectionModel().selectionChanged.connect(self._picked)
        self.list.activated.connect(lambda _i: self._add_current())  # Enter or a double-click on a risk
        self.likelihood.currentIndexChanged.connect(self._score)
        self.impact.currentIndexChanged.connect(self._score)
        self._filter("")
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        self.proxy.set_words(text)
        n = self.proxy.rowCount()
        self.count.setText(f"{n} of {self.model.rowCount()} library risks" if text else f"{n} library risks")
        if n and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self._picked()

    def _focus_first(self) -> None:
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
            self.list.setFocus()

    def _add_current(self) -> None:
        if self.add_button.isEnabled():
            self.accept()

    def current_template(self) -> RiskTemplate | None:
        idx = self.list.currentIndex()
        if not idx.isValid() or not self.list.selectionModel().isSelected(idx):
            return None
        return self._templates.get(idx.data(ID_ROLE))

    def _picked(self, *_: QItemSelection) -> None:
        t = self.current_template()
        self.add_button.setEnabled(t is not None and t.id not in self._in_register)
        for w in (self.title, self.likelihood, self.impact):
            w.setEnabled(t is not None)
        if t is None:
            self.description.setText("Pick a risk on the left, adjust it for this client, then add it.")
            self.why.clear()
            self.score.clear()
            return
        self.title.setText(t.title)
        self.likelihood.setCurrentIndex(t.likelihood - 1)
        self.impact.setCurrentIndex(t.impact - 1)
        self.description.setText(t.description)
        self.why.setText(f"Why it matters: {t.why_it_matters}" if t.why_it_matters else "")
        if t.id in self._in_register:
            self.description.setText(f"Already in the register. {t.description}")
        self._score()

    def _score(self) -> None:
        lk, im = self.likelihood.currentData(), self.impact.currentData()
        if lk and im:
            self.score.setText(f"Score {lk * im} · {rk.BAND_LABELS[rk.band(lk, im)]}")

    def choice(self) -> LibraryChoice | None:
        t = self.current_template()
        if t is None:
            return None
        return LibraryChoice(t.id, self.title.text().strip() or t.title, self.likelihood.currentData(),
                             self.impact.currentData())

"""Pick risks from the form's library: search, tick several, adjust each one's title / likelihood /
impact, add them all in one step. Library risks already in the register are marked and cannot be
ticked again, so Enter in the search (or a stray click) never adds a duplicate."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
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
    def __init__(self, library: list[RiskTemplate], in_register: set[str], parent: QWidget | None = None,
                 cuts: rk.BandCuts = rk.SHIPPED_CUTS) -> None:
        super().__init__(parent)
        self._cuts = cuts
        self.setObjectName("riskLibraryDialog")
        self.setWindowTitle("Add risks from the library")
        self.resize(880, 560)
        self._templates = {t.id: t for t in library}
        self._in_register = set(in_register)
        self._adjusted: dict[str, LibraryChoice] = {}
        self._showing: str | None = None
        self._count_text = ""

        self.search = QLineEdit()
        self.search.setObjectName("riskLibrarySearch")
        self.search.setPlaceholderText("Search the library: title, category, description")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the risk library")
        self.model = QStandardItemModel(self)
        for t in sorted(library, key=lambda t: (t.id in in_register, -(t.likelihood * t.impact), t.title.casefold())):
            item = QStandardItem(t.title)
            item.setEditable(False)
            item.setData(t.id, ID_ROLE)
            item.setData(" ".join((t.title, t.category.value, t.description, t.why_it_matters)).casefold(), SEARCH_ROLE)
            score = f"{category_label(t.category.value)} · score {t.likelihood * t.impact}"
            if t.id in in_register:
                item.setText(f"{t.title}  (already in the register)")
                item.setCheckable(False)
                item.setData(Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setForeground(self.palette().placeholderText())
                item.setToolTip(f"{score} · already in the register")
            else:
                item.setCheckable(True)
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setToolTip(f"{score} · tick it to add it")
            self.model.appendRow(item)
        self.proxy = _SearchProxy()
        self.proxy.setSourceModel(self.model)
        self.list = QListView()
        self.list.setObjectName("riskLibraryList")
        self.list.setModel(self.proxy)
        self.list.setAccessibleName("Library risks: tick the ones to add")
        self.list.setUniformItemSizes(True)
        self.count = muted(QLabel())
        self.count.setObjectName("riskLibraryCount")
        self.count.setWordWrap(True)

        self.title = QLineEdit()
        self.title.setObjectName("riskLibraryTitle")
        self.title.setAccessibleName("Title")
        self.likelihood = level_combo(rk.LIKELIHOOD_WORDS, "Likelihood")
        self.likelihood.setObjectName("riskLibraryLikelihood")
        self.impact = level_combo(rk.IMPACT_WORDS, "Impact")
        self.impact.setObjectName("riskLibraryImpact")
        self.score = QLabel()
        self.state = muted(QLabel())
        self.state.setObjectName("riskLibraryState")
        self.state.setWordWrap(True)
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
        right.addWidget(self.state)
        right.addSpacing(6)
        right.addWidget(self.description)
        right.addWidget(self.why)
        right.addStretch(1)
        panes = QHBoxLayout()
        panes.addLayout(left, 3)
        panes.addLayout(right, 2)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setObjectName("riskLibraryAdd")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(panes, 1)
        outer.addWidget(self.buttons)

        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._focus_first)
        self.list.selectionModel().currentChanged.connect(self._picked)
        self.list.doubleClicked.connect(self._toggle)
        self.model.itemChanged.connect(self._ticked)
        self.title.textEdited.connect(self._edited)
        self.likelihood.activated.connect(self._edited)
        self.impact.activated.connect(self._edited)
        self.likelihood.currentIndexChanged.connect(self._score)
        self.impact.currentIndexChanged.connect(self._score)
        self._filter("")
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self.search.setFocus()

    # ---- the list ------------------------------------------------------------------------------

    def _item(self, template_id: str) -> QStandardItem | None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.data(ID_ROLE) == template_id:
                return item
        return None

    def _filter(self, text: str) -> None:
        self.proxy.set_words(text)
        n = self.proxy.rowCount()
        self._count_text = f"{n} of {self.model.rowCount()} library risks" if text else f"{n} library risks"
        self._count()
        if n and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self._picked()

    def _count(self) -> None:
        parts = [self._count_text]
        if self._adjusted:
            parts.append(f"{len(self._adjusted)} ticked")
        if self._in_register:
            parts.append(f"{len(self._in_register & set(self._templates))} already in the register")
        self.count.setText(" · ".join(parts))

    def _focus_first(self) -> None:
        """Enter in the search goes to the first match; it never adds (nor ticks) anything."""
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
            self.list.setFocus()

    def _toggle(self, index: QModelIndex) -> None:
        item = self.model.itemFromIndex(self.proxy.mapToSource(index))
        if item is not None and item.isCheckable():
            item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                               else Qt.CheckState.Checked)

    def _ticked(self, item: QStandardItem) -> None:
        tid = item.data(ID_ROLE)
        if item.isCheckable() and item.checkState() != Qt.CheckState.Checked:
            self._adjusted.pop(tid, None)
        elif item.isCheckable() and tid not in self._adjusted and tid in self._templates:
            t = self._templates[tid]
            self._adjusted[tid] = LibraryChoice(t.id, t.title, t.likelihood, t.impact)
        self._buttons()
        self._count()
        if tid == self._showing:
            self._state()

    def set_ticked(self, template_id: str, on: bool = True) -> None:
        item = self._item(template_id)
        if item is not None and item.isCheckable():
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def ticked(self) -> list[str]:
        return [tid for tid in self._adjusted]

    # ---- the pane on the right -----------------------------------------------------------------

    def current_template(self) -> RiskTemplate | None:
        idx = self.list.currentIndex()
        if not idx.isValid():
            return None
        return self._templates.get(idx.data(ID_ROLE))

    def _picked(self, *_: object) -> None:
        t = self.current_template()
        self._showing = t.id if t is not None else None
        addable = t is not None and t.id not in self._in_register
        for w in (self.title, self.likelihood, self.impact):
            w.setEnabled(addable)
        self._buttons()
        if t is None:
            self.description.setText("Tick the risks to add on the left; pick one to adjust it for this client.")
            for label in (self.why, self.score, self.state):
                label.clear()
            return
        chosen = self._adjusted.get(t.id) or LibraryChoice(t.id, t.title, t.likelihood, t.impact)
        self.title.setText(chosen.title)
        self.likelihood.setCurrentIndex(chosen.likelihood - 1)
        self.impact.setCurrentIndex(chosen.impact - 1)
        self.description.setText(t.description)
        self.why.setText(f"Why it matters: {t.why_it_matters}" if t.why_it_matters else "")
        self._state()
        self._score()

    def _state(self) -> None:
        tid = self._showing
        if tid is None:
            self.state.clear()
        elif tid in self._in_register:
            self.state.setText("Already in the register: edit it there.")
        elif tid in self._adjusted:
            self.state.setText("Ticked: it will be added as shown here.")
        else:
            self.state.setText("Not ticked: changing it here ticks it.")

    def _edited(self, *_: object) -> None:
        """Adjusting the risk on the right ticks it, with the adjustments."""
        t = self.current_template()
        if t is None or t.id in self._in_register:
            return
        self._adjusted[t.id] = LibraryChoice(t.id, self.title.text(), self.likelihood.currentData(),
                                             self.impact.currentData())
        item = self._item(t.id)
        if item is not None and item.checkState() != Qt.CheckState.Checked:
            item.setCheckState(Qt.CheckState.Checked)  # _ticked keeps the adjustments just made

    def _score(self) -> None:
        lk, im = self.likelihood.currentData(), self.impact.currentData()
        if lk and im:
            self.score.setText(f"Score {lk * im} · {rk.BAND_LABELS[self._cuts.of(lk, im)]}")

    def _buttons(self) -> None:
        n = len(self._adjusted)
        t = self.current_template()
        if n:
            self.add_button.setText(f"Add {n} risk{'s' if n != 1 else ''} to the register")
            self.add_button.setEnabled(True)
        else:
            self.add_button.setText("Add to the register")
            self.add_button.setEnabled(t is not None and t.id not in self._in_register)

    def _accept(self) -> None:
        if self.choices():
            self.accept()

    # ---- the result ----------------------------------------------------------------------------

    def choices(self) -> list[LibraryChoice]:
        """The ticked risks with their adjustments in library order; with none ticked, the
        highlighted one (unless it is already in the register)."""
        if self._adjusted:
            order = [self.model.item(r).data(ID_ROLE) for r in range(self.model.rowCount())]
            picked = [self._adjusted[tid] for tid in order if tid in self._adjusted]
            return [LibraryChoice(c.template_id, c.title.strip() or self._templates[c.template_id].title,
                                  c.likelihood, c.impact) for c in picked]
        t = self.current_template()
        if t is None or t.id in self._in_register:
            return []
        return [LibraryChoice(t.id, self.title.text().strip() or t.title, self.likelihood.currentData(),
                              self.impact.currentData())]

    def choice(self) -> LibraryChoice | None:
        found = self.choices()
        return found[0] if found else None

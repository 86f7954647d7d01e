"""The section navigator: one row per page, its progress (required answered / required) and a
warning mark when something on it is invalid."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTreeView, QWidget


class Navigator(QTreeView):
    #: The row (page index) the consultant moved to.
    page_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sectionNavigator")
        self.model_ = QStandardItemModel(0, 2, self)
        self.setModel(self.model_)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAllColumnsShowFocus(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        style = self.style()
        self._warning = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self._done = style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
        blank = QPixmap(16, 16)
        blank.fill(Qt.GlobalColor.transparent)
        self._blank = QIcon(blank)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        self._badges: dict[int, tuple[str, str]] = {}

    def set_badge(self, row: int, text: str, tip: str) -> None:
        """A count shown where a page has no progress (e.g. suggested findings on Risks)."""
        self._badges[row] = (text, tip)
        mark = self.model_.item(row, 1)
        if mark is not None and not mark.text().count("/"):
            mark.setText(text)
            mark.setToolTip(tip or mark.toolTip())

    def set_sections(self, titles: list[str]) -> None:
        self.model_.removeRows(0, self.model_.rowCount())
        for title in titles:
            name = QStandardItem(self._blank, title)
            mark = QStandardItem("")
            mark.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.model_.appendRow([name, mark])
        fm = self.fontMetrics()
        widest = max((fm.horizontalAdvance(t) for t in titles), default=100)
        self.setMinimumWidth(min(widest + fm.horizontalAdvance("00/00") + 60, 250))

    def set_marks(self, row: int, progress: tuple[int, int] | None, problem: bool) -> None:
        name = self.model_.item(row, 0)
        mark = self.model_.item(row, 1)
        if name is None or mark is None:
            return
        title = name.text()
        if progress is None:
            badge, badge_tip = self._badges.get(row, ("", ""))
            mark.setText(badge)
            tip = f"{title}: {badge_tip}" if badge_tip else title
        else:
            done, total = progress
            mark.setText(f"{done}/{total}")
            tip = f"{title}: {done} of {total} required answers"
        if problem:
            name.setIcon(self._warning)
            tip += ". Something here is not valid: look for the red message."
        elif progress is not None and progress[0] >= progress[1]:
            name.setIcon(self._done)
        else:
            name.setIcon(self._blank)
        name.setToolTip(tip)
        mark.setToolTip(tip)
        name.setData(problem, Qt.ItemDataRole.UserRole)

    def marks(self, row: int) -> tuple[str, bool]:
        """(progress text, warning shown) of a row: for tests and accessibility checks."""
        name, mark = self.model_.item(row, 0), self.model_.item(row, 1)
        return (mark.text() if mark else "", bool(name.data(Qt.ItemDataRole.UserRole)) if name else False)

    def titles(self) -> list[str]:
        return [self.model_.item(r, 0).text() for r in range(self.model_.rowCount())]

    def select_row(self, row: int) -> None:
        index = self.model_.index(row, 0)
        if index.isValid() and self.currentIndex().row() != row:
            self.setCurrentIndex(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.page_chosen.emit(current.row())

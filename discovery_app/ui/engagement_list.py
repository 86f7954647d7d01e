"""The engagement list page: filter bar, row count, sortable table, and the details panel beside it.

The page knows rows and filters, not the service: the window loads rows into it and reacts to
its signals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .details_panel import DetailsPanel
from .engagement_table import Column, EngagementFilterProxy, EngagementRow, EngagementTableModel


def count_text(visible: int, total: int) -> str:
    noun = "engagement" if total == 1 else "engagements"
    return f"{total} {noun}" if visible == total else f"{visible} of {total} {noun}"


class EngagementListPage(QWidget):
    selection_changed = Signal()
    activated = Signal(int)  # engagement id: double-click or Enter
    current_changed = Signal(int)  # engagement id of the new current row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText("Search clients, consultants…")
        self.search_edit.setClearButtonEnabled(True)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusFilter")
        self.status_combo.setToolTip("Show only engagements with this status")
        self.status_combo.addItem("All statuses", None)
        self.archived_check = QCheckBox("Show archived")
        self.archived_check.setObjectName("showArchived")
        self.count_label = QLabel()
        self.count_label.setObjectName("rowCountLabel")

        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 3)
        bar.addWidget(self.status_combo)
        bar.addWidget(self.archived_check)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.model = EngagementTableModel(self)
        self.proxy = EngagementFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = self._build_table()
        self.details = DetailsPanel()
        self.details.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("listSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        QWidget.setTabOrder(self.search_edit, self.status_combo)
        QWidget.setTabOrder(self.status_combo, self.archived_check)
        QWidget.setTabOrder(self.archived_check, self.table)

        self.search_edit.textChanged.connect(self._filter_changed)
        self.status_combo.currentIndexChanged.connect(self._filter_changed)
        self.archived_check.toggled.connect(self._set_show_archived)
        self.model.modelReset.connect(self.update_count)
        self.table.activated.connect(self._emit_activated)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._emit_current)
        # Views set the current index before the selection: listeners hear about both.
        selection.selectionChanged.connect(self.selection_changed)
        self.details.close_requested.connect(self.details.hide)

    def _build_table(self) -> QTableView:
        t = QTableView()
        t.setObjectName("engagementTable")
        t.setModel(self.proxy)
        t.setSortingEnabled(True)
        t.sortByColumn(Column.UPDATED, Qt.SortOrder.DescendingOrder)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setAlternatingRowColors(True)
        t.setTabKeyNavigation(False)
        t.setWordWrap(False)
        t.verticalHeader().hide()
        header = t.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.CLIENT, QHeaderView.ResizeMode.Stretch)
        fm = t.fontMetrics()
        samples = {
            Column.STATUS: "Proposal sent",
            Column.CONSULTANT: "Consultant name",
            Column.UPDATED: "2026-12-31 23:59",
            Column.FIT: "Not enough answers yet",
            Column.COMPLETION: "Completion",
        }
        for col, sample in samples.items():
            header.resizeSection(col, fm.horizontalAdvance(sample) + 3 * fm.averageCharWidth())
        header.setMinimumSectionSize(fm.horizontalAdvance("Client") + 3 * fm.averageCharWidth())
        return t

    # ---- data -------------------------------------------------------------------------------

    def set_statuses(self, labels: Mapping[str, str]) -> None:
        """Status value -> label, in pipeline order, for the status filter (once)."""
        if self.status_combo.count() == 1:
            for value, label in labels.items():
                self.status_combo.addItem(label, value)

    def set_rows(self, rows: Sequence[EngagementRow], select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.selected_id()
        self.model.set_rows(rows)
        if keep is not None:
            self.select(keep)

    def has_rows(self) -> bool:
        return self.model.rowCount() > 0

    def contains(self, eid: int) -> bool:
        return self.model.row_of(eid) is not None

    # ---- selection --------------------------------------------------------------------------

    def select(self, eid: int) -> bool:
        """Select the row of engagement ``eid`` if the filters let it through."""
        src = self.model.row_of(eid)
        if src is None:
            return False
        idx = self.proxy.mapFromSource(self.model.index(src, 0))
        if not idx.isValid():
            return False
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(idx, flags)
        self.table.scrollTo(idx)
        return True

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.id_at(rows[0].row()) if rows else None

    def selected_row(self) -> EngagementRow | None:
        eid = self.selected_id()
        src = self.model.row_of(eid) if eid is not None else None
        return self.model.row_at(src) if src is not None else None

    def _emit_activated(self, index: QModelIndex) -> None:
        eid = self.proxy.id_at(index.row())
        if eid is not None:
            self.activated.emit(eid)

    def _emit_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        eid = self.proxy.id_at(current.row()) if current.isValid() else None
        if eid is not None:
            self.current_changed.emit(eid)
        self.selection_changed.emit()

    # ---- filters ----------------------------------------------------------------------------

    def clear_filters(self) -> None:
        self.search_edit.clear()
        self.status_combo.setCurrentIndex(0)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _filter_changed(self) -> None:
        self.proxy.set_search(self.search_edit.text())
        self.proxy.set_status(self.status_combo.currentData())
        self.update_count()
        self.selection_changed.emit()

    def _set_show_archived(self, show: bool) -> None:
        self.proxy.set_show_archived(show)
        self.update_count()
        self.selection_changed.emit()

    def update_count(self) -> None:
        shown_total = self.proxy.unfiltered_count()
        text = count_text(self.proxy.rowCount(), shown_total)
        hidden = self.model.rowCount() - shown_total
        if hidden:
            text += f" ({hidden} archived hidden)"
        self.count_label.setText(text)

    # ---- details panel ----------------------------------------------------------------------

    def open_details(self) -> None:
        if self.details.isVisible():
            return
        self.details.show()
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sizes[1] < 200:
            total = sum(sizes)
            self.splitter.setSizes([total - total // 3, total // 3])

    def close_details(self) -> None:
        self.details.clear()
        self.details.hide()

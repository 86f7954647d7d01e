"""Roadmap & budget: every roadmap item in its quarter with its one-time and recurring cost
(domain/roadmap.py), the budget by quarter, and moving an item to another quarter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ....domain import roadmap as rm
from ....domain.engagement import Status
from ....domain.wording import count
from ...messages import show_exception
from ...widgets import muted, scaled_font
from ..offer.offer_format import money
from ..page import PageContext, WorkspacePage
from ..table_models import RowsModel, rows_table


def quarter_label(q: str) -> str:
    return q.replace("-", " ")


class RoadmapPage(WorkspacePage):
    section_id = "roadmap"
    title = "Roadmap & budget"
    fills_view = True

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("roadmapPage")
        self._road: rm.Roadmap | None = None
        heading = QLabel("Roadmap and budget by quarter")
        heading.setFont(scaled_font(self, 1.4, bold=True))
        self.intro = muted(QLabel())
        self.intro.setWordWrap(True)
        self.items_model = RowsModel(["Quarter", "Item", "Kind", "One-time", "Note"], right=(3,))
        self.items = rows_table(self.items_model, "roadmapItems", "Roadmap items by quarter")
        self.quarter = QComboBox()
        self.quarter.setObjectName("roadmapQuarter")
        self.quarter.setAccessibleName("Quarter to move the selected item to")
        self.move_button = QPushButton("&Move to quarter")
        self.move_button.setObjectName("roadmapMove")
        self.move_button.setToolTip("Place the selected item in the chosen quarter (Alt+M)")
        self.move_button.clicked.connect(self.move_selected)
        self.count_label = muted(QLabel())
        self.count_label.setWordWrap(True)  # a long sentence wraps instead of widening the page
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row = QHBoxLayout()
        row.addWidget(QLabel("Selected item:"))
        row.addWidget(self.quarter)
        row.addWidget(self.move_button)
        row.addWidget(self.count_label, 1)
        budget_title = QLabel("Budget by quarter")
        budget_title.setFont(scaled_font(self, 1.0, bold=True))
        self.budget_model = RowsModel(["Quarter", "Items", "One-time", "Recurring", "Budget"], right=(1, 2, 3, 4))
        self.budget = QTableView()
        self.budget.setObjectName("roadmapBudget")
        self.budget.setAccessibleName("Budget by quarter")
        self.budget.setModel(self.budget_model)
        self.budget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.budget.setTabKeyNavigation(False)
        self.budget.verticalHeader().hide()
        self.budget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 16)
        lay.addWidget(heading)
        lay.addWidget(self.intro)
        lay.addWidget(self.items, 3)
        lay.addLayout(row)
        lay.addWidget(budget_title)
        lay.addWidget(self.budget, 2)
        self.items.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._select(cur.row()))

    def _rows(self) -> list[rm.RoadmapItem]:
        return self._road.items if self._road else []

    def load(self) -> None:
        road = self._road = self.service.baseline.roadmap(self.engagement_id)
        # Acceptance sets the status; an accepted engagement is frozen (the store refuses moves).
        frozen = self.service.engagements.header(self.engagement_id).status is Status.ACCEPTED
        self.intro.setText(
            f"From {quarter_label(road.first)}: roadmap projects at their quoted price, replacements of devices whose "
            "warranty ends or that pass the refresh age (the client's purchase), and the reviews of accepted risks. "
            "Recurring is the monthly operations fee for the quarter. Select an item and choose its quarter to move it."
            + (" The engagement is accepted: the roadmap is part of the signed baseline and cannot be moved." if frozen else ""))
        items = self._rows()
        self.items_model.set_rows(
            [[quarter_label(i.quarter), i.title + (" (moved)" if i.moved else ""), rm.KIND_LABELS[i.kind],
              "Client's purchase" if i.one_time is None else money(i.one_time), i.detail] for i in items],
            [f"Key {i.key}; default quarter {quarter_label(i.default_quarter)}" for i in items])
        self.count_label.setText(count(len(items), "item") if items else
                                 "No roadmap items yet: mark remediation items as roadmap, or record device warranties.")
        self.quarter.clear()
        for q in rm.quarters_from(road.first, rm.HORIZON + 4):
            self.quarter.addItem(quarter_label(q), q)
        self.move_button.setEnabled(bool(items) and not frozen)
        self.quarter.setEnabled(bool(items) and not frozen)
        qs = road.quarters
        rows = [[quarter_label(q.quarter), str(len(q.items)), money(q.one_time), money(q.recurring), money(q.total)]
                for q in qs]
        rows.append(["Total", str(sum(len(q.items) for q in qs)), money(road.one_time), money(road.recurring),
                     money(road.one_time + road.recurring)])
        self.budget_model.set_rows(rows)
        if items:
            self.items.selectRow(0)
            self._select(0)

    def _select(self, row: int) -> None:
        items = self._rows()
        if 0 <= row < len(items):
            i = self.quarter.findData(items[row].quarter)
            if i >= 0:
                self.quarter.setCurrentIndex(i)

    def move_selected(self) -> None:
        items = self._rows()
        row = self.items.currentIndex().row()
        if not 0 <= row < len(items):
            self.status.emit("Select an item to move first.")
            return
        item, quarter = items[row], self.quarter.currentData()
        eid = self.engagement_id

        def done(_: object) -> None:
            self.load()
            for n, i in enumerate(self._rows()):
                if i.key == item.key:
                    self.items.selectRow(n)
            self.changed.emit()
            self.status.emit(f"Moved to {quarter_label(quarter)}")

        self.save(lambda: self.service.baseline.move_roadmap_item(eid, item.key, quarter), done,
                  lambda exc: show_exception(self, "Moving the roadmap item", exc))

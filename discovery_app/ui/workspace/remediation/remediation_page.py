"""The remediation plan: the items (suggested from risks and standards gaps, accepted or edited
by the consultant), their dependencies, and the stabilization plan in dependency and priority
order with the hours per role; roadmap items are listed separately.

Every edit is saved through the service at once and pushed onto the workspace's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ....domain.engagement import RemediationItem
from ....domain.forms import Phase
from ....services import ServiceError
from ... import shortcuts
from ...widgets import MessagePage, error_colour, muted
from ..offer import offer_format as fmt
from ..page import PageContext, WorkspacePage
from ..page_parts import (
    bare_column,
    filter_edit,
    page_header,
    page_layout,
    run_with_undo,
    tool_button,
    tool_row,
)
from ..risks.risk_checklist import ChecklistDialog
from ..undo import ServiceCommand
from .remediation_columns import RoleColumns
from .remediation_model import (
    UID_ROLE,
    ChoiceDelegate,
    ItemFilterProxy,
    PlanModel,
    RemediationTableModel,
)
from .remediation_suggest_dialog import SuggestionsDialog


def _table(name: str) -> QTableView:
    t = QTableView()
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.setAlternatingRowColors(True)
    # Long titles and definitions of done share the width the short columns leave and are elided
    # there (their tooltip and the detail line under the tables hold the full text), so the rows
    # stay one line each.
    t.setWordWrap(False)
    # Cut in the middle: "Add an i…" told nothing, "Add an intune…Windows devices" does.
    t.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    t.horizontalHeader().setMinimumSectionSize(t.fontMetrics().averageCharWidth() * 6)
    t.horizontalHeader().setStretchLastSection(True)
    t.setAccessibleName(name)
    return t


class RemediationPage(WorkspacePage):
    section_id = "remediation"
    title = "Remediation"
    fills_view = True

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._items: list[RemediationItem] = []
        self._view: Any = None
        self._suggestions: list[Any] = []
        self._passed: dict[str, tuple[Any, str]] = {}  # item uid -> (its hardware/licence line, currency)

        heading, intro = page_header(
            self, "Remediation plan",
            "Work that fixes the risks and closes the standards gaps. Double-click a cell to edit; "
            "stabilization items are ordered by their dependencies, then priority.")

        self.suggest_button = tool_button(
            "Suggest items…", shortcuts.tip("Items the risks and standards gaps call for that are not in the plan yet", "remediation_suggest"))
        self.new_button = tool_button("New item", shortcuts.tip("Add an item of your own", "remediation_new"))
        self.deps_button = tool_button("Dependencies…", shortcuts.tip("Choose what the selected item waits for", "remediation_dependencies"))
        self.delete_button = tool_button("Delete", "Delete the selected item (Del); undo brings it back")
        self.filter = filter_edit("Filter items")
        self.count = muted(QLabel())
        self.columns = RoleColumns(self)

        self.model = RemediationTableModel(self)
        self.proxy = ItemFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = _table("Remediation items")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setItemDelegate(ChoiceDelegate(self.table))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.empty = MessagePage(
            "No remediation items yet",
            "Click “Suggest items” to turn the risks and standards gaps into work with hours per role, "
            "or add an item of your own.")
        self.empty_suggest = self.empty.add_button(QPushButton("Suggest items…"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.plan_model = PlanModel(roadmap=False, parent=self)
        self.plan_table = _table("Stabilization plan")
        self.plan_table.setModel(self.plan_model)
        self.plan_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.roadmap_model = PlanModel(roadmap=True, parent=self)
        self.roadmap_table = _table("Roadmap")
        self.roadmap_table.setModel(self.roadmap_model)
        self.roadmap_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.plan_note = QLabel()
        self.plan_note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        pal = self.problem.palette()
        pal.setColor(self.problem.foregroundRole(), error_colour(pal))
        self.problem.setPalette(pal)
        self.problem.setVisible(False)
        # The selected item in full: its title and definition of done are elided in the tables.
        self.detail = QLabel()
        self.detail.setObjectName("remediationDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget()
        plan_box = QWidget()
        pl = QVBoxLayout(plan_box)
        pl.setContentsMargins(4, 4, 4, 4)
        pl.addWidget(self.problem)
        pl.addWidget(self.plan_table, 1)
        pl.addWidget(self.plan_note)
        self.tabs.addTab(plan_box, "Stabilization plan")
        road_box = QWidget()
        rl = QVBoxLayout(road_box)
        rl.setContentsMargins(4, 4, 4, 4)
        road_note = muted(QLabel("Roadmap items are change projects, priced one by one under change control; "
                                 "they are not in the stabilization fee."))
        road_note.setWordWrap(True)  # one line on a wide window; unwrapped, it set the page's minimum width
        rl.addWidget(road_note)
        rl.addWidget(self.roadmap_table, 1)
        self.tabs.addTab(road_box, "Roadmap")

        tools = tool_row((self.suggest_button, self.new_button, self.deps_button, self.delete_button),
                         self.filter, self.count, self.columns.button)
        top = bare_column(tools, self.stack)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.tabs)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([360, 360])
        page_layout(self, heading, intro, self.splitter).addWidget(self.detail)

        self.suggest_button.clicked.connect(self.suggest)
        self.empty_suggest.clicked.connect(self.suggest)
        self.new_button.clicked.connect(self.add_new)
        self.deps_button.clicked.connect(self.edit_dependencies)
        self.delete_button.clicked.connect(self.delete_selected)
        self.filter.textChanged.connect(self._filter)
        self.model.edit_requested.connect(self._cell_edited)
        self.model.refused.connect(self._typed_refused)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._buttons())
        for t in (self.table, self.plan_table, self.roadmap_table):
            t.selectionModel().selectionChanged.connect(lambda *_, t=t: self._show_detail(t))
            t.selectionModel().currentRowChanged.connect(lambda *_, t=t: self._show_detail(t))
        self.columns.changed.connect(self._size_columns)
        # Titles follow their table's width, which can change without the page's (a page sized while
        # hidden lays its tables out only when shown): refit when a table's viewport is resized.
        for t in (self.table, self.plan_table, self.roadmap_table):
            t.viewport().installEventFilter(self)
        QShortcut(shortcuts.sequence("remediation_suggest"), self, self.suggest)
        QShortcut(shortcuts.sequence("remediation_new"), self, self.add_new)
        QShortcut(shortcuts.sequence("remediation_dependencies"), self, self.edit_dependencies)
        d = QShortcut(shortcuts.sequence("remediation_delete"), self.table, self.delete_selected)
        d.setContext(Qt.ShortcutContext.WidgetShortcut)

    # ---- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        svc, eid = self.service, self.engagement_id
        selected = self.selected_uid()
        roles = svc.findings.remediation_roles(eid)
        self._items = svc.findings.remediation_items(eid)
        self._view = svc.findings.stabilization_plan(eid)
        self._suggestions = svc.findings.remediation_suggestions(eid)
        try:  # the hardware and licences each task brings (domain/tasks.py), for the detail line
            quote = svc.offer.quote(eid)
            self._passed = {ln.item_uid: (ln, quote.currency) for ln in quote.pass_through.lines}
        except ServiceError:  # not priceable yet: the Pricing page and Review say why
            self._passed = {}
        risks = [(r.uid, r.title) for r in svc.findings.risks(eid)]
        standards = [(c.id, c.name) for c in svc.standards.categories(eid)]
        self.model.set_items(self._items, roles, risks, standards)
        self.columns.set_roles(roles)
        self.plan_model.set_plan(self._view)
        self.roadmap_model.set_plan(self._view)
        self._size_columns()
        self.stack.setCurrentWidget(self.table if self._items else self.empty)
        n = len(self._suggestions)
        self.suggest_button.setText(f"Suggest items… ({n})" if n else "Suggest items…")
        plan = self._view.plan
        self.tabs.setTabText(0, f"Stabilization plan ({len(plan.steps)} items, {self._hours(plan.total_hours)} h)")
        road_total = sum(plan.roadmap_hours.values())
        self.tabs.setTabText(1, f"Roadmap ({len(plan.roadmap)} items, {self._hours(road_total)} h)")
        parts = [f"{r.name}: {self._hours(plan.hours.get(r.id, 0))} h" for r in self._view.roles if plan.hours.get(r.id)]
        waves = f"{plan.waves} dependency waves · " if plan.waves > 1 else ""
        self.plan_note.setText(waves + " · ".join(parts) if parts else "No stabilization hours yet.")
        problems = [f"These items wait for one another in a loop, so none can start: {self._view.cycle_text(c)}."
                    for c in plan.cycles]
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))
        self._filter(self.filter.text())
        if selected:
            self.select_uid(selected)
        self._buttons()

    @staticmethod
    def _hours(value: Any) -> str:
        text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
        return text

    def _size_columns(self) -> None:
        # The title and the definition of done share the width the short columns leave (elided in
        # the middle beyond that); the short ones fit their contents; hidden roles give theirs up.
        text_cols = {"depends_on", "risk_uid", "standard_category"}
        h = self.table.horizontalHeader()
        fm = h.fontMetrics()
        for c in range(self.model.columnCount()):
            key = self.model.key_of(c)
            if key == "title":
                # The title comes first and gets the room: about 36 characters or a third of the
                # table, whichever is more (the consultant can drag it wider; the rest scrolls).
                h.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                self._fit_title()
            elif key == "definition_of_done":
                h.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                h.resizeSection(c, fm.averageCharWidth() * 30)
            elif key in text_cols:
                # Readable, elided beyond that; the tooltip holds the whole text.
                h.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                h.resizeSection(c, fm.averageCharWidth() * 14)
            elif key.startswith("hours:"):
                # Hours are short numbers: as wide as the longest word of the role's heading
                # (the heading wraps onto two lines), not the whole heading on one line.
                label = str(self.model.headerData(c, Qt.Orientation.Horizontal) or "")
                h.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                h.resizeSection(c, max((fm.horizontalAdvance(w) for w in label.split()), default=0) + 18)
                h.setSectionHidden(c, self.columns.is_hidden(key.split(":", 1)[1]))
            else:
                h.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        roles = [r.id for r in (self._view.roles if self._view is not None else [])]
        for t in (self.plan_table, self.roadmap_table):
            ph = t.horizontalHeader()
            ph.setStretchLastSection(False)
            title_col = 0 if t is self.roadmap_table else 1
            fixed = 3 if t is self.roadmap_table else 6
            for c in range(t.model().columnCount()):
                wide = c == title_col
                ph.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive if wide
                                        else QHeaderView.ResizeMode.ResizeToContents)
                if fixed <= c < fixed + len(roles):
                    ph.setSectionHidden(c, self.columns.is_hidden(roles[c - fixed]))
        self._fit_title()

    def _fit_title(self) -> None:
        """Titles get about 36 characters or a third of their table, whichever is more."""
        fm = self.table.horizontalHeader().fontMetrics()
        for table, col in ((self.table, self.model.column_of("title") if self.model.columnCount() else -1),
                           (self.plan_table, 1), (self.roadmap_table, 0)):
            if 0 <= col < table.model().columnCount():
                width = max(fm.averageCharWidth() * 36, table.viewport().width() // 3)
                table.horizontalHeader().resizeSection(col, width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_title()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched in (self.table.viewport(), self.plan_table.viewport(),
                                                               self.roadmap_table.viewport()):
            self._fit_title()
        return super().eventFilter(watched, event)

    def _show_detail(self, table: QTableView) -> None:
        """The selected item's title and definition of done in full, under the tables."""
        index = table.currentIndex()
        item: RemediationItem | None = None
        if table is self.table:
            item = self.selected_item()
        elif index.isValid():
            model = table.model()
            if isinstance(model, PlanModel):
                item = model.item_at(index.row())
        if item is None:
            self.detail.clear()
            return
        done = item.definition_of_done.strip()
        text = f"{item.title}" + (f"\nDone when: {done}" if done else "")
        passed = self._passed.get(item.uid)
        if passed is not None:
            ln, cur = passed
            when = "one-off" if ln.billing.value == "one_off" else "a month"
            text += (f"\nNeeds: {ln.description}, {ln.basis} × {fmt.money_cur(ln.unit_price, cur)} = "
                     f"{fmt.money_cur(ln.amount, cur)} {when}, passed through beside the fee")
        self.detail.setText(text)

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{total} items" if shown == total else f"{shown} of {total} items")

    def selected_uid(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(UID_ROLE) if rows else None

    def selected_item(self) -> RemediationItem | None:
        uid = self.selected_uid()
        return next((i for i in self._items if i.uid == uid), None)

    def select_uid(self, uid: str) -> None:
        row = self.model.row_of(uid)
        if row is None:
            return
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        if idx.isValid():
            self.table.selectionModel().select(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.setCurrentIndex(idx)

    def _buttons(self) -> None:
        chosen = self.selected_item() is not None
        self.deps_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def plan_titles(self) -> list[str]:
        return self.plan_model.titles()

    # ---- saving with undo ------------------------------------------------------------------

    def _run(self, text: str, do: Callable[[], object], undo: Callable[[], object], select: str | None = None) -> bool:
        """Save an edit now; on success push it onto the undo stack and refresh."""
        return run_with_undo(self, text, do, undo, select)

    def _typed_refused(self, message: str) -> None:
        from ...messages import show_message

        self.status.emit(f"Not saved: {message}")
        show_message(self, "Not saved", message)

    def _cell_edited(self, uid: str, field: str, value: object) -> None:
        before = next((i for i in self._items if i.uid == uid), None)
        if before is None:
            return
        eid, svc = self.engagement_id, self.service
        holder: dict[str, RemediationItem] = {}

        def do() -> None:
            if "after" in holder:
                svc.findings.put_remediation_item(eid, holder["after"])
            else:
                holder["after"] = svc.findings.update_remediation_item(eid, uid, **{field: value})

        label = {"risk_uid": "risk", "standard_category": "standard"}.get(field, field.replace("_", " "))
        self._run(f"Change {label} of “{before.title}”", do, lambda: svc.findings.put_remediation_item(eid, before), select=uid)

    def suggest(self) -> None:
        suggestions = self.service.findings.remediation_suggestions(self.engagement_id)
        if not suggestions:
            QMessageBox.information(self, "Nothing to suggest",
                                    "Every risk from the library and every standards gap already has an item. "
                                    "Add risks or assess the standards to get more suggestions.")
            return
        dialog = SuggestionsDialog(suggestions, self)
        if dialog.exec() != SuggestionsDialog.DialogCode.Accepted:
            return
        self.accept_suggestions(dialog.chosen())

    def accept_suggestions(self, chosen: list[tuple[str, dict[str, Any]]]) -> None:
        eid, svc = self.engagement_id, self.service
        stack = self.context.undo_stack
        added: list[RemediationItem] = []
        problems: list[str] = []
        stack.beginMacro(f"Add {len(chosen)} suggested item(s)")
        try:
            for key, changes in chosen:
                try:
                    item = svc.findings.accept_suggestion(eid, key, **changes)
                except ServiceError as exc:
                    problems.append(str(exc))
                    continue
                added.append(item)
                position = len(svc.findings.remediation_items(eid)) - 1
                stack.push(ServiceCommand(
                    f"Add “{item.title}”", self,
                    partial(svc.findings.add_remediation_item, eid, item, position),
                    partial(svc.findings.delete_remediation_item, eid, item.uid)))
        finally:
            stack.endMacro()
        self.load()
        if added:
            self.select_uid(added[-1].uid)
            self.changed.emit()
            self.status.emit(f"Added {len(added)} item(s)")
        if problems:
            QMessageBox.warning(self, "Some items were not added", "\n\n".join(problems))

    def add_new(self) -> None:
        eid, svc = self.engagement_id, self.service
        item = RemediationItem(title="New remediation item", phase=Phase.STABILIZATION)

        def do() -> None:
            svc.findings.add_remediation_item(eid, item)

        if self._run("Add item", do, lambda: svc.findings.delete_remediation_item(eid, item.uid), select=item.uid):
            idx = self.proxy.mapFromSource(self.model.index(self.model.row_of(item.uid) or 0, self.model.column_of("title")))
            self.table.setCurrentIndex(idx)
            self.table.edit(idx)

    def delete_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        eid, svc = self.engagement_id, self.service
        holder: dict[str, Any] = {}

        def do() -> None:
            holder["deleted"] = svc.findings.delete_remediation_item(eid, item.uid)

        self._run(f"Delete “{item.title}”", do, lambda: svc.findings.restore_remediation_item(eid, holder["deleted"]))

    def _double_clicked(self, index: Any) -> None:
        src = self.proxy.mapToSource(index)
        if self.model.key_of(src.column()) == "depends_on":
            self.edit_dependencies()

    def dependency_dialog(self) -> ChecklistDialog | None:
        item = self.selected_item()
        if item is None:
            return None
        others = [(i.uid, f"{i.title}  ·  {i.phase.value}") for i in self._items if i.uid != item.uid]
        eid, svc = self.engagement_id, self.service
        return ChecklistDialog(
            "Dependencies", f"Tick the items that must be finished before “{item.title}” can start.",
            others, item.depends_on, self,
            check=lambda chosen: svc.findings.dependency_problem(eid, item.uid, chosen), ok_text="Save")

    def edit_dependencies(self) -> None:
        item = self.selected_item()
        dialog = self.dependency_dialog()
        if item is None or dialog is None:
            return
        if dialog.exec() != ChecklistDialog.DialogCode.Accepted:
            return
        chosen = dialog.chosen()
        if chosen != item.depends_on:
            self._cell_edited(item.uid, "depends_on", chosen)

    # ---- page contract ---------------------------------------------------------------------

    def progress(self) -> tuple[int, int] | None:
        stab = [i for i in self._items if i.phase is Phase.STABILIZATION and i.accepted]
        if not stab:
            return None
        return (sum(1 for i in stab if i.definition_of_done.strip()), len(stab))

    def focus_first(self) -> None:
        (self.table if self._items else self.empty_suggest).setFocus()

    def find_targets(self) -> list[tuple[str, str]]:
        return [(i.uid, i.title) for i in self._items]

    def reveal(self, key: str) -> None:
        self.filter.clear()
        self.select_uid(key)
        self.table.setFocus()

"""The risk register: a sortable, filterable table beside the 5x5 heat map, and the detail pane
of the selected risk with its evidence files and links.

Every edit is saved through the service at once and pushed onto the workspace's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
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

from ....domain import risks as rk
from ....domain.carried import Kind
from ....domain.engagement import Attachment, Risk
from ....domain.forms import RiskCategory
from ....services import ServiceError
from ....services.findings import DeletedRisk, LibraryPick, RemovedAttachment
from ... import shortcuts
from ...ops import QueryOp, for_consultant
from ...widgets import MessagePage, muted, scaled_font
from ...wrap_row import WrapRow
from ..carried_marks import add_bar, marked
from ..page import PageContext, WorkspacePage
from ..page_parts import (
    bare_column,
    filter_edit,
    page_header,
    page_layout,
    run_with_undo,
    tool_button,
)
from ..undo import ServiceCommand
from .risk_checklist import ChecklistDialog
from .risk_detail import RiskDetail
from .risk_heatmap import RiskHeatMap
from .risk_library_dialog import RiskLibraryDialog
from .risk_model import BAND, COLUMNS, SCORE, TITLE, UID_ROLE, RiskFilterProxy, RiskTableModel
from .suggestions_panel import SuggestionsHook, SuggestionsPanel, badge_text, tab_title

FILE_FILTER = "Evidence (*.jpg *.jpeg *.png *.gif *.webp *.heic *.heif *.tif *.tiff *.pdf *.txt *.csv *.log *.md *.eml *.docx *.xlsx *.pptx);;All files (*)"


class RisksPage(WorkspacePage):
    section_id = "risks"
    title = "Risks"
    fills_view = True

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._risks: list[Risk] = []
        self._attachments: list[Attachment] = []
        self._inventory_names: dict[str, str] = {}
        self._treatments: dict[str, str] = {}
        self._thumbs: dict[str, QImage] = {}
        self._loaded = False
        self._cuts = rk.SHIPPED_CUTS

        heading, intro = page_header(
            self, "Risk register",
            "Findings with likelihood and impact (1–5); score = likelihood × impact. "
            "Click a heat-map cell to show only its risks.")

        self.add_library_button = tool_button(
            "Add from library…", shortcuts.tip("Pick a finding from the form's risk library", "risk_library"))
        self.new_button = tool_button("New risk", shortcuts.tip("Write a finding of your own", "risk_new"))
        self.delete_button = tool_button(
            "Delete", "Delete the selected risk and its evidence files (Del); undo brings them back")
        self.filter = filter_edit("Filter risks")
        self.count = muted(QLabel())
        self.cell_note = QLabel()
        self.clear_cell_button = QPushButton("Show all")
        self.clear_cell_button.setVisible(False)

        self.model = marked(RiskTableModel, lambda m, row: m._risks[row].uid)(self)
        self.proxy = RiskFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(SCORE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName("Risk register")
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        # Sized to their contents at load, not after every edit (that would measure every row
        # at each keystroke that saves a field).
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        # Score and Band right after the title: beside the heat map at 1280x800 the register has
        # room for only a few columns, and those two are what a consultant ranks by.
        for to, col in enumerate((SCORE, BAND), start=1):
            header.moveSection(header.visualIndex(col), to)
        self.empty = MessagePage(
            "No risks yet",
            f"Add a finding from the form's risk library ({shortcuts.native('risk_library')}) or write a new "
            "one (" + shortcuts.native("risk_new") + "). Each risk gets a "
            "likelihood and impact, evidence and the remediation it calls for.")
        self.empty_add = self.empty.add_button(QPushButton("Add from library…"))
        self.empty_new = self.empty.add_button(QPushButton("New risk"))
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty)

        self.heatmap = RiskHeatMap()
        self.band_summary = muted(QLabel())
        self.band_summary.setWordWrap(True)

        self.detail = RiskDetail()
        self.suggestions = SuggestionsPanel()
        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(self.detail, "Selected risk")
        self.lower_tabs.addTab(self.suggestions, tab_title(0))
        self._suggestions_hook = SuggestionsHook(self, self.suggestions, self.lower_tabs)

        # Buttons on one row, the filter and the heat-map cell note under them: the register keeps
        # its buttons whole beside the heat map at 1280 pixels with the summary panel shown; on a
        # narrower window (150 % on a 1280x800 screen) they wrap rather than widen the page.
        buttons = WrapRow()
        for b in (self.add_library_button, self.new_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        filters = QHBoxLayout()
        filters.addWidget(self.filter, 1)
        filters.addWidget(self.cell_note)
        filters.addWidget(self.clear_cell_button)
        left_w = bare_column(buttons, filters, self.table_stack)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        map_label = QLabel("Heat map")
        map_label.setFont(scaled_font(self, 1.0, bold=True))
        right.addWidget(map_label)
        right.addWidget(self.heatmap, 1)
        right.addWidget(self.band_summary)
        right_w = QWidget()
        right_w.setLayout(right)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(left_w)
        top.addWidget(right_w)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setChildrenCollapsible(False)
        top.setSizes([600, 400])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.lower_tabs)
        # The register and map take most of a taller window, but the detail keeps room for its
        # fields (its minimum) and a share of any extra height.
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([360, 300])

        self.carried_bar = add_bar(self, page_layout(self, heading, intro, self.splitter), self.splitter, Kind.RISK,
                                   self.model, self.table, lambda: [u for u in [self.selected_uid()] if u])

        self.add_library_button.clicked.connect(self.add_from_library)
        self.empty_add.clicked.connect(self.add_from_library)
        self.new_button.clicked.connect(self.add_new)
        self.empty_new.clicked.connect(self.add_new)
        self.delete_button.clicked.connect(self.delete_selected)
        self.filter.textChanged.connect(self._filter_text)
        self.heatmap.cell_selected.connect(self._filter_cell)
        self.clear_cell_button.clicked.connect(lambda: self.heatmap.select(None))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.detail.edited.connect(self._field_edited)
        self.detail.add_files_requested.connect(self.add_files)
        self.detail.open_file_requested.connect(self.open_file)
        self.detail.remove_file_requested.connect(self.remove_file)
        self.detail.photo_in_proposal_changed.connect(self.set_photo_in_proposal)
        self.detail.link_inventory_requested.connect(self.link_inventory)
        QShortcut(shortcuts.sequence("risk_library"), self, self.add_from_library)
        QShortcut(shortcuts.sequence("risk_new"), self, self.add_new)
        del_shortcut = QShortcut(shortcuts.sequence("risk_delete"), self.table, self.delete_selected)
        del_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)

    # ---- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        svc, eid = self.service, self.engagement_id
        if not self._loaded:
            self.detail.set_categories(svc.standards.categories(eid))
            self._cuts = rk.cuts_of(svc.forms.of(svc.engagements.header(eid)))
            self.detail.cuts = self._cuts
            self._loaded = True
        selected = self.selected_uid()
        self._risks = svc.findings.risks(eid)
        self._attachments = svc.findings.attachments(eid)
        linked = list(dict.fromkeys(u for r in self._risks for u in r.linked_inventory))
        self._inventory_names = svc.inventory.names(eid, linked)
        self._treatments = svc.findings.risk_treatments(eid)
        live = {a.uid for a in self._attachments}
        self._thumbs = {k: v for k, v in self._thumbs.items() if k in live}
        files: dict[str, int] = {}
        for a in self._attachments:
            if a.risk_uid:
                files[a.risk_uid] = files.get(a.risk_uid, 0) + 1
        self.model.set_risks(self._risks, files, self._cuts)
        for col in range(1, len(COLUMNS)):
            self.table.resizeColumnToContents(col)
        self._refresh_figures()
        self.table_stack.setCurrentWidget(self.table if self._risks else self.empty)
        self.select_uid(selected if selected and self.model.row_of(selected) is not None else None)
        if self.selected_uid() is None and self.proxy.rowCount():
            self.table.selectRow(0)
        self._selection_changed()
        self._suggestions_hook.load()
        self.carried_bar.load()

    def request_badge(self, show: Callable[[str, str], object]) -> None:
        """Count the suggested findings waiting for a decision off the GUI thread (after the
        writes queued before it), then ``show(text, tooltip)`` for the navigator."""
        svc, eid = self.service, self.engagement_id
        QueryOp(self, lambda: svc.suggestions.open_count(eid), lambda n: show(*badge_text(n)),
                what="Counting the suggested findings").failure(lambda _exc: None).run_in_background(self.context.ops)

    # ---- selection and filters -------------------------------------------------------------

    def selected_uid(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(UID_ROLE) if rows else None

    def selected_risk(self) -> Risk | None:
        uid = self.selected_uid()
        return next((r for r in self._risks if r.uid == uid), None)

    def select_uid(self, uid: str | None) -> None:
        if uid is None:
            self.table.clearSelection()
            return
        row = self.model.row_of(uid)
        if row is None:
            return
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        if idx.isValid():
            self.table.selectionModel().select(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.setCurrentIndex(idx)
            self.table.scrollTo(idx)

    def _selection_changed(self) -> None:
        risk = self.selected_risk()
        self.delete_button.setEnabled(risk is not None)
        if risk is None:
            self.detail.show_risk(None)
            return
        names = [self._inventory_names[u] for u in risk.linked_inventory if u in self._inventory_names]
        files = [a for a in self._attachments if a.risk_uid == risk.uid]
        self.detail.show_risk(risk, files, names, self._thumbnail, self._treatments.get(risk.uid, ""))

    def _thumbnail(self, att: Attachment) -> QImage | None:
        if not att.content_type.startswith("image/"):
            return None
        if att.uid not in self._thumbs:
            try:
                image = QImage.fromData(self.service.findings.attachment_bytes(self.engagement_id, att.uid))
            except ServiceError:
                image = QImage()
            self._thumbs[att.uid] = image.scaled(176, 176, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation) if not image.isNull() else image
        return self._thumbs[att.uid]

    def _filter_text(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def _filter_cell(self, cell: tuple[int, int] | None) -> None:
        self.proxy.set_cell(cell)
        if cell is None:
            self.cell_note.setText("")
        else:
            lk, im = cell
            self.cell_note.setText(f"Showing {rk.likelihood_word(lk)} × {rk.impact_word(im)}")
        self.clear_cell_button.setVisible(cell is not None)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{total} risks" if shown == total else f"{shown} of {total} risks")

    def visible_titles(self) -> list[str]:
        return [self.proxy.index(r, TITLE).data() for r in range(self.proxy.rowCount())]

    def band_of_row(self, title: str) -> str:
        row = self.visible_titles().index(title)
        return self.proxy.index(row, BAND).data()

    # ---- saving through the service with undo ----------------------------------------------

    def _run(self, text: str, do: Callable[[], object], undo: Callable[[], object], *, select: str | None = None) -> bool:
        """Save an edit now; on success push it onto the undo stack and refresh."""
        return run_with_undo(self, text, do, undo, select)

    def add_from_library(self) -> None:
        self.flush()
        library = self.service.findings.risk_library(self.engagement_id)
        dialog = RiskLibraryDialog(library, {r.template_id for r in self._risks if r.template_id}, self,
                                   cuts=self._cuts)
        if dialog.exec() != RiskLibraryDialog.DialogCode.Accepted:
            return
        picks = [LibraryPick(c.template_id, c.title, c.likelihood, c.impact) for c in dialog.choices()]
        if not picks:
            return
        try:
            added = self.service.findings.add_risks_from_library(self.engagement_id, picks)
        except ServiceError as exc:
            QMessageBox.warning(self, "Not added", str(exc))
            return
        if len(added) == 1:
            self._push_added(added[0])
            return
        eid, svc = self.engagement_id, self.service
        uids = [r.uid for r in added]
        self.context.undo_stack.push(ServiceCommand(
            f"Add {len(added)} risks from the library", self,
            lambda: svc.findings.add_risks(eid, added), lambda: svc.findings.remove_risks(eid, uids)))
        self.heatmap.select(None)
        self.filter.clear()
        self.load()
        self.select_uid(added[0].uid)
        self.changed.emit()
        self.status.emit(f"Added {len(added)} risks from the library")

    def add_new(self) -> None:
        self.flush()
        risk = Risk(title="New risk", category=RiskCategory.OPERATIONS, likelihood=3, impact=3)
        try:
            self.service.findings.add_risk(self.engagement_id, risk)
        except ServiceError as exc:
            QMessageBox.warning(self, "Not added", str(exc))
            return
        self._push_added(risk)
        self.detail.title.setFocus()
        self.detail.title.selectAll()

    def _push_added(self, risk: Risk) -> None:
        eid, svc = self.engagement_id, self.service
        position = next(n for n, r in enumerate(svc.findings.risks(eid)) if r.uid == risk.uid)
        self.context.undo_stack.push(ServiceCommand(
            f"Add risk “{risk.title}”", self,
            lambda: svc.findings.add_risk(eid, risk, position), lambda: svc.findings.delete_risk(eid, risk.uid)))
        if self.heatmap.selected not in (None, (risk.likelihood, risk.impact)):
            self.heatmap.select(None)
        self.filter.clear()
        self.load()
        self.select_uid(risk.uid)
        self.changed.emit()
        self.status.emit("Saved")

    def delete_selected(self) -> None:
        risk = self.selected_risk()
        if risk is None:
            return
        eid, svc = self.engagement_id, self.service
        holder: dict[str, DeletedRisk] = {}

        def do() -> None:
            holder["deleted"] = svc.findings.delete_risk(eid, risk.uid)

        self._run(f"Delete risk “{risk.title}”", do, lambda: svc.findings.restore_risk(eid, holder["deleted"]))

    def _field_edited(self, field: str, value: object) -> None:
        """Queue the change of one field; the row, heat map and detail follow after the commit."""
        risk = self.selected_risk()
        if risk is None:
            return
        eid, svc, uid = self.engagement_id, self.service, risk.uid
        self.save(lambda: svc.findings.update_risk(eid, uid, **{field: value}),
                  on_done=lambda after: self._risk_saved(field, after),
                  on_error=self._risk_refused)

    def _risk_refused(self, exc: BaseException) -> None:
        if not for_consultant(exc):
            raise exc
        QMessageBox.warning(self, "Not saved", str(exc))
        self.status.emit(f"Not saved: {exc}")
        self.load()

    def _risk_saved(self, field: str, after: Risk) -> None:
        n = next((n for n, r in enumerate(self._risks) if r.uid == after.uid), None)
        if n is None:  # deleted meanwhile (an undo ran before this landed): show the store
            self.load()
            return
        before = self._risks[n]  # saves land in order: this is what the store held before
        self._risks[n] = after
        eid, svc = self.engagement_id, self.service
        label = {"why_it_matters": "why it matters", "standard_category": "standards category"}.get(field, field)
        self.context.undo_stack.push(ServiceCommand(
            f"Change {label} of “{before.title}”", self,
            lambda: svc.findings.put_risk(eid, after), lambda: svc.findings.put_risk(eid, before)))
        self._show_saved(after)
        self.changed.emit()
        self.status.emit("Saved")

    def _show_saved(self, risk: Risk) -> None:
        """Refresh what one saved risk changes: its row, the heat map, the detail if shown."""
        self.model.update_risk(risk)
        self._refresh_figures()
        missing = [u for u in risk.linked_inventory if u not in self._inventory_names]
        if missing:
            self._inventory_names.update(self.service.inventory.names(self.engagement_id, missing))
        if self.selected_uid() == risk.uid:
            self.delete_button.setEnabled(True)
            self._treatments = self.service.findings.risk_treatments(self.engagement_id)
            self.detail.show_treatment(risk, self._treatments.get(risk.uid, ""))
            self.detail.risk_saved(risk, [self._inventory_names[u] for u in risk.linked_inventory
                                          if u in self._inventory_names])

    def _refresh_figures(self) -> None:
        heat = rk.heat_map(((r.likelihood, r.impact) for r in self._risks), self._cuts)
        self.heatmap.set_counts(heat)
        by_band = heat.by_band()
        self.band_summary.setText(" · ".join(f"{rk.BAND_LABELS[b]}: {by_band[b]}" for b in reversed(rk.Band)))
        self._update_count()

    def link_inventory(self) -> None:
        risk = self.selected_risk()
        if risk is None:
            return
        items = self.service.inventory.items(self.engagement_id)
        if not items:
            QMessageBox.information(self, "No inventory yet",
                                    "The inventory is empty. Import an RMM export or add devices on the Inventory page first.")
            return
        entries = [(i.uid, " · ".join(x for x in (i.name, i.kind, i.site, i.owner) if x)) for i in items]
        dialog = ChecklistDialog(
            "Link inventory items", f"Tick the devices, applications or services “{risk.title}” concerns.",
            entries, risk.linked_inventory, self, ok_text="Link")
        if dialog.exec() != ChecklistDialog.DialogCode.Accepted:
            return
        chosen = dialog.chosen()
        if chosen != risk.linked_inventory:
            self._field_edited("linked_inventory", chosen)

    # ---- evidence files --------------------------------------------------------------------

    def add_files(self, paths: list[str] | None = None) -> None:
        risk = self.selected_risk()
        if risk is None:
            return
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, "Add evidence files", "", FILE_FILTER)
        problems = []
        for p in paths:
            try:
                att = self.service.findings.attach_file(self.engagement_id, risk.uid, Path(p))
            except ServiceError as exc:
                problems.append(str(exc))
                continue
            self._push_attachment(att)
        self.load()
        self.select_uid(risk.uid)
        if problems:
            QMessageBox.warning(self, "Some files were not added", "\n\n".join(problems))
        if len(problems) < len(paths):
            self.changed.emit()
            self.status.emit("Saved")

    def _push_attachment(self, att: Attachment) -> None:
        eid, svc = self.engagement_id, self.service
        holder: dict[str, RemovedAttachment] = {}

        def undo() -> None:
            holder["removed"] = svc.findings.remove_attachment(eid, att.uid)

        def redo() -> None:
            svc.findings.restore_attachment(eid, holder["removed"])

        self.context.undo_stack.push(ServiceCommand(f"Attach “{att.file_name}”", self, redo, undo))

    def open_file(self, uid: str) -> None:
        try:
            path = self.service.findings.attachment_view_file(self.engagement_id, uid)
        except (ServiceError, OSError) as exc:
            QMessageBox.warning(self, "Cannot open the file", str(exc))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.information(self, "No viewer", f"No program is set up to open {path.suffix} files. "
                                    f"A copy is at {path}.")

    def remove_file(self, uid: str) -> None:
        att = next((a for a in self._attachments if a.uid == uid), None)
        if att is None:
            return
        eid, svc = self.engagement_id, self.service
        holder: dict[str, RemovedAttachment] = {}

        def do() -> None:
            holder["removed"] = svc.findings.remove_attachment(eid, uid)

        self._run(f"Remove “{att.file_name}”", do, lambda: svc.findings.restore_attachment(eid, holder["removed"]),
                  select=att.risk_uid)

    def set_photo_in_proposal(self, uid: str, include: bool) -> None:
        """Show a photo in the proposal's evidence-photos appendix, or leave it out (undoable)."""
        att = next((a for a in self._attachments if a.uid == uid), None)
        if att is None or att.in_proposal == include:
            return
        eid, svc = self.engagement_id, self.service
        text = f"{'Show' if include else 'Leave out'} “{att.file_name}” in the proposal"
        # A refused change is explained and the page reloaded, so the tick goes back to what is saved.
        self._run(text, lambda: svc.findings.set_in_proposal(eid, uid, include),
                  lambda: svc.findings.set_in_proposal(eid, uid, not include), select=att.risk_uid)

    # ---- page contract ---------------------------------------------------------------------

    def flush(self) -> None:
        self.detail.flush()

    def focus_first(self) -> None:
        (self.table if self._risks else self.empty_add).setFocus()

    def find_targets(self) -> list[tuple[str, str]]:
        return [(r.uid, r.title) for r in self._risks]

    def reveal(self, key: str) -> None:
        self.heatmap.select(None)
        self.filter.clear()
        self.select_uid(key)
        self.table.setFocus()


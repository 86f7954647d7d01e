"""The Inventory page: the engagement's devices, applications, cloud services, vendors and
licences in one sortable, filterable table; import of RMM and asset-tool exports; and the user
and device counts that pricing takes from it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ....domain import locale_text
from ....domain.carried import Kind
from ....domain.engagement import InventoryCategory, InventoryItem
from ... import app_locale, shortcuts
from ...messages import show_exception, show_message
from ...ops import QueryOp, WriteOp
from ...widgets import MessagePage, muted, scaled_font
from ...wrap_row import WrapRow
from ..carried_marks import add_bar, marked
from ..page import PageContext, WorkspacePage
from .inventory_edit import (
    AddItemsCommand,
    BulkEditCommand,
    BulkEditDialog,
    DeleteItemsCommand,
    EditItemCommand,
    ImportCommand,
    InventoryDelegate,
)
from .inventory_import_dialog import ImportMappingDialog
from .inventory_model import (
    CATEGORY_PLURALS,
    Col,
    InventoryFilterProxy,
    InventoryTableModel,
    kind_label,
    kind_plural,
)
from .inventory_support import support_filter_box

EMPTY_TEXT = f"No inventory yet: import an RMM export ({shortcuts.native('inventory_import')}) or add a device"
FILE_FILTER = "Inventory exports (*.csv *.txt *.xlsx *.xlsm);;All files (*)"


def _n(count: int) -> str:
    """A count grouped as the window's locale groups it: 1,234 / 1.234."""
    return locale_text.format_whole(count, app_locale.current())


def items_text(n: int) -> str:
    return f"{_n(n)} item{'s' if n != 1 else ''}"


class InventoryPage(WorkspacePage):
    section_id = "inventory"
    title = "Inventory"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.kinds: list[str] = []
        self._last_import: ImportCommand | None = None
        self.counts: Any = None
        self.model = marked(InventoryTableModel, lambda m, row: m._items[row].uid)(self)
        self.model.edit_handler = self._edit_cell
        self.proxy = InventoryFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._counts_asked = 0  # the newest counts query: an older answer arriving late is dropped
        self._counts_shown = 0
        self.mapping_dialog: ImportMappingDialog | None = None

        heading = QLabel(self.title)
        heading.setFont(scaled_font(self, 1.4, bold=True))
        intro = muted(QLabel("Devices, applications, cloud services, vendors and licences. Device counts by "
                             "kind feed the monthly price."))
        intro.setWordWrap(True)

        # ---- actions (shown on buttons, with their shortcuts in the tooltips) -----------------
        self.import_action = self._action("Import…", shortcuts.sequence("inventory_import"), "Import a CSV or Excel export from an RMM or asset tool",
                                          lambda: self.import_file())
        self.add_action = self._action("Add device", shortcuts.sequence("inventory_add"), "Add a device by hand", self.add_item)
        self.bulk_action = self._action("Edit selected…", shortcuts.sequence("inventory_bulk"), "Set site, owner or kind on the selected items",
                                        self.bulk_edit)
        self.delete_action = self._action("Delete", shortcuts.sequence("inventory_delete"),
                                          "Delete the selected items (undo with Ctrl+Z)", self.delete_selected)
        toolbar = WrapRow()  # the search wraps below the buttons on a narrow window
        for action in (self.import_action, self.add_action, self.bulk_action, self.delete_action):
            b = QToolButton()
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setObjectName(action.objectName() + "Button")
            toolbar.addWidget(b)
        toolbar.addSpacing(12)

        # ---- filters ------------------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setObjectName("inventorySearch")
        self.search.setPlaceholderText("Filter by name, owner, serial, OS, notes…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self._apply_text_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kindFilter")
        self.kind_filter.setAccessibleName("Show category or kind")
        self.kind_filter.currentIndexChanged.connect(self._apply_kind_filter)
        self.site_filter = QComboBox()
        self.site_filter.setObjectName("siteFilter")
        self.site_filter.setAccessibleName("Show site")
        self.site_filter.setMinimumContentsLength(12)
        self.site_filter.currentIndexChanged.connect(self._apply_site_filter)
        self.support_filter = support_filter_box()
        self.support_filter.currentIndexChanged.connect(self._apply_support_filter)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # The search sits beside the buttons, wide enough for its placeholder; the choices get the
        # row below to themselves, each as wide as its longest entry ("Devices: ser…" was cut).
        fm = self.search.fontMetrics()
        self.search.setMinimumWidth(fm.horizontalAdvance(self.search.placeholderText()) + fm.height() + 24)
        toolbar.addWidget(self.search, 1)
        for box in (self.kind_filter, self.support_filter):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        filters = QHBoxLayout()
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.site_filter)
        filters.addWidget(self.support_filter)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        # ---- the message after an import, with its undo -------------------------------------
        self.import_bar = QFrame()
        self.import_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.import_message = QLabel()
        self.import_message.setObjectName("importMessage")
        self.import_message.setWordWrap(True)
        self.undo_import_button = QPushButton("Undo import")
        self.undo_import_button.setObjectName("undoImportButton")
        self.undo_import_button.clicked.connect(self.undo_last_import)
        close_bar = QToolButton()
        close_bar.setText("Dismiss")
        close_bar.clicked.connect(self.import_bar.hide)
        bar = QHBoxLayout(self.import_bar)
        bar.setContentsMargins(8, 4, 8, 4)
        bar.addWidget(self.import_message, 1)
        bar.addWidget(self.undo_import_button)
        bar.addWidget(close_bar)
        self.import_bar.hide()

        # ---- the table ----------------------------------------------------------------------
        self.table = QTableView()
        self.table.setObjectName("inventoryTable")
        self.table.setModel(self.proxy)
        self.delegate = InventoryDelegate([], self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        # No sort until a header is clicked: the rows keep the order they were imported in.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        vh = self.table.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)  # uniform rows: no per-row sizing
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setHighlightSections(False)
        char = self.fontMetrics().averageCharWidth()
        for col, (_f, _t, width) in enumerate(Col.SPEC):
            hh.resizeSection(col, width * char + 16)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.proxy.rowsInserted.connect(lambda *_: self._update_count())
        self.proxy.rowsRemoved.connect(lambda *_: self._update_count())
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        for action in (self.bulk_action, self.delete_action):
            self.table.addAction(action)

        self.empty = MessagePage("No inventory yet", EMPTY_TEXT)
        self.empty.setObjectName("inventoryEmpty")
        for action in (self.import_action, self.add_action):
            button = QPushButton(action.text().replace("…", "…"))
            button.clicked.connect(action.trigger)
            self.empty.add_button(button)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        # ---- counts for pricing -------------------------------------------------------------
        counts_title = QLabel("Counts for pricing")
        counts_title.setFont(scaled_font(self, 1.0, bold=True))
        self.counts_label = QLabel("Working out the counts…")
        self.counts_label.setObjectName("countsLabel")
        self.counts_label.setWordWrap(True)
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        counts_help = muted(QLabel("Derived from the devices above; an override set on the Pricing page wins."))
        counts_help.setWordWrap(True)
        counts_box = QVBoxLayout()
        counts_box.setSpacing(2)
        counts_box.addWidget(counts_title)
        counts_box.addWidget(self.counts_label)
        counts_box.addWidget(counts_help)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(300)
        self._counts_timer.timeout.connect(self.refresh_counts)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.import_bar)
        layout.addWidget(self.stack, 1)
        layout.addLayout(counts_box)
        self.setTabOrder(self.search, self.kind_filter)
        self.setTabOrder(self.kind_filter, self.site_filter)
        self.setTabOrder(self.site_filter, self.support_filter)
        self.setTabOrder(self.support_filter, self.table)
        self.carried_bar = add_bar(self, layout, self.stack, Kind.INVENTORY, self.model, self.table, self.selected_uids)

    def _action(self, text: str, shortcut: str | QKeySequence, tip: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self)
        action.setObjectName(text.rstrip("…").replace(" ", "_").lower())
        seq = QKeySequence(shortcut)
        action.setShortcut(seq)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({seq.toString(QKeySequence.SequenceFormat.NativeText)})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # ---- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        self.kinds = self.service.inventory.device_kinds(self.engagement_id)
        self.delegate.kinds = self.kinds
        self.model.set_lifecycle(self.service.forms.of(self.service.engagements.header(self.engagement_id)).lifecycle, datetime.date.today())
        self.model.set_items(self.service.inventory.items(self.engagement_id))
        self._fill_kind_filter()
        self._fill_site_filter()
        self._update_count()
        self._update_actions()
        self.carried_bar.load()
        self.refresh_counts()

    def _fill_kind_filter(self) -> None:
        current = self.kind_filter.currentData()
        self.kind_filter.blockSignals(True)
        self.kind_filter.clear()
        self.kind_filter.addItem("All categories", None)
        self.kind_filter.addItem("All devices", f"category:{InventoryCategory.DEVICE.value}")
        kinds = list(self.kinds) + sorted({i.kind for i in self.model.items()
                                            if i.category is InventoryCategory.DEVICE and i.kind} - set(self.kinds))
        for k in kinds:
            self.kind_filter.addItem(f"    Devices: {kind_label(k)}", f"kind:{k}")
        for cat in list(InventoryCategory)[1:]:
            self.kind_filter.addItem(CATEGORY_PLURALS[cat], f"category:{cat.value}")
        i = self.kind_filter.findData(current)
        self.kind_filter.setCurrentIndex(max(i, 0))
        self.kind_filter.blockSignals(False)

    def _fill_site_filter(self) -> None:
        current = self.site_filter.currentData()
        sites = sorted({i.site for i in self.model.items()}, key=str.casefold)
        if [self.site_filter.itemData(i) for i in range(1, self.site_filter.count())] == sites:
            return
        self.site_filter.blockSignals(True)
        self.site_filter.clear()
        self.site_filter.addItem("All sites", None)
        for s in sites:
            self.site_filter.addItem(s or "(no site)", s)
        i = self.site_filter.findData(current) if current is not None else 0
        self.site_filter.setCurrentIndex(max(i, 0))
        self.site_filter.blockSignals(False)
        if i < 0:
            self._apply_site_filter()

    # ---- filters ------------------------------------------------------------------------------

    def _apply_support_filter(self) -> None:
        self.proxy.set_filter(support=self.support_filter.currentData())
        self._update_count()

    def _apply_text_filter(self) -> None:
        self.proxy.set_filter(text=self.search.text())
        self._update_count()

    def _apply_kind_filter(self) -> None:
        data = self.kind_filter.currentData()
        what, _, value = (data or "").partition(":")
        if what == "category":
            self.proxy.set_filter(category=value, kind=None)
        elif what == "kind":
            self.proxy.set_filter(category=InventoryCategory.DEVICE.value, kind=value)
        else:
            self.proxy.set_filter(category=None, kind=None)
        self._update_count()

    def _apply_site_filter(self) -> None:
        self.proxy.set_filter(site=self.site_filter.currentData())
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        self.count_label.setText(items_text(total) if shown == total else f"{_n(shown)} of {items_text(total)}")
        self.stack.setCurrentWidget(self.empty if total == 0 else self.table)

    def _update_actions(self) -> None:
        n = len(self.selected_uids())
        self.bulk_action.setEnabled(n > 0)
        self.delete_action.setEnabled(n > 0)

    # ---- counts -------------------------------------------------------------------------------

    def refresh_counts(self) -> None:
        """Ask pricing for the counts on a worker thread (it reads the whole engagement)."""
        self._counts_timer.stop()
        service, eid = self.service, self.engagement_id
        self._counts_asked += 1
        asked = self._counts_asked

        def counted(counts: Any) -> None:
            if self._latest_counts(asked):
                self._show_counts(counts)

        def failed(error: BaseException) -> None:
            if self._latest_counts(asked):
                self.counts_label.setText(escape(f"Counts are not available: {error}"))

        QueryOp(self, lambda: service.offer.quote(eid).counts, counted, what="Counting the inventory").failure(
            failed).run_in_background(self.context.ops)

    @property
    def counts_pending(self) -> bool:
        """True while the newest counts query has not answered yet."""
        return self._counts_shown < self._counts_asked

    def _latest_counts(self, asked: int) -> bool:
        """Record that query ``asked`` answered; True when it is the newest (show it)."""
        self._counts_shown = max(self._counts_shown, asked)
        return asked == self._counts_asked

    def _show_counts(self, counts: Any) -> None:
        self.counts = counts
        users = counts.users
        parts = [f"<b>{_n(users.value)}</b> users ({escape(self._source(users))})"]
        devices = [f"<b>{_n(c.value)}</b> {escape(kind_plural(k, c.value))}"
                   + (f" <i>(override; inventory has {_n(c.derived)})</i>" if c.overridden else "")
                   for k, c in counts.devices.items() if c.value or c.overridden]
        total = counts.device_total
        text = " · ".join(parts) + f" &nbsp;&nbsp; <b>{_n(total)}</b> devices priced"
        if devices:
            text += ": " + ", ".join(devices)
        if counts.warnings:
            text += "<br>" + "<br>".join(escape(w) for w in counts.warnings)
        self.counts_label.setText(text)

    @staticmethod
    def _source(count: Any) -> str:
        if count.overridden:
            return f"override on the Pricing page; {count.basis} gives {_n(count.derived)}"
        return f"from the {count.basis}" if count.basis.startswith("answer") else count.basis

    # ---- editing ------------------------------------------------------------------------------

    def run_command(self, work: Callable[[], None], *, structural: bool) -> None:
        """Run an undo/redo step: save through the service, update the table, tell the shell."""
        try:
            work()
        except Exception as exc:
            show_exception(self, "Saving the inventory", exc)
            self.load()
            return
        self._saved(structural)
        signal = getattr(self, "show_requested", None)  # newer page contract: bring this page forward
        if signal is not None:
            signal.emit()

    def _saved(self, structural: bool) -> None:
        self._update_count()
        self._update_actions()
        self._fill_site_filter()
        if structural:
            self._counts_timer.start()
        self.changed.emit()
        self.status.emit("Saved")

    def _edit_cell(self, item: InventoryItem, column: int, value: Any) -> bool:
        field = Col.FIELDS[column]
        text = "" if value is None else str(value).strip()
        try:
            if column in Col.DATES:
                # Typed in the window's locale (15.01.2026 under de_DE) or ISO: never guessed at.
                new_value: Any = locale_text.parse_date(text, app_locale.current()) if text else None
            elif column == Col.CATEGORY:
                new_value = InventoryCategory(text)
            else:
                new_value = text
            data = item.model_dump()
            data[field] = new_value
            if field == "category" and new_value is InventoryCategory.DEVICE and not item.kind:
                data["kind"] = "other" if "other" in self.kinds else ""
            after = InventoryItem.model_validate(data)
        except ValueError as exc:
            # What the consultant just typed is shown back to them (never logged).
            message = f"“{text}” {str(exc).splitlines()[0]}" if column in Col.DATES else self._validation_text(exc, field)
            self.status.emit(f"Not saved: {message}")
            show_message(self, "Not saved", f"{Col.SPEC[column][1]}: {message}")
            return False
        try:
            self.service.inventory.update_item(self.engagement_id, after)
        except Exception as exc:
            show_exception(self, "Saving the inventory", exc)
            return False
        self.model.replace_items([after])
        command = EditItemCommand(self, item, after, f"Edit {Col.SPEC[column][1].lower()} of {after.name}")
        self.context.undo_stack.push(command)
        self._saved(command.structural)
        return True

    @staticmethod
    def _validation_text(exc: ValueError, field: str) -> str:
        errors = getattr(exc, "errors", None)
        if callable(errors):
            first = errors()[0]
            if field == "name" and first.get("type") == "string_too_short":
                return "every item needs a name"
            return str(first.get("msg", exc))
        return str(exc)

    def selected_uids(self) -> list[str]:
        rows = self.table.selectionModel().selectedRows()
        return [self.model.item(self.proxy.mapToSource(i).row()).uid for i in rows]

    def select_uids(self, uids: list[str]) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for uid in uids:
            row = self.model.row_of(uid)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                sel.select(index, flags)
                self.table.scrollTo(index)

    def add_item(self) -> None:
        kind = "workstation" if "workstation" in self.kinds else (self.kinds[0] if self.kinds else "")
        site = self.site_filter.currentData() or ""
        item = InventoryItem(name="New device", kind=kind, site=site)
        # Clear the text filter so the new row can be seen.
        if self.search.text():
            self.search.clear()
            self._apply_text_filter()
        command = AddItemsCommand(self, [item], "Add a device", saved=False)
        self.context.undo_stack.push(command)
        row = self.model.row_of(item.uid)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, Col.NAME))
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
            self.table.edit(index)

    def delete_selected(self) -> None:
        uids = self.selected_uids()
        if not uids:
            return
        self.context.undo_stack.push(DeleteItemsCommand(self, uids))
        self.status.emit(f"Deleted {items_text(len(uids))}; Ctrl+Z brings them back")

    def bulk_edit(self) -> BulkEditDialog | None:
        uids = self.selected_uids()
        if not uids:
            return None
        items = self.model.items()
        dialog = BulkEditDialog(len(uids), self.kinds, sorted({i.site for i in items}),
                                sorted({i.owner for i in items}), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def apply() -> None:
            fields = dialog.changes()
            if not fields:
                return
            before = [self.model.item(r) for r in (self.model.row_of(u) for u in uids) if r is not None]
            command = BulkEditCommand(self, before, fields)
            try:
                command.apply()
            except Exception as exc:
                show_exception(self, "Saving the inventory", exc)
                return
            self.context.undo_stack.push(command)
            self._saved(True)

        dialog.accepted.connect(apply)
        dialog.open()
        return dialog

    # ---- import -------------------------------------------------------------------------------

    def import_file(self, path: Path | str | None = None) -> None:
        """Choose a file (unless given), read it off the GUI thread, then open the mapping dialog
        (:attr:`mapping_dialog` once the file is read)."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Import inventory", "", FILE_FILTER)
            if not chosen:
                return
            path = chosen
        path = Path(path)
        QueryOp(self, lambda: self.service.inventory.preview_file(path), lambda preview: self._open_mapping(path, preview),
                what="Reading the export").with_progress(f"Reading {path.name}…").run_in_background(self.context.ops)

    def _open_mapping(self, path: Path, preview: Any) -> ImportMappingDialog:
        """The file is read: let the consultant map its columns (the page's :attr:`mapping_dialog`)."""
        service, eid = self.service, self.engagement_id

        def check(mapping: dict, orders: dict) -> Any:
            return service.inventory.import_file(eid, path, mapping=mapping, preview=preview, date_orders=orders,
                                            skip_bad=True, dry_run=True)

        dialog = ImportMappingDialog(
            preview, self.kinds, self, run=self._run_check, check=check,
            rules=service.inventory.rules(), profiles=service.inventory.profiles(),
            save_profile=lambda name, mapping: service.inventory.save_profile(name, preview.headers, mapping))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._do_import(path, preview, dialog.mapping(), dialog.date_orders()))
        dialog.rejected.connect(lambda: self.status.emit(f"Nothing imported from {path.name}"))
        dialog.open()
        self.mapping_dialog = dialog
        dialog.destroyed.connect(lambda *_: setattr(self, "mapping_dialog", None))
        return dialog

    def _run_check(self, label: str, work: Callable[[], Any], done: Callable[[Any], object]) -> None:
        """The mapping dialog's dry run of a large file, as a query op with a busy indicator."""
        QueryOp(self, work, done, what="Checking the rows").with_progress(label).run_in_background(self.context.ops)

    def _do_import(self, path: Path, preview: Any, mapping: dict, orders: dict | None = None) -> None:
        service, eid = self.service, self.engagement_id
        n = preview.table.row_count
        WriteOp(self, lambda: service.inventory.import_file(
            eid, path, mapping=mapping, skip_bad=True, preview=preview, date_orders=orders),
            what="Importing the inventory").success(lambda report: self._imported(path, report)).with_progress(
            f"Importing {_n(n)} rows from {path.name}…").run_in_background(self.context.ops)

    def _imported(self, path: Path, report: Any) -> None:
        service, eid = self.service, self.engagement_id
        if not report.batch and not report.updated:
            self.status.emit(f"Nothing new imported from {path.name}"
                             + (f" ({report.unchanged:,} devices unchanged)" if report.unchanged else ""))
            return
        self.model.set_items(service.inventory.items(eid))
        self._fill_kind_filter()
        if report.batch:
            items = [i for i in self.model.items() if i.import_batch == report.batch]
            command = ImportCommand(self, path.name, report.batch, items)
            self.context.undo_stack.push(command)
            self._last_import = command
        skipped = f"; {_n(report.rejected)} row{'s' if report.rejected != 1 else ''} skipped" if report.rejected else ""
        also = "".join(f"; {_n(n)} {what}" for n, what in ((report.updated, "updated"), (report.unchanged, "unchanged")) if n)
        message = f"Imported {items_text(report.imported)} from {path.name}{also}{skipped}."
        self.import_message.setText(message)
        self.undo_import_button.setEnabled(bool(report.batch))
        self.import_bar.show()
        self._saved(True)
        self.status.emit(message)

    def undo_last_import(self) -> None:
        """Undo the last import through the undo stack (so redo can bring it back)."""
        command = self._last_import
        stack = self.context.undo_stack
        if command is None:
            return
        # Undo down to the import (later edits of its rows go first, in order).
        for i in range(stack.index() - 1, -1, -1):
            if stack.command(i) is command:
                stack.setIndex(i)
                break
        self.import_bar.hide()
        self._last_import = None
        self.status.emit("Import undone")

    # ---- the page contract --------------------------------------------------------------------

    def progress(self) -> tuple[int, int] | None:
        return (1, 1) if self.model.rowCount() else (0, 1)

    def has_problem(self) -> bool:
        return bool(self.counts is not None and any("no kind" in w for w in self.counts.warnings))

    def current_source_index(self) -> QModelIndex:
        return self.proxy.mapToSource(self.table.currentIndex())

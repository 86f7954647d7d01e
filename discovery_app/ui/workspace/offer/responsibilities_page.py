"""The responsibilities page: who is Responsible, Accountable, Consulted and Informed for each IT
function, lane by lane, with rows that do not have exactly one Accountable party flagged.

Cells are edited in place: type the letters (R, A, C, I; several allowed), press Delete to clear,
or right-click for a checkable menu. Every edit is saved at once through the service and can be
undone. A flagged row blocks the client-facing export until it is fixed or accepted as is.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ....domain import matrix as matrix_mod
from ....services import ServiceError
from ... import shortcuts
from ...widgets import MessagePage, error_colour, muted, scaled_font
from ...wrap_row import WrapRow
from ..page import PageContext, WorkspacePage
from ..page_parts import filter_edit
from .offer_dialogs import AcceptDialog, AddFunctionDialog, NameDialog
from .offer_matrix_model import (
    LETTER_NAMES,
    LaneSummaryModel,
    LettersDelegate,
    MatrixFilter,
    MatrixModel,
)
from .offer_undo import SnapshotCommand


class MatrixTable(QTableView):
    """The matrix view: Delete clears a cell; the Menu key or right-click opens the letter menu."""

    def __init__(self, page: ResponsibilitiesPage) -> None:
        super().__init__()
        self._page = page

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != QAbstractItemView.State.EditingState:
            index = self.currentIndex()
            if index.isValid() and index.flags() & Qt.ItemFlag.ItemIsEditable:
                self.model().setData(index, "", Qt.ItemDataRole.EditRole)
                return
        super().keyPressEvent(event)


class ResponsibilitiesPage(WorkspacePage):
    section_id = "responsibilities"
    title = "Responsibilities"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.report: matrix_mod.MatrixReport | None = None

        heading = QLabel("Responsibilities")
        heading.setFont(scaled_font(self, 1.4, bold=True))
        intro = muted(QLabel(
            "Who does what, function by function. R Responsible (does the work), A Accountable (answers for it; "
            "exactly one party per function), C Consulted, I Informed. Type letters in a cell, press Delete to "
            "clear it, or right-click for a menu."))
        intro.setWordWrap(True)

        self.banner = QLabel()
        self.banner.setObjectName("matrixBlockers")
        self.banner.setWordWrap(True)
        self.banner_icon = QLabel()
        self.banner_icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(24, 24))
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner_icon, 0, Qt.AlignmentFlag.AlignTop)
        banner_row.addWidget(self.banner, 1)
        self.banner_box = QWidget()
        self.banner_box.setLayout(banner_row)
        self.banner_box.hide()

        self.error = QLabel()
        self.error.setObjectName("matrixError")
        self.error.setWordWrap(True)
        pal = self.error.palette()
        pal.setColor(self.error.foregroundRole(), error_colour(pal))
        self.error.setPalette(pal)
        self.error.hide()

        # Toolbar
        self.filter = filter_edit("Filter functions", min_chars=0)  # never squeezed below its placeholder
        self.filter.setObjectName("matrixFilter")
        self.filter.setMaximumWidth(240)
        self.count_label = muted(QLabel())
        self.add_function_button = QPushButton("Add function…")
        self.add_function_button.setToolTip(
            shortcuts.tip("Add an IT function the template does not list", "responsibilities_add"))
        self.add_function_button.setShortcut(shortcuts.sequence("responsibilities_add"))
        self.parties_button = QToolButton()
        self.parties_button.setText("Third parties")
        self.parties_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.parties_menu = QMenu(self.parties_button)
        self.parties_button.setMenu(self.parties_menu)
        self.add_party_action = QAction("Add third party…", self)
        self.add_party_action.triggered.connect(self.add_third_party)
        self.accept_button = QPushButton("Accept as is…")
        self.accept_button.setToolTip("Let a flagged row go into the proposal as it is, with a note saying why")
        self.remove_function_button = QPushButton("Remove function")
        self.remove_function_button.setToolTip("Remove the selected custom function")
        tools = WrapRow()  # the buttons wrap below the filter on a narrow window
        tools.addWidget(self.filter)
        tools.addWidget(self.count_label)
        tools.addStretch(1)
        for w in (self.add_function_button, self.parties_button, self.accept_button, self.remove_function_button):
            tools.addWidget(w)

        # The matrix
        self.model = MatrixModel(self._edit_cell, self)
        self.proxy = MatrixFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = MatrixTable(self)
        self.table.setObjectName("matrixTable")
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(LettersDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._cell_menu)
        self.table.horizontalHeader().setHighlightSections(False)

        # Lane summary
        summary_title = QLabel("Who owns each lane")
        summary_title.setFont(scaled_font(self, 1.1, bold=True))
        summary_help = muted(QLabel("Share of the lane's functions each party is Accountable (A) and Responsible (R) for."))
        summary_help.setWordWrap(True)
        self.summary_model = LaneSummaryModel(self)
        self.summary = QTableView()
        self.summary.setObjectName("laneSummary")
        self.summary.setModel(self.summary_model)
        self.summary.verticalHeader().hide()
        self.summary.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.summary.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.summary.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.summary.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        content = QWidget()
        lay = QVBoxLayout(content)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.banner_box)
        lay.addWidget(self.error)
        lay.addLayout(tools)
        lay.addWidget(self.table, 1)
        lay.addSpacing(6)
        lay.addWidget(summary_title)
        lay.addWidget(summary_help)
        lay.addWidget(self.summary)

        self.empty = MessagePage("No responsibilities yet",
                                 "Start from the form's template of IT functions, then adjust who does what.")
        self.start_button = self.empty.add_button(QPushButton("Start from the template"))
        self.start_button.clicked.connect(self.start_from_template)

        self.stack = QStackedWidget()
        self.stack.addWidget(content)
        self.stack.addWidget(self.empty)

        outer = QVBoxLayout(self)
        outer.addWidget(heading)
        outer.addWidget(intro)
        outer.addWidget(self.stack, 1)

        self.filter.textChanged.connect(self._filter_changed)
        self.add_function_button.clicked.connect(self.add_function)
        self.accept_button.clicked.connect(self.accept_selected)
        self.remove_function_button.clicked.connect(self.remove_selected)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.proxy.modelReset.connect(self._update_spans)
        self.proxy.layoutChanged.connect(self._update_spans)
        self.proxy.rowsInserted.connect(self._update_spans)
        self.proxy.rowsRemoved.connect(self._update_spans)

    # ---- the page contract ------------------------------------------------------------------

    def load(self) -> None:
        self.report = self.service.offer.matrix(self.engagement_id)
        report = self.report
        self.stack.setCurrentIndex(0 if report.rows else 1)
        self.model.set_report(report)
        self.summary_model.set_report(report)
        self._update_spans()
        self._size_columns()
        flagged = [r for r in report.rows if r.flagged]
        accepted = sum(1 for r in report.rows if r.accepted)
        self.count_label.setText(
            f"{len(report.rows)} functions, {len(flagged)} to fix" + (f", {accepted} accepted as is" if accepted else ""))
        if flagged:
            names = "; ".join(f"{r.name} ({r.problem})" for r in flagged[:4])
            more = f"; and {len(flagged) - 4} more" if len(flagged) > 4 else ""
            self.banner.setText(
                f"<b>{len(flagged)} function{'s need' if len(flagged) != 1 else ' needs'} exactly one Accountable "
                f"party</b>, which blocks the proposal until fixed or accepted as is: {names}{more}.")
        self.banner_box.setVisible(bool(flagged))
        self._rebuild_parties_menu()
        self._update_buttons()

    def progress(self) -> tuple[int, int] | None:
        if self.report is None or not self.report.rows:
            return None
        return sum(1 for r in self.report.rows if not r.flagged), len(self.report.rows)

    # ---- layout helpers ----------------------------------------------------------------------

    def _update_spans(self) -> None:
        self.table.clearSpans()
        cols = self.proxy.columnCount()
        for r in range(self.proxy.rowCount()):
            if self.model.is_heading(self.proxy.mapToSource(self.proxy.index(r, 0)).row()):
                self.table.setSpan(r, 0, 1, cols)

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        for col in range(1, self.model.check_column):
            text = self.model.headerData(col, Qt.Orientation.Horizontal)
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, max(90, metrics.horizontalAdvance(str(text)) + 28))
        # The check says what is wrong in full: it takes the width it needs, the names the rest.
        header.setSectionResizeMode(self.model.check_column, QHeaderView.ResizeMode.ResizeToContents)
        sh = self.summary.horizontalHeader()
        sh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        sh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        sh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        rows = self.summary_model.rowCount()
        self.summary.setFixedHeight(self.summary.horizontalHeader().height() + sum(
            self.summary.rowHeight(r) for r in range(rows)) + 2 * self.summary.frameWidth())

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_spans()

    def _rebuild_parties_menu(self) -> None:
        self.parties_menu.clear()
        self.parties_menu.addAction(self.add_party_action)
        others = [p for p in self.model.parties if p not in matrix_mod.CORE_PARTIES]
        if others:
            self.parties_menu.addSeparator()
        for party in others:
            sub = self.parties_menu.addMenu(party)
            sub.addAction("Rename…", lambda p=party: self.rename_third_party(p))  # type: ignore[misc]  # mypy cannot infer a lambda with defaults
            sub.addAction("Remove column", lambda p=party: self.remove_third_party(p))  # type: ignore[misc]  # mypy cannot infer a lambda with defaults

    def _current(self) -> matrix_mod.RowCheck | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.check_at(self.proxy.mapToSource(index).row())

    def _update_buttons(self) -> None:
        check = self._current()
        self.accept_button.setEnabled(bool(check and check.defective))
        self.accept_button.setText("Withdraw acceptance" if check and check.accepted else "Accept as is…")
        self.remove_function_button.setEnabled(bool(check and check.assignment.custom))
        has_rows = bool(self.report and self.report.rows)
        self.add_function_button.setEnabled(has_rows)
        self.parties_button.setEnabled(has_rows)

    def select_cell(self, function_id: str, party: str | None = None) -> QModelIndex:
        """Make a cell current (for keyboard editing); returns its view index."""
        col = self.model.column_of(party) if party else 0
        index = self.proxy.mapFromSource(self.model.index(self.model.row_of(function_id), col))
        self.table.setCurrentIndex(index)
        self.table.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return index

    # ---- edits -------------------------------------------------------------------------------

    def _apply(self, text: str, action: Callable[[], object]) -> bool:
        """Run one edit through the service and push it on the undo stack; False if refused."""
        before = self.service.offer.responsibilities(self.engagement_id)
        try:
            action()
        except ServiceError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.status.emit(str(exc))
            return False
        self.error.hide()
        after = self.service.offer.responsibilities(self.engagement_id)
        self.context.undo_stack.push(SnapshotCommand(text, before, after, self._restore, self._after_undo))
        self._saved()
        return True

    def _restore(self, rows) -> None:
        self.service.offer.set_responsibilities(self.engagement_id, rows)

    def _after_undo(self) -> None:
        self.load()
        self.changed.emit()

    def _saved(self) -> None:
        current = self._current()
        col = self.table.currentIndex().column()
        self.load()
        if current is not None:
            try:
                index = self.proxy.mapFromSource(self.model.index(self.model.row_of(current.function_id), col))
                self.table.setCurrentIndex(index)
            except KeyError:
                pass
        self.changed.emit()
        self.status.emit("Saved")

    def _edit_cell(self, function_id: str, party: str, letters: str) -> bool:
        name = next((r.name for r in self.report.rows if r.function_id == function_id), function_id) if self.report else function_id
        label = matrix_mod.party_label(party)
        return self._apply(f"Set {label} on {name} to {letters or 'nothing'}",
                           lambda: self.service.offer.set_raci(self.engagement_id, function_id, party, letters))

    def _cell_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        source = self.proxy.mapToSource(index)
        check = self.model.check_at(source.row())
        party = self.model.party_of(source.column())
        menu = QMenu(self)
        if check is not None and party is not None:
            letters = check.assignment.raci.get(party, "")
            for ch in "RACI":
                act = menu.addAction(f"{ch}  {LETTER_NAMES[ch]}")
                act.setCheckable(True)
                act.setChecked(ch in letters)
                new = "".join(c for c in "RACI" if (c in letters) != (c == ch))
                act.triggered.connect(lambda _=False, f=check.function_id, p=party, n=new: self._edit_cell(f, p, n))
            menu.addAction("Clear", lambda f=check.function_id, p=party: self._edit_cell(f, p, ""))  # type: ignore[misc]  # mypy cannot infer a lambda with defaults
            menu.addSeparator()
        if check is not None and check.defective:
            menu.addAction("Withdraw acceptance" if check.accepted else "Accept as is…", self.accept_selected)
        if check is not None and check.assignment.custom:
            menu.addAction("Remove function", self.remove_selected)
        if menu.actions():
            menu.popup(self.table.viewport().mapToGlobal(pos))

    def start_from_template(self) -> None:
        self._apply("Start the matrix from the template",
                    lambda: self.service.offer.ensure_responsibilities(self.engagement_id))

    def add_function(self) -> AddFunctionDialog:
        check = self._current()
        lane = check.lane.value if check else "run"
        added: list[str] = []

        def accept(d) -> None:
            name, lane_value = d.name.text(), d.lane.currentData()

            def action() -> None:
                added.append(self.service.offer.add_custom_function(self.engagement_id, name, lane_value))
            # Validate through the service first so the dialog can show the refusal in place.
            if not self._apply(f"Add function {name.strip()}", action):
                self.error.hide()
                raise ServiceError(self.error.text())

        dialog = AddFunctionDialog(accept, self, lane)
        dialog.setObjectName("addFunctionDialog")
        dialog.accepted.connect(lambda: added and self.select_cell(added[0], matrix_mod.PROVIDER))
        dialog.open()
        return dialog

    def _name_dialog(self, title: str, label: str, help_text: str, ok: str, undo_text: Callable[[str], str],
                     call: Callable[[str], object], value: str = "") -> NameDialog:
        def accept(d) -> None:
            name = d.name.text()
            if not self._apply(undo_text(name.strip()), lambda: call(name)):
                self.error.hide()
                raise ServiceError(self.error.text())

        dialog = NameDialog(title, label, help_text, ok, accept, self, value)
        dialog.setObjectName("partyDialog")
        dialog.open()
        return dialog

    def add_third_party(self) -> NameDialog:
        return self._name_dialog(
            "Add a third party", "Third party", "A vendor or contractor that does part of the work, "
            "e.g. \"Ricoh USA\" or the line-of-business software vendor.", "Add column",
            lambda n: f"Add third party {n}", lambda n: self.service.offer.add_third_party(self.engagement_id, n))

    def rename_third_party(self, party: str) -> NameDialog:
        return self._name_dialog(
            f"Rename {party}", "New name", "The column's letters are kept.", "Rename",
            lambda n: f"Rename third party {party} to {n}",
            lambda n: self.service.offer.rename_third_party(self.engagement_id, party, n), party)

    def remove_third_party(self, party: str) -> None:
        self._apply(f"Remove third party {party}", lambda: self.service.offer.remove_third_party(self.engagement_id, party))

    def accept_selected(self) -> AcceptDialog | None:
        check = self._current()
        if check is None or not check.defective:
            return None
        if check.accepted:
            self._apply(f"Withdraw acceptance of {check.name}",
                        lambda: self.service.offer.accept_as_is(self.engagement_id, check.function_id, "", accepted=False))
            return None

        def accept(d) -> None:
            note = d.note.toPlainText()
            if not self._apply(f"Accept {check.name} as is",
                               lambda: self.service.offer.accept_as_is(self.engagement_id, check.function_id, note)):
                self.error.hide()
                raise ServiceError(self.error.text())

        dialog = AcceptDialog(check.name, check.problem or "", accept, self, check.assignment.notes)
        dialog.setObjectName("acceptDialog")
        dialog.open()
        return dialog

    def remove_selected(self) -> None:
        check = self._current()
        if check is None or not check.assignment.custom:
            return
        self._apply(f"Remove function {check.name}",
                    lambda: self.service.offer.remove_custom_function(self.engagement_id, check.function_id))

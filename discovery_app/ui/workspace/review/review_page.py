"""Review & export: what still blocks the proposal, then the two client PDFs.

The checklist is the readiness check (``service.assessments.check``, domain/assessment.py); the proposal button stays disabled while it
has entries (the plan carries no prices and can always be written). Exports run as query ops on
the application's one worker (:mod:`discovery_app.ui.ops`) with a busy progress bar; when a file is
written, "Open file" and "Show in folder" appear.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QStandardPaths,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ... import shortcuts
from ...messages import show_exception
from ...ops import QueryOp, WriteOp
from ...widgets import muted, scaled_font
from ..page import PageContext, WorkspacePage

#: Workbook documents and how their files are named.
WORKBOOKS = {"workbook": "Delivery workbook", "client_workbook": "Client workbook"}
#: Import packs, by tool id (export/packs), as the choice lists them.
PACK_TOOLS = {"connectwise": "ConnectWise PSA", "autotask": "Autotask", "halopsa": "HaloPSA", "itglue": "IT Glue",
              "generic": "Generic CSV (Hudu, others)"}
PACK = "pack"
#: The proposal's internal copy (approvals, costs and margins at the end).
INTERNAL = "internal_proposal"


_PAGE_ROLE = Qt.ItemDataRole.UserRole + 1
_RECORD_ROLE = Qt.ItemDataRole.UserRole + 2


class ReviewPage(WorkspacePage):
    section_id = "review"
    title = "Review & export"
    #: The consultant asked to fix a readiness item: (page id, record or "").
    fix_requested = Signal(str, str)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._blockers: list[str] = []
        self._busy = False
        self._last_path: Path | None = None
        #: The preview of an edited workbook read back (open until applied or cancelled).
        self.workbook_dialog: Any = None

        heading = QLabel(self.title)
        heading.setFont(scaled_font(self, 1.4, bold=True))
        intro = muted(QLabel("Check what still stands in the way, then write the fixed-fee proposal the client signs, "
                             "the stabilization plan, and the delivery team's workbook."))
        intro.setWordWrap(True)

        # Checklist.
        self.check_title = QLabel()
        self.check_title.setObjectName("checkTitle")
        self.check_title.setFont(scaled_font(self, 1.0, bold=True))
        self.checklist_model = QStandardItemModel(self)
        self.checklist = QListView()
        self.checklist.setObjectName("exportBlockers")
        self.checklist.setModel(self.checklist_model)
        self.checklist.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.checklist.setWordWrap(True)
        self.checklist.setUniformItemSizes(False)
        self.checklist.setMinimumHeight(90)
        self.checklist.setAccessibleName("What blocks the proposal")
        self.checklist.setToolTip("Double-click or press Enter on an item to go where it is fixed.")
        self.checklist.activated.connect(self._fix)
        self.recheck_button = QPushButton("Check again")
        self.recheck_button.setToolTip(
            shortcuts.tip("Read the engagement again and list what blocks the proposal", "review_recheck"))
        self.recheck_button.setShortcut(shortcuts.sequence("review_recheck"))
        self.recheck_button.clicked.connect(self.load)
        check_box = QGroupBox("Before the proposal goes out")
        cl = QVBoxLayout(check_box)
        cl.addWidget(self.check_title)
        cl.addWidget(self.checklist, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.recheck_button)
        cl.addLayout(row)

        # Documents.
        self.proposal_button = QPushButton("Export proposal…")
        self.proposal_button.setObjectName("exportProposal")
        self.proposal_button.setToolTip(shortcuts.tip("Write the fixed-fee proposal as a PDF", "export_proposal"))
        self.proposal_button.setShortcut(shortcuts.sequence("export_proposal"))
        self.proposal_button.clicked.connect(lambda: self._start("proposal"))
        self.internal_button = QPushButton("Export internal copy…")
        self.internal_button.setObjectName("exportInternalProposal")
        self.internal_button.setToolTip("The same proposal marked as an internal copy, with who approved the discount "
                                        "(signatures verified), costs and margins at the end: for the practice's "
                                        "files, never for the client")
        self.internal_button.clicked.connect(lambda: self._start(INTERNAL))
        self.proposal_help = muted(QLabel())
        self.proposal_help.setWordWrap(True)
        self.password_check = QCheckBox("Protect the proposal with a password")
        self.password_check.setToolTip("For sending by email: the PDF opens only with the password")
        self.password_label = QLabel("Password")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("proposalPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("Tell the client the password by phone, not in the email")
        self.password_label.setBuddy(self.password_edit)
        self.password_error = QLabel("Type a password, or clear the check box.")
        self.password_error.setObjectName("passwordError")
        self.password_check.toggled.connect(self._password_toggled)
        self.password_edit.textChanged.connect(lambda _t: self._update_buttons())

        self.plan_button = QPushButton("Export stabilization plan…")
        self.plan_button.setObjectName("exportPlan")
        self.plan_button.setToolTip(shortcuts.tip("Write the stabilization plan as a PDF", "export_plan"))
        self.plan_button.setShortcut(shortcuts.sequence("export_plan"))
        self.plan_button.clicked.connect(lambda: self._start("plan"))
        # A re-assessment's progress report against its signed baseline (shown for re-assessments).
        self.progress_button = QPushButton("Export progress report…")
        self.progress_button.setObjectName("exportProgressReport")
        self.progress_button.setToolTip("Write the progress report against the signed baseline as a PDF")
        self.progress_button.clicked.connect(lambda: self._start("progress"))
        self.progress_help = muted(QLabel("Standards before and after, risks closed, reduced, new and accepted, plan "
                                          "tasks done and hours, and the recommended next quarter."))
        self.progress_help.setWordWrap(True)
        plan_help = muted(QLabel("Phases, ordered tasks, hours per role, owners, dependencies and definition of "
                                 "done, with a timeline. It carries no prices."))
        plan_help.setWordWrap(True)

        self.workbook_button = QPushButton("Export delivery workbook…")
        self.workbook_button.setObjectName("exportWorkbook")
        self.workbook_button.setToolTip(
            shortcuts.tip("Write the delivery team's Excel workbook, with cost and margin", "export_workbook"))
        self.workbook_button.setShortcut(shortcuts.sequence("export_workbook"))
        self.workbook_button.clicked.connect(lambda: self._start("workbook"))
        self.client_workbook_button = QPushButton("Export client workbook…")
        self.client_workbook_button.setObjectName("exportClientWorkbook")
        self.client_workbook_button.setToolTip("The same workbook without cost, margin or approvals")
        self.client_workbook_button.clicked.connect(lambda: self._start("client_workbook"))
        self.read_back_button = QPushButton("Read an edited workbook back…")
        self.read_back_button.setObjectName("readBackWorkbook")
        self.read_back_button.setToolTip("Preview, then apply, the inventory, risk and task changes the delivery "
                                         "team made in the workbook")
        self.read_back_button.clicked.connect(lambda: self.read_back_workbook())
        workbook_help = muted(QLabel("Contacts and escalation, the discovery answers, inventory, standards, risks, "
                                     "the plan's phases and tasks with dates from next Monday, matrix and pricing "
                                     "lines as Excel tables, printable. The client variant leaves out cost and "
                                     "margin."))
        workbook_help.setWordWrap(True)

        self.pack_tool = QComboBox()
        self.pack_tool.setObjectName("packTool")
        self.pack_tool.setAccessibleName("Tool the delivery team imports into")
        for tool, name in PACK_TOOLS.items():
            self.pack_tool.addItem(name, tool)
        self.pack_button = QPushButton("Export import pack…")
        self.pack_button.setObjectName("exportPack")
        self.pack_button.setToolTip("Write CSV files in the chosen tool's import shape, with a README, into a "
                                    "new folder")
        self.pack_button.clicked.connect(lambda: self._start(PACK))
        pack_help = muted(QLabel("Devices and the stabilization plan as CSV files the delivery team's own tool "
                                 "imports, checked before they are written, with a README on how to import them."))
        pack_help.setWordWrap(True)

        docs = QGroupBox("Documents")
        dl = QVBoxLayout(docs)
        dl.addWidget(self._bold("Fixed-fee proposal"))
        dl.addWidget(self.proposal_help)
        dl.addWidget(self.password_check)
        dl.addWidget(self.password_label)
        dl.addWidget(self.password_edit)
        dl.addWidget(self.password_error)
        dl.addLayout(self._left_row(self.proposal_button, self.internal_button))
        dl.addWidget(self._rule())
        dl.addWidget(self._bold("Stabilization plan"))
        dl.addWidget(plan_help)
        dl.addLayout(self._left_row(self.plan_button))
        dl.addWidget(self._rule())
        dl.addWidget(self._bold("Delivery handoff workbook"))
        dl.addWidget(workbook_help)
        dl.addLayout(self._left_row(self.workbook_button, self.client_workbook_button))
        dl.addLayout(self._left_row(self.read_back_button))
        self.progress_title = self._bold("Progress against the baseline")
        self.progress_rule = self._rule()
        dl.addWidget(self.progress_rule)
        dl.addWidget(self.progress_title)
        dl.addWidget(self.progress_help)
        dl.addLayout(self._left_row(self.progress_button))
        dl.addWidget(self._rule())
        dl.addWidget(self._bold("Import pack for the delivery team's tools"))
        dl.addWidget(pack_help)
        dl.addLayout(self._left_row(self.pack_tool, self.pack_button))

        # Progress and result.
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("exportProgress")
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(8)
        self.progress_bar.hide()
        self.result_label = QLabel()
        self.result_label.setObjectName("exportResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Open file")
        self.open_button.setObjectName("openFile")
        self.open_button.clicked.connect(self._open_file)
        self.folder_button = QPushButton("Show in folder")
        self.folder_button.setObjectName("showInFolder")
        self.folder_button.clicked.connect(self._show_folder)
        for b in (self.open_button, self.folder_button):
            b.hide()
        rr = self._left_row(self.open_button, self.folder_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(check_box, 1)
        layout.addWidget(docs)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.result_label)
        layout.addLayout(rr)
        layout.addStretch(0)
        self._password_toggled(False)
        self.setTabOrder(self.recheck_button, self.password_check)
        self.setTabOrder(self.password_check, self.password_edit)
        self.setTabOrder(self.password_edit, self.proposal_button)
        self.setTabOrder(self.proposal_button, self.plan_button)
        self.setTabOrder(self.plan_button, self.workbook_button)
        self.setTabOrder(self.workbook_button, self.client_workbook_button)
        self.setTabOrder(self.client_workbook_button, self.read_back_button)  # under the workbook buttons
        self.setTabOrder(self.read_back_button, self.pack_tool)
        self.setTabOrder(self.pack_tool, self.pack_button)

    @staticmethod
    def _left_row(*widgets: QWidget) -> QHBoxLayout:
        """Widgets side by side from the left edge."""
        row = QHBoxLayout()
        for w in widgets:
            row.addWidget(w)
        row.addStretch(1)
        return row

    @staticmethod
    def _rule() -> QFrame:
        """A thin sunken line between the documents."""
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        return line

    @staticmethod
    def _bold(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    # ---- WorkspacePage --------------------------------------------------------------------

    def load(self) -> None:
        """The checklist is the readiness check's one list (``service.assessments.check``): blockers first,
        then warnings, each saying where to fix it."""
        self.checklist_model.clear()
        style = self.style()
        later = bool(self.service.engagements.header(self.engagement_id).baseline_of)
        for w in (self.progress_rule, self.progress_title, self.progress_help, self.progress_button):
            w.setVisible(later)
        try:
            readiness = self.service.assessments.check(self.engagement_id)
        except Exception as exc:
            self._blockers = [f"The engagement could not be checked: {exc}"]
            self.check_title.setText("The engagement could not be checked")
            self.checklist_model.appendRow(QStandardItem(
                style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical), self._blockers[0]))
            self._update_buttons()
            return
        self._blockers = readiness.blocker_messages()
        n = len(self._blockers)
        if n:
            self.check_title.setText(f"{n} item{'s' if n != 1 else ''} to resolve before the proposal can be exported")
        else:
            self.check_title.setText("Ready: nothing blocks the proposal")
            self.checklist_model.appendRow(QStandardItem(
                style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
                "Required answers are complete, every responsibility has exactly one Accountable party, every "
                "risk and standards gap has its treatment, and any discount is approved."))
        icons = {True: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
                 False: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)}
        for i in (*readiness.blockers, *readiness.warnings):
            label = "" if i.blocks else "Warning: "
            item = QStandardItem(icons[i.blocks], f"{label}{i.message} ({i.where})")
            item.setToolTip(f"{i.message}\nFix it on: {i.where}")
            item.setData(i.where.page, _PAGE_ROLE)
            item.setData(i.where.record or "", _RECORD_ROLE)
            self.checklist_model.appendRow(item)
        self._update_buttons()

    def _fix(self, index: QModelIndex) -> None:
        page = index.data(_PAGE_ROLE)
        if page:
            self.fix_requested.emit(page, index.data(_RECORD_ROLE) or "")

    # ---- exporting ------------------------------------------------------------------------

    def _password_toggled(self, on: bool) -> None:
        for w in (self.password_label, self.password_edit):
            w.setVisible(on)
        if on:
            self.password_edit.setFocus()
        self._update_buttons()

    def _password(self) -> str | None:
        return self.password_edit.text() if self.password_check.isChecked() else None

    def _update_buttons(self) -> None:
        missing_pw = self.password_check.isChecked() and not self.password_edit.text()
        self.password_error.setVisible(missing_pw)
        self.proposal_button.setEnabled(not self._busy and not self._blockers and not missing_pw)
        self.internal_button.setEnabled(not self._busy and not self._blockers)
        self.plan_button.setEnabled(not self._busy)
        self.progress_button.setEnabled(not self._busy)
        self.workbook_button.setEnabled(not self._busy)
        self.client_workbook_button.setEnabled(not self._busy)
        self.pack_button.setEnabled(not self._busy)
        self.pack_tool.setEnabled(not self._busy)
        if self._blockers:
            self.proposal_help.setText("Resolve the items above first; the proposal is what the client signs.")
        else:
            self.proposal_help.setText("Cover, summary, scope by lane, responsibility matrix, findings, plan "
                                       "summary, prices, terms and the acceptance block. The internal copy, for "
                                       "the practice's files, adds who approved the discount, costs and margins.")

    def _ask_path(self, document: str, suggested: str) -> str:
        """The file to write, from a save dialog; "" when cancelled. Tests replace this."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        title = {"proposal": "Export proposal", INTERNAL: "Export the proposal's internal copy",
                 "plan": "Export stabilization plan"}.get(document, "Export workbook")
        kind = "Excel workbooks (*.xlsx)" if document in WORKBOOKS else "PDF documents (*.pdf)"
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(folder) / suggested), kind)
        return path

    def read_back_workbook(self, path: str | Path | None = None) -> None:
        """Choose an edited delivery workbook (unless given), read it off the GUI thread, preview
        what it changes (:attr:`workbook_dialog`), and apply it when the consultant says so."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Read an edited workbook back", "",
                                                    "Excel workbooks (*.xlsx)")
            if not chosen:
                return
            path = chosen
        path = Path(path)
        service, eid = self.service, self.engagement_id
        QueryOp(self, lambda: (service.handoff.preview_workbook_changes(eid, path), service.handoff.review_workbook(eid, path)),
                lambda read: self._preview_workbook(path, *read), what="Reading the workbook").with_progress(
            f"Reading {path.name}…").run_in_background(self.context.ops)

    def _preview_workbook(self, path: Path, diff: Any, review: tuple[Any, Any]) -> None:
        from .workbook_import_dialog import WorkbookImportDialog

        columns, refused = review
        service, eid = self.service, self.engagement_id
        dialog = WorkbookImportDialog(path.name, diff, columns, refused, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def applied(n: int) -> None:
            self.status.emit(f"Applied {n} change{'s' if n != 1 else ''} from {path.name}")
            self.changed.emit()

        def apply() -> None:
            WriteOp(self, lambda: service.handoff.apply_workbook_changes(eid, diff), what="Applying the workbook").success(
                applied).with_progress("Applying the changes…").run_in_background(self.context.ops)

        dialog.accepted.connect(apply)
        dialog.destroyed.connect(lambda *_: setattr(self, "workbook_dialog", None))
        self.workbook_dialog = dialog
        dialog.open()
    def _ask_folder(self) -> str:
        """The folder to put the pack's folder in, from a dialog; "" when cancelled. Tests replace this."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return QFileDialog.getExistingDirectory(self, "Export import pack: choose where to put it", folder)

    def _start(self, document: str) -> None:
        if self._busy:
            return
        if document == PACK:
            tool = self.pack_tool.currentData()
            try:
                name = str(Path(self.service.documents.file_name(self.engagement_id, "plan")).with_suffix(""))
            except Exception as exc:
                show_exception(self, "Export", exc)
                return
            chosen = self._ask_folder()
            if chosen:
                self.export_to(PACK, Path(chosen) / name.replace("Stabilization plan", f"{PACK_TOOLS[tool]} import"
                                                                 .replace(" (Hudu, others)", "")))
            return
        try:
            if document in WORKBOOKS:
                suggested = str(Path(self.service.documents.file_name(self.engagement_id, "plan")).with_suffix(""))
                suggested = suggested.replace("Stabilization plan", WORKBOOKS[document]) + ".xlsx"
            else:
                suggested = self.service.documents.file_name(self.engagement_id, document)
        except Exception as exc:
            show_exception(self, "Export", exc)
            return
        chosen = self._ask_path(document, suggested)
        if not chosen:
            return
        path = Path(chosen)
        suffix = ".xlsx" if document in WORKBOOKS else ".pdf"
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.export_to(document, path)

    def export_to(self, document: str, path: Path) -> None:
        """Write ``document`` ("proposal", "plan", a workbook or a pack) to ``path`` as a query op
        (it reads the engagement and writes a file; it changes nothing in the store)."""
        service, eid = self.service, self.engagement_id
        if document == "proposal":
            password = self._password()

            def work() -> Path:
                return service.documents.export_proposal(eid, path, password=password)
        elif document == INTERNAL:

            def work() -> Path:
                return service.documents.export_proposal(eid, path, internal=True)
        elif document == PACK:
            tool = self.pack_tool.currentData()

            def work() -> Path:
                # "Open file" then opens the README: how to import the pack.
                return service.handoff.export_pack(eid, tool, path).folder / "README.txt"
        elif document in WORKBOOKS:
            client = document == "client_workbook"

            def work() -> Path:
                return service.handoff.export_workbook(eid, path, client=client).path
        elif document == "progress":

            def work() -> Path:
                return service.baseline.export_progress(eid, path)
        else:

            def work() -> Path:
                return service.documents.export_plan(eid, path)

        label = {"proposal": "proposal", INTERNAL: "proposal's internal copy", "plan": "stabilization plan",
                 "progress": "progress report"}.get(document, WORKBOOKS.get(document, "").lower())
        if document == PACK:
            label = f"{PACK_TOOLS[self.pack_tool.currentData()]} import pack"
        self._busy = True
        self._update_buttons()
        self.open_button.hide()
        self.folder_button.hide()
        self.progress_bar.show()
        self.result_label.setText(f"Writing the {label}…")
        self.status.emit(f"Writing the {label}…")
        QueryOp(self, work, lambda result: self._finished(label, result, None), what=f"Export {label}").failure(
            lambda error: self._finished(label, None, error)).with_progress(f"Writing the {label}…").run_in_background(
            self.context.ops)

    def _finished(self, label: str, result: Any, error: BaseException | None) -> None:
        self._busy = False
        self.progress_bar.hide()
        self._update_buttons()
        if error is not None:
            self.result_label.setText(f"The {label} was not written.")
            self.status.emit(f"The {label} was not written")
            show_exception(self, f"Export {label}", error)
            return
        self._last_path = Path(result)
        where = self._last_path.parent if label.endswith("import pack") else self._last_path
        self.result_label.setText(f"Saved the {label} to {where}")
        self.status.emit(f"Saved the {label}")
        self.open_button.show()
        self.folder_button.show()
        self.open_button.setFocus()

    @property
    def last_path(self) -> Path | None:
        return self._last_path

    def _open_file(self) -> None:
        if self._last_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_path)))

    def _show_folder(self) -> None:
        if self._last_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_path.parent)))

"""Check out to laptop…, Check in from laptop… and Break checkout…: an engagement copied into a
laptop's own store and brought back, or its checkout ended by a manager (who sees what will be
lost and, once the practice lists approvers, signs the break with their key). The work runs through :mod:`.ops` (the copy and the check-in are write ops, the
comparison a query); the check-in dialog lists each section that differs with a choice of side,
and nothing is checked in while a section that needs a choice has none."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from . import ops
from .signer_key import SignerKeyFields
from .widgets import FileRow, error_label, labelled, muted

if TYPE_CHECKING:
    from ..services import Discovery
    from ..services.checkout import CheckinDone, CheckinPreview, CheckoutDone

FILTER = "Discovery stores (*.sqlite3);;All files (*)"


def _store_row(save: bool) -> FileRow:
    """A laptop store's path with Browse…; a store that exists is opened, not overwritten."""
    return FileRow(save=save, title="Laptop store", file_filter=FILTER, edit_name="laptopEdit",
                   placeholder="laptop.sqlite3", confirm_overwrite=False)




class CheckoutDialog(QDialog):
    checked_out = Signal(object)  # CheckoutDone

    def __init__(self, service: Discovery, eid: int, client: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkoutDialog")
        self.setWindowTitle("Check out to laptop")
        self.service, self.eid = service, eid
        layout = QVBoxLayout(self)
        intro = QLabel(f"Copy {client}'s engagement, with its attachments, photos, the practice's settings and "
                       "practice library, "
                       "into your laptop's own Discovery store to work on it offline. Here it becomes read-only "
                       "until you check it in.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(6)
        self.store_row = _store_row(save=True)
        labelled(layout, "&Laptop store", self.store_row,
                 "A Discovery database file on the laptop (made if it does not exist), for example the "
                 "laptop's own discovery.sqlite3.")
        self.error_label = error_label("checkoutError")
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Check out", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("checkoutButton")
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.check_out)
        self.buttons.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def check_out(self) -> None:
        path = self.store_row.path()
        if path is None:
            self.error_label.setText("Choose the laptop's store.")
            self.error_label.show()
            return
        self.error_label.hide()
        self.ok_button.setEnabled(False)
        service, eid = self.service, self.eid
        (ops.WriteOp(self, lambda: service.checkouts.check_out(eid, path), what="Checking out")
         .success(self._done).failure(self._failed).with_progress("Copying to the laptop store…")
         .run_in_background())

    def _done(self, result: CheckoutDone) -> None:
        self.checked_out.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.error_label.setText(str(exc) if ops.for_consultant(exc) else "The copy failed; nothing was checked out.")
        self.error_label.show()


class CheckinDialog(QDialog):
    """Choose the laptop store, compare, choose a side per differing section, check in."""

    checked_in = Signal(object)  # CheckinDone
    CHOOSE, LAPTOP, SHARED = "", "laptop", "shared"

    def __init__(self, service: Discovery, eid: int, client: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkinDialog")
        self.setWindowTitle("Check in from laptop")
        self.service, self.eid = service, eid
        self.preview: CheckinPreview | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(f"Bring {client}'s engagement back from the laptop's store. If it changed here too, each "
                       "section that differs is listed: choose which copy to keep. Nothing is overwritten "
                       "without a choice.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(6)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.store_row = _store_row(save=False)
        self.compare_button = QPushButton("&Compare")
        self.compare_button.setObjectName("compareButton")
        line.addWidget(self.store_row, 1)
        line.addWidget(self.compare_button)
        labelled(layout, "&Laptop store", row)
        self.error_label = error_label("checkinError")
        layout.addWidget(self.error_label)
        self.summary = QLabel()
        self.summary.setObjectName("checkinSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("sectionTable")
        self.table.setHorizontalHeaderLabels(["Section", "Changed since the checkout", "Keep"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.details = QPlainTextEdit()
        self.details.setObjectName("sectionDetails")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(110)
        layout.addWidget(muted(QLabel("What differs in the selected section:")))
        layout.addWidget(self.details)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Check in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("checkinButton")
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.check_in)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.compare_button.clicked.connect(self.compare)
        self.store_row.edit.returnPressed.connect(self.compare)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_details(row))
        self.combos: dict[str, QComboBox] = {}
        self.setMinimumSize(640, 480)

    # ---- comparing -----------------------------------------------------------------------------

    def compare(self) -> None:
        path = self.store_row.path()
        if path is None:
            self._error("Choose the laptop's store.")
            return
        self.error_label.hide()
        service, eid = self.service, self.eid
        (ops.QueryOp(self, lambda: service.checkouts.preview_checkin(eid, path), self._show, what="Comparing")
         .failure(lambda exc: self._error(str(exc) if ops.for_consultant(exc) else "The laptop store could not be read."))
         .with_progress("Comparing the copies…").run_in_background())

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
        self.ok_button.setEnabled(False)

    def _show(self, preview: CheckinPreview) -> None:
        self.preview = preview
        plan = preview.plan
        if plan.fast:
            text = "Nobody changed it here since the checkout: the laptop copy replaces it."
        elif plan.broken:
            text = ("The checkout was broken, so nothing of the laptop's comes back without a choice: choose a "
                    "copy for each section below.")
        else:
            text = "It changed here and on the laptop since the checkout: choose a copy where both changed."
        differing = plan.differing
        if not differing:
            text += " The two copies are the same."
        if preview.break_words:
            text += " " + preview.break_words
        self.summary.setText(text)
        self.table.setRowCount(len(differing))
        self.combos.clear()
        for i, s in enumerate(differing):
            self.table.setItem(i, 0, QTableWidgetItem(s.label))
            where = ("here and on the laptop" if s.laptop_changed and s.shared_changed
                     else "on the laptop" if s.laptop_changed else "here" if s.shared_changed else "neither")
            self.table.setItem(i, 1, QTableWidgetItem(where))
            combo = QComboBox()
            combo.setObjectName(f"keep_{s.key}")
            combo.setAccessibleName(f"Keep for {s.label}")
            combo.addItem("Choose…", self.CHOOSE)
            combo.addItem("Laptop copy", self.LAPTOP)
            combo.addItem("Shared copy", self.SHARED)
            default = "laptop" if plan.fast else s.default(plan.broken)
            if default is not None:
                combo.setCurrentIndex(combo.findData(str(default)))
            combo.currentIndexChanged.connect(self._update_ok)
            self.table.setCellWidget(i, 2, combo)
            self.combos[s.key] = combo
        if differing:
            self.table.setCurrentCell(0, 0)
        self._update_ok()

    def _show_details(self, row: int) -> None:
        if self.preview is None or not 0 <= row < len(self.preview.plan.differing):
            self.details.clear()
            return
        self.details.setPlainText("\n".join(self.preview.plan.differing[row].lines))

    def choices(self) -> dict[str, Any]:
        from ..domain.checkout import Side

        return {key: Side(combo.currentData()) for key, combo in self.combos.items() if combo.currentData()}

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self.preview is not None and all(c.currentData() for c in self.combos.values()))

    # ---- checking in ---------------------------------------------------------------------------

    def check_in(self) -> None:
        path = self.store_row.path()
        if path is None or self.preview is None:
            return
        service, eid, choices = self.service, self.eid, self.choices()
        self.ok_button.setEnabled(False)
        (ops.WriteOp(self, lambda: service.checkouts.check_in(eid, path, choices), what="Checking in")
         .success(self._done).failure(lambda exc: self._error(str(exc) if ops.for_consultant(exc) else
                                                              "The check-in failed; nothing was written."))
         .with_progress("Checking in…").run_in_background())

    def _done(self, result: CheckinDone) -> None:
        self.checked_in.emit(result)
        self.accept()


class BreakCheckoutDialog(QDialog):
    """What breaking the checkout loses, and the manager's key when the practice lists approvers;
    Cancel is the default."""

    broken = Signal(object)  # Mark

    def __init__(self, service: Discovery, eid: int, client: str, warning: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("breakCheckoutDialog")
        self.setWindowTitle("Break checkout")
        self.service, self.eid = service, eid
        layout = QVBoxLayout(self)
        title = QLabel(f"Break the checkout of {client}?")
        title.setObjectName("breakTitle")
        layout.addWidget(title)
        self.warning = QLabel(warning)
        self.warning.setObjectName("breakWarning")
        self.warning.setWordWrap(True)
        layout.addWidget(self.warning)
        layout.addSpacing(6)
        self.needs_key = service.checkouts.break_needs_key()
        self.fields: SignerKeyFields | None = None
        if self.needs_key:
            note = QLabel("Only a manager can break a checkout: sign it with your approver key. The signed record "
                          "is kept with the checkout.")
            note.setWordWrap(True)
            layout.addWidget(note)
            self.fields = SignerKeyFields()
            layout.addWidget(self.fields)
        else:
            note = muted(QLabel("The practice lists no approvers, so the authority to break it is not checked."))
            note.setObjectName("breakUnchecked")
            note.setWordWrap(True)
            layout.addWidget(note)
        self.error_label = error_label("breakError")
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Break checkout", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.ok_button.setObjectName("breakButton")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        self.ok_button.clicked.connect(self.break_it)
        self.buttons.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def break_it(self) -> None:
        from ..services import ServiceError

        key: Any = None
        if self.fields is not None:
            try:
                key = self.fields.key()
            except ServiceError as exc:
                self._failed(exc)
                return
        self.error_label.hide()
        self.ok_button.setEnabled(False)
        service, eid = self.service, self.eid
        (ops.WriteOp(self, lambda: service.checkouts.break_checkout(eid, key), what="Breaking the checkout")
         .success(self._done).failure(self._failed).run_in_background())

    def _done(self, mark: Any) -> None:
        self.broken.emit(mark)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.error_label.setText(str(exc) if ops.for_consultant(exc) else "The checkout was not broken.")
        self.error_label.show()

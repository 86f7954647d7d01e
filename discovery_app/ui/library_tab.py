"""Settings › Library: the practice library's form packages (package, version, who published it,
when, published or withdrawn), with Publish folder…, Export… and Withdraw. What is done here is
saved at once, as with ``discovery-app library``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import locale_text
from . import app_locale
from .messages import confirm
from .widgets import error_colour, muted

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from ..services import Discovery
    from ..services.library import Entry

COLUMNS = ("Package", "Version", "Published by", "When", "Status")


class LibraryTab(QWidget):
    """The library's entries, and the buttons that publish, export and withdraw."""

    #: Something was published or withdrawn: the forms offered changed.
    changed = Signal()

    def __init__(self, service: Discovery, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryTab")
        self.service = service
        self._entries: list[Entry] = []
        self.confirm_box: QMessageBox | None = None
        lay = QVBoxLayout(self)
        intro = muted(QLabel("Form packages published here (with their rates, risk texts, task templates and terms) "
                             "are offered to every consultant of this store beside the installed forms, and each "
                             "checkout copies them to the laptop. Engagements keep the form they were started with. "
                             "What you do here is saved at once."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("libraryTable")
        self.table.setAccessibleName("Practice library")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._enable)
        self.empty = muted(QLabel("The practice library is empty: publish a form package folder to share it."))
        self.empty.setObjectName("libraryEmpty")
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)

        self.publish_button = QPushButton("&Publish folder…")
        self.publish_button.setObjectName("libraryPublish")
        self.publish_button.setToolTip("Check a form package folder as 'forms check' does and publish it")
        self.publish_button.clicked.connect(self.publish)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setObjectName("libraryExport")
        self.export_button.setToolTip("Write the selected package's files into a new or empty folder")
        self.export_button.clicked.connect(self.export)
        self.withdraw_button = QPushButton("&Withdraw")
        self.withdraw_button.setObjectName("libraryWithdraw")
        self.withdraw_button.setToolTip("No new engagement starts from the selected version")
        self.withdraw_button.clicked.connect(self.withdraw)
        row = QHBoxLayout()
        row.addWidget(self.publish_button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(self.withdraw_button)
        lay.addLayout(row)

        self.message = QLabel()
        self.message.setObjectName("libraryMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        lay.addWidget(self.message)
        self.setTabOrder(self.table, self.publish_button)
        self.setTabOrder(self.publish_button, self.export_button)
        self.setTabOrder(self.export_button, self.withdraw_button)
        self.refresh()

    # ---- showing -----------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        from ..services.library import status

        self._entries = self.service.library.entries()
        loc = app_locale.current()
        self.table.setRowCount(len(self._entries))
        for r, e in enumerate(self._entries):
            texts = (f"{e.title} ({e.package_id})", str(e.version), e.published_by,
                     locale_text.format_moment(e.published_at, loc), status(e).capitalize())
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.setVisible(bool(self._entries))
        self.empty.setVisible(not self._entries)
        if select is not None:
            for r, e in enumerate(self._entries):
                if e.key == select:
                    self.table.selectRow(r)
        self._enable()

    def selected(self) -> Entry | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._entries):
            return None
        return self._entries[rows[0].row()]

    def _enable(self) -> None:
        entry = self.selected()
        self.export_button.setEnabled(entry is not None)
        self.withdraw_button.setEnabled(entry is not None and not entry.withdrawn)

    def _say(self, text: str, *, error: bool = False) -> None:
        pal = self.palette()
        if error:
            pal.setColor(self.message.foregroundRole(), error_colour(pal))
        self.message.setPalette(pal)
        self.message.setText(text)
        self.message.show()

    # ---- asking (tests replace these) ----------------------------------------------------------

    def _ask_package_folder(self) -> str:
        """The package folder to publish; "" when cancelled."""
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return QFileDialog.getExistingDirectory(self, "Publish a form package: choose its folder", start)

    def _ask_export_folder(self, key: str) -> str:
        """A new or empty folder to export into; "" when cancelled."""
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return QFileDialog.getExistingDirectory(self, f"Export {key}: choose a new or empty folder", start)

    # ---- commands ------------------------------------------------------------------------------

    def publish(self) -> bool:
        from ..services import ServiceError
        from ..storage.db import StoreError

        folder = self._ask_package_folder()
        if not folder:
            return False
        try:
            entry = self.service.library.publish(Path(folder))
        except (ServiceError, StoreError) as exc:
            self._say(str(exc), error=True)
            return False
        self.refresh(select=entry.key)
        self._say(f"{entry.key} ({entry.title}) is in the practice library.")
        self.changed.emit()
        return True

    def export(self) -> bool:
        from ..services import ServiceError

        entry = self.selected()
        if entry is None:
            self._say("Select the package to export.", error=True)
            return False
        folder = self._ask_export_folder(entry.key)
        if not folder:
            return False
        try:
            written = self.service.library.export(entry.key, Path(folder))
        except ServiceError as exc:
            self._say(str(exc), error=True)
            return False
        self._say(f"Wrote {entry.key} to {written}.")
        return True

    def withdraw(self) -> QMessageBox | None:
        entry = self.selected()
        if entry is None or entry.withdrawn:
            self._say("Select a published package to withdraw.", error=True)
            return None
        key = entry.key
        self.confirm_box = confirm(
            self, "Withdraw from the library", f"Withdraw {entry.title}, version {entry.version}?",
            "No new engagement starts from it; engagements started with it keep their copy. A withdrawal is not "
            "undone: to offer it again, publish it with a higher version.",
            accept_text="Withdraw", on_accept=lambda: self._withdraw(key), destructive=True)
        return self.confirm_box

    def _withdraw(self, key: str) -> None:
        from ..services import ServiceError
        from ..storage.db import StoreError

        try:
            self.service.library.withdraw(key)
        except (ServiceError, StoreError) as exc:
            self._say(str(exc), error=True)
            return
        self.refresh(select=key)
        self._say(f"{key} is withdrawn.")
        self.changed.emit()

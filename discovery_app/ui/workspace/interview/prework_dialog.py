"""The client's pre-work from the Client page: send the workbook, read it back with a preview of
every answer beside the current one, and save what the consultant agrees to.

The same as ``discovery-app prework export`` / ``prework import``. Nothing is saved until Save;
answers the consultant already gave are kept unless ticked "use the client's" here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ....domain.filenames import safe_file_name
from ...ops import QueryOp, WriteOp
from ...widgets import apply_buttons, scaled_font

if TYPE_CHECKING:
    from ....services.prework import PreworkPreview
    from ..page import WorkspacePage

STATUS_TEXT = {"new": "New", "same": "Same as yours", "differs": "Differs from yours"}
QID_ROLE = Qt.ItemDataRole.UserRole


class PreworkDialog(QDialog):
    """Preview of a returned pre-work workbook; accepted means "save these answers"."""

    def __init__(self, preview: PreworkPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(f"Client pre-work: {preview.source}")
        self.resize(1040, 660)
        counts = preview.counts()
        title = QLabel(f"Answers in {preview.source}" + (f", from {preview.filled_by}" if preview.filled_by else ""))
        title.setFont(scaled_font(self, 1.25, bold=True))
        title.setWordWrap(True)
        self.summary_label = QLabel(
            f"{counts['new']} new, {counts['differs']} differ from yours, {counts['same']} the same. New answers are "
            "saved marked “from the client, to confirm”. Where the client's answer differs, yours is kept unless "
            "you tick it; either way you see both in the questionnaire.")
        self.summary_label.setObjectName("preworkSummary")
        self.summary_label.setWordWrap(True)

        self.answers = QTreeWidget()
        self.answers.setObjectName("preworkAnswers")
        self.answers.setRootIsDecorated(False)
        self.answers.setAlternatingRowColors(True)
        self.answers.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.answers.setHeaderLabels(["Question", "Section", "Your answer", "The client's answer", "What happens"])
        header = self.answers.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 150)
        header.resizeSection(2, 170)
        header.resizeSection(3, 170)
        header.resizeSection(4, 170)
        for status in ("differs", "new", "same"):
            for line in preview.of(status):
                item = QTreeWidgetItem([line.label, line.section, line.current or "—", line.incoming,
                                        STATUS_TEXT[status]])
                item.setData(0, QID_ROLE, line.question_id)
                item.setToolTip(0, f"{line.label} ({line.where})")
                item.setToolTip(2, line.current)
                item.setToolTip(3, line.incoming)
                if status == "differs":
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(0, Qt.CheckState.Unchecked)
                    item.setText(4, "Keep yours (tick to use the client's)")
                elif status == "new":
                    item.setText(4, "Save, to confirm")
                else:
                    item.setText(4, "Nothing to do")
                self.answers.addTopLevelItem(item)
        self.answers.itemChanged.connect(lambda *_: self._update_button())

        others = [f"New site: {s.name}" for s in preview.sites_new]
        others += [f"New contact: {c.name}" + (f", {c.role}" if c.role else "") for c in preview.contacts_new]
        others += preview.kept
        self.others = QListWidget()
        self.others.setObjectName("preworkPeople")
        self.others.addItems(others)
        self.others.setVisible(bool(others))
        self.others.setMaximumHeight(90)
        self.problems_label = QLabel(
            f"{len(preview.problems)} answer{'s' if len(preview.problems) != 1 else ''} could not be read and will "
            "not be saved (ask on site):" if preview.problems else "Every answer could be read.")
        self.problems_label.setObjectName("preworkProblemsLabel")
        self.problems = QListWidget()
        self.problems.setObjectName("preworkProblems")
        self.problems.addItems(preview.problems)
        self.problems.setVisible(bool(preview.problems))
        self.problems.setMaximumHeight(110)

        self.apply_button = QPushButton()
        buttons = apply_buttons(self, self.apply_button, QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.answers, 3)
        layout.addWidget(self.others)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self._update_button()

    def take(self) -> list[str]:
        """The question ids whose differing answer the consultant ticked to replace with the client's."""
        out = []
        for i in range(self.answers.topLevelItemCount()):
            item = self.answers.topLevelItem(i)
            if item is not None and item.checkState(0) == Qt.CheckState.Checked:
                out.append(item.data(0, QID_ROLE))
        return out

    def _update_button(self) -> None:
        n = len(self.preview.of("new")) + len(self.take())
        people = len(self.preview.sites_new) + len(self.preview.contacts_new)
        parts = []
        if n:
            parts.append(f"{n} answer{'s' if n != 1 else ''}")
        if people:
            parts.append(f"{people} site{'s' if people != 1 else ''} and contacts" if people > 1 else "1 site or contact")
        remembered = len(self.preview.of("differs")) - len(self.take())
        self.apply_button.setText("Save " + " and ".join(parts) if parts else
                                  ("Note the client's answers" if remembered else "Nothing to save"))
        self.apply_button.setEnabled(bool(parts) or remembered > 0)
        self.apply_button.setDefault(self.apply_button.isEnabled())


# ---- the Client page's actions ---------------------------------------------------------------


def prework_buttons(page: WorkspacePage) -> QHBoxLayout:
    """The Client page's two pre-work buttons, in a row."""
    send = QPushButton("Send pre-work to the client…")
    send.setObjectName("sendPreworkButton")
    send.setToolTip("Write an Excel workbook with the questions the client can answer before the visit")
    read = QPushButton("Read the client's pre-work…")
    read.setObjectName("readPreworkButton")
    read.setToolTip("Read a returned pre-work workbook: every answer beside yours before anything is saved")
    send.clicked.connect(lambda: send_prework(page))
    read.clicked.connect(lambda: read_prework(page))
    row = QHBoxLayout()
    row.addWidget(send)
    row.addWidget(read)
    row.addStretch(1)
    return row


def send_prework(page: WorkspacePage, path: str | Path | None = None) -> None:
    """Choose where (unless given) and write the pre-work workbook, off the GUI thread."""
    service, eid = page.service, page.engagement_id
    if path is None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = safe_file_name(f"Pre-work - {service.engagements.header(eid).client_name}.xlsx")
        chosen, _ = QFileDialog.getSaveFileName(page, "Send pre-work to the client", str(Path(folder) / name),
                                                "Excel workbooks (*.xlsx)")
        if not chosen:
            return
        path = chosen
    target = Path(path)

    def written(out: Path) -> None:
        page.status.emit(f"Wrote {out.name}: send it to the client and import it when it comes back")

    QueryOp(page, lambda: service.prework.export(eid, target), written,
            what="Writing the pre-work workbook").with_progress(f"Writing {target.name}…").run_in_background(
        page.context.ops)


def read_prework(page: WorkspacePage, path: str | Path | None = None) -> None:
    """Choose a returned workbook (unless given), read it off the GUI thread and open the preview
    (``page.prework_dialog``); saves what the consultant agrees to."""
    service, eid = page.service, page.engagement_id
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(page, "Read the client's pre-work", "", "Excel workbooks (*.xlsx)")
        if not chosen:
            return
        path = chosen
    source = Path(path)

    def show(preview: PreworkPreview) -> None:
        dialog = PreworkDialog(preview, page)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.prework_dialog = dialog  # type: ignore[attr-defined]  # for tests and scripts

        def saved(done: dict[str, int]) -> None:
            page.load()
            page.changed.emit()
            n = done["answered"] + done["replaced"]
            page.status.emit(f"Saved {n} answer{'s' if n != 1 else ''} from the client, to confirm in the "
                             "questionnaire")

        def apply() -> None:
            take = dialog.take()
            WriteOp(page, lambda: service.prework.apply(eid, preview, take=take),
                    what="Saving the client's answers").success(saved).with_progress(
                "Saving the client's answers…").run_in_background(page.context.ops)

        dialog.accepted.connect(apply)
        dialog.open()

    QueryOp(page, lambda: service.prework.preview(eid, source), show,
            what="Reading the pre-work workbook").with_progress(f"Reading {source.name}…").run_in_background(
        page.context.ops)

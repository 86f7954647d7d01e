"""The detail pane of the selected risk: its fields, evidence notes and files, and its links.

The pane only shows and reports: each finished edit is emitted as ``edited(field, value)`` and the
page saves it through the service (and onto the undo stack). Typing in the long text fields is
reported after a short pause, when the field loses focus, or when :meth:`flush` is called.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QIcon,
    QImage,
    QPixmap,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ....domain import risks as rk
from ....domain.engagement import Attachment, Risk
from ....domain.forms import RiskCategory, StandardCategory
from ...widgets import labelled, muted, scaled_font
from .risk_library_dialog import level_combo
from .risk_model import category_label

UID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The treatment choices: None lets a linked remediation item decide.
TREATMENTS = (
    ("By its remediation items", None),
    ("Accepted by the client", "accepted"),
    ("Tracked, no work promised", "tracked"),
)
THUMB = 88


def fit_combo(combo: QComboBox, chars: int = 10) -> None:
    """A combo that takes the room its form column has (at least ``chars`` characters, never
    its longest choice's width) while its list opens as wide as the longest choice."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    fm = combo.fontMetrics()
    widest = max((fm.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    combo.view().setMinimumWidth(widest + fm.averageCharWidth() * 4)


class NotesEdit(QPlainTextEdit):
    """A multi-line field that reports its text once typing pauses or focus leaves."""

    committed = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)
        self._saved = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(800)
        self._timer.timeout.connect(self.commit)
        self.textChanged.connect(self._typed)

    def set_saved_text(self, text: str) -> None:
        self._timer.stop()
        self._saved = text
        if self.toPlainText() != text:
            self.blockSignals(True)
            self.setPlainText(text)
            self.blockSignals(False)

    def _typed(self) -> None:
        self._timer.start()

    def commit(self) -> None:
        self._timer.stop()
        text = self.toPlainText()
        if text != self._saved:
            self._saved = text
            self.committed.emit(text)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.commit()
        super().focusOutEvent(event)


class RiskDetail(QWidget):
    edited = Signal(str, object)
    add_files_requested = Signal()
    open_file_requested = Signal(str)
    remove_file_requested = Signal(str)
    #: A photo's "in the proposal" tick changed: (attachment uid, shown).
    photo_in_proposal_changed = Signal(str, bool)
    link_inventory_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._risk: Risk | None = None
        self.cuts = rk.SHIPPED_CUTS  # the engagement form's band cut-offs, set by the page
        self.heading = QLabel("No risk selected")
        self.heading.setWordWrap(True)
        self.heading.setFont(scaled_font(self, 1.15, bold=True))

        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.category = QComboBox()
        self.category.setAccessibleName("Category")
        for c in RiskCategory:
            self.category.addItem(category_label(c.value), c.value)
        self.likelihood = level_combo(rk.LIKELIHOOD_WORDS, "Likelihood")
        self.impact = level_combo(rk.IMPACT_WORDS, "Impact")
        self.score = QLabel()
        self.score.setFont(scaled_font(self, 1.0, bold=True))
        self.score.setObjectName("riskScore")
        self.standard = QComboBox()
        self.standard.setAccessibleName("Standards category")
        self.treatment = QComboBox()
        self.treatment.setObjectName("riskTreatment")
        self.treatment.setAccessibleName("Treatment")
        for text, value in TREATMENTS:
            self.treatment.addItem(text, value)
        self.treatment_now = muted(QLabel())
        self.treatment_now.setObjectName("riskTreatmentNow")
        self.treatment_now.setWordWrap(True)
        self.inventory = QLabel()
        self.inventory.setWordWrap(True)
        self.link_button = QPushButton("Link inventory items…")

        self.description = NotesEdit("Description")
        self.why = NotesEdit("Why it matters")
        self.evidence = NotesEdit("Evidence notes")
        for w in (self.description, self.why, self.evidence):
            w.setMinimumHeight(48)

        self.files_model = QStandardItemModel(self)
        self.files = QListView()
        self.files.setModel(self.files_model)
        self.files.setViewMode(QListView.ViewMode.IconMode)
        self.files.setIconSize(QSize(THUMB, THUMB))
        self.files.setGridSize(QSize(THUMB + 40, THUMB + 36))
        self.files.setResizeMode(QListView.ResizeMode.Adjust)
        self.files.setMovement(QListView.Movement.Static)
        self.files.setWordWrap(True)
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.setAccessibleName("Evidence files")
        self.files_empty = muted(QLabel("No files yet: add photos, PDFs or documents that show what you saw."))
        self.files_empty.setWordWrap(True)
        self.add_files_button = QPushButton("Add files…")
        self.open_button = QPushButton("Open")
        self.remove_button = QPushButton("Remove")

        # The risk's fields as a form, label beside field: labels above every combo took a line
        # each, and at 1280x800 the pane is short enough that the wrapped heading and treatment
        # note squeezed the combos to half their height. Combos share the column's width (their
        # popups stay as wide as their longest choice).
        col1 = QVBoxLayout()
        col1.addWidget(self.heading)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.standard.setToolTip("The category of the standard stack this risk concerns")
        for text, field in (("Title", self.title), ("Category", self.category), ("Standard", self.standard),
                            ("Likelihood", self.likelihood), ("Impact", self.impact)):
            if isinstance(field, QComboBox):
                fit_combo(field)
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow(self.score)
        fit_combo(self.treatment)
        treatment_label = QLabel("Treatment")
        treatment_label.setBuddy(self.treatment)
        form.addRow(treatment_label, self.treatment)
        form.addRow(self.treatment_now)
        col1.addLayout(form)
        links = QLabel("Linked inventory")
        col1.addWidget(links)
        col1.addWidget(self.inventory)
        col1.addWidget(self.link_button, 0, Qt.AlignmentFlag.AlignLeft)
        col1.addStretch(1)

        col2 = QVBoxLayout()
        labelled(col2, "Description", self.description)
        labelled(col2, "Why it matters", self.why)
        labelled(col2, "Evidence notes", self.evidence, "What you saw, where and when.")

        col3 = QVBoxLayout()
        files_label = QLabel("Evidence files")
        files_label.setBuddy(self.files)
        col3.addWidget(files_label)
        col3.addWidget(self.files, 1)
        col3.addWidget(self.files_empty)
        # Add on its own line, Open and Remove under it: the column stays narrow enough for the
        # fields' form to show its choices whole.
        buttons = QGridLayout()
        buttons.addWidget(self.add_files_button, 0, 0)
        buttons.addWidget(self.open_button, 1, 0)
        buttons.addWidget(self.remove_button, 1, 1)
        buttons.setColumnStretch(2, 1)
        col3.addLayout(buttons)
        files_note = muted(QLabel("Files are copied into the engagement (up to 25 MB each). Ticked photos appear "
                                  "in the proposal's evidence-photos appendix."))
        files_note.setWordWrap(True)
        col3.addWidget(files_note)

        outer = QHBoxLayout(self)
        for n, col in enumerate((col1, col2, col3)):
            if n:
                line = QFrame()
                line.setFrameShape(QFrame.Shape.VLine)
                line.setFrameShadow(QFrame.Shadow.Sunken)
                outer.addWidget(line)
            # The fields' form gets as much as the notes: its combos show their choices whole.
            outer.addLayout(col, (4, 3, 2)[n])

        self.title.editingFinished.connect(lambda: self._emit("title", self.title.text().strip()))
        self.category.activated.connect(lambda _i: self._emit("category", self.category.currentData()))
        self.likelihood.activated.connect(lambda _i: self._emit("likelihood", self.likelihood.currentData()))
        self.impact.activated.connect(lambda _i: self._emit("impact", self.impact.currentData()))
        self.standard.activated.connect(lambda _i: self._emit("standard_category", self.standard.currentData()))
        self.treatment.activated.connect(lambda _i: self._emit("treatment", self.treatment.currentData()))
        self.description.committed.connect(lambda t: self._emit("description", t))
        self.why.committed.connect(lambda t: self._emit("why_it_matters", t))
        self.evidence.committed.connect(lambda t: self._emit("evidence", t))
        self.link_button.clicked.connect(self.link_inventory_requested)
        self.add_files_button.clicked.connect(self.add_files_requested)
        self.open_button.clicked.connect(self._open_current)
        self.remove_button.clicked.connect(self._remove_current)
        self.files.doubleClicked.connect(lambda idx: self.open_file_requested.emit(idx.data(UID_ROLE)))
        self.files.selectionModel().selectionChanged.connect(lambda *_: self._file_buttons())
        self.files_model.itemChanged.connect(self._photo_ticked)
        self.show_risk(None)

    def minimumSizeHint(self) -> QSize:
        """At least the height the wrapped heading and notes need at the pane's width: a box
        layout's minimum counts them as one line, and the combos paid for the second."""
        hint = super().minimumSizeHint()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth() and self.width() > 0:
            hint.setHeight(max(hint.height(), layout.totalMinimumHeightForWidth(self.width())))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # the minimum height above follows the width

    # ---- showing ---------------------------------------------------------------------------

    def set_categories(self, categories: list[StandardCategory]) -> None:
        self.standard.clear()
        self.standard.addItem("(none)", None)
        for c in categories:
            self.standard.addItem(c.name, c.id)
        fit_combo(self.standard)

    def show_risk(
        self,
        risk: Risk | None,
        attachments: list[Attachment] | None = None,
        inventory_names: list[str] | None = None,
        thumbnail: Callable[[Attachment], QImage | None] | None = None,
        treatment: str = "",
    ) -> None:
        self._risk = risk
        self.show_treatment(risk, treatment)
        editable = risk is not None
        for w in (self.title, self.category, self.likelihood, self.impact, self.standard, self.treatment, self.description,
                  self.why, self.evidence, self.link_button, self.add_files_button, self.files):
            w.setEnabled(editable)
        if risk is None:
            self.heading.setText("No risk selected")
            for w in (self.title,):
                w.clear()
            for n in (self.description, self.why, self.evidence):
                n.set_saved_text("")
            self.score.setText("Select a risk in the register to edit it here.")
            self.inventory.setText("")
            self.files_model.clear()
            self.files_empty.setVisible(False)
            self._file_buttons()
            return
        self.heading.setText(risk.title)
        if self.title.text() != risk.title:
            self.title.setText(risk.title)
        self.category.setCurrentIndex(max(0, self.category.findData(risk.category.value)))
        self.likelihood.setCurrentIndex(risk.likelihood - 1)
        self.impact.setCurrentIndex(risk.impact - 1)
        band = rk.BAND_LABELS[self.cuts.of(risk.likelihood, risk.impact)]
        self.score.setText(f"Score {risk.score} of 25 · {band}")
        self.standard.setCurrentIndex(max(0, self.standard.findData(risk.standard_category)))
        self.description.set_saved_text(risk.description)
        self.why.set_saved_text(risk.why_it_matters)
        self.evidence.set_saved_text(risk.evidence)
        self._show_inventory(inventory_names or [])
        self._show_files(attachments or [], thumbnail)

    def show_treatment(self, risk: Risk | None, text: str) -> None:
        """The recorded choice, and how the risk is treated now (a linked item decides first)."""
        value = risk.treatment.value if risk is not None and risk.treatment else None
        self.treatment.setCurrentIndex(max(0, self.treatment.findData(value)))
        self.treatment_now.setText(f"Now: {text}" if risk is not None and text else "")

    def risk_saved(self, risk: Risk, inventory_names: list[str]) -> None:
        """The shown risk was saved: show what the store now holds without touching the text a
        consultant may already be typing into another field."""
        if self._risk is None or self._risk.uid != risk.uid:
            return
        self._risk = risk
        self.heading.setText(risk.title)
        if not self.title.hasFocus() and self.title.text() != risk.title:
            self.title.setText(risk.title)
        self.category.setCurrentIndex(max(0, self.category.findData(risk.category.value)))
        self.likelihood.setCurrentIndex(risk.likelihood - 1)
        self.impact.setCurrentIndex(risk.impact - 1)
        self.standard.setCurrentIndex(max(0, self.standard.findData(risk.standard_category)))
        band = rk.BAND_LABELS[self.cuts.of(risk.likelihood, risk.impact)]
        self.score.setText(f"Score {risk.score} of 25 · {band}")
        self._show_inventory(inventory_names)

    def _show_inventory(self, names: list[str]) -> None:
        if not names:
            self.inventory.setText("None linked.")
        else:
            shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            self.inventory.setText(shown)

    def _show_files(self, attachments: list[Attachment], thumbnail: Callable[[Attachment], QImage | None] | None) -> None:
        current = self.current_file()
        self.files_model.clear()
        file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for a in attachments:
            item = QStandardItem(a.file_name)
            item.setEditable(False)
            item.setData(a.uid, UID_ROLE)
            image = thumbnail(a) if thumbnail else None
            if image is not None and not image.isNull():
                pix = QPixmap.fromImage(image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                     Qt.TransformationMode.SmoothTransformation))
                item.setIcon(QIcon(pix))
            else:
                item.setIcon(file_icon)
            size = f"{a.size / 1048576:.1f} MB" if a.size >= 1048576 else f"{max(1, round(a.size / 1024))} KB"
            shown = ""
            if a.is_image:
                # A photo carries its "in the proposal" tick (Space or a click toggles it).
                item.setCheckable(True)
                item.setCheckState(Qt.CheckState.Checked if a.in_proposal else Qt.CheckState.Unchecked)
                shown = ("\nIn the proposal's evidence-photos appendix (untick to leave it out)" if a.in_proposal
                         else "\nLeft out of the proposal (tick to show it in the evidence-photos appendix)")
            item.setToolTip(f"{a.file_name} · {size}" + (f"\n{a.note}" if a.note else "") + shown)
            self.files_model.appendRow(item)
            if a.uid == current:
                self.files.setCurrentIndex(item.index())
        self.files_empty.setVisible(not attachments)
        self._file_buttons()

    def _photo_ticked(self, item: QStandardItem) -> None:
        if not item.isCheckable() or self._risk is None:
            return
        uid, shown = item.data(UID_ROLE), item.checkState() == Qt.CheckState.Checked
        # After the view has finished with the item: saving reloads the list, which deletes it.
        QTimer.singleShot(0, lambda: self.photo_in_proposal_changed.emit(uid, shown))

    def file_names(self) -> list[str]:
        return [self.files_model.item(r).text() for r in range(self.files_model.rowCount())]

    def current_file(self) -> str | None:
        idx = self.files.currentIndex()
        return idx.data(UID_ROLE) if idx.isValid() and self.files.selectionModel().isSelected(idx) else None

    def _file_buttons(self) -> None:
        chosen = self._risk is not None and self.current_file() is not None
        self.open_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    # ---- reporting -------------------------------------------------------------------------

    def _emit(self, field: str, value: object) -> None:
        if self._risk is None:
            return
        current = getattr(self._risk, field)
        current = getattr(current, "value", current)
        if value != current:
            self.edited.emit(field, value)

    def flush(self) -> None:
        for n in (self.description, self.why, self.evidence):
            n.commit()
        if self._risk is not None and self.title.text().strip() != self._risk.title:
            self._emit("title", self.title.text().strip())

    def _open_current(self) -> None:
        uid = self.current_file()
        if uid:
            self.open_file_requested.emit(uid)

    def _remove_current(self) -> None:
        uid = self.current_file()
        if uid:
            self.remove_file_requested.emit(uid)

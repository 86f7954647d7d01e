"""Client & sites: who the client is, where the engagement stands, its sites and contacts."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ....domain import facts as facts_mod
from ....domain.engagement import STATUS_FLOW, STATUS_LABELS, Contact, Site, Status
from ....domain.forms import Fact
from ...date_input import DateInput
from ...ops import for_consultant
from ...widgets import error_colour, muted, scaled_font
from ..page import PageContext, WorkspacePage
from ..table_models import RecordColumn, RecordTableModel
from ..undo import ServiceCommand
from .prework_dialog import prework_buttons
from .question_fields import DEBOUNCE_MS

TEXT_FIELDS = (
    ("client_name", "Client name *", "The organisation as it should appear on the proposal"),
    ("consultant", "Consultant", "Who runs this discovery"),
    ("internal_it_owner", "Internal IT owner", "The client's named person for IT: takes part in governance"),
    ("industry", "Industry", ""),
)
SITE_COLUMNS = (
    RecordColumn("name", "Site"), RecordColumn("address", "Address"),
    RecordColumn("user_count", "Users", "int"), RecordColumn("notes", "Notes"),
)
CONTACT_COLUMNS = (
    RecordColumn("name", "Name"), RecordColumn("role", "Role"), RecordColumn("email", "Email"),
    RecordColumn("phone", "Phone"), RecordColumn("decision_maker", "Decides", "bool"),
)


class _Debounced(QObject):
    """Calls ``commit(text)`` after a typing pause, on Enter and when focus leaves."""

    def __init__(self, edit: QLineEdit | QPlainTextEdit, commit: Callable[[str], None]) -> None:
        super().__init__(edit)
        self.edit = edit
        self.commit = commit
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.fire)
        if isinstance(edit, QLineEdit):
            edit.textEdited.connect(lambda _t: self.timer.start())
        else:
            edit.textChanged.connect(self._typed)
        self.loading = False
        edit.installEventFilter(self)

    def _typed(self) -> None:
        if not self.loading:
            self.timer.start()

    def text(self) -> str:
        e = self.edit
        return e.text() if isinstance(e, QLineEdit) else e.toPlainText()

    def set_text(self, text: str) -> None:
        self.timer.stop()
        self.loading = True
        if isinstance(self.edit, QLineEdit):
            if self.edit.text() != text:
                self.edit.setText(text)
        elif self.edit.toPlainText() != text:
            self.edit.setPlainText(text)
        self.loading = False

    def fire(self) -> None:
        self.timer.stop()
        self.commit(self.text())

    def flush(self) -> None:
        if self.timer.isActive():
            self.fire()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
                self.flush()
                return True
        if event.type() == QEvent.Type.FocusOut:
            self.flush()
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and isinstance(watched, QLineEdit) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.flush()
            watched.focusNextChild()
            return True
        return False


class ClientPage(WorkspacePage):
    section_id = "client"
    title = "Client & sites"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("clientPage")
        self._details: dict[str, Any] = {}
        self.edits: dict[str, QLineEdit] = {}
        self.industry_combo: QComboBox | None = None
        self._debouncers: dict[str, _Debounced] = {}
        self.errors: dict[str, QLabel] = {}

        heading = QLabel(self.title)
        heading.setFont(scaled_font(self, 1.4, bold=True))
        column = QWidget()
        column.setMaximumWidth(900)
        lay = QVBoxLayout(column)
        lay.setContentsMargins(16, 12, 16, 16)
        lay.addWidget(heading)
        lay.addLayout(prework_buttons(self))  # the client's pre-work workbook, out and back

        # The industry is a fact the questionnaire answers (domain/facts.py): where the form asks it
        # as a choice, the same choices are offered here and the answer is what is stored.
        self.industry_choices = self._industry_choices()
        for field, label, help_text in TEXT_FIELDS:
            if field == "industry" and self.industry_choices:
                combo = QComboBox()
                combo.setObjectName("client_industry")
                combo.addItem("Not answered yet", "")
                for value, text in self.industry_choices:
                    combo.addItem(text, value)
                combo.activated.connect(lambda _i, c=combo: self._set_field("industry", c.currentText()
                                                                            if c.currentData() else ""))
                self.industry_combo = combo
                self._add_field(lay, label, combo, "The same answer as the questionnaire's industry question.",
                                field, stretch=False)
                continue
            edit = QLineEdit()
            edit.setObjectName(f"client_{field}")
            edit.setMaxLength(300)
            self.edits[field] = edit
            self._debouncers[field] = _Debounced(edit, partial(self._set_field, field))
            self._add_field(lay, label, edit, help_text, field)

        self.date_input = DateInput("client_discovery_date")
        self.date_edit = self.date_input.edit
        self.date_input.committed.connect(lambda day: self._set_field("discovery_date", day))
        self.date_input.refused.connect(self._date_refused)
        self._add_field(lay, "Discovery date", self.date_input, "", "discovery_date", stretch=False)

        self.status_combo = QComboBox()
        self.status_combo.setObjectName("client_status")
        self.status_combo.setToolTip("Only the next steps of the pipeline are offered; a status change is not undone by Undo")
        self.status_combo.activated.connect(self._status_chosen)
        self._add_field(lay, "Status", self.status_combo, "Draft → In review → Proposal sent → Accepted or declined",
                        "status", stretch=False)

        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("client_notes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * 4 + 14)
        self._debouncers["notes"] = _Debounced(self.notes_edit, lambda text: self._set_field("notes", text))
        self._add_field(lay, "Notes", self.notes_edit, "", "notes")

        self.sites_model = RecordTableModel(SITE_COLUMNS, self._save_sites, self)
        self.sites_view, site_buttons = self._table(self.sites_model, "sites", "Add site", "Remove site",
                                                    self._add_site, self._remove_site)
        self.contacts_model = RecordTableModel(CONTACT_COLUMNS, self._save_contacts, self)
        self.contacts_view, contact_buttons = self._table(self.contacts_model, "contacts", "Add contact",
                                                          "Remove contact", self._add_contact, self._remove_contact)
        self.table_message = QLabel()
        self.table_message.setWordWrap(True)
        self._paint_error(self.table_message)
        self.table_message.hide()
        self.hints: dict[str, QLabel] = {}
        for title, view, buttons in (
            ("Sites", self.sites_view, site_buttons),
            ("Contacts", self.contacts_view, contact_buttons),
        ):
            lay.addSpacing(10)
            t = QLabel(title)
            t.setFont(scaled_font(self, 1.15, bold=True))
            lay.addWidget(t)
            hint = muted(QLabel())
            hint.setWordWrap(True)
            self.hints[title] = hint
            lay.addWidget(hint)
            lay.addWidget(view)
            lay.addLayout(buttons)
        lay.addWidget(self.table_message)
        lay.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()
        centre = QHBoxLayout(holder)
        centre.setContentsMargins(0, 0, 0, 0)
        centre.addStretch(1)
        centre.addWidget(column, 30)
        centre.addStretch(1)
        scroll.setWidget(holder)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.sites_model.refused.connect(self._table_refused)
        self.contacts_model.refused.connect(self._table_refused)

    # ---- construction helpers ---------------------------------------------------------------

    def _add_field(self, lay: QVBoxLayout, label: str, editor: QWidget, help_text: str, key: str,
                   stretch: bool = True) -> None:
        title = QLabel(label)
        title.setFont(scaled_font(self, 1.0, bold=True))
        title.setBuddy(editor)
        lay.addSpacing(4)
        lay.addWidget(title)
        if stretch:
            lay.addWidget(editor)
        else:
            row = QHBoxLayout()
            row.addWidget(editor)
            row.addStretch(1)
            lay.addLayout(row)
        error = QLabel()
        error.setObjectName(f"client_error_{key}")
        error.setWordWrap(True)
        self._paint_error(error)
        error.hide()
        self.errors[key] = error
        lay.addWidget(error)
        if help_text:
            h = muted(QLabel(help_text))
            h.setWordWrap(True)
            lay.addWidget(h)

    @staticmethod
    def _paint_error(label: QLabel) -> None:
        pal = label.palette()
        pal.setColor(label.foregroundRole(), error_colour(pal))
        label.setPalette(pal)

    def _table(self, model: RecordTableModel, name: str, add_text: str, remove_text: str,
               add: Callable[[], None], remove: Callable[[], None]) -> tuple[QTableView, QHBoxLayout]:
        view = QTableView()
        view.setObjectName(f"{name}Table")
        view.setAccessibleName(name.capitalize())
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setTabKeyNavigation(False)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        view.setMinimumHeight(view.fontMetrics().lineSpacing() * 6)
        view.setMaximumHeight(view.fontMetrics().lineSpacing() * 10)
        add_b = QPushButton(add_text)
        add_b.setObjectName(f"add_{name}")
        remove_b = QPushButton(remove_text)
        remove_b.setObjectName(f"remove_{name}")
        add_b.clicked.connect(add)
        remove_b.clicked.connect(remove)
        row = QHBoxLayout()
        row.addWidget(add_b)
        row.addWidget(remove_b)
        row.addStretch(1)
        return view, row

    # ---- the contract -----------------------------------------------------------------------

    def load(self) -> None:
        svc = self.service
        eid = self.engagement_id
        self._details = svc.interview.client_details(eid)
        for field, deb in self._debouncers.items():
            deb.set_text(str(self._details.get(field) or ""))
        if self.industry_choices:
            current = str(self._details.get("industry") or "")
            combo = self.industry_combo
            assert combo is not None
            combo.setCurrentIndex(max(0, combo.findText(current)))
        for e in self.errors.values():
            e.hide()
        self.date_input.set_date(self._details.get("discovery_date"))
        self._fill_status(svc.engagements.header(eid).status)
        self.sites_model.set_records(svc.interview.sites(eid))
        self.contacts_model.set_records(svc.interview.contacts(eid))
        self.table_message.hide()
        self._update_hints()

    def _industry_choices(self) -> list[tuple[str, str]]:
        """(value, label) of the form's industry choices, [] when the form asks it as free text."""
        pkg = self.service.forms.of(self.service.engagements.header(self.engagement_id))
        q = facts_mod.question_for(pkg, Fact.INDUSTRY)
        lst = pkg.questionnaire.choice_list(q.choices) if q is not None and q.choices else None
        return [(c.value, c.label) for c in lst.choices] if lst else []

    def _update_hints(self) -> None:
        edit = "Double-click a cell (or press F2) to change it."
        self.hints["Sites"].setText(
            edit if self.sites_model.rowCount() else "No sites yet: add the offices and server rooms you cover.")
        self.hints["Contacts"].setText(
            edit if self.contacts_model.rowCount() else "No contacts yet: add who decides and who you call.")

    def has_problem(self) -> bool:
        return any(not e.isHidden() for e in self.errors.values())

    def focus_first(self) -> None:
        self.edits["client_name"].setFocus(Qt.FocusReason.OtherFocusReason)

    def flush(self) -> None:
        for deb in self._debouncers.values():
            deb.flush()

    def find_targets(self) -> list[tuple[str, str]]:
        return [(f, label.rstrip(" *")) for f, label, _h in TEXT_FIELDS] + [("notes", "Client notes")]

    def reveal(self, key: str) -> None:
        widget = (self.edits.get(key) or (self.industry_combo if key == "industry" else None)
                  or (self.notes_edit if key == "notes" else None))
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- client details ---------------------------------------------------------------------

    def _set_field(self, field: str, value: Any) -> None:
        """Queue the change of a client detail; the page follows once it is committed."""
        old = self._details.get(field)
        if (old or "") == (value or "") and self.errors[field].isHidden():
            return
        svc, eid = self.service, self.engagement_id
        self.save(lambda: svc.interview.set_client_field(eid, field, value),
                  on_done=lambda stored: self._field_saved(field, stored),
                  on_error=lambda exc: self._field_refused(field, exc))

    def _field_refused(self, field: str, exc: BaseException) -> None:
        if not for_consultant(exc):
            raise exc
        self.errors[field].setText(str(exc))
        self.errors[field].show()
        self.changed.emit()
        self.status.emit(f"Not saved: {exc}")

    def _field_saved(self, field: str, stored: Any) -> None:
        old = self._details.get(field)  # saves land in order: what the store held before
        self.errors[field].hide()
        self._details[field] = stored
        if stored != old:
            svc, eid = self.service, self.engagement_id
            label = next((lbl.rstrip(" *") for f, lbl, _h in TEXT_FIELDS if f == field), field.replace("_", " ").capitalize())
            self.context.undo_stack.push(ServiceCommand(
                label.lower() if field != "client_name" else "client name", self,
                do=lambda: svc.interview.set_client_field(eid, field, stored), undo=lambda: svc.interview.set_client_field(eid, field, old),
                merge_key=f"client:{eid}:{field}",
            ))
        self.changed.emit()
        self.status.emit("Saved")

    def _date_refused(self, message: str) -> None:
        """Typed text that is not a date: said in place, nothing saved."""
        self.errors["discovery_date"].setText(message[:1].upper() + message[1:] + ".")
        self.errors["discovery_date"].show()
        self.changed.emit()
        self.status.emit(f"Not saved: {message}")

    def _fill_status(self, current: Status) -> None:
        combo = self.status_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(STATUS_LABELS[current], current.value)
        for s in Status:
            if s in STATUS_FLOW[current]:
                combo.addItem(f"→ {STATUS_LABELS[s]}", s.value)
        combo.setCurrentIndex(0)
        combo.setEnabled(combo.count() > 1)
        combo.blockSignals(False)

    def _status_chosen(self, index: int) -> None:
        from ....services import ServiceError

        value = self.status_combo.itemData(index)
        current = self.service.engagements.header(self.engagement_id).status
        if value is None or value == current.value:
            return
        try:
            self.service.engagements.set_status(self.engagement_id, Status(value))
        except ServiceError as exc:
            self.errors["status"].setText(str(exc))
            self.errors["status"].show()
            self._fill_status(current)
            return
        self.errors["status"].hide()
        self._fill_status(Status(value))
        self.changed.emit()
        self.status.emit(f"Status: {STATUS_LABELS[Status(value)]}")

    # ---- sites and contacts -----------------------------------------------------------------

    def _save_records(self, what: str, model: RecordTableModel, new: list[Any],
                      setter: Callable[[int, list[Any]], None], getter: Callable[[int], list[Any]]) -> None:
        eid = self.engagement_id
        old = list(model.records)
        setter(eid, new)  # raises ServiceError: the model shows why and keeps the old rows
        model.set_records(getter(eid))
        self.table_message.hide()
        self._update_hints()
        self.context.undo_stack.push(ServiceCommand(what, self, do=lambda: setter(eid, new), undo=lambda: setter(eid, old)))
        self.changed.emit()
        self.status.emit("Saved")

    def _save_sites(self, new: list[Any]) -> None:
        # Called from the model's setData: reset the model after the view's editor has closed.
        self._save_records("site edit", self.sites_model, new, self.service.interview.set_sites, self.service.interview.sites)

    def _save_contacts(self, new: list[Any]) -> None:
        self._save_records("contact edit", self.contacts_model, new, self.service.interview.set_contacts, self.service.interview.contacts)

    def _table_refused(self, message: str) -> None:
        self.table_message.setText(message)
        self.table_message.show()

    def _add_site(self) -> None:
        n = len(self.sites_model.records) + 1
        self._add_row(self.sites_view, self.sites_model, Site(name=f"Site {n}"), self._save_sites)

    def _add_contact(self) -> None:
        self._add_row(self.contacts_view, self.contacts_model, Contact(name="New contact"), self._save_contacts)

    def _add_row(self, view: QTableView, model: RecordTableModel, record: Any, save: Callable[[list[Any]], None]) -> None:
        save([*model.records, record])
        index = model.index(model.rowCount() - 1, 0)
        view.setCurrentIndex(index)
        view.setFocus()
        view.edit(index)

    def _remove_site(self) -> None:
        self._remove_row(self.sites_view, self.sites_model, self._save_sites)

    def _remove_contact(self) -> None:
        self._remove_row(self.contacts_view, self.contacts_model, self._save_contacts)

    def _remove_row(self, view: QTableView, model: RecordTableModel, save: Callable[[list[Any]], None]) -> None:
        rows = view.selectionModel().selectedRows() or ([view.currentIndex()] if view.currentIndex().isValid() else [])
        if not rows:
            self.status.emit("Select a row to remove first")
            return
        row = rows[0].row()
        save([r for i, r in enumerate(model.records) if i != row])

"""Questionnaire pages: one per section of the engagement's form, built from the form's data.

All question pages of a workspace share one :class:`AnswerBook`, the engagement's answers held
in memory and written through the service on every change, so conditions that name questions of
another section and the navigator's progress never need a database round trip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ....domain import answers as answers_mod
from ....domain.forms import FormPackage, Section
from ... import app_locale
from ...ops import for_consultant
from ...widgets import muted, scaled_font
from ..page import PageContext, WorkspacePage
from ..undo import ServiceCommand
from .baseline_confirm import BaselineConfirm
from .client_confirm import ClientConfirm
from .question_fields import QuestionField, make_field

if TYPE_CHECKING:
    from ....services import Discovery


class AnswerBook:
    """The engagement's answers and notes, read once and kept in step with the store."""

    def __init__(self, service: Discovery, eid: int, form: FormPackage) -> None:
        self.service = service
        self.eid = eid
        self.form = form
        self._values: dict[str, Any] = {}
        self._notes: dict[str, str] = {}
        self._said_by: dict[str, str] = {}

    def load(self) -> None:
        stored = self.service.interview.answers(self.eid)
        self._values = {qid: v for qid, (v, _n) in stored.items() if v is not None}
        self._notes = {qid: n for qid, (_v, n) in stored.items() if n}
        self._said_by = self.service.interview.answer_sources(self.eid)

    def said_by(self, qid: str) -> str:
        return self._said_by.get(qid, "")

    def said_by_saved(self, qid: str, said_by: str) -> None:
        if said_by:
            self._said_by[qid] = said_by
        else:
            self._said_by.pop(qid, None)

    def values(self) -> dict[str, Any]:
        return dict(self._values)

    def value(self, qid: str) -> Any:
        return self._values.get(qid)

    def note(self, qid: str) -> str:
        return self._notes.get(qid, "")

    def save(self, qid: str, value: Any) -> Any:
        """Store an answer now (raises ServiceError with the reason when it does not fit)."""
        return self.saved(qid, self.service.interview.set_answer(self.eid, qid, value))

    def saved(self, qid: str, stored: Any) -> Any:
        """The store now holds ``stored`` for ``qid`` (after a save made here or queued)."""
        if stored is None:
            self._values.pop(qid, None)
        else:
            self._values[qid] = stored
        return stored

    def save_note(self, qid: str, note: str) -> None:
        self.service.interview.set_answer_note(self.eid, qid, note)
        self.note_saved(qid, note)

    def note_saved(self, qid: str, note: str) -> None:
        if note:
            self._notes[qid] = note
        else:
            self._notes.pop(qid, None)

    def shown(self) -> dict[str, Any]:
        return answers_mod.visible_values(self.form.questionnaire, self._values)


class QuestionPage(WorkspacePage):
    """The questions of one form section, in a single scrolling column."""

    #: Enter on the last question: the workspace moves on to the next section.
    past_end = Signal()

    def __init__(self, context: PageContext, section: Section, book: AnswerBook, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.section = section
        self.book = book
        self.section_id = f"q:{section.id}"
        self.title = section.title
        self.setObjectName(f"questionPage_{section.id}")

        heading = QLabel(section.title)
        heading.setFont(scaled_font(self, 1.4, bold=True))
        heading.setWordWrap(True)
        intro = muted(QLabel(section.intro, self))
        intro.setWordWrap(True)
        intro.setVisible(bool(section.intro))
        legend = muted(QLabel("* required before a proposal can be exported. Enter moves to the next question."))
        legend.setWordWrap(True)

        column = QWidget()
        column.setMaximumWidth(760)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(16, 12, 16, 16)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(legend)
        layout.addSpacing(6)
        self.client_confirm = ClientConfirm(self, layout)  # answers from the client's pre-work
        self.baseline_confirm = BaselineConfirm(self, layout)  # answers carried from the baseline
        self.fields: dict[str, QuestionField] = {}
        # Answers on their way to the store, and the question Enter left while one was: the move
        # waits for the save, so a question the answer reveals is the next stop, not skipped.
        self._saving: dict[str, int] = {}
        self._advance_after: str | None = None
        for q in section.questions:
            f = make_field(q, book.form.questionnaire)
            f.edited.connect(lambda value, qid=q.id: self._answer(qid, value))
            f.note_edited.connect(lambda note, qid=q.id: self._note(qid, note))
            f.said_by_edited.connect(lambda who, qid=q.id: self._said_by(qid, who))
            f.advance.connect(lambda qid=q.id: self._advance(qid))
            self.fields[q.id] = f
            layout.addWidget(f)
            self.client_confirm.add(q, layout)
            self.baseline_confirm.add(q, layout)
        layout.addStretch(1)

        # Centred by stretches, not by an alignment flag: an aligned widget gets its size hint's
        # width, and its wrapped help texts then get the height of that width (clipped lines).
        holder = QWidget()
        outer = QHBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addStretch(1)
        outer.addWidget(column, 30)
        outer.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(holder)
        page_layout = QVBoxLayout(self)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.scroll_area)

    # ---- the contract -----------------------------------------------------------------------

    def load(self) -> None:
        for qid, f in self.fields.items():
            f.set_value(self.book.value(qid))
            f.set_note(self.book.note(qid))
            f.set_said_by(self.book.said_by(qid))
            f.set_error(None)
        self._update_visibility()
        self.client_confirm.load()
        self.baseline_confirm.load()

    def progress(self) -> tuple[int, int] | None:
        p = answers_mod.section_progress(self.section, self.book.shown())
        return (p.answered, p.required) if p.required else None

    def has_problem(self) -> bool:
        return any(f.has_error and not f.isHidden() for f in self.fields.values())

    def focus_first(self) -> None:
        visible = [f for f in self.fields.values() if not f.isHidden()]
        if visible:
            self.reveal(visible[0].question.id)

    def flush(self) -> None:
        for f in self.fields.values():
            f.flush()

    def find_targets(self) -> list[tuple[str, str]]:
        shown = self.book.shown()
        return [(qid, f.question.label) for qid, f in self.fields.items() if qid in shown]

    def reveal(self, key: str) -> None:
        f = self.fields.get(key)
        if f is None:
            return
        self.scroll_area.ensureWidgetVisible(f, 0, 40)
        f.focus_editor()

    # ---- edits ------------------------------------------------------------------------------

    def _answer(self, qid: str, value: Any) -> None:
        """Queue the answer; the field, undo stack and summary follow once it is committed.

        The value is checked here first (the form is in memory): a refused value is shown at once
        and never queued. The service checks it again when it saves."""
        field = self.fields[qid]
        try:
            # Read as typed, in the window's locale; the service gets the stored form.
            value = answers_mod.normalise(field.question, value, self.book.form.questionnaire, app_locale.current())
        except answers_mod.AnswerError as exc:
            message = f"{field.question.label}: {exc}."  # as the service words it
            field.set_error(_reason(message, field.question.label))
            self.changed.emit()
            self.status.emit(f"Not saved: {message}")
            return
        service, eid = self.service, self.engagement_id
        self._saving[qid] = self._saving.get(qid, 0) + 1
        self.save(lambda: service.interview.set_answer(eid, qid, value),
                  on_done=lambda stored: self._answered(qid, stored),
                  on_error=lambda exc: self._answer_refused(qid, exc))

    def _landed(self, qid: str) -> None:
        """A save of ``qid`` came back; a move Enter asked for meanwhile happens now."""
        left = self._saving.get(qid, 0) - 1
        if left > 0:
            self._saving[qid] = left
            return
        self._saving.pop(qid, None)
        if self._advance_after == qid:
            self._advance_after = None
            field = self.fields[qid]
            focus = QApplication.focusWidget()
            if focus is None or field.isAncestorOf(focus):  # the consultant has not moved on
                self._advance(qid)

    def _answer_refused(self, qid: str, exc: BaseException) -> None:
        from ....services import ServiceError

        if not for_consultant(exc):
            raise exc
        field = self.fields[qid]
        field.set_error(_reason(str(exc), field.question.label) if isinstance(exc, ServiceError) else str(exc))
        self.changed.emit()
        self.status.emit(f"Not saved: {exc}")
        self._advance_after = None  # stay on the refused answer
        self._landed(qid)

    def _answered(self, qid: str, stored: Any) -> None:
        field = self.fields[qid]
        old = self.book.value(qid)  # what the store held before this save (saves land in order)
        self.book.saved(qid, stored)
        had_error = field.has_error
        field.set_error(None)
        field.set_stored(stored)
        if stored != old:
            book = self.book
            self.context.undo_stack.push(ServiceCommand(
                f"answer to “{field.question.label}”", self,
                do=lambda: book.save(qid, stored), undo=lambda: book.save(qid, old),
                merge_key=f"answer:{self.engagement_id}:{qid}",
            ))
        self._update_visibility()
        if stored != old:
            self.client_confirm.answered(qid)
            self.baseline_confirm.answered(qid)
        if stored != old or had_error:
            self.changed.emit()
            self.status.emit("Saved")
        self._landed(qid)

    def _note(self, qid: str, note: str) -> None:
        service, eid = self.service, self.engagement_id
        self.save(lambda: service.interview.set_answer_note(eid, qid, note),
                  on_done=lambda _r: self._noted(qid, note),
                  on_error=lambda exc: self._note_refused(qid, exc))

    def _said_by(self, qid: str, who: str) -> None:
        service, eid = self.service, self.engagement_id
        self.save(lambda: service.interview.set_answer_said_by(eid, qid, who),
                  on_done=lambda _r: self._said_by_saved(qid, who),
                  on_error=lambda exc: self._note_refused(qid, exc))

    def _said_by_saved(self, qid: str, who: str) -> None:
        self.book.said_by_saved(qid, who)
        self.changed.emit()
        self.status.emit("Saved")

    def _note_refused(self, qid: str, exc: BaseException) -> None:
        if not for_consultant(exc):
            raise exc
        field = self.fields[qid]
        field.set_error(f"The note was not saved: {exc}")
        field.set_note(self.book.note(qid))  # the field shows what the store holds
        self.changed.emit()
        self.status.emit(f"Not saved: {exc}")

    def _noted(self, qid: str, note: str) -> None:
        old = self.book.note(qid)
        self.book.note_saved(qid, note)
        book = self.book
        label = self.fields[qid].question.label
        self.context.undo_stack.push(ServiceCommand(
            f"note on “{label}”", self, do=lambda: book.save_note(qid, note), undo=lambda: book.save_note(qid, old),
            merge_key=f"note:{self.engagement_id}:{qid}",
        ))
        self.changed.emit()
        self.status.emit("Saved")

    def _update_visibility(self) -> None:
        shown = self.book.shown()
        for qid, f in self.fields.items():
            f.setVisible(qid in shown)
        self.client_confirm.refresh()
        self.baseline_confirm.refresh()

    def _advance(self, qid: str) -> None:
        if self._saving.get(qid):
            self._advance_after = qid  # after the save: the questions it reveals are shown then
            return
        if self.fields[qid].has_error:
            return  # Enter on a refused answer stays there: the message says what to fix
        ids = [i for i, f in self.fields.items() if not f.isHidden()]
        if qid in ids and ids.index(qid) + 1 < len(ids):
            self.reveal(ids[ids.index(qid) + 1])
        else:
            self.past_end.emit()


def _reason(message: str, label: str) -> str:
    """"Employees: must be at least 1." -> "Must be at least 1." (the label is right above)."""
    prefix = f"{label}: "
    text = message[len(prefix):] if message.startswith(prefix) else message
    return text[:1].upper() + text[1:]

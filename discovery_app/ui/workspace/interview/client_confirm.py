"""Answers from the client's pre-work on the questionnaire pages: each is marked "from the client,
to confirm" until the consultant confirms it (one by one, or every one on the page); a client
answer that differs from the consultant's is shown beside it, to use or to set aside.

The marks are the service's (client_answers_to_confirm); editing an answer makes it the
consultant's, so its mark goes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from ....domain import prework as pw
from ....domain.forms import Question
from ....services import ServiceError
from ...widgets import muted

if TYPE_CHECKING:
    from ....services.prework import ToConfirm
    from .questions import QuestionPage


class ClientMark(QFrame):
    """The mark under one question's label: who said it and the buttons to settle it."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.setObjectName(f"clientMark_{question.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(16, 16))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.confirm_button = QPushButton("Confirm")
        self.confirm_button.setToolTip("The answer is right: clear the mark")
        self.use_button = QPushButton("Use the client's answer")
        self.keep_button = QPushButton("Keep mine")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(icon)
        row.addWidget(self.text, 1)
        for b in (self.use_button, self.keep_button, self.confirm_button):
            row.addWidget(b)
        self.hide()

    def show_mark(self, mark: ToConfirm | None, current: Any, questionnaire: Any) -> None:
        self.mark = mark
        if mark is None:
            self.hide()
            return
        who = f" · {mark.by} · {mark.imported_on}" if mark.by else ""
        if mark.differs:
            theirs = pw.display(questionnaire, self.question, mark.client_value)
            yours = pw.display(questionnaire, self.question, current)
            self.text.setText(f"The client's pre-work says “{theirs}”; you have “{yours}”{who}")
            self.setAccessibleName(f"{self.question.label}: the client's answer differs")
        else:
            self.text.setText(f"From the client, to confirm{who}")
            self.setAccessibleName(f"{self.question.label}: from the client, to confirm")
        self.use_button.setVisible(mark.differs)
        self.keep_button.setVisible(mark.differs)
        self.confirm_button.setVisible(not mark.differs)
        self.show()


class ClientConfirm:
    """The marks of one question page and the page's "confirm all" bar."""

    def __init__(self, page: QuestionPage, layout: QVBoxLayout) -> None:
        self.page = page
        self.marks: dict[str, ClientMark] = {}
        self.waiting: dict[str, ToConfirm] = {}
        self.bar = QFrame()
        self.bar.setObjectName("clientConfirmBar")
        self.bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.bar_text = muted(QLabel())
        self.bar_text.setWordWrap(True)
        self.confirm_all = QPushButton("Confirm all on this page")
        self.confirm_all.setToolTip("Every answer the client gave on this page is right (yours are kept where "
                                    "the client's differ)")
        bar_row = QHBoxLayout(self.bar)
        bar_row.setContentsMargins(6, 4, 6, 4)
        bar_row.addWidget(self.bar_text, 1)
        bar_row.addWidget(self.confirm_all)
        self.bar.hide()
        layout.addWidget(self.bar)
        self.confirm_all.clicked.connect(self._confirm_all)

    def add(self, question: Question, layout: QVBoxLayout) -> None:
        mark = ClientMark(question)
        mark.confirm_button.clicked.connect(lambda _c=False, qid=question.id: self._confirm([qid]))
        mark.keep_button.clicked.connect(lambda _c=False, qid=question.id: self._confirm([qid]))
        mark.use_button.clicked.connect(lambda _c=False, qid=question.id: self._use(qid))
        self.marks[question.id] = mark
        layout.addWidget(mark)

    def load(self) -> None:
        page = self.page
        try:
            waiting = page.service.prework.to_confirm(page.engagement_id)
        except ServiceError:
            waiting = {}
        self.waiting = {qid: m for qid, m in waiting.items() if qid in self.marks}
        self.refresh()

    def refresh(self) -> None:
        shown = self.page.book.shown()
        q = self.page.book.form.questionnaire
        for qid, mark in self.marks.items():
            mark.show_mark(self.waiting.get(qid) if qid in shown else None, self.page.book.value(qid), q)
        n = sum(1 for qid in self.waiting if qid in shown)
        if n:
            self.bar_text.setText(f"{n} answer{'s' if n != 1 else ''} on this page came from the client's "
                                  "pre-work and wait for you to confirm them.")
        self.bar.setVisible(n > 0)

    def answered(self, qid: str) -> None:
        """The consultant changed the answer: it is theirs now."""
        if self.waiting.pop(qid, None) is not None:
            self.refresh()

    def _confirm(self, qids: list[str]) -> None:
        page = self.page
        page.service.prework.confirm(page.engagement_id, qids)
        for qid in qids:
            self.waiting.pop(qid, None)
        self.refresh()
        page.status.emit("Confirmed" if len(qids) == 1 else f"Confirmed {len(qids)} answers")

    def _confirm_all(self) -> None:
        shown = self.page.book.shown()
        self._confirm([qid for qid in self.waiting if qid in shown])

    def _use(self, qid: str) -> None:
        page = self.page
        try:
            stored = page.service.prework.use_client_answer(page.engagement_id, qid)
        except ServiceError as exc:
            page.status.emit(f"Not saved: {exc}")
            return
        page.book.saved(qid, stored)
        page.book.said_by_saved(qid, self.waiting[qid].by)
        page.load()
        page.changed.emit()
        page.status.emit("Saved: the client's answer is in; confirm it when it is right")

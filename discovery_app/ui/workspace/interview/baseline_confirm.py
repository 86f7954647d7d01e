"""Answers a re-assessment carried over from its baseline, on the questionnaire pages: each is
marked "from the baseline, to confirm" under its question until the consultant confirms it (its
Confirm button, or Confirm all on the page). Changing a carried answer confirms it: the
consultant has just checked it. Which answers are carried is the domain's
(:mod:`discovery_app.domain.carried`), read through the service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from ....domain import carried as carried_mod
from ....domain.forms import Question
from ....domain.wording import count
from ....services import ServiceError
from ...widgets import muted

if TYPE_CHECKING:
    from .questions import QuestionPage


def _icon(parent: QWidget) -> QLabel:
    icon = QLabel(parent)
    icon.setPixmap(parent.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(16, 16))
    return icon


class BaselineMark(QFrame):
    """The mark under one carried answer, with its Confirm button."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.setObjectName(f"baselineMark_{question.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel(carried_mod.MARK)
        self.text.setWordWrap(True)
        self.confirm_button = QPushButton("Confirm")
        self.confirm_button.setToolTip("The answer is still right: clear the mark")
        self.confirm_button.setAccessibleName(f"Confirm “{question.label}”")
        self.setAccessibleName(f"{question.label}: {carried_mod.MARK.lower()}")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(_icon(self))
        row.addWidget(self.text, 1)
        row.addWidget(self.confirm_button)
        self.hide()


class BaselineConfirm:
    """The carried answers of one question page: a mark under each and the page's bar."""

    def __init__(self, page: QuestionPage, layout: QVBoxLayout) -> None:
        self.page = page
        self.marks: dict[str, BaselineMark] = {}
        self.waiting: set[str] = set()
        self.bar = QFrame()
        self.bar.setObjectName("baselineConfirmBar")
        self.bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.bar_text = muted(QLabel())
        self.bar_text.setWordWrap(True)
        self.confirm_all = QPushButton("Confirm all on this page")
        self.confirm_all.setObjectName("confirmAllBaseline")
        self.confirm_all.setToolTip("Every answer carried over from the baseline on this page is still right")
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(6, 4, 6, 4)
        row.addWidget(_icon(self.bar))
        row.addWidget(self.bar_text, 1)
        row.addWidget(self.confirm_all)
        self.bar.hide()
        layout.addWidget(self.bar)
        self.confirm_all.clicked.connect(self._confirm_all)

    def add(self, question: Question, layout: QVBoxLayout) -> None:
        mark = BaselineMark(question)
        mark.confirm_button.clicked.connect(lambda _c=False, qid=question.id: self._confirm([qid]))
        self.marks[question.id] = mark
        layout.addWidget(mark)

    def load(self) -> None:
        page = self.page
        try:
            carried = page.service.baseline.carried(page.engagement_id).of(carried_mod.Kind.ANSWER)
        except ServiceError:
            carried = ()
        self.waiting = {qid for qid in carried if qid in self.marks}
        self.refresh()

    def refresh(self) -> None:
        shown = self.page.book.shown()
        for qid, mark in self.marks.items():
            mark.setVisible(qid in self.waiting and qid in shown)
        n = sum(1 for qid in self.waiting if qid in shown)
        if n:
            self.bar_text.setText(f"{count(n, 'answer')} on this page came from the baseline and wait for you to "
                                  f"confirm {'it' if n == 1 else 'them'}.")
        self.bar.setVisible(n > 0)

    def answered(self, qid: str) -> None:
        """The consultant changed a carried answer: they have checked it, so it is confirmed."""
        if qid in self.waiting:
            self._confirm([qid], quiet=True)

    def _confirm(self, qids: list[str], quiet: bool = False) -> None:
        page, eid = self.page, self.page.engagement_id
        keys = [carried_mod.key(carried_mod.Kind.ANSWER, q) for q in qids if q in self.waiting]
        if not keys:
            return
        self.waiting -= set(qids)
        self.refresh()

        def done(_left: object) -> None:
            page.changed.emit()
            if not quiet:
                page.status.emit("Confirmed" if len(keys) == 1 else f"Confirmed {count(len(keys), 'answer')}")

        def failed(exc: BaseException) -> None:
            page.status.emit(f"Not confirmed: {exc}")
            self.load()

        page.save(lambda: page.service.baseline.confirm(eid, keys), done, failed)

    def _confirm_all(self) -> None:
        shown = self.page.book.shown()
        self._confirm([qid for qid in self.waiting if qid in shown])

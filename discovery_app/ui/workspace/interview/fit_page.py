"""Fit: the target-customer-profile score, the verdict, and what each criterion contributed."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ....domain.forms import FormPackage
from ...widgets import muted, scaled_font
from ..page import PageContext, WorkspacePage
from ..table_models import RowsModel


def answer_text(pkg: FormPackage, qid: str, value: Any) -> str:
    """An answer as the consultant would say it: choice labels, Yes/No, the number."""
    if value is None or value == [] or value == "":
        return "Not answered"
    q = pkg.questionnaire.question(qid)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if q is not None and q.choices:
        cl = pkg.questionnaire.choice_list(q.choices)
        labels = {c.value: c.label for c in cl.choices} if cl else {}
        if isinstance(value, list):
            return ", ".join(labels.get(v, str(v)) for v in value)
        return labels.get(value, str(value))
    if q is not None and q.type.value in ("integer", "decimal", "money", "date"):
        return _typed_answer_text(q.type.value, value)
    return str(value)


def _typed_answer_text(kind: str, value: Any) -> str:
    """A stored number or date as the window's locale writes it ("1.234,50", "15.01.2026")."""
    from datetime import date

    from ....domain import locale_text
    from ... import app_locale

    loc = app_locale.current()
    try:
        if kind == "date":
            return locale_text.format_date_short(date.fromisoformat(str(value)), loc)
        if kind == "money":
            return locale_text.format_amount(Decimal(str(value)), loc)
        return locale_text.format_number(Decimal(str(value)), loc)
    except (ValueError, ArithmeticError):
        return str(value)


class FitPage(WorkspacePage):
    section_id = "fit"
    title = "Fit"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("fitPage")
        heading = QLabel("Fit with the target customer profile")
        heading.setFont(scaled_font(self, 1.4, bold=True))
        heading.setWordWrap(True)
        self.score_label = QLabel()
        self.score_label.setObjectName("fitScore")
        self.score_label.setFont(scaled_font(self, 2.0, bold=True))
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("fitVerdict")
        self.verdict_label.setFont(scaled_font(self, 1.3, bold=True))
        self.capped_label = QLabel()
        self.capped_label.setObjectName("fitCapped")
        self.capped_label.setWordWrap(True)
        self.explain = muted(QLabel())
        self.explain.setWordWrap(True)
        self.model = RowsModel(["Criterion", "Weight", "Answer", "Score", "Points"], right=(1, 3, 4))
        self.table = QTableView()
        self.table.setObjectName("fitTable")
        self.table.setAccessibleName("Fit criteria")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        why_title = QLabel("Why it matters")
        why_title.setFont(scaled_font(self, 1.0, bold=True))
        self.why_label = QLabel()
        self.why_label.setObjectName("fitWhy")
        self.why_label.setWordWrap(True)
        self._whys: list[str] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 16)
        lay.addWidget(heading)
        lay.addWidget(self.score_label)
        lay.addWidget(self.verdict_label)
        lay.addWidget(self.capped_label)
        lay.addWidget(self.explain)
        lay.addWidget(self.table, 1)
        lay.addWidget(why_title)
        lay.addWidget(self.why_label)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_why(cur.row()))

    def _show_why(self, row: int) -> None:
        self.why_label.setText(self._whys[row] if 0 <= row < len(self._whys) else "Select a criterion to see why it counts.")

    def load(self) -> None:
        svc = self.service
        eid = self.engagement_id
        pkg = svc.forms.of(svc.engagements.header(eid))
        fit = svc.engagements.summary(eid)["fit"]
        values = {qid: v for qid, (v, _n) in svc.interview.answers(eid).items()}
        self.score_label.setText(fit.score_words)
        self.verdict_label.setText(fit.status)
        self.capped_label.setText("\n".join(f"Capped at conditional: {c} scored zero" for c in fit.capped_by))
        self.capped_label.setVisible(bool(fit.capped_by))
        th = pkg.fit.thresholds
        self.explain.setText(
            f"Good fit from {th.good}, conditional from {th.conditional}. The score weighs the answered criteria; "
            "a critical criterion that scores zero caps the verdict at conditional. Answer the questions behind "
            "the criteria below to sharpen it."
        )
        answered_weight = sum((r.criterion.weight for r in fit.results if r.answered), Decimal(0))
        rows, tips, whys = [], [], []
        for r in fit.results:
            c = r.criterion
            if r.answered and answered_weight:
                pct = f"{(r.score * 100).to_integral_value(ROUND_HALF_UP)}%"
                points = str((c.weight * r.score * 100 / answered_weight).quantize(Decimal("0.1"), ROUND_HALF_UP))
            else:
                pct, points = "—", "—"
            q = pkg.questionnaire.question(c.question)
            answer = answer_text(pkg, c.question, values.get(c.question))
            name = c.label + (" (critical)" if c.critical else "")
            rows.append([name, str(c.weight), answer, pct, points])
            tips.append(f"From the question “{q.label if q else c.question}”. {r.reason}")
            whys.append(f"{c.label}: {c.why}" if c.why else f"{c.label}: from the question “{q.label if q else c.question}”.")
        self._whys = whys
        current = max(self.table.currentIndex().row(), 0)
        self.model.set_rows(rows, tips)
        if rows:
            self.table.selectRow(min(current, len(rows) - 1))
        self._show_why(min(current, len(rows) - 1))

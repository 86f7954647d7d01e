"""The live summary beside the workspace: fit, completion, counts, time, and what blocks export."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...domain.assessment import Readiness
from ..widgets import muted, scaled_font
from .offer import offer_format as fmt

MAX_REASONS = 4
MAX_BLOCKERS = 3


def duration_text(d: timedelta) -> str:
    minutes = int(d.total_seconds()) // 60
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min"


def money(amount: Decimal, currency: str) -> str:
    return fmt.money_cur(amount, currency)  # in the window's locale


class SummaryPanel(QScrollArea):
    """The live summary. It is short enough to stand whole beside a page at 1280x800 (a few
    reasons and blockers, the rest one click away on the Fit or Review page), so it does not
    scroll inside a page that scrolls; it scrolls only in a window too short for even that."""

    #: A "… and N more" link was clicked: the section to show ("fit" or "review").
    go_to = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryPanel")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(10, 10, 10, 10)

        title = QLabel("Summary")
        title.setFont(scaled_font(self, 1.2, bold=True))
        self.fit_label = QLabel()
        self.fit_label.setObjectName("summaryFit")
        self.fit_label.setFont(scaled_font(self, 1.1, bold=True))
        self.fit_label.setWordWrap(True)
        self.reasons = QLabel()
        self.reasons.setObjectName("summaryReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.reasons.linkActivated.connect(self.go_to.emit)
        self.completion_bar = QProgressBar()
        self.completion_bar.setObjectName("summaryCompletion")
        self.completion_bar.setRange(0, 100)
        self.completion_label = muted(QLabel())
        self.completion_label.setWordWrap(True)

        self.counts: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key, label in (("users", "Users"), ("devices", "Devices"), ("risks", "Risks"), ("time", "Time spent")):
            value = QLabel()
            value.setObjectName(f"summary_{key}")
            value.setWordWrap(True)
            self.counts[key] = value
            form.addRow(f"{label}:", value)
        self.fee_label = muted(QLabel())
        self.fee_label.setObjectName("summaryFee")
        self.fee_label.setWordWrap(True)

        blockers_title = QLabel("Before the proposal can be exported")
        blockers_title.setFont(scaled_font(self, 1.0, bold=True))
        blockers_title.setWordWrap(True)
        self.blockers = QLabel()
        self.blockers.setObjectName("summaryBlockers")
        self.blockers.setWordWrap(True)
        self.blockers.setTextFormat(Qt.TextFormat.RichText)
        self.blockers.linkActivated.connect(self.go_to.emit)

        for w in (title, self.fit_label, self.reasons):
            lay.addWidget(w)
        lay.addSpacing(8)
        lay.addWidget(self._heading("Completion"))
        lay.addWidget(self.completion_bar)
        lay.addWidget(self.completion_label)
        lay.addSpacing(8)
        lay.addLayout(form)
        lay.addWidget(self.fee_label)
        lay.addSpacing(8)
        lay.addWidget(blockers_title)
        lay.addWidget(self.blockers)
        lay.addStretch(1)
        self.setWidget(body)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("Before the proposal can be") + 40)

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setFont(scaled_font(self, 1.0, bold=True))
        return label

    def show_summary(self, summary: dict[str, Any], readiness: Readiness | None) -> None:
        """``summary``: what ``service.engagements.summary`` returns; ``readiness``: the one check
        (None when the engagement could not be checked)."""
        fit, prog = summary["fit"], summary["progress"]
        self.fit_label.setText(fit.headline)  # domain/fit.py words it, provisional or not
        lines = short_reasons(fit)
        reasons = lines[:MAX_REASONS]
        more = len(lines) - len(reasons)
        items = "".join(f"<li>{r}</li>" for r in reasons)
        extra = f"<p><a href='fit'>… and {more} more on the Fit page</a></p>" if more > 0 else ""
        self.reasons.setText(f"<ul style='margin-left:0; -qt-list-indent:1'>{items}</ul>{extra}" if items else "")
        self.completion_bar.setValue(prog.percent)
        self.completion_label.setText(f"{prog.answered} of {prog.required} required answers")
        users = summary.get("users")
        self.counts["users"].setText("Not answered yet" if users is None else str(users))
        self.counts["devices"].setText(str(summary.get("devices", 0)))
        self.counts["risks"].setText(str(summary.get("risks", 0)))
        if readiness is None:
            self.blockers.setText("The engagement could not be checked; the log says why.")
            return
        blockers = readiness.blockers
        n_warn = len(readiness.warnings)
        warn = (f"<p>{n_warn} warning{'s' if n_warn != 1 else ''} on the Review page.</p>" if n_warn else "")
        if blockers:
            shown = list(blockers[:MAX_BLOCKERS])
            # The message alone (it names the question or item); the Review page has where it is.
            items = "".join(f"<li>{html.escape(b.message)}</li>" for b in shown)
            more_b = len(blockers) - len(shown)
            tail = f"<p><a href='review'>… and {more_b} more on the Review page</a></p>" if more_b > 0 else ""
            self.blockers.setText(f"<ul style='margin-left:0; -qt-list-indent:1'>{items}</ul>{tail}{warn}")
        else:
            self.blockers.setText(f"<p>Nothing blocks the proposal.</p>{warn}")

    def show_time(self, spent: timedelta, running: bool, fee: Decimal, currency: str, rate: Decimal | None) -> None:
        self.counts["time"].setText(duration_text(spent) + (" (timer running)" if running else ""))
        text = f"Discovery fee {money(fee, currency)}"
        if rate is not None:
            text += f": {money(rate, currency)} per hour spent so far"
        self.fee_label.setText(text)


def short_reasons(fit: Any) -> list[str]:
    """The fit's reasons in a few words each (HTML), concerns first; the Fit page has the rest."""
    out = [f"<b>Capped at conditional:</b> {html.escape(c)}" for c in fit.capped_by]
    answered = [r for r in fit.results if r.answered]
    for r in sorted(answered, key=lambda r: r.score):
        pct = int((r.score * 100).to_integral_value())
        kind = "Concern" if r.score < Decimal("0.5") else "Strength"
        out.append(f"<b>{kind}:</b> {html.escape(r.criterion.label)} ({pct}%)")
    out += [f"{html.escape(r.criterion.label)}: not answered yet" for r in fit.results if not r.answered]
    return out

"""The right-hand summary of one engagement: who, where it stands, and why it fits or not."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .widgets import muted, scaled_font


class DetailsPanel(QScrollArea):
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPanel")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.engagement_id: int | None = None

        self.title = QLabel()
        self.title.setObjectName("detailsTitle")
        self.title.setFont(scaled_font(self, 1.3, bold=True))
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setObjectName("detailsClose")
        close.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        close.setAutoRaise(True)
        close.setToolTip("Hide the details panel")
        close.clicked.connect(self.close_requested)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)

        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label in (
            ("status", "Status"),
            ("form", "Form"),
            ("consultant", "Consultant"),
            ("it_owner", "Internal IT owner"),
            ("completion", "Completion"),
            ("fit", "Fit"),
        ):
            value = QLabel()
            value.setObjectName(f"details_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(f"{label}:", value)

        reasons_title = QLabel("Why this fit")
        reasons_title.setFont(scaled_font(self, 1.0, bold=True))
        self.reasons = QLabel()
        self.reasons.setObjectName("detailsReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = muted(QLabel("Fit and completion update as you answer the questionnaire."))
        self.hint.setWordWrap(True)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(head)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addSpacing(10)
        layout.addWidget(reasons_title)
        layout.addWidget(self.reasons)
        layout.addSpacing(10)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self.setWidget(body)

    def show_engagement(self, eng: Any, summary: dict[str, Any], form_title: str, status_label: str) -> None:
        """``eng``: the service's Engagement; ``summary``: what ``service.engagements.summary`` returns."""
        self.engagement_id = eng.id
        fit, prog = summary["fit"], summary["progress"]
        self.title.setText(eng.client_name)
        status = status_label + (" (archived)" if eng.archived else "")
        mark = summary.get("checkout")
        if mark is not None:
            status += (f"\nChecked out to a laptop by {mark.who} since {mark.at.astimezone():%Y-%m-%d %H:%M}: "
                       "read-only here until it is checked in")
        self.fields["status"].setText(status)
        self.fields["form"].setText(f"{form_title} (version {eng.form_version})")
        self.fields["consultant"].setText(eng.consultant or "Not named yet")
        self.fields["it_owner"].setText(eng.internal_it_owner or "Not named yet")
        self.fields["completion"].setText(
            f"{prog.percent}%: {prog.answered} of {prog.required} required answers"
        )
        self.fields["fit"].setText(f"{fit.label} (score {fit.score_words})")
        reasons = fit.reasons
        if reasons:
            items = "".join(f"<li>{_reason_html(r)}</li>" for r in reasons)
            self.reasons.setText(f"<ul style='margin-left:0; -qt-list-indent:1'>{items}</ul>")
        else:
            self.reasons.setText("The form has no fit criteria.")

    def clear(self) -> None:
        self.engagement_id = None
        self.title.clear()
        for label in self.fields.values():
            label.clear()
        self.reasons.clear()


def _reason_html(reason: str) -> str:
    """Show "Concern - Size: 30% ..." with the kind in bold, so concerns stand out."""
    kind, sep, rest = reason.partition(" - ")
    if sep and kind in ("Concern", "Strength"):
        return f"<b>{html.escape(kind)}:</b> {html.escape(rest)}"
    return html.escape(reason)

"""Suggested findings on the Risks page: what the form's rules found in the answers and the
inventory, each with what triggered it, to accept into the register or dismiss with a reason.

The panel only shows and asks; the Risks page saves through the service (with undo).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ....domain import locale_text
from ....domain.engagement import Risk
from ....domain.suggestions import Suggestion
from ....services import ServiceError
from ... import app_locale, shortcuts
from ...widgets import muted
from ..inventory.inventory_model import kind_plural
from ..page_parts import run_with_undo
from ..undo import ServiceCommand

log = logging.getLogger(__name__)

KEY_ROLE = Qt.ItemDataRole.UserRole


class SuggestionsPanel(QWidget):
    accept_requested = Signal(str)  # suggestion key
    dismiss_requested = Signal(str, str)  # key, reason
    restore_requested = Signal(str)  # key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionsPanel")
        self._all: list[Suggestion] = []
        self.summary = muted(QLabel())
        self.summary.setWordWrap(True)
        self.replacements = muted(QLabel())
        self.replacements.setObjectName("replacementPlan")
        self.replacements.setWordWrap(True)
        self.replacements.hide()
        self.show_dismissed = QCheckBox("Show dismissed")
        self.list = QListWidget()
        self.list.setAccessibleName("Suggested findings")
        self.list.setWordWrap(True)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setAccessibleName("What triggered the suggestion")
        self.accept_button = QPushButton("Add to register")
        self.accept_button.setToolTip(shortcuts.tip(
            "Create the risk with what triggered it as evidence and the devices linked", "risk_accept"))
        self.accept_button.setShortcut(shortcuts.sequence("risk_accept"))
        self.dismiss_button = QPushButton("Dismiss…")
        self.dismiss_button.setToolTip("Hide this suggestion for this engagement, with an optional reason")
        self.restore_button = QPushButton("Bring back")
        self.restore_button.setToolTip("Show this dismissed suggestion again")

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.show_dismissed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.detail, 1)
        rl.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.replacements)

        self.show_dismissed.toggled.connect(lambda _on: self._fill(self.selected_key()))
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.accept_button.clicked.connect(self._accept)
        self.dismiss_button.clicked.connect(self._dismiss)
        self.restore_button.clicked.connect(self._restore)

    # ---- showing ------------------------------------------------------------------------------

    def set_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        keep = self.selected_key()
        self._all = list(suggestions)
        self._fill(keep)

    def set_replacements(self, text: str, tip: str) -> None:
        """The hardware replacements by quarter, in one line (devices in the tooltip)."""
        self.replacements.setText(text)
        self.replacements.setToolTip(tip)
        self.replacements.setVisible(bool(text))

    def open_count(self) -> int:
        return sum(1 for s in self._all if not s.dismissed)

    def _fill(self, keep: str | None) -> None:
        self.list.clear()
        shown = [s for s in self._all if self.show_dismissed.isChecked() or not s.dismissed]
        for s in shown:
            text = s.title + (" (dismissed)" if s.dismissed else "")
            item = QListWidgetItem(text)
            item.setData(KEY_ROLE, s.key)
            item.setToolTip(s.triggers[0] if s.triggers else s.title)
            if s.dismissed:
                item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
        n, gone = self.open_count(), sum(1 for s in self._all if s.dismissed)
        if n:
            self.summary.setText(f"{n} finding{'s' if n != 1 else ''} the answers and the inventory point to. "
                                 "Add the ones that hold to the register, dismiss the rest.")
        else:
            self.summary.setText("No suggestions: the form's rules find nothing the register lacks. They update "
                                 "as answers and the inventory change.")
        if gone:
            self.show_dismissed.setText(f"Show dismissed ({gone})")
        else:
            self.show_dismissed.setText("Show dismissed")
        self.show_dismissed.setEnabled(bool(gone) or self.show_dismissed.isChecked())
        row = next((i for i in range(self.list.count()) if self.list.item(i).data(KEY_ROLE) == keep), 0)
        if self.list.count():
            self.list.setCurrentRow(row)
        self._show_selected()

    def selected_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(KEY_ROLE) if item else None

    def selected(self) -> Suggestion | None:
        key = self.selected_key()
        return next((s for s in self._all if s.key == key), None)

    def _show_selected(self) -> None:
        s = self.selected()
        self.accept_button.setEnabled(s is not None and not s.dismissed)
        self.dismiss_button.setEnabled(s is not None and not s.dismissed)
        self.restore_button.setVisible(s is not None and s.dismissed)
        if s is None:
            self.detail.setHtml("")
            return
        what = "Standards gap" if s.standard else "Risk from the library"
        parts = [f"<h3>{escape(s.title)}</h3>", f"<p><i>{what}</i></p>", "<p><b>What triggered it</b></p><ul>"]
        parts += [f"<li>{escape(t)}</li>" for t in s.triggers]
        parts.append("</ul>")
        if s.why:
            parts.append(f"<p><b>Why it matters</b><br>{escape(s.why)}</p>")
        if s.device_uids:
            n = len(s.device_uids)
            parts.append(f"<p>Adding it links the {n} device{'s' if n != 1 else ''} to the risk.</p>")
        if s.dismissed:
            reason = f": {escape(s.dismiss_reason)}" if s.dismiss_reason else " (no reason given)"
            parts.append(f"<p><b>Dismissed</b>{reason}</p>")
        self.detail.setHtml("".join(parts))

    # ---- asking -------------------------------------------------------------------------------

    def _accept(self) -> None:
        s = self.selected()
        if s is not None and not s.dismissed:
            self.accept_requested.emit(s.key)

    def _dismiss(self) -> None:
        s = self.selected()
        if s is None or s.dismissed:
            return
        reason, ok = QInputDialog.getText(self, "Dismiss suggestion",
                                          f"Why does “{s.title}” not apply? (optional; kept with the engagement)")
        if ok:
            self.dismiss_requested.emit(s.key, reason)

    def _restore(self) -> None:
        s = self.selected()
        if s is not None and s.dismissed:
            self.restore_requested.emit(s.key)


# ---- the Risks page's side: load, accept, dismiss, bring back (saved through the service) ----


def replacement_text(plan: Sequence[Any], currency: str, quarters: int = 4) -> tuple[str, str]:
    """'Hardware due for replacement: 2026 Q4: 18 workstations, 14 laptops ($63,600.00); ...'."""
    if not plan:
        return "", ""
    by_q: dict[str, list[Any]] = {}
    for line in plan:
        by_q.setdefault(line.quarter, []).append(line)
    parts = []
    for q, lines in list(by_q.items())[:quarters]:
        what = ", ".join(f"{ln.count} {kind_plural(ln.kind, ln.count)}" for ln in lines)
        total = sum((ln.total for ln in lines if ln.total is not None), Decimal(0))
        money = f" ({locale_text.format_money(total, app_locale.current(), currency)})" if total else ""
        overdue = sum(ln.overdue for ln in lines)
        parts.append(f"{q}: {what}{money}" + (f", {overdue} overdue" if overdue else ""))
    more = len(by_q) - quarters
    text = "Hardware due for replacement (form's replacement ages and unit costs): " + "; ".join(parts)
    if more > 0:
        text += f"; and {more} more quarter{'s' if more != 1 else ''}"
    tip = "\n".join(f"{ln.quarter}, {kind_plural(ln.kind, ln.count)}: {', '.join(ln.devices[:12])}"
                     + (" …" if len(ln.devices) > 12 else "") for ln in plan)
    return text, tip


def badge_text(count: int) -> tuple[str, str]:
    """The navigator's mark beside Risks, and its tooltip."""
    if not count:
        return "", ""
    return f"{count} new", f"{count} suggested finding{'s' if count != 1 else ''} to review"


def tab_title(count: int) -> str:
    return f"Suggested findings ({count})" if count else "Suggested findings"


class SuggestionsHook:
    """Wires a :class:`SuggestionsPanel` into the Risks page: fills it on every load and saves
    its requests through the service with undo. ``tabs``: the tab widget holding the panel."""

    def __init__(self, page: Any, panel: SuggestionsPanel, tabs: QTabWidget) -> None:
        self.page, self.panel, self.tabs = page, panel, tabs
        panel.accept_requested.connect(self.accept)
        panel.dismiss_requested.connect(self.dismiss)
        panel.restore_requested.connect(self.restore)

    def load(self) -> None:
        try:
            found = self.page.service.suggestions.current(self.page.engagement_id)
        except ServiceError as exc:
            log.warning("suggestions not shown: %s", type(exc).__name__)
            found = []
        self.panel.set_suggestions(found)
        try:
            plan = self.page.service.suggestions.replacement_plan(self.page.engagement_id)
            currency = self.page.service.forms.of(self.page.service.engagements.header(self.page.engagement_id)).pricing.currency
        except ServiceError:
            plan, currency = [], "USD"
        self.panel.set_replacements(*replacement_text(plan, currency))
        self.tabs.setTabText(self.tabs.indexOf(self.panel), tab_title(self.panel.open_count()))

    def accept(self, key: str) -> None:
        page = self.page
        svc, eid = page.service, page.engagement_id
        s = next((x for x in self.panel._all if x.key == key), None)
        if s is None:
            return
        page.flush()
        try:
            made = svc.suggestions.accept(eid, key)
        except ServiceError as exc:
            QMessageBox.warning(page, "Not added", str(exc))
            page.load()
            return
        if isinstance(made, Risk):
            risk = made
            position = next(n for n, r in enumerate(svc.findings.risks(eid)) if r.uid == risk.uid)
            page.context.undo_stack.push(ServiceCommand(
                f"Add suggested risk “{risk.title}”", page,
                lambda: svc.findings.add_risk(eid, risk, position), lambda: svc.findings.delete_risk(eid, risk.uid)))
            page.load()
            page.select_uid(risk.uid)
            self.tabs.setCurrentIndex(0)
        else:
            category = made.category_id
            page.context.undo_stack.push(ServiceCommand(
                f"Record standards gap “{s.title}”", page,
                lambda: svc.standards.set_assessment(eid, category, status=made.status, notes=made.notes),
                lambda: svc.standards.restore_assessment(eid, category, None)))
            page.load()
        page.changed.emit()
        page.status.emit(f"Added: {s.title}")

    def dismiss(self, key: str, reason: str) -> None:
        page = self.page
        svc, eid = page.service, page.engagement_id
        title = next((x.title for x in self.panel._all if x.key == key), key)
        if run_with_undo(page, f"Dismiss suggestion “{title}”", lambda: svc.suggestions.dismiss(eid, key, reason),
                         lambda: svc.suggestions.restore(eid, key)):
            page.status.emit(f"Dismissed: {title}")

    def restore(self, key: str) -> None:
        page = self.page
        svc, eid = page.service, page.engagement_id
        s = next((x for x in self.panel._all if x.key == key), None)
        reason = s.dismiss_reason if s else ""
        run_with_undo(page, "Bring back suggestion", lambda: svc.suggestions.restore(eid, key),
                      lambda: svc.suggestions.dismiss(eid, key, reason))

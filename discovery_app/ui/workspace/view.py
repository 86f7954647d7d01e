"""The engagement workspace: section navigator on the left, one page at a time in the middle,
the live summary on the right (collapsible), and a toolbar with the way back and the timer.

Pages come from :mod:`.registry` (imported explicitly) with one questionnaire page per
section of the engagement's form in between. A page that fails to build or load is replaced by
a message saying so: one broken section never takes the workspace down.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ...domain.assessment import Readiness
from ...domain.engagement import STATUS_LABELS
from .. import ops as ops_mod
from ..widgets import MessagePage, muted, scaled_font
from . import registry
from .find_dialog import FindQuestionDialog, Target
from .interview.questions import AnswerBook, QuestionPage
from .navigator import Navigator
from .page import PageContext, WorkspacePage
from .summary_panel import SummaryPanel
from .timer import DiscoveryTimer

if TYPE_CHECKING:
    from ...services import Discovery

log = logging.getLogger(__name__)


class BrokenPage(WorkspacePage):
    """Stands in for a page that could not be built or loaded."""

    def __init__(self, context: PageContext, title: str, section_id: str, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.title = title
        self.section_id = section_id
        lay = QVBoxLayout(self)
        lay.addWidget(MessagePage(
            f"{title} cannot be shown",
            "An error in Discovery stopped this section from opening. The rest of the engagement is "
            "safe; the details are in the log.",
        ))

    def load(self) -> None:
        pass


class FillScrollArea(QScrollArea):
    """Holds a page whose tables scroll themselves: the page gets the whole viewport, and more
    only when the viewport is below the page's minimum size (then the page scrolls).

    A plain resizable QScrollArea gives a page with word-wrapped labels its *preferred* height
    (height-for-width), so such a page scrolls as a whole instead of fitting the window.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(False)
        # Refit once after the page's layout changed (a timer owned here dies with the area).
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit)

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._refit.start()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        page = self.widget()
        if page is None:
            return
        least = page.minimumSizeHint().expandedTo(page.minimumSize())
        size = self.viewport().size().expandedTo(least)
        if page.size() != size:
            page.resize(size)


class WorkspaceView(QWidget):
    #: A short message for the status bar ("Saved").
    status_message = Signal(str)
    #: The client name or status changed (the window title follows).
    title_changed = Signal(str)

    def __init__(self, service: Discovery, eid: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        # Autosaves, imports and exports run as ops on the application's one worker, in order;
        # every call through ``self.service`` (the pages' too) waits for the write ops still
        # queued, so reads see them.
        self.ops = ops_mod.shared()
        self.service: Discovery = self.ops.ordered(service)
        service = self.service
        self.eid = eid
        # The revision this window's picture is read at: a save is checked against it, and what
        # others change after it is reloaded (outside.py).
        service.changes.picture(eid)
        #: Opened beside the window that holds the store: nothing here can change it.
        self.read_only = bool(service.read_only)
        self.undo_stack = QUndoStack(self)
        self.context = PageContext(service, eid, self.undo_stack, self.ops)
        header = service.engagements.header(eid)
        self.form = service.forms.of(header)
        self.book = AnswerBook(service, eid, self.form)
        self.client_name = header.client_name

        self.toolbar = QToolBar("Workspace")
        self.toolbar.setObjectName("workspaceToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.title_label = QLabel()
        self.title_label.setObjectName("workspaceTitle")
        self.title_label.setFont(scaled_font(self, 1.15, bold=True))
        self.subtitle_label = muted(QLabel())
        self.timer = DiscoveryTimer(service, eid)
        self._title_box = QWidget()
        tb = QVBoxLayout(self._title_box)
        tb.setContentsMargins(8, 0, 8, 0)
        tb.setSpacing(0)
        tb.addWidget(self.title_label)
        tb.addWidget(self.subtitle_label)

        self.navigator = Navigator()
        self.stack = QStackedWidget()
        self.stack.setObjectName("workspaceStack")
        self.summary = SummaryPanel()
        self.summary.go_to.connect(lambda section: self.go_to(section, focus=True))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("workspaceSplitter")
        self.splitter.setChildrenCollapsible(False)
        for w in (self.navigator, self.stack, self.summary):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.splitter, 1)

        self.pages: list[WorkspacePage] = []
        self._stale: set[int] = set()
        self._last_readiness: Readiness | None = None
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(150)
        self._summary_timer.timeout.connect(self.refresh_summary)
        self.navigator.page_chosen.connect(self._show_page)
        self.timer.changed.connect(self._schedule_summary)
        self.ops.failed.connect(self.status_message)
        from .outside import OutsideWatch

        self.outside = OutsideWatch(self)

    def fill_toolbar(self, leading: list, trailing: list) -> None:
        """Lay out the toolbar: the window's actions first (Back), title, timer, then the rest."""
        for a in leading:
            self.toolbar.addAction(a)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self._title_box)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addWidget(self.timer)
        self.toolbar.addSeparator()
        for a in trailing:
            self.toolbar.addAction(a)

    # ---- building and loading ---------------------------------------------------------------

    def build(self) -> None:
        for entry in registry.BEFORE_QUESTIONNAIRE:
            self._add_registered(entry)
        for section in self.form.questionnaire.sections:
            page = QuestionPage(self.context, section, self.book)
            page.past_end.connect(self._past_end)
            self._add(page, wrap=False)  # scrolls itself
        for entry in registry.AFTER_QUESTIONNAIRE:
            self._add_registered(entry)
        self.navigator.set_sections([p.title for p in self.pages])

    def _add_registered(self, cls: type[WorkspacePage]) -> None:
        try:
            page = cls(self.context)
        except Exception:
            log.exception("workspace page %s could not be built", cls.__name__)
            page = BrokenPage(self.context, getattr(cls, "title", "") or cls.__name__,
                              getattr(cls, "section_id", cls.__name__))
        self._add(page)

    @staticmethod
    def _holder(page: WorkspacePage, wrap: bool) -> QWidget:
        """A page wider or taller than the room left scrolls instead of stretching the window."""
        if not wrap:
            return page
        scroll = FillScrollArea() if page.fills_view else QScrollArea()
        scroll.setWidgetResizable(not page.fills_view)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _add(self, page: WorkspacePage, wrap: bool = True) -> None:
        index = len(self.pages)
        self.pages.append(page)
        self.stack.addWidget(self._holder(page, wrap))
        page.changed.connect(lambda i=index: self._page_changed(i))
        page.status.connect(self.status_message)
        page.show_requested.connect(lambda i=index: self.go(i))
        fix_requested = getattr(page, "fix_requested", None)
        if fix_requested is not None:
            fix_requested.connect(self.fix)

    def load(self) -> None:
        """Read the engagement into every page (after :meth:`build`)."""
        self.book.load()
        for i in range(len(self.pages)):
            self._load_page(i)
        self._stale.clear()
        self.timer.load()
        self.refresh_header()
        self.refresh_summary()  # and the navigator's marks, from the same readiness check
        if self.pages and self.navigator.currentIndex().row() < 0:
            self.go(0)

    def _load_page(self, i: int) -> None:
        page = self.pages[i]
        try:
            page.load()
            if self.read_only:
                self._lock_page(page)
        except Exception:
            log.exception("workspace page %s could not be loaded", page.section_id)
            broken = BrokenPage(self.context, page.title, page.section_id)
            old = self.stack.widget(i)
            assert old is not None  # the stack holds one widget per page
            self.stack.insertWidget(i, broken)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.pages[i] = broken

    # ---- navigation -------------------------------------------------------------------------

    def current_index(self) -> int:
        return self.stack.currentIndex()

    def current_page(self) -> WorkspacePage | None:
        i = self.stack.currentIndex()
        return self.pages[i] if 0 <= i < len(self.pages) else None

    def page(self, section_id: str) -> WorkspacePage | None:
        return next((p for p in self.pages if p.section_id == section_id), None)

    def go(self, index: int, focus: bool = False) -> None:
        if not 0 <= index < len(self.pages):
            return
        self.navigator.select_row(index)
        self._show_page(index)
        if focus:
            self.pages[index].focus_first()

    def go_to(self, section_id: str, focus: bool = False) -> None:
        page = self.page(section_id)
        if page is not None:
            self.go(self.pages.index(page), focus)

    def _show_page(self, index: int) -> None:
        current = self.current_page()
        if current is not None and current is not self.pages[index]:
            current.flush()
            self.ops.flush()  # the page about to load must see the edits
        if index in self._stale:
            self._stale.discard(index)
            self._load_page(index)
        self.stack.setCurrentIndex(index)

    def next_section(self) -> None:
        self.go(min(self.current_index() + 1, len(self.pages) - 1), focus=True)

    def previous_section(self) -> None:
        self.go(max(self.current_index() - 1, 0), focus=True)

    def _past_end(self) -> None:
        if self.current_index() + 1 < len(self.pages):
            self.next_section()

    def find_question(self) -> FindQuestionDialog:
        targets = [
            Target(i, key, label, p.title)
            for i, p in enumerate(self.pages)
            for key, label in p.find_targets()
        ]
        dialog = FindQuestionDialog(targets, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda result: self._found(dialog, result))
        dialog.open()
        return dialog

    def _found(self, dialog: FindQuestionDialog, result: int) -> None:
        t = dialog.chosen
        if result == QDialog.DialogCode.Accepted and t is not None:
            self.go(t.page_index)
            self.pages[t.page_index].reveal(t.key)

    # ---- read-only, and changes made elsewhere ---------------------------------------------

    def _lock_page(self, page: QWidget) -> None:
        from ..store_guard import make_read_only

        make_read_only(page)

    def apply_read_only(self) -> None:
        """Disable every edit control (the window opened beside the one holding the store)."""
        if not self.read_only:
            return
        for page in self.pages:
            self._lock_page(page)
        self.timer.button.setEnabled(False)
        self.timer.button.setToolTip("The discovery timer runs in the window that has the database open; "
                                     "this read-only window shows its time.")

    def after_outside_reload(self) -> None:
        """The pages were reloaded after a change made elsewhere."""
        self.apply_read_only()

    # ---- edits, undo and refreshes ----------------------------------------------------------

    def flush(self) -> None:
        """Save every edit still waiting for a typing pause and wait until all are committed
        (their refreshes have run when this returns). Waits for at most the queued commits."""
        for p in self.pages:
            p.flush()
        self.ops.flush()

    def close_saves(self) -> None:
        """Commit every edit and run every callback still due (the workspace is going away)."""
        self.outside.stop()
        self.flush()
        try:
            self.ops.failed.disconnect(self.status_message)
        except (RuntimeError, TypeError):  # closed twice: already disconnected
            pass

    def undo(self) -> None:
        self.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.flush()
        self.undo_stack.redo()

    def _page_changed(self, index: int) -> None:
        # Other pages may show what changed (conditions, fit, counts): reload them when shown.
        self._stale.update(i for i in range(len(self.pages)) if i != index)
        # The page's own marks at once (with the last check); the check itself follows shortly.
        self.refresh_marks(self._last_readiness)
        self._schedule_summary()
        if self.pages[index].section_id == "client":
            self.refresh_header()

    def _schedule_summary(self) -> None:
        self._summary_timer.start()

    def refresh_header(self) -> None:
        h = self.service.engagements.header(self.eid)
        self.client_name = h.client_name
        self.title_label.setText(h.client_name)
        who = f" · {h.consultant}" if h.consultant else ""
        self.subtitle_label.setText(f"{STATUS_LABELS[h.status]} · {self.form.title} v{self.form.version}{who}")
        self.title_changed.emit(h.client_name)

    def refresh_marks(self, readiness: Readiness | None = None) -> None:
        """The navigator's marks: each page's progress, and a warning mark where the readiness
        check (the one list, domain/assessment.py) has a blocker on that page or the page holds
        an input it could not save. Missing answers show as progress, not as a problem."""
        flagged = {i.where.page for i in readiness.blockers if i.code != "answer.required"} if readiness else set()
        if readiness is not None and not readiness.ready:
            flagged.add("review")
        for i, p in enumerate(self.pages):
            try:
                self.navigator.set_marks(i, p.progress(), p.has_problem() or p.section_id in flagged)
            except Exception:
                log.exception("page %s could not report its progress", p.section_id)

    def _readiness(self) -> Readiness | None:
        try:
            self._last_readiness = self.service.assessments.check(self.eid)
        except Exception:
            log.exception("engagement %s could not be checked", self.eid)
            self._last_readiness = None
        return self._last_readiness

    def fix(self, page: str, record: str | None) -> None:
        """Go to where a readiness item says to fix it (the Review page and summary link here)."""
        target = self.page(page)
        if target is None:
            return
        self.go(self.pages.index(target))
        if record:
            target.reveal(record)
        else:
            target.focus_first()

    def refresh_summary(self) -> None:
        self._summary_timer.stop()
        readiness = self._readiness()
        self.summary.show_summary(self.service.engagements.summary(self.eid), readiness)
        for i, p in enumerate(self.pages):  # counts such as the Risks page's suggested findings
            if hasattr(p, "request_badge"):
                p.request_badge(lambda text, tip, row=i: self.navigator.set_badge(row, text, tip))
        self.refresh_marks(readiness)
        t = self.service.timer.summary(self.eid)
        self.summary.show_time(t.spent, t.running_since is not None, t.discovery_fee, t.currency, t.effective_rate)

    # ---- settings ---------------------------------------------------------------------------

    def splitter_state(self) -> bytes:
        return bytes(self.splitter.saveState().data())

    def restore_splitter(self, state: object) -> None:
        if state is not None:
            self.splitter.restoreState(state)  # type: ignore[arg-type]  # the QByteArray QSettings kept
        else:
            total = max(self.width(), 1200)
            self.splitter.setSizes([230, total - 230 - 290, 290])


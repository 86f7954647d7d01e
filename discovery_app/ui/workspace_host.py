"""Opening an engagement's workspace in the main window, and the way back to the list.

The window owns the pages; this object owns the open workspace, its actions (undo, sections,
summary, timer) and what is remembered between runs (the last open engagement, the panes).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .workspace.view import WorkspaceView

log = logging.getLogger(__name__)

LAST_KEY = "workspace/lastEngagement"
SPLITTER_KEY = "workspace/splitter"
SUMMARY_KEY = "workspace/summaryVisible"
#: Below this window width (in the app's pixels: 1280x800 at 125 % is 1024 wide) the summary panel
#: folds away as a workspace opens, so the page keeps the room its tables need; F9 shows it again.
NARROW_WIDTH = 1100


class WorkspaceHost(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view: WorkspaceView | None = None
        self.last_open_seconds: float | None = None
        a = window.commands
        a.open.triggered.connect(self.open_selected)
        a.back.triggered.connect(self.close_workspace)
        a.undo.triggered.connect(lambda: self.view.undo() if self.view else None)
        a.redo.triggered.connect(lambda: self.view.redo() if self.view else None)
        a.next_section.triggered.connect(lambda: self.view.next_section() if self.view else None)
        a.previous_section.triggered.connect(lambda: self.view.previous_section() if self.view else None)
        a.toggle_summary.toggled.connect(self._set_summary_visible)
        a.timer.triggered.connect(lambda: self.view.timer.toggle() if self.view else None)
        a.toggle_summary.setChecked(bool(QSettings().value(SUMMARY_KEY, True, type=bool)))
        #: The summary folded away only because the window was narrow (not the consultant's choice).
        self._summary_folded = False

    # ---- open and close ---------------------------------------------------------------------

    def open_selected(self) -> None:
        eid = self.window.selected_id()
        if eid is not None:
            self.open(eid)

    def open(self, eid: int) -> WorkspaceView | None:
        """Open engagement ``eid`` in the workspace (closing any other first)."""
        w = self.window
        service = w.service
        if service is None:
            return None
        if self.view is not None:
            if self.view.eid == eid:
                w.stack.setCurrentWidget(self.view)
                return self.view
            self.close_workspace()
        from .workspace.view import WorkspaceView

        started = time.perf_counter()
        with w.busy("Opening the engagement…"):

            def build() -> WorkspaceView:
                view = WorkspaceView(service, eid)
                view.fill_toolbar([w.commands.back], [w.commands.toggle_summary])
                view.build()
                view.load()
                view.apply_read_only()
                return view

            ok, view = w.attempt("Opening the engagement", build)
        if not ok or view is None:
            return None
        self.last_open_seconds = time.perf_counter() - started
        log.info("engagement %s opened in %.3f s", eid, self.last_open_seconds)
        self.view = view
        view.status_message.connect(self._status)
        view.title_changed.connect(self._title)
        stack = view.undo_stack
        for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged, stack.redoTextChanged):
            signal.connect(self._stack_changed)
        view.timer.changed.connect(self._stack_changed)
        view.outside.deleted.connect(self._deleted_elsewhere)
        w.stack.addWidget(view)
        w.stack.setCurrentWidget(view)
        view.restore_splitter(QSettings().value(SPLITTER_KEY))
        toggle = w.commands.toggle_summary
        self._summary_folded = toggle.isChecked() and w.width() < NARROW_WIDTH
        if self._summary_folded:
            toggle.blockSignals(True)  # unchecked, so F9 shows it; the remembered choice stays
            toggle.setChecked(False)
            toggle.blockSignals(False)
        view.summary.setVisible(toggle.isChecked())
        view.go(0, focus=True)
        self._title(view.client_name)
        QSettings().setValue(LAST_KEY, self._last_value(eid))
        w.toolbar.hide()
        w.update_actions()
        folded = " · the summary panel is folded away on a window this narrow (F9 shows it)" if self._summary_folded else ""
        w.statusBar().showMessage(f"Opened {view.client_name}{folded}", 5000 if folded else 3000)
        return view

    def close_workspace(self, *, forget: bool = True, refresh: bool = True) -> None:
        """Back to the list. Everything is saved already; a running timer stops."""
        view = self.view
        if view is None:
            return
        w = self.window
        view.close_saves()  # every queued autosave is committed before the workspace goes
        # A read-only window shows the timer of the window that owns it: never its to stop.
        stopped = view.timer.running and not view.read_only
        try:
            if not view.read_only:
                view.timer.stop()
        except Exception:
            log.exception("could not stop the discovery timer")
        self.save_state()
        if forget:
            QSettings().remove(LAST_KEY)
        self.view = None
        stack = view.undo_stack
        for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged, stack.redoTextChanged):
            signal.disconnect(self._stack_changed)
        w.stack.removeWidget(view)
        view.deleteLater()
        w.setWindowTitle("Discovery (read-only)" if w.read_only else "Discovery")
        w.toolbar.show()
        if refresh and w.service is not None:
            w.refresh(select_id=view.eid)
        w.update_actions()
        if stopped:
            w.statusBar().showMessage("The discovery timer was stopped", 5000)

    def _deleted_elsewhere(self, message: str) -> None:
        """Another program deleted the open engagement: back to the list, saying why."""
        self.close_workspace(forget=True)
        self.window.statusBar().showMessage(message, 10_000)

    def flush(self) -> None:
        """Commit every autosave still queued in the open workspace (waits for at most the
        queued commits, a few milliseconds). Call before reading or replacing the store from
        outside the workspace (export, backup, restore, delete)."""
        if self.view is not None:
            self.view.flush()

    def _last_value(self, eid: int) -> str:
        """What LAST_KEY holds: the engagement and the store it is in ("7@/path/to/store.sqlite3"):
        engagement 7 of another store (--db) is another client."""
        service = self.window.service
        return f"{eid}@{service.store.key if service is not None else ''}"

    def restore_last(self) -> None:
        """Reopen the engagement that was open when Discovery last closed, if it still exists
        in this store."""
        value = QSettings().value(LAST_KEY)
        eid_text = str(value or "").partition("@")[0]
        try:
            eid: int | None = int(eid_text)
        except ValueError:
            eid = None
        if eid is not None and str(value) != self._last_value(eid):
            return  # another store's engagement: leave it for when that store is open again
        if eid is None or not self.window.list_page.contains(eid):
            QSettings().remove(LAST_KEY)
            return
        self.open(eid)

    # ---- state ------------------------------------------------------------------------------

    def save_state(self) -> None:
        if self.view is not None:
            QSettings().setValue(SPLITTER_KEY, self.view.splitter.saveState())
        if not self._summary_folded:
            QSettings().setValue(SUMMARY_KEY, self.window.commands.toggle_summary.isChecked())

    def update_actions(self) -> None:
        a = self.window.commands
        view = self.view
        inside = view is not None
        for action in (a.back, a.next_section, a.previous_section, a.toggle_summary, a.timer):
            action.setEnabled(inside)
        if view is not None and view.read_only:
            a.timer.setEnabled(False)
        stack = view.undo_stack if view is not None and not view.read_only else None
        a.undo.setEnabled(bool(stack and stack.canUndo()))
        a.redo.setEnabled(bool(stack and stack.canRedo()))
        a.undo.setText(f"&Undo {stack.undoText()}" if stack and stack.canUndo() else "&Undo")
        a.redo.setText(f"&Redo {stack.redoText()}" if stack and stack.canRedo() else "&Redo")
        if view is not None:
            a.timer.setText("Stop the discovery &timer" if view.timer.running else "Start the discovery &timer")

    def _stack_changed(self, *_args: object) -> None:
        # The window may be going away (app quitting) while the stack still says goodbye.
        if self.view is not None and shiboken6.isValid(self.window.commands.undo):
            self.update_actions()

    def _set_summary_visible(self, visible: bool) -> None:
        self._summary_folded = False  # the consultant's own choice from here on
        if self.view is not None:
            self.view.summary.setVisible(visible)
            if visible:
                self.view.refresh_summary()

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 2500)

    def _title(self, client: str) -> None:
        self.window.setWindowTitle(f"{client} — Discovery" + (" (read-only)" if self.window.read_only else ""))

    def current_widget(self) -> QWidget | None:
        return self.view

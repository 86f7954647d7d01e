"""An open engagement follows what others write to it: another window, a command run with
``--force-while-open``, a restore.

Every second the workspace asks the service (on the ops worker, behind the queued saves) what
other open stores changed since its picture (:meth:`Changes.outside`): one indexed read of the
engagement's revision. When something did, it saves what the consultant is typing, reloads the
pages that show what changed (the one on screen at once, the others when next shown), forgets the
undo history (an undo would put back a value over someone else's edit), and says what happened
in the status bar. A save refused because of such a change (an ``EditConflict``) makes it look at
once, so the page shows the stored value straight away.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from .. import ops as ops_mod

if TYPE_CHECKING:
    from ...services.conflicts import OutsideChanges
    from .view import WorkspaceView

log = logging.getLogger(__name__)

POLL_MS = 1000

#: The pages that show each kind of record, by section id ("q:" = every questionnaire page). The
#: pages that only derive from the rest (fit, pricing, review) reload on any change.
PAGES_OF = {
    "answers": {"q:", "client"},
    "header": {"client"},
    "sites": {"client", "q:"},
    "contacts": {"client", "q:"},
    "inventory": {"inventory", "risks", "standards"},
    "standards": {"standards", "risks"},
    "risks": {"risks", "remediation", "standards"},
    "attachments": {"risks"},
    "remediation": {"remediation"},
    "responsibilities": {"responsibilities"},
    "pricing": set(),
    "discount_approvals": set(),
    "signed_approvals": set(),
    "time_log": set(),
}
DERIVED = {"fit", "pricing", "review"}


def pages_for(targets: frozenset[str]) -> set[str] | None:
    """The section ids (or "q:" for all questionnaire pages) to reload; None: every page."""
    if any(t not in PAGES_OF for t in targets):
        return None
    sections: set[str] = set()
    for t in targets:
        sections |= PAGES_OF[t]
    if targets - {"time_log"}:
        sections |= DERIVED
    return sections


class OutsideWatch(QObject):
    """Polls for changes made elsewhere and reloads the workspace's affected pages."""

    #: The engagement was deleted elsewhere (the message for the status bar): the host closes it.
    deleted = Signal(str)

    def __init__(self, view: WorkspaceView) -> None:
        super().__init__(view)
        self.view = view
        # Read on the worker itself, not through the ordered proxy (which waits for the worker).
        self._service = getattr(view.service, "unwrapped", view.service)
        self._asking = False
        self._stopped = False
        self.reloads = 0
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        ops_mod.shared().conflict.connect(self._conflict)

    def _conflict(self, exc: object) -> None:
        if getattr(exc, "eid", None) == self.view.eid:
            self.check()

    def check(self) -> None:
        """Ask (off the GUI thread) whether anything changed elsewhere; reload if so."""
        if self._asking:
            return
        self._asking = True
        service, eid = self._service, self.view.eid

        def done(outside: OutsideChanges | None) -> None:
            self._asking = False
            if outside is not None:
                self.apply(outside)

        def failed(exc: BaseException) -> None:
            self._asking = False
            log.warning("could not look for outside changes: %s", type(exc).__name__)

        ops_mod.QueryOp(self.view, lambda: service.changes.outside(eid), done, what="Looking for changes") \
            .failure(failed).run_in_background()

    def apply(self, outside: OutsideChanges) -> None:
        view = self.view
        if "deleted" in outside.targets:  # another program deleted it: nothing left to show or save
            self.stop()
            self.deleted.emit(f"Closed: {outside.summary} elsewhere.")
            return
        sections = pages_for(outside.targets)
        view.flush()  # what the consultant typed is saved (or refused) before the page reloads
        current = view.current_index()
        if sections is None or "answers" in outside.targets:
            view.book.load()
        for i, page in enumerate(view.pages):
            sid = page.section_id
            if sections is None or sid in sections or ("q:" in sections and sid.startswith("q:")):
                if i == current:
                    view._load_page(i)
                else:
                    view._stale.add(i)
        view.timer.load()
        view.refresh_header()
        view.refresh_summary()
        self._service.changes.accept(view.eid, outside.revision)
        had_undo = view.undo_stack.count() > 0
        view.undo_stack.clear()
        view.after_outside_reload()
        self.reloads += 1
        note = " Undo history cleared." if had_undo else ""
        message = f"Reloaded: {outside.summary}.{note}"
        bar = getattr(view.window(), "statusBar", None)
        if callable(bar):
            bar().showMessage(message, 10_000)  # longer than a "Saved": it explains what moved
        else:
            view.status_message.emit(message)
        log.info("engagement %s reloaded after an outside change (%d records)", view.eid, len(outside.changes))

    def stop(self) -> None:
        self.timer.stop()
        if self._stopped:
            return
        self._stopped = True
        try:
            ops_mod.shared().conflict.disconnect(self._conflict)
        except (RuntimeError, TypeError):
            pass

"""The contract every section page of the engagement workspace follows.

The workspace shows a navigator of sections on the left and one page at a time. Each page is a
:class:`WorkspacePage` in its feature's folder under ``discovery_app/ui/workspace/`` (``risks/``,
``inventory/``, ``offer/``, ...; the shared shell stays at the top) and is listed in
``discovery_app/ui/workspace/registry.py``. A page:

- is built once per workspace with the :class:`PageContext` (service, engagement id, undo stack);
- reads what it shows through the service in :meth:`load` (called when the engagement is opened
  and whenever :meth:`WorkspacePage.reload` is asked for, e.g. after an undo);
- saves every edit through the service as it is made (no Save button), pushing a
  ``QUndoCommand`` onto ``context.undo_stack`` whose ``redo``/``undo`` go through the service too;
  edits made while typing go through :meth:`WorkspacePage.save`, which runs them as write ops
  on the application's one worker (:mod:`discovery_app.ui.ops`) in order;
- emits :attr:`changed` after a save so the summary panel and navigator refresh, and
  :attr:`status` with a short message for the status bar ("Saved");
- reports its progress (``(done, total)`` or None) and whether something on it is invalid, for the
  navigator's marks; and what blocks export, for the Review & export page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ...services import Discovery
    from ..ops import Ops


@dataclass
class PageContext:
    service: Discovery
    engagement_id: int
    undo_stack: QUndoStack
    #: The worker the workspace's ops run on; None for a page on its own (it then saves in line).
    ops: Ops | None = None


class WorkspacePage(QWidget):
    """Base class of a workspace section page."""

    #: Emitted after the page saved an edit (the summary and navigator refresh).
    changed = Signal()
    #: A short message for the status bar.
    status = Signal(str)
    #: Asks the workspace to bring this page to the front (e.g. after undoing an edit made on it).
    show_requested = Signal()

    #: Stable id of the section (used for shortcuts, settings and tests).
    section_id: str = ""
    #: Navigator label.
    title: str = ""
    #: True for a page whose own tables scroll: it is sized to the room the workspace has (and
    #: scrolls as a whole only below its minimum size); False for a page that scrolls as a form.
    fills_view: bool = False

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    @property
    def service(self) -> Discovery:
        return self.context.service

    @property
    def engagement_id(self) -> int:
        return self.context.engagement_id

    def save(self, fn: Callable[[], Any], on_done: Callable[[Any], object],
             on_error: Callable[[BaseException], object] | None = None) -> None:
        """Save ``fn`` (a call of the service) off the GUI thread, behind every earlier save.

        ``on_done(result)`` or ``on_error(exc)`` runs on the GUI thread after the commit, in the
        order the saves were made; refresh what the edit changed there, not before. Without a
        worker (a page built on its own) the save runs at once.
        """
        ops = self.context.ops
        if ops is not None:
            ops.submit(fn, on_done, on_error, write=True)
            return
        try:
            result = fn()
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
            return
        on_done(result)

    def load(self) -> None:
        """Read the engagement's data for this page from the service and show it."""
        raise NotImplementedError

    def reload(self) -> None:
        self.load()

    def progress(self) -> tuple[int, int] | None:
        """(done, total) for the navigator, or None when the page has no notion of progress."""
        return None

    def has_problem(self) -> bool:
        """True when something on the page is invalid (the navigator shows a warning mark)."""
        return False

    # ---- optional: the workspace calls these; the defaults suit most pages ------------------

    def focus_first(self) -> None:
        """Put the keyboard focus on the page's first field (after Ctrl+PgDown, a navigator click)."""
        self.focusNextChild()

    def flush(self) -> None:
        """Save any edit still waiting (typing is saved after a short pause); called before
        undo, section changes and closing."""

    def find_targets(self) -> list[tuple[str, str]]:
        """(key, label) pairs Ctrl+F can find on this page, e.g. question ids and labels."""
        return []

    def reveal(self, key: str) -> None:
        """Scroll to and focus what :meth:`find_targets` named ``key``."""

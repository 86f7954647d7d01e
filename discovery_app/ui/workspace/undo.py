"""Undoable edits: each one a QUndoCommand whose redo and undo go through the service.

The edit itself is saved before the command is pushed (so a refused value never reaches the
stack); the first ``redo`` that ``QUndoStack.push`` calls therefore does nothing. Later undos and
redos save through the service, then the page that made the edit reloads and comes to the front.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from .page import WorkspacePage

log = logging.getLogger(__name__)


class ServiceCommand(QUndoCommand):
    def __init__(
        self,
        text: str,
        page: WorkspacePage,
        do: Callable[[], object],
        undo: Callable[[], object],
        *,
        merge_key: str | None = None,
    ) -> None:
        super().__init__(text)
        self.page = page
        self._do = do
        self._undo = undo
        self._pushed = False
        self.merge_key = merge_key

    def id(self) -> int:
        # Consecutive edits of the same thing (typing pauses in one answer) undo as one.
        return (hash(self.merge_key) & 0x7FFFFFFF) if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ServiceCommand) or other.merge_key != self.merge_key or not self.merge_key:
            return False
        self._do = other._do
        return True

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # already saved when the edit was made
            return
        self._apply(self._do, "redo", "Redone")

    def undo(self) -> None:
        self._apply(self._undo, "undo", "Undone")

    def _apply(self, fn: Callable[[], object], verb: str, done: str) -> None:
        try:
            fn()
        except Exception:
            # The store refused to go back (e.g. the engagement was deleted meanwhile): say so.
            log.exception("%s failed: %s", verb, self.text())
            self.page.status.emit(f"Could not {verb} “{self.text()}”")
            return
        self.page.reload()
        self.page.show_requested.emit()
        self.page.changed.emit()
        self.page.status.emit(f"{done}: {self.text()}")

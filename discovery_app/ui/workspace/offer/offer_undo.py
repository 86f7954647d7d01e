"""Undo for the offer pages: each edit is a snapshot command over the service.

An edit runs once through a validating service use case; the command remembers the state before
and after it (as plain domain records), and undo/redo write those snapshots back through the
service. Consecutive edits of the same field (typing a discount digit by digit) merge into one
command, so one Ctrl+Z undoes the whole entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

_MERGE_IDS: dict[str, int] = {}


def merge_id(key: str) -> int:
    """A stable QUndoCommand id for a mergeable field (ids must be >= 0 to merge)."""
    return _MERGE_IDS.setdefault(key, 7000 + len(_MERGE_IDS))


class SnapshotCommand(QUndoCommand):
    """Restores ``before`` on undo and ``after`` on redo; the first redo is skipped because the
    edit was already made (and validated) by the service use case."""

    def __init__(
        self,
        text: str,
        before: Any,
        after: Any,
        restore: Callable[[Any], None],
        done: Callable[[], None],
        merge_key: str | None = None,
    ) -> None:
        super().__init__(text)
        self.before = before
        self.after = after
        self._restore = restore
        self._done = done
        self._merge = merge_id(merge_key) if merge_key else -1
        self._applied = True

    def id(self) -> int:
        return self._merge

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SnapshotCommand) or other.id() != self.id() or self._merge < 0:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._restore(self.after)
        self._done()

    def undo(self) -> None:
        self._restore(self.before)
        self._done()

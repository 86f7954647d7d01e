"""Helpers for the findings pages' tests: driving the modal dialogs they open."""

from __future__ import annotations

from ui_helpers import SHIPPED_FORMS  # noqa: F401  (re-exported for the page tests)


def run_modal(qtbot, kind, drive) -> list:
    """Arrange for ``drive(dialog)`` to run on the next modal dialog of type ``kind``.

    Returns a list that gets the dialog, then the exception ``drive`` raised, if any; check it
    with :func:`check_modal` after the action that opened the dialog.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen: list = []

    def poll() -> None:
        w = QApplication.activeModalWidget()
        if isinstance(w, kind) and w.isVisible():
            seen.append(w)
            try:
                drive(w)
            except BaseException as exc:  # close the dialog so the test can report the failure
                seen.append(exc)
                w.reject()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def check_modal(seen: list) -> None:
    assert seen, "the dialog never opened"
    for item in seen[1:]:
        if isinstance(item, BaseException):
            raise item

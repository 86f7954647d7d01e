"""A page context over a fresh store holding the demo engagement (the real form)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHIPPED_FORMS = Path(__file__).resolve().parents[2] / "forms"


@pytest.fixture
def demo_context(tmp_path):
    from PySide6.QtGui import QUndoStack

    from discovery_app.demo import create_demo
    from discovery_app.paths import AppPaths
    from discovery_app.services import DiscoveryService
    from discovery_app.ui.workspace.page import PageContext

    svc = DiscoveryService.open(AppPaths.resolve(tmp_path / "demo.sqlite3"), forms_root=SHIPPED_FORMS)
    eid = create_demo(svc)
    yield PageContext(svc, eid, QUndoStack())
    svc.close()


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

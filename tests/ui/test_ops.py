"""The one primitive for work off the GUI thread (ui/ops.py): query and write ops run in order on
one worker, their results arrive on the GUI thread, a failure is a message, never a traceback."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog
from ui_helpers import wait_for_modal

import discovery_app.ui
from discovery_app.services import ServiceError
from discovery_app.ui.ops import WORKER_NAME, Ops, QueryOp, WriteOp, shared


@pytest.fixture
def worker(qapp):
    ops = Ops()
    yield ops
    ops.close()


def test_ops_run_in_the_order_started_and_deliver_on_the_gui_thread(qtbot, worker):
    ran: list[tuple[str, str]] = []
    delivered: list[tuple[str, object, bool]] = []
    gui = threading.current_thread()

    def op(name: str, pause: float = 0.0):
        def run() -> str:
            time.sleep(pause)  # a slow first op: the later ones still wait their turn
            ran.append((name, threading.current_thread().name))
            return name.upper()
        return run

    def got(name: str):
        return lambda result: delivered.append((name, result, threading.current_thread() is gui))

    WriteOp(None, op("save", 0.05), what="Saving").success(got("save")).run_in_background(worker)
    QueryOp(None, op("read"), got("read"), what="Reading").run_in_background(worker)
    WriteOp(None, op("import", 0.02), what="Importing").success(got("import")).run_in_background(worker)
    QueryOp(None, op("count"), got("count"), what="Counting").run_in_background(worker)
    assert delivered == []  # started, not waited for: the GUI thread went on at once

    qtbot.waitUntil(lambda: len(delivered) == 4, timeout=5000)
    assert [name for name, _ in ran] == ["save", "read", "import", "count"]
    assert {thread for _, thread in ran} == {WORKER_NAME}  # one worker for all of them
    assert delivered == [("save", "SAVE", True), ("read", "READ", True), ("import", "IMPORT", True),
                         ("count", "COUNT", True)]


def test_a_read_in_line_waits_for_the_writes_queued_before_it(worker):
    store: dict[str, str] = {}

    class Service:
        def set(self, key: str, value: str) -> None:
            time.sleep(0.05)
            store[key] = value

        def get(self, key: str) -> str | None:
            return store.get(key)

    service = worker.ordered(Service())
    WriteOp(None, lambda: service.set("name", "Acme"), what="Saving").run_in_background(worker)
    assert service.get("name") == "Acme"  # the read saw the write still queued when it was made
    assert worker.wait_idle()


def test_a_failing_op_shows_a_message_and_leaves_the_window_usable(qtbot, make_window, service):
    window = make_window(service)
    done: list[str] = []

    def fails() -> None:
        raise ServiceError("The archive is not a Discovery archive (manifest.json is missing).")

    WriteOp(window, fails, what="Opening the archive").success(lambda _r: done.append("no")).run_in_background()
    box = wait_for_modal(qtbot, QMessageBox)
    assert box.windowTitle() == "Opening the archive"
    assert box.text() == "The archive is not a Discovery archive (manifest.json is missing)."
    assert "Traceback" not in box.text() + box.informativeText()
    assert done == []
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

    # The worker and the window go on: the next op runs and the window's commands still work.
    QueryOp(window, lambda: 42, lambda r: done.append(f"ok {r}"), what="Reading").run_in_background()
    qtbot.waitUntil(lambda: done == ["ok 42"], timeout=5000)
    window.commands.refresh.trigger()
    assert window.statusBar().isVisible()


def test_a_bug_in_an_op_is_shown_in_words_with_the_detail_behind_a_button(qtbot, make_window, service):
    window = make_window(service)

    def bug() -> None:
        raise KeyError("missing")

    QueryOp(window, bug, lambda _r: None, what="Counting the inventory").run_in_background()
    box = wait_for_modal(qtbot, QMessageBox)
    assert box.text() == "Counting the inventory failed because of an error in Discovery."
    assert "Traceback" not in box.text() + box.informativeText()
    assert "KeyError" in box.detailedText()  # for a developer, behind "Show Details…"
    box.button(QMessageBox.StandardButton.Ok).click()
    assert shared().wait_idle()


def test_a_long_op_shows_the_busy_bar_until_it_is_done(qtbot, make_window, service):
    window = make_window(service)
    release = threading.Event()
    results: list[str] = []
    WriteOp(window, lambda: release.wait(5) and "written", what="Exporting").success(results.append).with_progress(
        "Writing the proposal…").run_in_background()
    assert window.busy_bar.isVisible()
    assert window.statusBar().currentMessage() == "Writing the proposal…"
    assert QApplication.overrideCursor() is not None

    def progress_shown() -> list[str]:
        return [d.labelText() for d in window.findChildren(QProgressDialog) if d.isVisible()]

    # After a moment a progress dialog holds input back (no edit can change the data under it).
    qtbot.waitUntil(lambda: progress_shown() == ["Writing the proposal…"], timeout=3000)
    assert QApplication.activeModalWidget() is not None
    release.set()
    qtbot.waitUntil(lambda: results == ["written"], timeout=5000)
    assert not window.busy_bar.isVisible()
    assert QApplication.overrideCursor() is None
    assert progress_shown() == []


def test_a_callback_of_a_closed_page_is_dropped(qtbot, worker):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    release = threading.Event()
    QueryOp(label, lambda: release.wait(5) and "late", label.setText, what="Reading").run_in_background(worker)
    label.deleteLater()
    qtbot.waitUntil(lambda: not _alive(label))
    release.set()
    assert worker.wait_idle()  # no "C++ object already deleted" error from the late result


def _alive(widget) -> bool:
    from shiboken6 import isValid

    return isValid(widget)


def test_the_window_spins_no_event_loop_of_its_own():
    """Work off the GUI thread goes through ui/ops.py only: no processEvents loops, thread pools
    or threads of their own anywhere else in the window's code."""
    root = Path(discovery_app.ui.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"processEvents", r"QThreadPool", r"QRunnable", r"\bQThread\b", r"threading\.Thread"):
            if re.search(pattern, text) and path.name != "ops.py":
                offenders.append(f"{path.relative_to(root)}: {pattern}")
    assert offenders == []


def test_page_saves_go_through_the_one_worker_in_order(qtbot, make_window, service):
    from test_workspace import open_workspace

    eid = service.engagements.create("Acme", form_key="mini", consultant="Ann Lee")
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    assert view.ops is shared() and view.context.ops is shared()
    view.go_to("q:money", focus=True)
    ratio = view.page("q:money").fields["ratio"]
    for text in ("0.1", "0.2", "0.3"):
        ratio.editor.setText(text)
        ratio._typed()
        ratio.flush()
    view.flush()
    assert service.interview.answers(eid)["ratio"][0] == "0.3"
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # back: nothing is lost
    assert window.workspace.view is None

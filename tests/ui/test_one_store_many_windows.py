"""One store, many windows: a second window beside the one that holds the store opens read-only
(or brings the first forward), and an open workspace follows what others save."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QMessageBox
from ui_helpers import SHIPPED_FORMS

from discovery_app.demo import create_demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.storage.db import READ_ONLY_MESSAGE, StoreReadOnly
from discovery_app.storage.lock import StoreHeld, holder_of
from discovery_app.ui.application import open_store_into
from discovery_app.ui.store_guard import (
    InstanceServer,
    WhenHeld,
    _only_looks,
    ask_when_held,
    bring_to_front,
    held_dialog,
)
from discovery_app.ui.workspace.interview.questions import QuestionPage

HOLD = """
import sys, time
from pathlib import Path
from discovery_app.storage.lock import StoreLock
held = StoreLock(Path(sys.argv[1]), kind="window").acquire()
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture
def demo_paths(tmp_path):
    paths = AppPaths.resolve(tmp_path / "shared.sqlite3")
    svc = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    eid = create_demo(svc)
    svc.close()
    return paths, eid


@pytest.fixture
def other_window(demo_paths):
    """Another Discovery process holding the store."""
    paths, _eid = demo_paths
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(paths.db)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield proc
    proc.kill()
    proc.wait()


def _page_with(view, qid: str) -> tuple[int, QuestionPage]:
    for i, page in enumerate(view.pages):
        if isinstance(page, QuestionPage) and qid in page.fields:
            return i, page
    raise AssertionError(qid)


def test_a_second_window_opens_read_only_and_changes_nothing(qtbot, make_window, demo_paths, other_window):
    paths, eid = demo_paths
    owner = Discovery.open(paths, forms_root=SHIPPED_FORMS)  # the other window's discovery timer runs
    owner.timer.start(eid)
    owner.close()
    before = paths.db.read_bytes()
    window = make_window()
    asked: list[StoreHeld] = []

    def choose(held: StoreHeld) -> WhenHeld:
        asked.append(held)
        return WhenHeld.READ_ONLY

    assert open_store_into(window, paths, forms_root=SHIPPED_FORMS, when_held=choose)
    assert asked and asked[0].holder is not None and asked[0].holder.pid == other_window.pid
    assert window.read_only
    assert window.read_only_label.isVisible() and window.read_only_label.text() == "Read-only"
    assert f"process {other_window.pid}" in window.read_only_label.toolTip()
    assert window.windowTitle().endswith("(read-only)")
    a = window.commands
    assert not any(x.isEnabled() for x in (a.new, a.demo, a.duplicate, a.archive, a.delete, a.settings))

    view = window.workspace.open(eid)
    assert view is not None and view.read_only
    assert view.timer.running  # shown, counting the other window's time
    assert not view.timer.button.isEnabled() and not a.timer.isEnabled()
    assert not a.undo.isEnabled()
    i, page = _page_with(view, "rto_hours")
    view.go(i)
    editor = page.fields["rto_hours"].editor
    assert isinstance(editor, QLineEdit) and editor.isReadOnly()
    assert window.windowTitle().endswith("— Discovery (read-only)")
    # Only buttons that open or show something (an evidence file, a folder) stay usable.
    buttons = [b for p in view.pages for b in p.findChildren(QAbstractButton) if not _only_looks(b)]
    assert buttons and not [(b.text(), b.objectName()) for b in buttons if b.isEnabled()]
    # A page shown later is locked as well.
    inventory = view.page("inventory")
    view.go_to("inventory")
    assert inventory is not None
    assert not any(b.isEnabled() for b in inventory.findChildren(QAbstractButton) if not _only_looks(b))
    # Whatever slipped through, SQLite refuses it, in words.
    with pytest.raises(StoreReadOnly) as caught:
        window.service.interview.set_answer(eid, "rto_hours", 99)
    assert str(caught.value) == READ_ONLY_MESSAGE
    window.workspace.close_workspace()  # closing never stops the other window's timer
    window.close()
    assert holder_of(paths.db).pid == other_window.pid  # the read-only window never took the lock
    assert paths.db.read_bytes() == before
    look = Discovery.open(paths, forms_root=SHIPPED_FORMS, read_only=True)
    assert look.timer.running(eid) is not None  # still the other window's, running
    look.close()


def test_the_list_follows_engagements_added_elsewhere(qtbot, make_window, demo_paths):
    paths, _eid = demo_paths
    mine = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    window = make_window(mine)
    assert window.list_page.contains(1) and not window.list_page.contains(2)
    other = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    try:
        other.engagements.create("Northwind Dental", form_key="co-managed-discovery")
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("The list was updated"), timeout=6000)
    assert window.list_page.contains(2)


def test_the_question_offers_switch_read_only_and_quit(qtbot, demo_paths, other_window):
    paths, _eid = demo_paths
    held = StoreHeld(paths.db, holder_of(paths.db))
    box = held_dialog(None, held)
    qtbot.addWidget(box)
    assert box.text().startswith(f"{paths.db.name} is already open in a Discovery window (")
    texts = [b.text() for b in box.buttons()]
    assert set(texts) == {"Switch to That Window", "Open Read-Only", "Quit"}

    def click_read_only() -> None:
        shown = next(w for w in qtbot_top_levels() if isinstance(w, QMessageBox) and w.isVisible())
        shown.findChild(QAbstractButton, "readOnlyButton").click()

    QTimer.singleShot(50, click_read_only)
    assert ask_when_held(None, held) is WhenHeld.READ_ONLY


def qtbot_top_levels():
    from PySide6.QtWidgets import QApplication

    return QApplication.topLevelWidgets()


def test_switch_asks_the_first_window_to_come_forward(qtbot, tmp_path):
    db = tmp_path / "s.sqlite3"
    holder = QObject()
    server = InstanceServer(db, holder)
    with qtbot.waitSignal(server.raise_requested, timeout=3000):
        assert bring_to_front(db)
    server.close()
    qtbot.wait(50)
    assert not bring_to_front(tmp_path / "nobody.sqlite3", timeout_ms=300)


def test_the_workspace_reloads_what_another_window_saved_and_says_so(qtbot, make_window, demo_paths):
    paths, eid = demo_paths
    mine = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    window = make_window(mine)
    view = window.workspace.open(eid)
    assert view is not None
    i, page = _page_with(view, "rto_hours")
    view.go(i)
    # Something to undo (an edit of this window's own): it must not survive the reload.
    own = next(f for q, f in page.fields.items() if q != "rto_hours" and isinstance(f.editor, QLineEdit))
    own.editor.setFocus()
    own.editor.selectAll()
    qtbot.keyClicks(own.editor, "7")
    qtbot.keyClick(own.editor, Qt.Key.Key_Tab)
    page.flush()
    view.flush()
    assert view.undo_stack.count() >= 1
    other = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    try:
        other.engagements.get(eid)
        other.interview.set_answer(eid, "rto_hours", 12)
        qtbot.waitUntil(lambda: view.outside.reloads == 1, timeout=5000)
        assert page.fields["rto_hours"].editor.text() == "12"
        message = window.statusBar().currentMessage()
        label = view.form.questionnaire.question("rto_hours").label
        assert message.startswith(f"Reloaded: {other.store.revisions.who} changed the answer to “{label}” at ")
        assert message.endswith("Undo history cleared.")
        assert view.undo_stack.count() == 0
        # Its own edits do not make it reload.
        mine.interview.set_answer(eid, "rto_hours", 16)
        qtbot.wait(1500)
        assert view.outside.reloads == 1
    finally:
        window.workspace.close_workspace()
        other.close()


def test_a_refused_save_says_why_and_the_page_shows_the_stored_value(qtbot, make_window, demo_paths):
    paths, eid = demo_paths
    mine = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    window = make_window(mine)
    view = window.workspace.open(eid)
    assert view is not None
    view.outside.timer.stop()  # the other save lands between two looks
    i, page = _page_with(view, "rto_hours")
    view.go(i, focus=False)
    other = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    try:
        other.engagements.get(eid)
        other.interview.set_answer(eid, "rto_hours", 12)
        editor = page.fields["rto_hours"].editor
        editor.setFocus()
        editor.selectAll()
        qtbot.keyClicks(editor, "24")
        qtbot.keyClick(editor, Qt.Key.Key_Tab)
        page.flush()
        qtbot.waitUntil(lambda: view.outside.reloads == 1, timeout=5000)
        assert other.engagements.get(eid).answer_values()["rto_hours"] == "12"  # nothing lost
        assert page.fields["rto_hours"].editor.text() == "12"  # the page shows what is stored
    finally:
        window.workspace.close_workspace()
        other.close()


def test_the_first_window_holds_the_store_answers_a_second_start_and_lets_go_on_close(
        qtbot, make_window, demo_paths):
    paths, _eid = demo_paths
    window = make_window()
    assert open_store_into(window, paths, forms_root=SHIPPED_FORMS)
    assert not window.read_only and window.store_lock is not None and window.store_lock.held
    import os

    assert holder_of(paths.db).pid == os.getpid()
    qtbot.waitUntil(lambda: window._instance_server is not None, timeout=3000)
    with qtbot.waitSignal(window._instance_server.raise_requested, timeout=3000):
        assert bring_to_front(paths.db)
    window.close()
    assert holder_of(paths.db) is None


def test_an_engagement_deleted_elsewhere_closes_with_a_word(qtbot, make_window, demo_paths):
    paths, eid = demo_paths
    window = make_window(Discovery.open(paths, forms_root=SHIPPED_FORMS))
    assert window.workspace.open(eid) is not None
    other = Discovery.open(paths, forms_root=SHIPPED_FORMS)
    try:
        other.engagements.delete(eid)
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.workspace.view is None, timeout=5000)
    assert window.statusBar().currentMessage() == "Closed: the engagement was deleted elsewhere."
    assert not window.list_page.contains(eid)

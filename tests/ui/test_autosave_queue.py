"""Autosave off the GUI thread: the write ops on the one worker (ui/ops.py) keep every edit, in order,
shows a failed save in words, and the pages refresh after the commit."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from findings_helpers import SHIPPED_FORMS
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from test_workspace import open_workspace
from ui_helpers import FORMS

from discovery_app.demo import create_demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.storage.db import StoreFull
from discovery_app.ui.ops import WORKER_NAME, Ops
from discovery_app.ui.workspace.offer.offer_pricing_models import KIND_ROLE
from discovery_app.ui.workspace.page import PageContext


@pytest.fixture
def mini_eid(service):
    return service.engagements.create("Acme", form_key="mini", consultant="Ann Lee")


def record_threads(service, name: str) -> list[tuple[str, object]]:
    """Wrap ``service.<name>``: (thread name, first value argument) of every call, in order."""
    calls: list[tuple[str, object]] = []
    original = getattr(service, name)

    def wrapper(*args, **kwargs):
        calls.append((threading.current_thread().name, args[2] if len(args) > 2 else None))
        return original(*args, **kwargs)

    setattr(service, name, wrapper)
    return calls


def test_an_answer_typed_just_before_closing_the_window_is_in_the_store(qtbot, make_window, paths, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    view.go_to("q:money", focus=True)
    notes = view.page("q:money").fields["notes"]
    calls = record_threads(service.interview, "set_answer")
    qtbot.keyClicks(notes.editor, "Typed, then the window closed at once")
    window.close()  # no pause for the debounce, no wait for the writer

    assert calls and all(name == WORKER_NAME for name, _ in calls), "saved off the GUI thread"
    again = Discovery.open(paths, forms_root=FORMS)
    try:
        assert again.interview.answers(mini_eid)["notes"][0] == "Typed, then the window closed at once"
    finally:
        again.close()


def test_leaving_the_workspace_commits_the_queued_answer(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    view.go_to("q:money", focus=True)
    qtbot.keyClicks(view.page("q:money").fields["ratio"].editor, "0.5")
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # back to the list
    assert window.workspace.view is None
    assert service.interview.answers(mini_eid)["ratio"][0] == "0.5"


def test_a_failed_save_is_shown_in_words(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    view.go_to("q:money", focus=True)
    field = view.page("q:money").fields["notes"]

    def disk_full(*_args, **_kwargs):
        raise StoreFull("The disk is full. The change was not saved; everything saved before it is safe.")

    service.interview.set_answer = disk_full
    qtbot.keyClicks(field.editor, "Will not fit")
    field.flush()
    qtbot.waitUntil(lambda: field.error_label.isVisible(), timeout=3000)
    assert field.error_label.text().startswith("The disk is full")
    assert window.statusBar().currentMessage().startswith("Not saved: The disk is full")
    assert "notes" not in service.interview.answers(mini_eid)


def test_many_quick_edits_commit_in_the_order_made(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    view.go_to("q:money", focus=True)
    ratio = view.page("q:money").fields["ratio"]
    calls = record_threads(service.interview, "set_answer")
    typed = [f"0.{n:02d}" for n in range(1, 41)]
    for text in typed:  # faster than the writer: each one flushed straight after typing
        ratio.editor.setText(text)
        ratio._typed()
        ratio.flush()
    view.ops.flush()
    assert [v for _, v in calls] == typed
    assert {name for name, _ in calls} == {WORKER_NAME}
    assert service.interview.answers(mini_eid)["ratio"][0] == "0.40"
    # One undo step for the one field, back to before the first edit.
    view.undo()
    assert "ratio" not in service.interview.answers(mini_eid)


@pytest.fixture
def demo_queued(qtbot, tmp_path: Path):
    """A page context over the demo engagement with the workspace's background writer."""
    svc = Discovery.open(AppPaths.resolve(tmp_path / "demo.sqlite3"), forms_root=SHIPPED_FORMS)
    eid = create_demo(svc)
    ops = Ops()
    yield PageContext(ops.ordered(svc), eid, QUndoStack(), ops), svc
    ops.close()
    svc.close()


def test_a_risk_field_saved_in_the_background_updates_its_row_and_the_heat_map(qtbot, demo_queued):
    from ui_helpers import select_risk as select

    from discovery_app.ui.workspace.risks.risks_page import RisksPage

    context, raw = demo_queued
    page = RisksPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.load()
    page.show()
    qtbot.waitExposed(page)
    title = "Restores never tested"
    select(qtbot, page, title)
    uid = page.selected_risk().uid
    assert page.heatmap.count(4, 4) == 7 and page.heatmap.count(1, 4) == 0
    page.detail.likelihood.setFocus()
    for _ in range(3):
        qtbot.keyClick(page.detail.likelihood, Qt.Key.Key_Up)  # 4 -> 1 (Rare)
    qtbot.waitUntil(lambda: page.heatmap.count(1, 4) == 1, timeout=3000)
    assert page.heatmap.count(4, 4) == 6
    row = page.visible_titles().index(title)
    assert page.proxy.index(row, 5).data() == "Low"
    assert page.detail.score.text() == "Score 4 of 25 · Low"
    assert raw.findings.risk(context.engagement_id, uid).likelihood == 1

    # The title typed in the detail reaches the register row after the commit.
    page.detail.title.setFocus()
    page.detail.title.selectAll()
    qtbot.keyClicks(page.detail.title, "Backups restored once a quarter")
    qtbot.keyClick(page.detail.title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Backups restored once a quarter" in page.visible_titles(), timeout=3000)
    assert title not in page.visible_titles()
    assert raw.findings.risk(context.engagement_id, uid).title == "Backups restored once a quarter"
    context.ops.flush()
    context.undo_stack.undo()
    assert raw.findings.risk(context.engagement_id, uid).title == title
    assert title in page.visible_titles()


def test_a_discount_typed_on_the_pricing_page_updates_the_breakdown(qtbot, demo_queued):
    from ui_helpers import retype

    from discovery_app.ui.workspace.offer.pricing_page import PricingPage

    context, raw = demo_queued
    page = PricingPage(context)
    qtbot.addWidget(page)
    page.load()
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    model = page.breakdown_model

    def discount_lines() -> list[str]:
        return [model.index(r, 0).data() for r in range(model.rowCount())
                if model.index(r, 0).data(KIND_ROLE) == "line" and model.index(r, 0).data().startswith("Discount")]

    assert discount_lines() == ["Discount 5%", "Discount 5%"]
    retype(qtbot, page.discount, "8")
    qtbot.waitUntil(lambda: discount_lines() == ["Discount 8%", "Discount 8%"], timeout=3000)
    assert str(raw.offer.pricing_inputs(context.engagement_id).discount_percent) == "8.00"
    quote = raw.offer.quote(context.engagement_id)
    assert page.first_year.text().endswith(f"{quote.first_year_total:,.2f}")

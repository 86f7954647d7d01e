"""Escape goes back from the workspace unless something on it takes Escape itself, and the table
pages fit a 1280x800 window without clipping."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit


@pytest.fixture
def demo_window(qtbot, make_window, tmp_path):
    from findings_helpers import SHIPPED_FORMS

    from discovery_app.demo import create_demo
    from discovery_app.paths import AppPaths
    from discovery_app.services import Discovery

    svc = Discovery.open(AppPaths.resolve(tmp_path / "demo.sqlite3"), forms_root=SHIPPED_FORMS)
    eid = create_demo(svc)
    window = make_window(svc)
    window.resize(1280, 800)
    view = window.workspace.open(eid)
    assert view is not None and view.isVisible()
    # The offscreen platform has no window manager: hand activation back to the window.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window, view
    svc.close()


def test_escape_never_leaves_the_engagement_and_alt_left_goes_back_to_the_list(qtbot, demo_window):
    window, view = demo_window
    view.go_to("risks")
    page = view.page("risks")
    page.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    qtbot.keyClick(page.table, Qt.Key.Key_Escape)
    qtbot.wait(50)
    assert window.workspace.view is view  # an Esc meant for a popup never closes the interview
    qtbot.keyClick(page.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.workspace.view is None)
    assert window.stack.currentWidget() is not view


def test_escape_in_a_table_cell_editor_cancels_the_edit_and_stays(qtbot, demo_window):
    window, view = demo_window
    view.go_to("remediation")
    page = view.page("remediation")
    index = page.proxy.index(0, page.model.column_of("title"))
    before = index.data()
    page.table.setFocus()
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Typed but cancelled")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.table.state() != page.table.State.EditingState)
    assert window.workspace.view is view
    assert index.data() == before
    # A second Escape, with the editor gone, still stays in the engagement.
    qtbot.keyClick(page.table, Qt.Key.Key_Escape)
    qtbot.wait(50)
    assert window.workspace.view is view


@pytest.mark.parametrize("section", ["risks", "pricing", "remediation"])
def test_table_pages_fit_a_1280_window_without_scrolling_the_page(qtbot, demo_window, section):
    window, view = demo_window
    view.go_to(section)
    page = view.page(section)
    scroll = page.parentWidget().parentWidget()
    # Nothing to scroll: the page is no larger than the room it has, its tables scroll instead.
    qtbot.waitUntil(lambda: scroll.horizontalScrollBar().maximum() == 0
                    and scroll.verticalScrollBar().maximum() == 0)
    assert page.width() <= scroll.viewport().width() and page.height() <= scroll.viewport().height()

"""Driving the real widgets the way a consultant does: clicks, keys, visible text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QTableView, QWidget

# A small valid form package (id "mini"): the real forms/ may be mid-edit.
FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms"
SHIPPED_FORMS = Path(__file__).resolve().parents[2] / "forms"


def visible_column(table: QTableView, column: int = 0) -> list[str]:
    model = table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def row_of(table: QTableView, text: str, column: int = 0) -> int:
    return visible_column(table, column).index(text)


def cell_center(table: QTableView, row: int, column: int = 0):
    index: QModelIndex = table.model().index(row, column)
    table.scrollTo(index)
    return table.visualRect(index).center()


def click_row(qtbot, table: QTableView, row: int) -> None:
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell_center(table, row))


def double_click_row(qtbot, table: QTableView, row: int) -> None:
    # QTest sends only the double-click event; a real one follows a press and release.
    pos = cell_center(table, row)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def wait_for_modal(qtbot, kind: type[QWidget] = QMessageBox) -> QWidget:
    found: list[QWidget] = []

    def check() -> None:
        w = QApplication.activeModalWidget()
        assert isinstance(w, kind) and w.isVisible()
        found.append(w)

    qtbot.waitUntil(check, timeout=3000)
    return found[-1]


def button(box: QMessageBox, text: str) -> QPushButton:
    for b in box.buttons():
        if b.text().replace("&", "") == text:
            assert isinstance(b, QPushButton)
            return b
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")


def show_page(qtbot, page: QWidget, size: tuple[int, int] = (1280, 800), *, activate: bool = False) -> QWidget:
    """Load a workspace page and show it at ``size`` (active when keyboard focus matters)."""
    qtbot.addWidget(page)
    page.resize(*size)
    page.load()
    with qtbot.waitExposed(page):
        page.show()
    if activate:
        with qtbot.waitActive(page):
            page.activateWindow()
    return page


def blockers_on(page) -> list[str]:
    """What the readiness check (the one list every surface reads) says blocks the proposal on
    this page."""
    readiness = page.service.assessments.check(page.engagement_id)
    return [i.message for i in readiness.blockers if i.where.page == page.section_id]


def retype(qtbot, edit, text):
    """Replace a line edit's text by typing, as a consultant does."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def select_risk(qtbot, page, title):
    """Click the risk called ``title`` in the Risks page's register (filters cleared first)."""
    page.heatmap.select(None)
    page.filter.clear()
    row = page.visible_titles().index(title)
    rect = page.table.visualRect(page.proxy.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_risk().title == title

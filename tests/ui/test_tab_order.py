"""Tab walks each workspace page in reading order and reaches every input (issue #22).

Driven by Tab key events on the real main window, page by page: from the page's first stop, Tab
until the focus leaves the page. Every enabled input shown on the page must be reached (a table
is one stop: Tab leaves it), and each step goes on in reading order: down, or right along the same
line, or up only into a new column to the right (a form's second column starts at the top).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QRadioButton,
    QWidget,
)
from test_keyboard import focused, press
from test_workspace import open_workspace

TOL = 4


@pytest.fixture
def mini_eid(service):
    return service.engagements.create("Acme", form_key="mini", consultant="Ann Lee")


def _stop(w: QWidget) -> QWidget:
    """The widget that stands for ``w`` in the chain: a spin box or editable combo for its line
    edit, a table for a cell editor."""
    p = w.parentWidget()
    while p is not None:
        if isinstance(p, (QAbstractSpinBox, QComboBox, QAbstractItemView)):
            return p
        p = p.parentWidget()
    return w


def _inputs(page: QWidget) -> list[QWidget]:
    """What Tab should reach on the page as shown: enabled, visible, taking Tab focus. An
    exclusive group of radio buttons is one stop (arrows move inside it): its checked one, or
    its first."""
    out: list[QWidget] = []
    groups: set[int] = set()
    for w in page.findChildren(QWidget):
        if not (w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        if w.visibleRegion().isEmpty() or _stop(w) is not w or w.focusProxy() is not None:
            continue
        if isinstance(w, QRadioButton) and w.autoExclusive():
            key = id(w.parentWidget())
            if key in groups:
                continue
            groups.add(key)
        out.append(w)
    return out


def _rect(w: QWidget, page: QWidget) -> QRect:
    return QRect(w.mapTo(page, QPoint(0, 0)), w.size())


def _out_of_order(a: QRect, b: QRect) -> bool:
    """Whether going from ``a`` to ``b`` goes against reading order."""
    same_line = abs(a.center().y() - b.center().y()) < min(a.height(), b.height()) / 2
    if same_line:
        return b.center().x() < a.center().x() - TOL  # right to left along a line
    if b.top() < a.top() - TOL:  # back up: only as the start of a new column to the right
        return b.left() < a.right() - TOL
    return False


def walk(qtbot, page: QWidget) -> list[QWidget]:
    """Tab from the page's first stop until the focus leaves the page or comes round again."""
    expected = {id(w) for w in _inputs(page)}
    first = page.nextInFocusChain()
    while id(first) not in expected and first is not page:
        first = first.nextInFocusChain()
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    seen = [first]
    for _ in range(120):
        press(qtbot, Qt.Key.Key_Tab)
        now = focused()
        if now is None or not page.isAncestorOf(now) or now in seen:
            break
        seen.append(_stop(now))
    return seen


def test_tab_walks_every_page_in_reading_order_and_reaches_every_input(qtbot, make_window, service, mini_eid):
    # A risk, so the risk page shows its register and detail rather than its empty message.
    service.findings.add_risk_from_library(mini_eid, service.findings.risk_library(mini_eid)[0].id)
    window = make_window(service)
    window.resize(1280, 800)
    view = open_workspace(qtbot, window, "Acme")
    problems: dict[str, list[str]] = {}
    for page in view.pages:
        view.go_to(page.section_id)
        qtbot.waitUntil(lambda p=page: p.isVisible())
        seen = walk(qtbot, page)

        def name(w: QWidget) -> str:
            return w.accessibleName() or getattr(w, "text", lambda: "")() or w.objectName() or type(w).__name__

        found = []
        missed = [w for w in _inputs(page) if w not in seen]
        if missed:
            found.append("not reached: " + ", ".join(name(w) for w in missed))
        for a, b in zip(seen, seen[1:], strict=False):
            if _out_of_order(_rect(a, page), _rect(b, page)):
                found.append(f"{name(a)} -> {name(b)}")
        if found:
            problems[page.title] = found
    assert not problems, problems

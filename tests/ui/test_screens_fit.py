"""Every page fits a 1280x800 laptop: no visible label, button, placeholder, tab or table header is
cut, no page scrolls sideways, and the summary does not scroll inside a scrolling page.

Measured as a test can (tests/ui/elision.py): each text's width in its font against the room its
widget has. Text elided on purpose (with the whole text in a tooltip and a detail pane) is marked
``elideOk`` and not counted.
"""

from __future__ import annotations

import pytest
from elision import elided_texts

from discovery_app.domain.engagement import Status  # noqa: F401  (the demo's statuses)


@pytest.fixture
def demo_window(make_window, demo):
    svc, eid = demo
    w = make_window(svc)
    w.resize(1280, 800)
    return w, svc, eid


def tour(qtbot, w, eid) -> dict[str, list[str]]:
    view = w.workspace.open(eid)
    assert view is not None
    qtbot.wait(50)
    found = {}
    for page in view.pages:
        view.go_to(page.section_id)
        qtbot.wait(30)
        cut = elided_texts(view)
        if cut:
            found[page.section_id] = cut
    return found


def test_no_text_is_cut_on_any_page_of_the_demo_at_1280x800(qtbot, demo_window):
    w, _svc, eid = demo_window
    assert w.width() == 1280
    assert tour(qtbot, w, eid) == {}


def test_no_text_is_cut_on_any_page_of_a_new_engagement_at_1280x800(qtbot, demo_window):
    w, svc, _eid = demo_window
    eid = svc.engagements.create("Northwind Regional Health and Community Care Partners", consultant="Dana Reyes")
    assert tour(qtbot, w, eid) == {}


def test_the_summary_stands_whole_beside_a_page_and_its_more_links_go_to_the_page(qtbot, demo_window):
    w, svc, _eid = demo_window
    eid = svc.engagements.create("Fresh client")  # a new engagement: many blockers, nothing answered
    view = w.workspace.open(eid)
    view.go_to("client")
    qtbot.wait(50)
    view.refresh_summary()
    qtbot.wait(50)
    summary = view.summary
    assert not summary.verticalScrollBar().isVisible(), "the summary scrolls inside the page"
    text = summary.blockers.text()
    assert "more on the Review page" in text
    summary.blockers.linkActivated.emit("review")
    assert view.current_page().section_id == "review"


def test_no_text_is_cut_on_any_page_of_the_demo_at_150_percent():
    """The same tour with Qt scaling at 1.5 (a 1920x1200 screen at 150 %: 1280x800 in the app's
    pixels). Qt reads the factor only as it starts, hence one process of its own for every page."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).with_name("scaled_tour.py")
    env = {**os.environ, "QT_SCALE_FACTOR": "1.5", "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["scale"] == 1.5 and result["width"] == 1280
    assert result["cut"] == {}
    # The same at a 1280x800 screen's 853x533: the toolbars wrap, no page scrolls sideways.
    assert result["narrow"] == {}

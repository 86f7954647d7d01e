"""The roadmap page: items by quarter, the budget, moving an item; frozen once accepted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from discovery_app.ui.workspace.page import PageContext
from discovery_app.ui.workspace.roadmap.roadmap_page import RoadmapPage


def _page(qtbot, service, eid):
    page = RoadmapPage(PageContext(service, eid, QUndoStack()))
    qtbot.addWidget(page)
    page.load()
    return page


def test_moving_an_item_to_another_quarter_saves_it_and_updates_the_budget(qtbot, demo):
    service, eid = demo
    page = _page(qtbot, service, eid)
    road = service.baseline.roadmap(eid)
    rows = page.items_model.rowCount()
    assert rows == len(road.items) > 0
    project = next(n for n, i in enumerate(road.items) if i.kind.value == "project")
    page.items.selectRow(project)
    item = road.items[project]
    target = road.quarters[-1].quarter
    page.quarter.setCurrentIndex(page.quarter.findData(target))
    qtbot.mouseClick(page.move_button, Qt.MouseButton.LeftButton)
    moved = service.baseline.roadmap(eid).item(item.key)
    assert moved.quarter == target and moved.moved
    budget = page.budget_model.rows
    assert budget[-1][0] == "Total" and len(budget) == len(road.quarters) + 1
    last = next(r for r in budget if r[0] == target.replace("-", " "))
    assert last[1] != "0"
    assert any("(moved)" in r[1] for r in page.items_model.rows)


def test_an_accepted_engagement_roadmap_cannot_be_moved(qtbot, tmp_path):
    from ui_helpers import SHIPPED_FORMS

    from discovery_app.demo_baseline import create_baseline_demo
    from discovery_app.paths import AppPaths
    from discovery_app.services import Discovery

    service = Discovery.open(AppPaths.resolve(tmp_path / "b.sqlite3"), forms_root=SHIPPED_FORMS)
    try:
        accepted, _ = create_baseline_demo(service)
        page = _page(qtbot, service, accepted)
        assert not page.move_button.isEnabled()
        assert "signed baseline" in page.intro.text()
    finally:
        service.close()

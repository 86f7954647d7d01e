"""The Risks page's Suggested findings panel (accept with undo, dismiss with a reason, bring
back) and the navigator's count of new suggestions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog
from ui_helpers import show_page

from discovery_app.ui import ops
from discovery_app.ui.workspace.risks.risks_page import RisksPage


def test_suggested_findings_accept_with_undo_dismiss_and_bring_back(qtbot, demo_context, monkeypatch):
    page = show_page(qtbot, RisksPage(demo_context))
    panel, svc, eid = page.suggestions, page.service, page.engagement_id
    open_before = panel.open_count()
    assert open_before == svc.suggestions.open_count(eid) > 3
    assert page.lower_tabs.tabText(1) == f"Suggested findings ({open_before})"
    shown = []
    page.request_badge(lambda text, tip: shown.append((text, tip)))
    ops.shared().flush()  # the count is made off the GUI thread
    assert shown == [(f"{open_before} new", f"{open_before} suggested findings to review")]
    assert panel.replacements.text().startswith("Hardware due for replacement")
    assert " workstations" in panel.replacements.text() and "$" in panel.replacements.text()
    assert "PDX-" in panel.replacements.toolTip()
    titles = [panel.list.item(i).text() for i in range(panel.list.count())]
    row = titles.index("Servers or storage out of warranty")
    panel.list.setCurrentRow(row)
    html = panel.detail.toPlainText()
    assert "What triggered it" in html and "2 devices: warranty ended: PDX-HV01, PDX-NAS01" in html
    risks_before = page.model.rowCount()
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == risks_before + 1
    added = page.selected_risk()
    assert added.template_id == "servers_out_of_warranty" and "PDX-HV01" in added.evidence
    assert sorted(svc.inventory.names(eid, added.linked_inventory).values()) == ["PDX-HV01", "PDX-NAS01"]
    assert panel.open_count() == open_before - 1 and page.lower_tabs.currentIndex() == 0
    page.context.undo_stack.undo()
    assert page.model.rowCount() == risks_before and panel.open_count() == open_before

    page.lower_tabs.setCurrentIndex(1)
    panel.list.setCurrentRow(0)
    first = panel.selected()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Client has a quote for this already", True))
    qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert panel.open_count() == open_before - 1
    assert [s.key for s in svc.suggestions.current(eid) if s.dismissed] == [first.key]
    assert panel.show_dismissed.text() == "Show dismissed (1)"
    panel.show_dismissed.setChecked(True)
    panel.list.setCurrentRow(panel.list.count() - 1)
    assert panel.selected().key == first.key and panel.restore_button.isVisibleTo(panel)
    assert "Client has a quote for this already" in panel.detail.toPlainText()
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert panel.open_count() == open_before


def test_the_navigator_counts_suggestions(qtbot, window, demo):
    from discovery_app.ui.workspace.view import WorkspaceView

    service, eid = demo
    view = WorkspaceView(service, eid)
    view.build()
    view.load()
    show_page(qtbot, view)
    view.refresh_summary()
    view.ops.flush()  # the count is made off the GUI thread, after the queued writes
    row = next(i for i, p in enumerate(view.pages) if p.section_id == "risks")
    text, _warning = view.navigator.marks(row)
    assert text == f"{service.suggestions.open_count(eid)} new"
    view.close_saves()



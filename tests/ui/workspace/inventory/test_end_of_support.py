"""The inventory's End of support column and filter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import show_page

from discovery_app.domain.lifecycle import Support
from discovery_app.ui.workspace.inventory.inventory_model import Col
from discovery_app.ui.workspace.inventory.inventory_page import InventoryPage


def test_inventory_shows_end_of_support_and_filters_by_it(qtbot, demo_context):
    page = show_page(qtbot, InventoryPage(demo_context))
    model, proxy = page.model, page.proxy
    header = model.headerData(Col.END_OF_SUPPORT, Qt.Orientation.Horizontal)
    assert header == "End of support"
    win10 = next(r for r in range(model.rowCount()) if model.item(r).os.startswith("Windows 10"))
    assert model.data(model.index(win10, Col.END_OF_SUPPORT)) == "Ended 2025-10-14"
    assert "learn.microsoft.com" in model.data(model.index(win10, Col.END_OF_SUPPORT), Qt.ItemDataRole.ToolTipRole)
    items = model.items()
    past = [i for i in items if model.support(i).status == Support.PAST]
    assert past and all(i.category.value == "device" for i in past)
    box = page.support_filter
    box.setCurrentIndex(box.findText("Past end of support"))
    assert proxy.rowCount() == len(past)
    box.setCurrentIndex(box.findText("Ends within a year"))
    shown = {proxy.index(r, Col.NAME).data() for r in range(proxy.rowCount())}
    assert "PDX-DC01" in shown  # Windows Server 2016: 2027-01-12
    box.setCurrentIndex(0)
    assert proxy.rowCount() == model.rowCount()



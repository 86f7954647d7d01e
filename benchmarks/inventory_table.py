"""The Inventory page with 20,000 items: load, sort by two columns, filter by text, one cell edit.

Builds the large engagement (``common.make_large_engagement``: 20,000 inventory items) in a
temporary store, then drives the real :class:`InventoryPage` offscreen:

- *load*: build the page, ``page.load()`` (service read of the inventory + model reset) and the
  first paint of the table; the counts for pricing then arrive from a worker thread (timed
  separately, and waited for so it does not disturb the next figures);
- *sort*: a header sort by Name and by Warranty end (alternating ascending/descending so every
  run really re-sorts), including the repaint;
- *filter*: typing a text filter that matches a few rows, until the table and the
  "N of 20,000 items" label are updated;
- *edit*: one inline cell edit saved through the service (by uid, not a rewrite) with its undo
  step, as the GUI thread feels it.

Bare library for the ratios: Python's ``sorted`` over the same values, and a list comprehension
doing the same substring test.

Run: ``python -m benchmarks.inventory_table`` (prints the table). A script that prints
figures, not a test.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from . import common

FILTER_TEXT = "nw-wo0001"  # matches NW-WO00010 ... NW-WO00019 and the like: a handful of rows


def _app() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _settle(app: Any, page: Any) -> None:
    page.table.viewport().repaint()
    app.processEvents()


def _wait_counts(app: Any, page: Any) -> None:
    import time

    while page.counts_pending:
        app.processEvents()
        time.sleep(0.005)


def main() -> list[dict[str, Any]]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QUndoStack

    from discovery_app.ui.workspace.inventory.inventory_model import Col
    from discovery_app.ui.workspace.inventory.inventory_page import InventoryPage
    from discovery_app.ui.workspace.page import PageContext

    app = _app()
    n = common.runs()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        service = common.open_service(Path(tmp) / "inv.sqlite3")
        try:
            size = common.scaled(common.INVENTORY_ITEMS)
            eid = common.make_large_engagement(service, inventory=size, risks=common.scaled(20),
                                               tasks=common.scaled(20))
            context = PageContext(service, eid, QUndoStack())

            load_times: list[float] = []
            counts_times: list[float] = []
            page = None
            for _ in range(n):
                if page is not None:
                    page.close()
                    page.deleteLater()
                    app.processEvents()

                def build() -> Any:
                    p = InventoryPage(context)
                    p.resize(1200, 760)
                    p.show()
                    p.load()
                    _settle(app, p)
                    return p

                seconds, page = common.timed(build)
                load_times.append(seconds)
                counts_times.append(common.timed(lambda p=page: _wait_counts(app, p))[0])
            assert page is not None
            total = page.model.rowCount()
            rows.append(common.row(f"inventory page: load {total:,} items + first paint", load_times,
                                   note="service read + model reset + paint, GUI thread"))
            rows.append(common.row("inventory page: counts for pricing arrive", counts_times,
                                   note="service.offer.quote on a worker thread after load; the window stays live"))

            names = [i.name for i in page.model.items()]
            warranties = [i.warranty_end for i in page.model.items()]
            for col, label, values in ((Col.NAME, "Name", names), (Col.WARRANTY, "Warranty end", warranties)):
                times: list[float] = []
                bare: list[float] = []
                for run in range(n):
                    order = Qt.SortOrder.AscendingOrder if run % 2 == 0 else Qt.SortOrder.DescendingOrder

                    def sort(col: int = col, order: Qt.SortOrder = order) -> None:
                        page.table.sortByColumn(col, order)
                        _settle(app, page)

                    times.append(common.timed(sort)[0])
                    desc = order == Qt.SortOrder.DescendingOrder
                    key = str.casefold if col == Col.NAME else (lambda x: (x is None, x or date.min))
                    bare.append(common.timed(lambda v=values, k=key, d=desc: sorted(v, key=k, reverse=d))[0])
                rows.append(common.row(f"inventory page: sort {total:,} rows by {label}", times,
                                       ratio=common.ratio_of(times, bare), note="header click to repainted table"))

            times, bare = [], []
            hay = [page.model.haystack(r) for r in range(total)]
            for _ in range(n):
                def filt() -> None:
                    page.search.setText(FILTER_TEXT)
                    page._apply_text_filter()  # what the 150 ms typing pause then runs
                    _settle(app, page)

                times.append(common.timed(filt)[0])
                shown = page.count_label.text()
                page.search.setText("")
                page._apply_text_filter()
                _settle(app, page)
                bare.append(common.timed(lambda: [h for h in hay if FILTER_TEXT in h])[0])
            rows.append(common.row(f"inventory page: filter {total:,} rows by text", times,
                                   ratio=common.ratio_of(times, bare), note=f"label then read “{shown}”"))

            times = []
            proxy = page.table.model()
            for run in range(n):
                index = proxy.index(run, Col.OWNER)
                times.append(common.timed(lambda i=index, r=run: proxy.setData(i, f"Bench owner {r}"))[0])
            rows.append(common.row("inventory page: one inline edit saved + undo step", times,
                                   note="update by uid through the service, GUI thread"))
            page.close()
        finally:
            service.close()
    return rows


if __name__ == "__main__":
    common.emit(main(), "Inventory table")

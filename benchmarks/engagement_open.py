"""Opening the large engagement (20,000 inventory items, 300 risks, 500 tasks), and sorting and
filtering its inventory table.

- open: ``service.engagements.get`` (what the workspace calls) against the bare library reading the same
  rows: sqlite3 selecting every row of the engagement's tables, into tuples.
- inventory table: the inventory page's own model and view when
  ``discovery_app/ui/workspace/inventory/inventory_page.py`` exists, otherwise a QSortFilterProxyModel over
  a plain table model of the same rows (the note says which); against Python's ``sorted`` and a
  list comprehension doing the same sort and filter on the same rows.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import common

OPEN_TARGET_S = 0.5
FILTER_TEXT = "ThinkPad"


def bare_read(db: Path, eid: int) -> Callable[[], int]:
    """sqlite3 reading every row that belongs to engagement ``eid``, as the service does."""
    conn = sqlite3.connect(db)
    tables = [
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if any(col[1] == "engagement_id" for col in conn.execute(f"PRAGMA table_info('{name}')"))
    ]

    def read() -> int:
        n = len(conn.execute("SELECT * FROM engagement WHERE id = ?", (eid,)).fetchall())
        for t in tables:
            n += len(conn.execute(f"SELECT * FROM \"{t}\" WHERE engagement_id = ?", (eid,)).fetchall())
        return n

    return read


# ---- the inventory table --------------------------------------------------------------------


def _qt_app() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _page_view(service: Any, eid: int) -> tuple[Any, Any, Any, str]:
    """(widget to keep alive, the view, its search box or None, note) from the real inventory page."""
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QLineEdit, QTableView

    from discovery_app.ui.workspace.inventory.inventory_page import InventoryPage
    from discovery_app.ui.workspace.page import PageContext

    page = InventoryPage(PageContext(service, eid, QUndoStack()))
    page.resize(1200, 760)
    page.show()
    page.load()
    views = [v for v in page.findChildren(QTableView) if v.model() is not None]
    if not views:
        raise RuntimeError("the inventory page has no table view")
    view = max(views, key=lambda v: v.model().rowCount())
    boxes = [e for e in page.findChildren(QLineEdit) if e.isVisibleTo(page) and not e.isReadOnly()]
    search = next((e for e in boxes if "search" in (e.objectName() + e.placeholderText()).lower()
                   or "filter" in (e.objectName() + e.placeholderText()).lower()), None)
    return page, view, search, "the inventory page's model and view"


def _plain_view(items: list[Any]) -> tuple[Any, Any, Any, str]:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
    from PySide6.QtWidgets import QTableView

    cols = ["name", "kind", "site", "owner", "os", "model", "serial", "purchase_date", "warranty_end"]
    data = [[str(getattr(i, c) or "") for c in cols] for i in items]

    class Model(QAbstractTableModel):
        def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(data)

        def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(cols)

        def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return data[index.row()][index.column()]
            return None

        def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
                return cols[section]
            return None

    model = Model()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.resize(1200, 760)
    view.show()
    view._keep = (model, proxy)  # type: ignore[attr-defined]
    return view, view, None, "FALLBACK: no inventory page yet, a plain QSortFilterProxyModel over the same rows"


def table_rows(service: Any, eid: int, items: list[Any], n: int) -> list[dict[str, Any]]:
    from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer

    app = _qt_app()
    debounce: set[int] = set()
    page_exists = importlib.util.find_spec("discovery_app.ui.workspace.inventory.inventory_page") is not None
    load_times: list[float] = []
    if page_exists:
        # Building and loading the page is what the consultant waits for on opening the section.
        for _ in range(n):
            seconds, (keep, view, search, note) = common.timed(lambda: _page_view(service, eid))
            load_times.append(seconds)
            keep.close()
            keep.deleteLater()
            app.processEvents()
        keep, view, search, note = _page_view(service, eid)
    else:
        keep, view, search, note = _plain_view(items)
    app.processEvents()
    proxy = view.model()
    rows_shown = proxy.rowCount()

    def sort(col: int, order: Qt.SortOrder) -> Callable[[], None]:
        def go() -> None:
            view.sortByColumn(col, order)
            view.viewport().repaint()
        return go

    def filt(text: str) -> Callable[[], None]:
        def go() -> None:
            if search is not None:
                search.setText(text)  # the page's own filtering, as typing would
                # A page that waits for typing to pause filters on a single-shot timer: fire it
                # now, so the figure is the filtering work (the wait is in the note).
                for timer in keep.findChildren(QTimer):
                    if timer.isActive() and timer.isSingleShot():
                        debounce.add(timer.interval())
                        timer.stop()
                        timer.timeout.emit()
            elif isinstance(proxy, QSortFilterProxyModel):
                proxy.setFilterFixedString(text)
            app.processEvents()
            view.viewport().repaint()
        return go

    names = [i.name for i in items]
    models = [i.model for i in items]
    out: list[dict[str, Any]] = []
    if load_times:
        out.append(common.row(f"inventory page: build and load {len(items)} rows", load_times,
                              peak_mb=common.current_peak_mb(), note=note))
    # Sorting: by the first column (name) both ways, against sorted() on the same strings.
    sort_times: list[float] = []
    bare_sort: list[float] = []
    common.reset_peak()
    for k in range(n):
        order = Qt.SortOrder.AscendingOrder if k % 2 else Qt.SortOrder.DescendingOrder
        sort_times.append(common.timed(sort(0, order))[0])
        bare_sort.append(common.timed(lambda k=k: sorted(names, reverse=not k % 2))[0])
    out.append(common.row(f"inventory table: sort {rows_shown} rows by name", sort_times,
                          ratio=common.ratio_of(sort_times, bare_sort), peak_mb=common.current_peak_mb(),
                          note=f"{note}; ratio vs sorted() on the names"))
    filter_times: list[float] = []
    bare_filter: list[float] = []
    shown_after = -1
    needle = FILTER_TEXT.lower()
    common.reset_peak()
    for _ in range(n):
        filter_times.append(common.timed(filt(FILTER_TEXT))[0])
        shown_after = proxy.rowCount()
        filter_times[-1] += common.timed(filt(""))[0]
        bare_filter.append(common.timed(lambda: [m for m in models if needle in m.lower()])[0])
    how = "its search box" if search is not None else "setFilterFixedString"
    if debounce:
        how += f" (the page also waits {'/'.join(map(str, sorted(debounce)))} ms after typing; not counted)"
    out.append(common.row(f"inventory table: filter '{FILTER_TEXT}' and clear", filter_times,
                          ratio=common.ratio_of(filter_times, bare_filter), peak_mb=common.current_peak_mb(),
                          note=f"{note}; via {how}; {shown_after} rows matched; ratio vs a list comprehension"))
    keep.close()
    return out


def main() -> list[dict[str, Any]]:
    n = common.runs(5)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-open-") as tmp:
        db, _demo, large, build_s = common.large_store(Path(tmp))
        service = common.open_service(db)
        try:
            eng = service.engagements.get(large)
            sizes = f"{len(eng.inventory)} items, {len(eng.risks)} risks, {len(eng.remediation)} tasks"
            rows.append(common.row("large engagement: build records and save_new", [build_s],
                                   note=f"{sizes}; once, setup"))
            bare = bare_read(db, large)
            ours_t: list[float] = []
            bare_t: list[float] = []
            peaks: list[float] = []
            bare_peaks: list[float] = []
            bare()
            for _ in range(n):
                del eng
                seconds, peak, eng = common.peak_of(lambda: service.engagements.get(large))
                ours_t.append(seconds)
                peaks.append(peak)
                seconds, peak, _ = common.peak_of(bare)
                bare_t.append(seconds)
                bare_peaks.append(peak)
            r = common.row("open large engagement: service.engagements.get", ours_t, ratio=common.ratio_of(ours_t, bare_t),
                           peak_mb=max(peaks), note=f"ratio vs sqlite3 reading the same rows; {sizes}")
            common.check_target(rows, r, OPEN_TARGET_S, "engagement_open_get", lambda: service.engagements.get(large))
            rows.append(r)
            rows.append(common.row("open large engagement: bare sqlite3 read", bare_t, ratio=1.0, peak_mb=max(bare_peaks)))
            rows.extend(table_rows(service, large, eng.inventory, n))
        finally:
            service.close()
    return rows


if __name__ == "__main__":
    common.emit(main(), "Opening the large engagement")

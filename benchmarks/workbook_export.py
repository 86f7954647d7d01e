"""Delivery workbook export with a 20,000-row inventory, against the bare library writing the same rows.

Ours: ``workbook.write_workbook`` (every sheet: the demo's summary, standards, risks, tasks,
matrix, pricing and PSA sheets beside the inventory; tables, validations, formulas, number
formats, the formula-injection guard, written through write_atomic). The bare library: plain
openpyxl write-only writing the same inventory rows, one value per cell, no styles, tables or
other sheets (the other sheets hold a few hundred cells, so the ratio is what our styling and
checks cost per inventory cell). The rows are built from the store once, outside the timing,
and reported on their own row. Runs alternate between ours and the bare write; CPU time is in
the note too, since it moves less than wall time when the machine is shared.

    .venv/bin/python -m benchmarks.workbook_export [--rows 20000]
    .venv/bin/python -m benchmarks --only workbook_export --runs 3 --no-write
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from discovery_app.demo import create_demo
from discovery_app.domain.engagement import InventoryItem
from discovery_app.export import workbook as wbk
from discovery_app.storage import repository as repo

from . import common

TARGET_RATIO = 1.3


def make_items(n: int) -> list[InventoryItem]:
    start = date(2019, 1, 1)
    return [
        InventoryItem(
            kind="workstation" if i % 4 else "laptop", name=f"WS-{i:05d}", site=f"Site {i % 12}",
            owner=f"User {i % 900}", os="Windows 11 Pro 23H2", model="Dell OptiPlex 7010", serial=f"SN{i:08X}",
            purchase_date=start + timedelta(days=i % 1500), warranty_end=start + timedelta(days=1095 + i % 1500),
            notes="Imported from the RMM export; agent healthy, last seen this week" if i % 3 else "",
            source="RMM export",
        )
        for i in range(n)
    ]


def plain_openpyxl(items: list[InventoryItem], target: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Inventory")
    ws.append(list(wbk.INV_COLUMNS) + [wbk.ID])
    for i in items:
        ws.append([i.name, i.category.value, i.kind, i.site, i.owner, i.os, i.model, i.serial, i.purchase_date,
                   i.warranty_end, i.notes, i.source, i.uid])
    wb.save(target)


def _interleaved(cases: dict[str, Callable[[], Any]], n: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(wall seconds, CPU seconds) per case, runs alternating between the cases after one warm-up."""
    for fn in cases.values():
        fn()
    wall: dict[str, list[float]] = {k: [] for k in cases}
    cpu: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(n):
        for name, fn in cases.items():
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    return wall, cpu


def main(n_rows: int | None = None) -> list[dict[str, Any]]:
    n = common.runs(5)
    n_rows = n_rows or common.scaled(common.INVENTORY_ITEMS)
    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as tmp:
        folder = Path(tmp)
        service = common.open_service(folder / "bench.sqlite3")
        try:
            eid = create_demo(service)
            items = make_items(n_rows)
            repo.add_inventory(service.store, eid, items)
            t_data, data = common.timed(lambda: service.handoff.workbook_data(eid))  # built once: the measure is the writer
            target = folder / "handoff.xlsx"
            plain = folder / "plain.xlsx"
            cases = {"ours": lambda: wbk.write_workbook(data, target), "bare": lambda: plain_openpyxl(items, plain)}
            wall, cpu = _interleaved(cases, n)
            peak_ours = common.peak_of(cases["ours"])[1]
            peak_bare = common.peak_of(cases["bare"])[1]
            size_mb = target.stat().st_size / 1024 / 1024
        finally:
            service.close()
    ratio = common.ratio_of(wall["ours"], wall["bare"])
    cpu_ratio = common.ratio_of(cpu["ours"], cpu["bare"])
    met = "met" if ratio is not None and ratio <= TARGET_RATIO else "MISSED"
    return [
        common.row(
            f"workbook: delivery workbook, {n_rows} inventory rows + the demo's sheets ({size_mb:.1f} MB)",
            wall["ours"], ratio=ratio, peak_mb=peak_ours,
            note=f"CPU {statistics.median(cpu['ours']):.2f} s, ratio {cpu_ratio:.2f}x; "
                 f"target within {TARGET_RATIO:g}x of the bare write: {met}",
        ),
        common.row(f"workbook: bare openpyxl write-only, the same {n_rows} inventory rows", wall["bare"], ratio=1.0,
                   peak_mb=peak_bare, note=f"CPU {statistics.median(cpu['bare']):.2f} s"),
        common.row(f"workbook: building the rows from the store (report model + adapter), {n_rows} items", [t_data],
                   note="once, not part of the ratio"),
    ]


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--json", action="store_true", help="also print the line the runner reads")
    args = ap.parse_args()
    common.emit(main(args.rows), "Workbook export")
    sys.exit(0)

"""Delivery workbook export with a 20,000-row inventory: time and peak memory.

Compares the full export (every sheet, tables, validations, formulas, the injection guard,
written through write_atomic) with plain openpyxl write-only writing the same inventory rows
and nothing else. Time: median, min and max of 3 runs; memory: tracemalloc peak of one more
run (tracemalloc slows the run, so it is not timed) and the process's maximum resident size.

    .venv/bin/python benchmarks/workbook_export.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from discovery_app.demo import create_demo
from discovery_app.domain.engagement import InventoryItem
from discovery_app.export import workbook as wbk
from discovery_app.paths import AppPaths
from discovery_app.services import DiscoveryService
from discovery_app.storage import repository as repo


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


def timed(fn, runs: int = 3) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        service = DiscoveryService.open(AppPaths.resolve(folder / "bench.sqlite3"))
        eid = create_demo(service)
        items = make_items(args.rows)
        repo.add_inventory(service.store, eid, items)
        data = service.workbook_data(eid)  # built once: the measure is the writer
        target = folder / "handoff.xlsx"
        plain = folder / "plain.xlsx"

        def ours():
            wbk.write_workbook(data, target)

        def theirs():
            plain_openpyxl(items, plain)

        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t_plain = timed(theirs)
        t_ours = timed(ours)
        m_plain = peak_mb(theirs)
        m_ours = peak_mb(ours)
        t_data = timed(lambda: service.workbook_data(eid), runs=1)[0]
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = target.stat().st_size / 1e6
        service.close()

    def line(name: str, t: list[float], mem: float) -> str:
        return (f"{name:<34} median {statistics.median(t):6.2f} s  min {min(t):6.2f}  max {max(t):6.2f}  "
                f"peak (tracemalloc) {mem:7.1f} MB")

    print(f"{args.rows} inventory rows (plus the demo's other sheets), Python {sys.version.split()[0]}")
    print(line("plain openpyxl write-only", t_plain, m_plain))
    print(line("delivery workbook (all sheets)", t_ours, m_ours))
    print(f"building the rows from the store (report model + adapter), once: {t_data:.2f} s")
    print(f"workbook file: {size:.1f} MB; process max RSS {rss0:.0f} MB before, {rss1:.0f} MB after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Import of a 20,000-row RMM export, as CSV and as XLSX, against the bare library reading it.

The files look like a NinjaOne device export (display name, device class, location, last
logged-in user, OS, model, serial, install and warranty dates, last contact, notes), written to
a temporary folder. Each run imports the whole file into a new engagement through
``service.inventory.preview_file`` + ``service.inventory.import_file`` (read, map, check every row,
write in one transaction). The bare library: ``csv.reader`` over the decoded file; openpyxl
``load_workbook(read_only=True)`` iterating every value.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import common

TARGET_S = 3.0


def bare_csv(path: Path) -> Callable[[], int]:
    def read() -> int:
        text = path.read_bytes().decode("utf-8-sig")
        return len(list(csv.reader(io.StringIO(text, newline=""))))
    return read


def bare_xlsx(path: Path) -> Callable[[], int]:
    def read() -> int:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
        finally:
            wb.close()
    return read


def ours(service: Any, path: Path, counts: list[int]) -> Callable[[], Any]:
    def run() -> Any:
        eid = service.engagements.create("Import benchmark", form_key="co-managed-discovery")
        preview = service.inventory.preview_file(path)
        report = service.inventory.import_file(eid, path, preview=preview)
        counts.append(report.imported)
        service.engagements.delete(eid)  # keep the store the same size run after run (not timed below)
        return report
    return run


def main() -> list[dict[str, Any]]:
    n = common.runs(5)
    n_rows = common.scaled(common.IMPORT_ROWS)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        data = common.rmm_rows(n_rows)
        files = {
            "CSV": (common.write_rmm_csv(folder / "ninjaone-devices.csv", data), bare_csv),
            "XLSX": (common.write_rmm_xlsx(folder / "ninjaone-devices.xlsx", data), bare_xlsx),
        }
        service = common.open_service(folder / "import.sqlite3")
        try:
            for label, (path, bare_factory) in files.items():
                counts: list[int] = []
                run = ours(service, path, counts)
                bare = bare_factory(path)
                run()
                bare()  # warm-up: imports, file cache
                ours_t: list[float] = []
                bare_t: list[float] = []
                ours_peak: list[float] = []
                bare_peak: list[float] = []
                for _ in range(n):
                    # The delete at the end of run() is part of the timed call: time the import alone.
                    eid = service.engagements.create("Import benchmark", form_key="co-managed-discovery")

                    def one(eid: int = eid, path: Path = path) -> Any:
                        return service.inventory.import_file(eid, path, preview=service.inventory.preview_file(path))

                    seconds, peak, report = common.peak_of(one)
                    counts.append(report.imported)
                    service.engagements.delete(eid)
                    ours_t.append(seconds)
                    ours_peak.append(peak)
                    seconds, peak, _ = common.peak_of(bare)
                    bare_t.append(seconds)
                    bare_peak.append(peak)
                size_mb = path.stat().st_size / 1024 / 1024
                imported = min(counts) if counts else 0
                r = common.row(
                    f"import {n_rows} rows, {label} ({size_mb:.1f} MB): preview + import_inventory", ours_t,
                    ratio=common.ratio_of(ours_t, bare_t), peak_mb=max(ours_peak),
                    note=f"{imported} of {n_rows} imported each run; ratio vs the bare reader",
                )
                common.check_target(rows, r, TARGET_S, f"import_inventory_{label.lower()}", run)
                rows.append(r)
                bare_name = "csv.reader" if label == "CSV" else "openpyxl read-only"
                rows.append(common.row(f"import {n_rows} rows, {label}: bare {bare_name}", bare_t, ratio=1.0,
                                       peak_mb=max(bare_peak)))
        finally:
            service.close()
    return rows


if __name__ == "__main__":
    common.emit(main(), "Inventory import")

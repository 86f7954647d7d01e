"""Issue 23 (one store, many windows): what the revision check costs each save.

Every write now raises the engagement's revision, looks for clashing changes made elsewhere and
logs what it changed (discovery_app/storage/revisions.py). This times the saves a consultant makes
most, each its own transaction on the large engagement (20,000 items, 300 risks, 500 tasks):
an answer, a risk, a pricing input, one inventory item; and the 20,000-row inventory import. Run
it against the code before the change (``PYTHONPATH=<old checkout> python -m benchmarks.revisions``
from that checkout) and after, on the same machine, alternately: the figures are only comparable
within one sitting.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import common

EDITS = 300


def _p(times: list[float], q: float) -> float:
    return sorted(times)[min(len(times) - 1, int(q * len(times)))]


def _series(name: str, fn: Any, n: int) -> dict[str, Any]:
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return common.row(f"{name}, p50 ({n} saves)", [statistics.median(times)],
                      note=f"p95 {_p(times, 0.95) * 1000:.2f} ms; one transaction each, large engagement")


def main() -> list[dict[str, Any]]:
    n = max(50, round(EDITS * common.scale()))
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-revisions-") as tmp:
        db, _demo, eid, _ = common.large_store(Path(tmp))
        service = common.open_service(db)
        try:
            service.engagements.get(eid)  # the picture saves are checked against
            risks = service.findings.risks(eid)
            items = service.inventory.items(eid)[:n]
            rows.append(_series("save an answer (set_answer)",
                                lambda i: service.interview.set_answer(eid, "rto_hours", i % 700), n))
            rows.append(_series("save a risk field (update_risk)",
                                lambda i: service.findings.update_risk(eid, risks[i % len(risks)].uid,
                                                                       likelihood=1 + i % 5), n))
            rows.append(_series("save a pricing input (set_discount)",
                                lambda i: service.offer.set_discount(eid, Decimal(i % 10), "Multi-year"), n))
            rows.append(_series("save one inventory item (update_item)",
                                lambda i: service.inventory.update_item(
                                    eid, items[i].model_copy(update={"notes": f"checked {i}"})), len(items)))
        finally:
            service.close()
    return rows


if __name__ == "__main__":
    common.emit(main(), "Revisions")

"""Checking the large engagement (20,000 inventory items, 300 risks, 500 tasks) out to a laptop
store and back in: the whole copy, the comparison, and the check-in write.

- checkout: ``service.checkouts.check_out`` into a fresh laptop store (the laptop store's creation
  and migration included, as a consultant's first checkout does);
- preview: ``preview_checkin`` after one answer changed on the laptop (fingerprints of every
  section on both sides, the comparison in words);
- checkin: ``check_in`` of that copy (the shared copy replaced in one transaction).
Each run checks out, previews and checks in once, in that order.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from . import common


def main() -> list[dict[str, Any]]:
    n = common.runs(3)
    out_t: list[float] = []
    preview_t: list[float] = []
    in_t: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-checkout-") as tmp:
        db, _demo, large, _build = common.large_store(Path(tmp))
        service = common.open_service(db)
        try:
            for i in range(n):
                laptop = Path(tmp) / f"laptop-{i}.sqlite3"
                seconds, done = common.timed(lambda laptop=laptop: service.checkouts.check_out(large, laptop))
                out_t.append(seconds)
                there = common.open_service(laptop)
                try:
                    there.interview.set_answer(done.laptop_id, "rto_hours", 4 + i)
                finally:
                    there.close()
                seconds, _ = common.timed(lambda laptop=laptop: service.checkouts.preview_checkin(large, laptop))
                preview_t.append(seconds)
                seconds, _ = common.timed(lambda laptop=laptop: service.checkouts.check_in(large, laptop))
                in_t.append(seconds)
            size = (Path(tmp) / "laptop-0.sqlite3").stat().st_size / 1048576
        finally:
            service.close()
    return [
        common.row("checkout large engagement to a new laptop store", out_t, note=f"laptop store {size:.1f} MB"),
        common.row("check-in preview (every section compared)", preview_t),
        common.row("check-in (shared copy replaced)", in_t),
    ]


if __name__ == "__main__":
    common.emit(main(), "Checking the large engagement out and in")

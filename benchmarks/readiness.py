"""The readiness check (``discovery-app check``) on the large engagement: 20,000 inventory items,
300 risks, 500 tasks. It reads every record except the inventory, which comes as counts, then
runs the one assessment (quote, schedule, matrix, readiness).

Against the bare library reading the same rows (sqlite3, every table but the inventory, plus the
inventory's counts per kind). Target: well under 0.1 s.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from . import common

TARGET_S = 0.1


def bare_read(db: Path, eid: int) -> Any:
    conn = sqlite3.connect(db)
    tables = [
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if name != "inventory_item"
        and any(col[1] == "engagement_id" for col in conn.execute(f"PRAGMA table_info('{name}')"))
    ]

    def read() -> int:
        n = len(conn.execute("SELECT * FROM engagement WHERE id = ?", (eid,)).fetchall())
        for t in tables:
            n += len(conn.execute(f"SELECT * FROM \"{t}\" WHERE engagement_id = ?", (eid,)).fetchall())
        n += len(conn.execute("SELECT category, kind, count(*) FROM inventory_item WHERE engagement_id = ? "
                              "GROUP BY category, kind", (eid,)).fetchall())
        return n

    return read


def main() -> list[dict[str, Any]]:
    n = common.runs(7)
    with tempfile.TemporaryDirectory() as tmp:
        db, _demo, large, _seconds = common.large_store(Path(tmp))
        service = common.open_service(db)
        try:
            readiness = service.assessments.check(large)
            basis = service.assessments.basis(large, documents=False)
            times = common.interleaved({
                "check": lambda: service.assessments.check(large),
                "assess": lambda: service.assessments.of_basis(basis),
                "bare": bare_read(db, large),
            }, n)
            items = f"{len(readiness.blockers)} blockers, {len(readiness.warnings)} warnings"
            rows = [
                common.row("check: read and assess the 20,000-item engagement", times["check"],
                           ratio=common.ratio_of(times["check"], times["bare"]),
                           note=f"vs sqlite3 reading the same rows; {items}"),
                common.row("assess: the pure function alone (basis already read)", times["assess"]),
            ]
            common.check_target(rows, rows[0], TARGET_S, "readiness", lambda: service.assessments.check(large))
            return rows
        finally:
            service.close()


if __name__ == "__main__":
    common.emit(main(), "Readiness")

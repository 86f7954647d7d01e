"""Big and hostile inventory files: a 50 MB CSV imported whole, and the two zip bombs refused.

Each figure runs in its own child process (``python -m discovery_app inventory import`` or
``workbook import`` on a fresh store), so the peak memory is that process's own (os.wait4's
rusage), interpreter included, with nothing left over from writing the test files.

- 50 MB CSV: a NinjaOne-shaped device export (about 370,000 rows) into a new engagement;
  the target is a peak under 400 MB.
- Cell bomb: a 1.5 MB XLSX whose one cell inflates to 1.5 GB.
- Row bomb: a small XLSX with 20 million rows.
Both bombs are refused by the inventory import and by the workbook re-import; the target is a
refusal within seconds, in little memory.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from . import common
from .hostile import cell_bomb, row_bomb

CSV_MB = 50
PEAK_TARGET_MB = 400
REFUSE_TARGET_S = 5.0


def _write_big_csv(path: Path, megabytes: float) -> int:
    """Rows in batches until the file reaches ``megabytes``; returns the row count."""
    import csv
    from datetime import date, datetime

    target = megabytes * 1024 * 1024
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(common.RMM_HEADERS)
        seed = 0
        while fh.tell() < target:
            for r in common.rmm_rows(5000, seed=seed):
                r[0] = f"{r[0]}-{seed}"
                r[6] = f"{r[6]}{seed}"
                w.writerow([v.isoformat(sep=" ") if isinstance(v, datetime) else v.isoformat()
                            if isinstance(v, date) else v for v in r])
                n += 1
            seed += 1
    return n


def _cli(folder: Path, db: Path, *args: str) -> common.Child:
    env = common.child_env(folder / "home")
    return common.run_child([sys.executable, "-m", "discovery_app", "--db", str(db), *args], env=env, timeout=900)


def main() -> list[dict[str, Any]]:
    n = common.runs(3)
    megabytes = max(1.0, CSV_MB * common.scale())
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp)
        big = folder / "ninjaone-big.csv"
        count = _write_big_csv(big, megabytes)
        size_mb = big.stat().st_size / 1048576
        times: list[float] = []
        peaks: list[float] = []
        for i in range(n):
            db = folder / f"big-{i}.sqlite3"
            assert _cli(folder, db, "demo").returncode == 0
            child = _cli(folder, db, "inventory", "import", "1", str(big), "--skip-bad")
            if child.returncode != 0:
                raise RuntimeError(f"import failed: {child.stderr[-500:]}")
            times.append(child.wall_s)
            peaks.append(child.peak_mb or 0.0)
        peak = max(peaks)
        rows.append(common.row(
            f"inventory import, {size_mb:.0f} MB CSV ({count:,} rows), whole command", times, peak_mb=peak,
            note=f"child process, interpreter included; peak target < {PEAK_TARGET_MB} MB: "
                 f"{'met' if peak < PEAK_TARGET_MB else 'MISSED'}"))

        bombs = {
            "cell bomb (1 cell -> 1.5 GB)": cell_bomb(folder / "cell-bomb.xlsx", int(1.5 * 1024 ** 3 * common.scale())),
            "row bomb (20 million rows)": row_bomb(folder / "row-bomb.xlsx", int(20_000_000 * common.scale())),
        }
        db = folder / "bombs.sqlite3"
        assert _cli(folder, db, "demo").returncode == 0
        for label, path in bombs.items():
            file_mb = path.stat().st_size / 1048576
            for command in (("inventory", "import", "1"), ("workbook", "import", "1")):
                times, peaks = [], []
                for _ in range(n):
                    child = _cli(folder, db, *command, str(path))
                    if child.returncode != 2 or "Traceback" in child.stderr:
                        raise RuntimeError(f"{label} was not refused cleanly: {child.stderr[-500:]}")
                    times.append(child.wall_s)
                    peaks.append(child.peak_mb or 0.0)
                worst = max(times)
                rows.append(common.row(
                    f"{' '.join(command[:2])}: refuse {label}, {file_mb:.1f} MB file", times, peak_mb=max(peaks),
                    note=f"exit 2, one line; target < {REFUSE_TARGET_S:.0f} s: "
                         f"{'met' if worst < REFUSE_TARGET_S else 'MISSED'}; said: "
                         + child.stderr.strip().splitlines()[-1][:160]))
    return rows


if __name__ == "__main__":
    common.emit(main(), "Big and hostile inventory files")

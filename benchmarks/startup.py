"""Cold start to a shown, usable main window, against a bare PySide6 window and the stack floor.

Each run is a new process (``discovery-app --smoke``) with fresh settings folders (no saved
window geometry), offscreen, on a store holding the demo and the large engagement. The
operating system's file cache is warm: one unmeasured run of each goes first.

- bare window: PySide6 shows a QMainWindow, nothing else;
- stack floor: PySide6 + SQLModel imported, one query on the same store, a window showing it.

All three print ``first_paint=S usable=S`` in seconds since their process started, measured the
same way (/proc/self/stat). Ratios: our first paint / the bare window's; our usable / the floor's.
Then one more run under ``python -X importtime`` lists what start-up imports: the exporters
(reportlab, openpyxl) must not be among them.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import common

# The same clock as discovery_app.ui.smoke, repeated so the bare scripts import nothing of ours.
CLOCK = r'''
import os, sys, time
def _start():
    with open("/proc/self/stat", encoding="ascii") as fh:
        stat = fh.read()
    return int(stat[stat.rindex(")") + 2:].split()[19]) / os.sysconf("SC_CLK_TCK")
_START = _start()
def since_start():
    return time.clock_gettime(time.CLOCK_BOOTTIME) - _START
'''

BARE_WINDOW = CLOCK + r'''
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("Bare")
window.setCentralWidget(QLabel("Loading…"))
window.resize(1200, 760)
marks = {}

class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and obj.isExposed() and "paint" not in marks:
            marks["paint"] = None
            QTimer.singleShot(0, done)
        return False

def done():
    marks["paint"] = since_start()
    app.quit()

window.show()
window.windowHandle().installEventFilter(Watch(window))
app.exec()
print(f"first_paint={marks['paint']:.3f} usable={marks['paint']:.3f}")
'''

STACK_FLOOR = CLOCK + r'''
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

db = sys.argv[1]
app = QApplication(sys.argv[:1])
window = QMainWindow()
label = QLabel("Loading…")
window.setCentralWidget(label)
window.resize(1200, 760)
marks = {}

class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and obj.isExposed() and "paint" not in marks:
            marks["paint"] = None
            QTimer.singleShot(0, query)
        return False

def query():
    marks["paint"] = since_start()
    import sqlmodel
    engine = sqlmodel.create_engine(f"sqlite:///{db}")
    with sqlmodel.Session(engine) as session:
        names = session.exec(sqlmodel.text("SELECT client_name FROM engagement ORDER BY updated_at DESC")).all()
    label.setText("\n".join(n[0] for n in names))
    window.repaint()
    marks["usable"] = since_start()
    app.quit()

window.show()
window.windowHandle().installEventFilter(Watch(window))
app.exec()
print(f"first_paint={marks['paint']:.3f} usable={marks['usable']:.3f}")
'''

LINE = re.compile(r"first_paint=(\d+\.\d+) usable=(\d+\.\d+)")
EXPORTERS = ("reportlab", "openpyxl", "xlsxwriter")
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "yaml")


def _parse(out: str) -> tuple[float, float]:
    m = LINE.search(out)
    if not m:
        raise RuntimeError(f"no 'first_paint=… usable=…' line in: {out!r}")
    return float(m[1]), float(m[2])


def _run(cmd: list[str], home: Path) -> tuple[float, float, float | None, float]:
    child = common.run_child(cmd, env=common.child_env(home))
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {child.returncode}: {child.stderr.strip()[-2000:]}")
    paint, usable = _parse(child.stdout)
    return paint, usable, child.peak_mb, child.wall_s


def import_report(db: Path, home: Path) -> tuple[list[str], list[tuple[float, str]]]:
    """(exporter modules imported by start-up, the ten slowest top-level imports in seconds)."""
    cmd = [sys.executable, "-X", "importtime", "-m", "discovery_app", "--db", str(db), "--smoke"]
    child = common.run_child(cmd, env=common.child_env(home))
    if child.returncode != 0:
        raise RuntimeError(f"importtime run exited {child.returncode}: {child.stderr.strip()[-2000:]}")
    exporters: list[str] = []
    top: list[tuple[float, str]] = []
    for line in child.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line[len("import time:"):].split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        cumulative_us, name = int(parts[1]), parts[2][1:]  # nested imports are indented further
        module = name.strip()
        if module.split(".")[0] in EXPORTERS:
            exporters.append(module)
        if not name.startswith(" "):  # a top-level import (not nested in another)
            top.append((cumulative_us / 1e6, module))
    top.sort(reverse=True)
    return exporters, top[:10]


def _compile_our_sources() -> str:
    """Compile discovery_app's bytecode, as the installers ship it (release.yml compiles the bundle).

    The libraries come precompiled from pip, so without this our modules alone would be compiled
    from source on every run wherever __pycache__ is not written (PYTHONDONTWRITEBYTECODE is set
    on these machines; an installed app's folder is read-only).
    """
    import compileall

    import discovery_app

    package = Path(discovery_app.__file__).parent
    ok = compileall.compile_dir(str(package), quiet=1)
    return "our bytecode precompiled, as installed" if ok else "WARNING: some of our modules did not compile"


def main() -> list[dict[str, Any]]:
    n = common.runs(5) * 2
    rows: list[dict[str, Any]] = []
    compiled = _compile_our_sources()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        db, _demo, _large, _ = common.large_store(folder)
        scripts = folder / "scripts"
        scripts.mkdir()
        bare_py = scripts / "bare_window.py"
        bare_py.write_text(BARE_WINDOW, encoding="utf-8")
        floor_py = scripts / "stack_floor.py"
        floor_py.write_text(STACK_FLOOR, encoding="utf-8")
        commands = {
            "app": [sys.executable, "-m", "discovery_app", "--db", str(db), "--smoke"],
            "bare": [sys.executable, str(bare_py)],
            "floor": [sys.executable, str(floor_py), str(db)],
        }
        results: dict[str, list[tuple[float, float, float | None, float]]] = {k: [] for k in commands}
        for name, cmd in commands.items():  # warm the file cache; not counted
            _run(cmd, folder / f"home-warm-{name}")
        for i in range(n):
            for name, cmd in commands.items():  # interleaved: a busy spell hits all three alike
                results[name].append(_run(cmd, folder / f"home-{name}-{i}"))

        def col(name: str, k: int) -> list[float]:
            return [r[k] for r in results[name]]  # type: ignore[misc]

        def peak(name: str) -> float | None:
            peaks = [r[2] for r in results[name] if r[2] is not None]
            return max(peaks) if peaks else None

        bare_paint, floor_usable = col("bare", 0), col("floor", 1)
        app_paint, app_usable = col("app", 0), col("app", 1)
        r_paint = common.ratio_of(app_paint, bare_paint)
        r_usable = common.ratio_of(app_usable, floor_usable)
        rows.append(common.row("startup: bare PySide6 window shown", bare_paint, ratio=1.0, peak_mb=peak("bare"),
                               note=f"{n} runs, new process each; {compiled}"))
        rows.append(common.row("startup: stack floor usable (PySide6+SQLModel+query+window)", floor_usable, ratio=1.0,
                               peak_mb=peak("floor"), note=f"its first paint median {statistics.median(col('floor', 0)):.3f} s"))
        rows.append(common.row("startup: app first paint (Loading… page)", app_paint, ratio=r_paint, peak_mb=peak("app"),
                               note="ratio vs bare window; target <= 1.5x: "
                               + ("met" if r_paint is not None and r_paint <= 1.5 else "MISSED")))
        rows.append(common.row("startup: app usable (engagement list filled)", app_usable, ratio=r_usable, peak_mb=peak("app"),
                               note="ratio vs stack floor; target <= 1.2x: "
                               + ("met" if r_usable is not None and r_usable <= 1.2 else "MISSED")))
        rows.append(common.row("startup: app process wall time to exit", col("app", 3), peak_mb=peak("app"),
                               note="includes closing the window and Python's shutdown"))

        exporters, top = import_report(db, folder / "home-importtime")
        slow = ", ".join(f"{m} {s:.2f}s" for s, m in top[:6])
        rows.append(common.row(
            "startup: exporters imported at start-up",
            note=("none (reportlab, openpyxl, xlsxwriter not imported)" if not exporters
                  else "YES: " + ", ".join(sorted(set(m.split('.')[0] for m in exporters)))
                  + f" ({len(exporters)} modules, e.g. {', '.join(exporters[:3])})"),
        ))
        rows.append(common.row("startup: slowest top-level imports (-X importtime, cumulative)", note=slow))
    return rows


if __name__ == "__main__":
    common.emit(main(), "Start-up")

"""What every benchmark shares: timing, peak memory, child processes, the table, test data.

Conventions (see benchmarks/README.md): a benchmark module has ``main() -> list[dict]`` returning
rows with the keys in :data:`ROW_KEYS` and prints them with :func:`print_rows` when run as a
script (``python -m benchmarks.NAME``). Times are seconds; ``ratio`` is ours divided by the bare
library doing the same work in the same run; ``peak_mb`` is the peak resident memory (MB) of the
process while the step ran, interpreter and everything already loaded included.

Environment knobs (the runner passes them to every script):
- ``DISCOVERY_BENCH_RUNS``: runs per figure (default 5; startup uses twice that);
- ``DISCOVERY_BENCH_SCALE``: fraction of the consultant-scale sizes (default 1; 0.05 to check
  the machinery quickly);
- ``DISCOVERY_BENCH_PROFILE``: ``0`` switches off the automatic profile of a missed target.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discovery_app.services import Discovery

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
PROFILE_DIR = BENCH_DIR / "profiles"
ROW_KEYS = ("name", "median_s", "min_s", "max_s", "ratio", "peak_mb", "note")
ROWS_MARKER = "BENCHMARK-ROWS-JSON: "

# Consultant scale (issue 10).
INVENTORY_ITEMS = 20_000
RISKS = 300
TASKS = 500
IMPORT_ROWS = 20_000


def runs(default: int = 5) -> int:
    try:
        return max(1, int(os.environ.get("DISCOVERY_BENCH_RUNS", default)))
    except ValueError:
        return default


def scale() -> float:
    try:
        return min(1.0, max(0.001, float(os.environ.get("DISCOVERY_BENCH_SCALE", "1"))))
    except ValueError:
        return 1.0


def scaled(n: int) -> int:
    return max(1, round(n * scale()))


# ---- rows and the table ---------------------------------------------------------------------


def row(
    name: str,
    times: Sequence[float] | None = None,
    *,
    ratio: float | None = None,
    peak_mb: float | None = None,
    note: str = "",
) -> dict[str, Any]:
    """One figure: median/min/max of ``times`` (None when the row is a finding, not a time)."""
    med = lo = hi = None
    if times:
        med, lo, hi = statistics.median(times), min(times), max(times)
    return {"name": name, "median_s": med, "min_s": lo, "max_s": hi, "ratio": ratio, "peak_mb": peak_mb, "note": note}


def ratio_of(ours: Sequence[float], bare: Sequence[float]) -> float | None:
    if not ours or not bare:
        return None
    b = statistics.median(bare)
    return statistics.median(ours) / b if b > 0 else None


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), linear between closest ranks."""
    if not values:
        raise ValueError("no values")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "s":
        return f"{value * 1000:.2f} ms" if value < 0.1 else f"{value:.3f} s"
    if kind == "x":
        return f"{value:.2f}x"
    if kind == "mb":
        return f"{value:.0f}"
    return str(value)


def format_rows(rows: Iterable[dict[str, Any]], markdown: bool = False) -> str:
    heads = ["Benchmark", "Median", "Min", "Max", "Ratio", "Peak MB", "Note"]
    kinds = ["", "s", "s", "s", "x", "mb", ""]
    body = [
        [_fmt(r.get(k), kind) for k, kind in zip(ROW_KEYS, kinds, strict=True)]
        for r in rows
    ]
    if markdown:
        out = ["| " + " | ".join(heads) + " |", "|" + "|".join(["---", "---:", "---:", "---:", "---:", "---:", "---"]) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in body]
        return "\n".join(out)
    widths = [max(len(h), *(len(line[i]) for line in body)) if body else len(h) for i, h in enumerate(heads)]
    widths[-1] = len(heads[-1])  # the note runs free at the end of the line

    def fmt_line(cells: Sequence[str]) -> str:
        parts = []
        for i, c in enumerate(cells):
            parts.append(c.ljust(widths[i]) if i in (0, len(cells) - 1) else c.rjust(widths[i]))
        return "  ".join(parts).rstrip()

    return "\n".join([fmt_line(heads), fmt_line(["-" * w for w in widths]), *(fmt_line(b) for b in body)])


def print_rows(rows: Sequence[dict[str, Any]] | int | None, title: str = "") -> None:
    if not isinstance(rows, (list, tuple)):
        return  # a script that printed its own figures and returned an exit code
    if title:
        print(title)
    print(format_rows(rows), flush=True)


def emit(rows: Sequence[dict[str, Any]], title: str = "") -> None:
    """``python -m benchmarks.NAME``: print the table; with ``--json``, also a line the runner reads."""
    print_rows(rows, title)
    if "--json" in sys.argv[1:]:
        print(ROWS_MARKER + json.dumps(list(rows)), flush=True)


# ---- timing ---------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def interleaved(cases: dict[str, Callable[[], Any]], n: int, *, warmup: int = 1) -> dict[str, list[float]]:
    """Run each case ``n`` times, alternating between cases, so a busy spell hits all alike."""
    for _ in range(warmup):
        for fn in cases.values():
            fn()
    out: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(n):
        for name, fn in cases.items():
            out[name].append(timed(fn)[0])
    return out


# ---- memory ---------------------------------------------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 / 1024 if sys.platform == "darwin" else kb / 1024  # macOS counts bytes


def reset_peak() -> bool:
    """Reset this process's peak RSS (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def current_peak_mb() -> float:
    kb = _status_kb("VmHWM")
    return kb / 1024 if kb is not None else _maxrss_mb()


def current_rss_mb() -> float | None:
    kb = _status_kb("VmRSS")
    return kb / 1024 if kb is not None else None


def peak_of(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(seconds, peak RSS MB while ``fn`` ran, result). Without a resettable peak (not Linux) the
    figure is the process's lifetime peak, which can only overstate."""
    reset_peak()
    seconds, result = timed(fn)
    return seconds, current_peak_mb(), result


@dataclass
class Child:
    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    peak_mb: float | None


def run_child(cmd: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 600) -> Child:
    """Run a process to the end; its wall time and its own peak RSS (os.wait4's rusage)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=cwd or ROOT)
        peak: float | None = None
        if hasattr(os, "wait4"):
            deadline = t0 + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    proc.kill()
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.002)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            kb = usage.ru_maxrss
            peak = kb / 1024 / 1024 if sys.platform == "darwin" else kb / 1024
        else:  # pragma: no cover - Windows
            proc.wait(timeout)
            wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return Child(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), wall, peak)


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment for a child app: offscreen, its own settings and data folders, no DISCOVERY_DB."""
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = home / var.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    env["PYTHONDONTWRITEBYTECODE"] = env.get("PYTHONDONTWRITEBYTECODE", "")
    env.update(extra)
    return env


# ---- profiling a missed target --------------------------------------------------------------


def profile_enabled() -> bool:
    return os.environ.get("DISCOVERY_BENCH_PROFILE", "1") != "0"


def profile(label: str, fn: Callable[[], Any], top: int = 25) -> str:
    """Profile one call of ``fn`` (pyinstrument if installed, else cProfile) into
    benchmarks/profiles/LABEL.txt; returns that path, relative to the repository."""
    PROFILE_DIR.mkdir(exist_ok=True)
    path = PROFILE_DIR / f"{label}.txt"
    try:
        from pyinstrument import Profiler  # type: ignore[import-not-found]
    except ImportError:
        prof = cProfile.Profile()
        prof.enable()
        try:
            fn()
        finally:
            prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf).sort_stats("cumulative")
        stats.print_stats(top)
        buf.write("\n--- by own time ---\n")
        stats.sort_stats("tottime").print_stats(top)
        text = buf.getvalue()
    else:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        try:
            fn()
        finally:
            profiler.stop()
        text = profiler.output_text(unicode=False, color=False, show_all=False)
    path.write_text(text, encoding="utf-8")
    return str(path.relative_to(ROOT))


def check_target(rows: list[dict[str, Any]], r: dict[str, Any], target_s: float, label: str, fn: Callable[[], Any]) -> None:
    """Note a missed target on row ``r`` and profile one more run of ``fn``."""
    med = r.get("median_s")
    if med is None or med <= target_s:
        r["note"] = (r["note"] + "; " if r["note"] else "") + f"target < {target_s:g} s: met"
        return
    where = profile(label, fn) if profile_enabled() else "profiling off"
    r["note"] = (r["note"] + "; " if r["note"] else "") + f"target < {target_s:g} s: MISSED, profile {where}"


# ---- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import sqlite3

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = "?"
    try:
        ram_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        ram = f"{ram_bytes / 1024**3:.1f} GB"
    except (ValueError, OSError, AttributeError):
        pass
    try:
        from importlib.metadata import version

        pyside = version("PySide6-Essentials")
    except Exception:
        try:
            import PySide6

            pyside = PySide6.__version__
        except Exception:
            pyside = "not installed"
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "CPU": cpu,
        "Cores": f"{os.cpu_count()} ({usable} usable by this process)",
        "RAM": ram,
        "OS": platform.platform(),
        "Python": sys.version.split()[0],
        "PySide6": pyside,
        "SQLite": sqlite3.sqlite_version,
        "Load average (1/5/15 min) at start": load,
    }


# ---- a service on a temporary store ---------------------------------------------------------


def open_service(db: Path) -> Discovery:
    from discovery_app.paths import AppPaths
    from discovery_app.services import Discovery

    return Discovery.open(AppPaths.resolve(db))  # type: ignore[return-value]


# ---- the large engagement -------------------------------------------------------------------

FIRST = ["Ava", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Luca",
         "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wen", "Yara"]
LAST = ["Adams", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haas", "Ivanova", "Jansen",
        "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Schmidt", "Tanaka", "Weber"]
SITES = ["Head office", "Leeds", "Bristol", "Glasgow", "Cardiff", "Belfast", "Manchester", "Remote"]
DEVICES = [  # (kind, device class as an RMM writes it, model, os)
    ("workstation", "WINDOWS_WORKSTATION", "Dell OptiPlex 7010", "Windows 11 Pro 23H2"),
    ("workstation", "WINDOWS_WORKSTATION", "HP EliteDesk 800 G6", "Windows 10 Pro 22H2"),
    ("laptop", "WINDOWS_WORKSTATION", "Lenovo ThinkPad T14 Gen 3", "Windows 11 Pro 23H2"),
    ("laptop", "MAC", "Apple MacBook Air M2", "macOS 14.5"),
    ("server", "WINDOWS_SERVER", "Dell PowerEdge R650", "Windows Server 2022 Standard"),
    ("virtual_server", "VMWARE_VM_GUEST", "VMware Virtual Platform", "Windows Server 2019 Standard"),
    ("network", "NMS_SWITCH", "Aruba 2930F-48G", ""),
    ("firewall", "NMS_FIREWALL", "Fortinet FortiGate 100F", "FortiOS 7.2.8"),
    ("printer", "NMS_PRINTER", "Ricoh IM C3000", ""),
    ("mobile", "APPLE_IOS", "Apple iPhone 14", "iOS 17.5"),
]


SERIAL_PREFIXES = ("5CG", "CND", "PF", "C02", "SN", "JPH", "MXL", "FGT")


def serial(rng: random.Random) -> str:
    """A vendor-style serial (letters first: never mistaken for a number in scientific notation)."""
    return f"{rng.choice(SERIAL_PREFIXES)}{rng.getrandbits(28):07X}"


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def inventory_items(n: int, rng: random.Random) -> list[Any]:
    from discovery_app.domain.engagement import InventoryCategory, InventoryItem

    today = date(2026, 11, 1)
    items = []
    for i in range(n):
        kind, _cls, model, os_name = DEVICES[i % len(DEVICES)] if i % 25 else DEVICES[rng.randrange(len(DEVICES))]
        bought = today - timedelta(days=rng.randint(30, 365 * 8))
        items.append(InventoryItem(
            category=InventoryCategory.DEVICE, kind=kind, name=f"NW-{kind[:2].upper()}{i:05d}",
            site=SITES[i % len(SITES)], owner=person(rng), os=os_name, model=model,
            serial=serial(rng), purchase_date=bought,
            warranty_end=bought + timedelta(days=365 * 3),
            notes="Flagged by the RMM: disk over 90 %" if i % 97 == 0 else "",
            source="NinjaOne export",
        ))
    return items


def make_large_engagement(
    service: Discovery,
    *,
    inventory: int = INVENTORY_ITEMS,
    risks: int = RISKS,
    tasks: int = TASKS,
    seed: int = 10,
) -> int:
    """Save a large client's engagement (the demo's answers, standards, lanes and pricing, plus
    ``inventory`` items, ``risks`` risks and ``tasks`` remediation tasks) through
    ``service.engagements.save_new``; returns its id."""
    from discovery_app.demo import DEMO_FORM, build_demo
    from discovery_app.domain.engagement import Priority, RemediationItem, Risk, new_uid

    rng = random.Random(seed)
    pkg = service.forms.get(DEMO_FORM)
    demo, blobs = build_demo(pkg)
    items = [*demo.inventory, *inventory_items(max(0, inventory - len(demo.inventory)), rng)][:inventory]
    library = pkg.risk_library.risks
    all_risks = list(demo.risks)[:risks]
    while len(all_risks) < risks:
        tpl = library[len(all_risks) % len(library)]
        linked = [items[rng.randrange(len(items))].uid for _ in range(rng.randint(0, 6))]
        all_risks.append(Risk(
            template_id=tpl.id, title=f"{tpl.title} ({SITES[len(all_risks) % len(SITES)]})", category=tpl.category,
            likelihood=rng.randint(1, 5), impact=rng.randint(1, 5), description=tpl.description,
            why_it_matters=tpl.why_it_matters, evidence=f"Seen on {len(linked)} devices during the walk-through.",
            standard_category=tpl.standard_category, linked_inventory=linked,
        ))
    remediation = list(demo.remediation)[:tasks]
    prios = list(Priority)
    while len(remediation) < tasks:
        n = len(remediation)
        risk = all_risks[n % len(all_risks)]
        tpl = library[n % len(library)].remediation
        depends = [remediation[rng.randrange(len(remediation))].uid] if remediation and n % 3 == 0 else []
        remediation.append(RemediationItem(
            title=f"{tpl.title} #{n}", risk_uid=risk.uid, standard_category=risk.standard_category,
            hours={role: Decimal(h) for role, h in tpl.hours.items()}, priority=prios[n % len(prios)],
            owner=tpl.owner, depends_on=depends, phase=tpl.phase, definition_of_done=tpl.definition_of_done,
        ))
    now = datetime.now(UTC)
    eng = demo.model_copy(update={
        "uid": new_uid(), "client_name": "Northwind Regional Health (large)", "created_at": now,
        "updated_at": now, "inventory": items, "risks": all_risks, "remediation": remediation,
    })
    return service.engagements.save_new(eng, pkg, blobs)


def large_store(folder: Path) -> tuple[Path, int, int, float]:
    """A store in ``folder`` with the demo and the large engagement: (db, demo id, large id,
    seconds it took to build and save the large one)."""
    from discovery_app.demo import create_demo

    db = folder / "large.sqlite3"
    service = open_service(db)
    try:
        demo_id = create_demo(service)
        seconds, large_id = timed(lambda: make_large_engagement(
            service, inventory=scaled(INVENTORY_ITEMS), risks=scaled(RISKS), tasks=scaled(TASKS)))
    finally:
        service.close()
    return db, demo_id, large_id, seconds


# ---- RMM-like inventory files ---------------------------------------------------------------

RMM_HEADERS = ["Display Name", "Device Class", "Organization Location", "Last Logged In User", "OS Name",
               "System Model", "Serial Number", "Install Date", "Warranty End Date", "Last Contact", "Notes"]


def rmm_rows(n: int, seed: int = 20) -> list[list[Any]]:
    """Rows as a NinjaOne device export writes them (dates as ISO days, a last-contact stamp)."""
    rng = random.Random(seed)
    today = date(2026, 11, 1)
    rows = []
    for i in range(n):
        kind, cls, model, os_name = DEVICES[i % len(DEVICES)]
        bought = today - timedelta(days=rng.randint(30, 365 * 8))
        rows.append([
            f"NW-{kind[:2].upper()}{i:05d}", cls, SITES[i % len(SITES)], f"NW\\{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}",
            os_name, model, serial(rng), bought, bought + timedelta(days=365 * 3),
            datetime(2026, 10, rng.randint(1, 31), rng.randint(0, 23), rng.randint(0, 59)),
            "Disk over 90 %, check before migration" if i % 97 == 0 else "",
        ])
    return rows


def write_rmm_csv(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(RMM_HEADERS)
        for r in rows:
            w.writerow([v.isoformat(sep=" ") if isinstance(v, datetime) else v.isoformat() if isinstance(v, date) else v for v in r])
    return path


def write_rmm_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """As Excel saves it: shared strings and a <dimension> element (openpyxl's write-only mode
    writes neither, and a reader then has to scan the whole sheet to learn its size)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Devices"
    ws.append(RMM_HEADERS)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path

"""``python -m benchmarks``: run every benchmark, print one table, write benchmarks/RESULTS.md.

Each benchmark module runs in its own process (fresh memory, its own QApplication). A module
that follows the convention (``main() -> list[dict]``, see README.md) gives rows for the one
table; any other module is run as ``python -m benchmarks.NAME`` and its output is included as
printed.

Options:
  --quick          a fifth of the sizes and 2 runs per figure: checks the machinery, figures
                   mean nothing; RESULTS.md is not written unless --output is given
  --runs N         runs per figure (default 5)
  --only A,B       only these modules (names as below)
  --output PATH    where to write the results (default benchmarks/RESULTS.md)
  --no-write       print only
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from . import common

# In the order they run; modules other engineers write are run when they exist.
MODULES = (
    "startup",
    "engagement_open",
    "autosave",
    "revisions",
    "postgresql",
    "import_inventory",
    "hostile_import",
    "inventory_table",
    "pdf_export",
    "workbook_export",
    "crash_test",
)


def follows_convention(path: Path) -> bool:
    """True when the module defines a top-level ``main`` function (read, not imported)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return False
    return any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body)


def run_module(name: str, env: dict[str, str]) -> tuple[list[dict[str, Any]] | None, str, str]:
    """(rows or None, printed output, problem) of one benchmark module in a child process."""
    path = common.BENCH_DIR / f"{name}.py"
    if follows_convention(path):
        code = (
            "import json, sys\n"
            f"from benchmarks import {name} as m\n"
            "from benchmarks import common\n"
            "rows = m.main()\n"
            "common.print_rows(rows)\n"
            "print(common.ROWS_MARKER + json.dumps(rows, default=str), flush=True)\n"
        )
        cmd = [sys.executable, "-c", code]
    else:
        cmd = [sys.executable, "-m", f"benchmarks.{name}"]
    child = common.run_child(cmd, env=env, cwd=common.ROOT, timeout=3600)
    rows = None
    printed: list[str] = []
    for line in child.stdout.splitlines():
        if line.startswith(common.ROWS_MARKER):
            try:
                rows = json.loads(line[len(common.ROWS_MARKER):])
            except json.JSONDecodeError:
                rows = None
        else:
            printed.append(line)
    problem = ""
    if child.returncode != 0:
        tail = "\n".join(child.stderr.strip().splitlines()[-15:])
        problem = f"exited {child.returncode}:\n{tail}"
    elif not isinstance(rows, list):
        rows = None  # a script that printed its own figures and returned its exit code
    else:
        bad = [r for r in rows if not isinstance(r, dict) or "name" not in r]
        if bad:
            problem = f"{len(bad)} rows without a name"
            rows = [r for r in rows if isinstance(r, dict) and "name" in r]
    return rows, "\n".join(printed), problem


def results_markdown(
    info: dict[str, str], started: datetime, seconds: float, rows: list[dict[str, Any]],
    verbatim: dict[str, str], problems: dict[str, str], missing: list[str], args: argparse.Namespace,
) -> str:
    out = [
        "# Benchmark results",
        "",
        f"Run on {started:%Y-%m-%d %H:%M} (local time) with `python -m benchmarks"
        + (" --quick" if args.quick else "") + (f" --runs {args.runs}" if args.runs else "") + "`, "
        f"took {seconds / 60:.1f} min.",
        "Times are medians of several runs with min and max; ratio is ours divided by the bare library "
        "doing the same work, measured in the same run; peak MB is the peak resident memory of the "
        "process during the step. Method: benchmarks/README.md.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        "",
        "## Figures",
        "",
        common.format_rows(rows, markdown=True) if rows else "(no rows)",
        "",
    ]
    for name, text in verbatim.items():
        out += [f"## {name} (printed output)", "", "```", text.rstrip(), "```", ""]
    if problems:
        out += ["## Problems", ""]
        for name, text in problems.items():
            out += [f"- {name}:", "", "```", text.rstrip(), "```", ""]
    if missing:
        out += ["## Not run", "", f"These benchmark modules do not exist yet: {', '.join(missing)}.", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description="Run Discovery's benchmarks.")
    p.add_argument("--quick", action="store_true", help="small sizes, 2 runs: check the machinery only")
    p.add_argument("--runs", type=int, help="runs per figure (default 5)")
    p.add_argument("--only", help="comma-separated module names: " + ", ".join(MODULES))
    p.add_argument("--output", type=Path, help="results file (default benchmarks/RESULTS.md)")
    p.add_argument("--no-write", action="store_true", help="do not write a results file")
    args = p.parse_args(argv)

    chosen = list(MODULES)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        unknown = [w for w in wanted if w not in MODULES]
        if unknown:
            p.error(f"unknown module(s): {', '.join(unknown)}")
        chosen = [m for m in MODULES if m in wanted]

    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(common.ROOT), env.get("PYTHONPATH", "")]))
    if args.quick:
        env["DISCOVERY_BENCH_SCALE"] = "0.2"
        env["DISCOVERY_BENCH_RUNS"] = "2"
    if args.runs:
        env["DISCOVERY_BENCH_RUNS"] = str(args.runs)

    info = common.machine()
    started = datetime.now().astimezone()
    t0 = time.perf_counter()
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    if args.quick:
        print("QUICK RUN: reduced sizes and runs; the figures only show that the machinery works.", flush=True)

    rows: list[dict[str, Any]] = []
    verbatim: dict[str, str] = {}
    problems: dict[str, str] = {}
    missing: list[str] = []
    for name in chosen:
        if not (common.BENCH_DIR / f"{name}.py").exists():
            missing.append(name)
            continue
        print(f"\n== {name} ...", flush=True)
        m0 = time.perf_counter()
        got, printed, problem = run_module(name, env)
        print(printed, flush=True)
        print(f"   ({time.perf_counter() - m0:.0f} s)", flush=True)
        if got is not None:
            rows.extend(got)
        elif printed.strip():
            verbatim[name] = printed
        if problem:
            problems[name] = problem
            print(f"   PROBLEM in {name}: {problem}", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - t0

    print("\n== All figures\n")
    print(common.format_rows(rows))
    for name, text in verbatim.items():
        print(f"\n== {name} (printed output)\n{text}")
    if missing:
        print(f"\nNot run (module does not exist yet): {', '.join(missing)}")

    output = args.output
    if output is None and not args.quick and not args.no_write:
        output = common.BENCH_DIR / "RESULTS.md"
    if output is not None and not args.no_write:
        output.write_text(results_markdown(info, started, seconds, rows, verbatim, problems, missing, args) + "\n",
                          encoding="utf-8")
        print(f"\nWrote {output}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Crash test: kill a writer with SIGKILL at random moments; every confirmed edit must survive.

    python benchmarks/crash_test.py [--runs 300] [--seed 1] [--max-delay 0.3]

A "zygote" process imports the app once and creates a database with one engagement. For each
run it forks a writer that opens the store through the service API (which takes its on-open
backup) and saves edits as fast as it can, alternating ``set_inventory`` (replace_children on the
inventory, each edit adding one item, so every edit leaves its own row) and ``set_answer`` (each
edit overwriting one answer). After each call *returns*, the writer appends the edit's id to a
file with an unbuffered ``os.write``, so an id in that file is an edit the app told the
consultant was saved. This process picks the moment to kill: three times in four it waits for
the writer's first confirmed edit (so the kill lands mid-save), otherwise it counts from the fork
(so the kill may land while opening, checking or taking the on-open backup); then a random delay,
SIGKILL, and once the writer is reaped it opens the database with plain ``sqlite3`` and checks:

* ``PRAGMA integrity_check`` is ``ok``;
* every inventory edit ever confirmed is there, and the answer holds the last confirmed answer
  edit of the run (or the one that was in flight when the kill came).

It prints runs, kills, kills that landed while saving, edits confirmed and edits lost (must
be 0). POSIX only (fork, SIGKILL). tests/durability/test_crash.py runs a short version.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class CrashResult:
    runs: int = 0
    kills: int = 0
    kills_while_saving: int = 0
    edits_confirmed: int = 0
    edits_lost: int = 0
    integrity_failures: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    backups_ok: int = 0
    backups_bad: int = 0

    def lines(self) -> list[str]:
        return [
            f"runs:                {self.runs}",
            f"kills (SIGKILL):     {self.kills}",
            f"kills while saving:  {self.kills_while_saving}",
            f"edits confirmed:     {self.edits_confirmed}",
            f"edits lost:          {self.edits_lost}",
            f"integrity failures:  {self.integrity_failures}",
            f"backups left:        {self.backups_ok} pass integrity_check, {self.backups_bad} do not",
            f"time:                {self.seconds:.1f} s",
        ]


# ---- the writer side (runs in the zygote and its forked children) ----------------------------


def _zygote(db: Path, forms_root: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    from discovery_app.domain.engagement import InventoryItem
    from discovery_app.paths import AppPaths
    from discovery_app.services import Discovery

    paths = AppPaths.resolve(db)
    root = Path(forms_root) if forms_root else None
    service = Discovery.open(paths, forms_root=root)
    eid = service.engagements.create("Crash Test Client")
    pkg = service.forms.of(service.engagements.get(eid))
    qid = next(q.id for q in pkg.questionnaire.questions() if q.type.value in ("text", "long_text"))
    service.close()
    print(f"ready {eid} {qid}", flush=True)

    for line in sys.stdin:
        cmd, arg = line.split()
        if cmd == "fork":
            run, confirmed = arg.split(":", 1)
            pid = os.fork()
            if pid == 0:
                try:
                    _write(paths, root, eid, qid, int(run), Path(confirmed), InventoryItem, Discovery)
                finally:
                    os._exit(0)
            print(f"pid {pid}", flush=True)
        elif cmd == "reap":
            _, status = os.waitpid(int(arg), 0)
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
            print(f"reaped {sig}", flush=True)


def _write(paths, root, eid, qid, run, confirmed: Path, item_cls, service_cls) -> None:
    fd = os.open(confirmed, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    service = service_cls.open(paths, forms_root=root)
    items = service.inventory.items(eid)
    for k in range(1, 100_000):
        edit = f"{run}-{k}"
        if k % 2:
            items.append(item_cls(name=f"edit-{edit}"))
            service.inventory.set_items(eid, items)
            os.write(fd, f"inv {edit}\n".encode())
        else:
            service.interview.set_answer(eid, qid, f"edit-{edit}")
            os.write(fd, f"ans {edit}\n".encode())


# ---- the killing side --------------------------------------------------------------------------


def _key(edit: str) -> tuple[int, int]:
    run, k = edit.split("-")
    return int(run), int(k)


def run_crash_test(workdir: Path, *, runs: int = 300, seed: int = 1, max_delay: float = 0.3,
                   time_budget: float | None = None, forms_root: Path | None = None,
                   enough: int | None = None) -> CrashResult:
    """Run the crash test in ``workdir``; stops early when ``time_budget`` seconds have passed or
    ``enough`` kills have landed mid-save."""
    rng = random.Random(seed)
    db = workdir / "crash.sqlite3"
    result = CrashResult()
    start = time.monotonic()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--zygote", str(db)]
    if forms_root:
        cmd += ["--forms", str(forms_root)]
    zygote = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                              cwd=workdir)
    assert zygote.stdin is not None and zygote.stdout is not None
    try:
        _, eid, qid = zygote.stdout.readline().split()
        all_inventory: set[str] = set()
        for run in range(1, runs + 1):
            if time_budget is not None and time.monotonic() - start > time_budget:
                break
            if enough is not None and result.kills_while_saving >= enough:
                break
            confirmed_file = workdir / f"confirmed-{run}.txt"
            zygote.stdin.write(f"fork {run}:{confirmed_file}\n")
            zygote.stdin.flush()
            pid = int(zygote.stdout.readline().split()[1])
            if rng.random() < 0.75:
                # Mostly mid-save: wait for the first confirmed edit, then a random moment.
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and not (confirmed_file.exists() and confirmed_file.stat().st_size):
                    time.sleep(0.002)
            # Otherwise any moment from the fork on: opening, quick_check, the on-open backup.
            time.sleep(rng.uniform(0, max_delay))
            os.kill(pid, signal.SIGKILL)
            zygote.stdin.write(f"reap {pid}\n")
            zygote.stdin.flush()
            sig = int(zygote.stdout.readline().split()[1])
            result.runs += 1
            result.kills += sig == signal.SIGKILL
            lines = confirmed_file.read_text().split() if confirmed_file.exists() else []
            pairs = list(zip(lines[::2], lines[1::2], strict=True))
            result.edits_confirmed += len(pairs)
            result.kills_while_saving += bool(pairs)
            all_inventory |= {e for kind, e in pairs if kind == "inv"}
            answers = [e for kind, e in pairs if kind == "ans"]
            _check(db, int(eid), qid, run, all_inventory, answers[-1] if answers else None, result)
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
    for b in sorted((db.parent / f"{db.stem}-backups").glob("*.sqlite3")):
        conn = sqlite3.connect(f"{b.as_uri()}?mode=ro", uri=True)
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        result.backups_ok += ok
        result.backups_bad += not ok
    result.seconds = time.monotonic() - start
    return result


def _check(db: Path, eid: int, qid: str, run: int, inventory: set[str], last_answer: str | None,
           result: CrashResult) -> None:
    conn = sqlite3.connect(db)
    try:
        try:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            check = str(exc)
        if check != "ok":
            result.integrity_failures += 1
            result.problems.append(f"run {run}: integrity_check says {check}")
            return
        names = {r[0].removeprefix("edit-") for r in conn.execute(
            "SELECT name FROM inventory_item WHERE engagement_id = ?", (eid,))}
        row = conn.execute("SELECT value FROM answer WHERE engagement_id = ? AND question_id = ?",
                           (eid, qid)).fetchone()
    finally:
        conn.close()
    missing = inventory - names
    if missing:
        result.edits_lost += len(missing)
        result.problems.append(f"run {run}: confirmed inventory edits missing: {sorted(missing)[:5]}")
        inventory -= missing  # count each loss once
    if last_answer is not None:
        stored = json.loads(row[0]).removeprefix("edit-") if row and row[0] else None
        if stored is None or _key(stored) < _key(last_answer):
            result.edits_lost += 1
            result.problems.append(f"run {run}: answer is {stored}, but edit {last_answer} was confirmed")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-delay", type=float, default=0.3, help="longest wait before the kill, in seconds")
    p.add_argument("--zygote", metavar="DB", help=argparse.SUPPRESS)
    p.add_argument("--forms", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.zygote:
        _zygote(Path(args.zygote), args.forms)
        return 0
    if not hasattr(os, "fork"):
        print("The crash test needs fork and SIGKILL (Linux or macOS).", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="discovery-crash-") as tmp:
        result = run_crash_test(Path(tmp), runs=args.runs, seed=args.seed, max_delay=args.max_delay)
    print("\n".join(result.lines()))
    for problem in result.problems[:20]:
        print(f"  {problem}")
    return 0 if result.edits_lost == 0 and result.integrity_failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""The shared store on PostgreSQL over loopback: opening the large engagement and autosave.

- open: ``service.engagements.get`` on the 20,000-item engagement (target < 0.5 s), against
  psycopg selecting every row of the engagement's tables.
- autosave: ``service.interview.set_answer`` on it, 500+ edits, each its own transaction with the
  revision check (target p95 < 20 ms), against psycopg running one UPDATE and COMMIT.

The server: ``DISCOVERY_BENCH_PG`` (``postgresql://USER@HOST:PORT/postgres``, a server this may
create and drop a database on), else a throwaway cluster this script starts from Debian's
PostgreSQL (``/usr/lib/postgresql/*/bin``) on 127.0.0.1 at a free port, with the server's default
durability (fsync on, synchronous_commit on), and stops at the end.

    python -m benchmarks.postgresql
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import common

OPEN_TARGET_S = 0.5
AUTOSAVE_TARGET_P95_S = 0.020
EDITS = 500
DB = "discovery_bench"


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The admin URL of a server to benchmark on (a throwaway cluster unless one is given)."""
    given = os.environ.get("DISCOVERY_BENCH_PG")
    if given:
        yield given
        return
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    pg_bin = Path(bins[-1]) if bins else Path(shutil.which("initdb") or "initdb").parent
    if not (pg_bin / "initdb").exists():
        raise SystemExit("PostgreSQL's initdb was not found: install Debian's postgresql package, or set "
                         "DISCOVERY_BENCH_PG to a server's URL")
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = folder / "data"
    subprocess.run([*as_user, str(pg_bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "discovery", "-E", "UTF8"],
                   check=True, capture_output=True)
    ctl = [*as_user, str(pg_bin / "pg_ctl"), "-D", str(data)]
    subprocess.run([*ctl, "-o", f"-k {folder} -h 127.0.0.1 -p {port}", "-l", str(folder / "log"), "-w", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://discovery@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*ctl, "-m", "fast", "-w", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)  # type: ignore[arg-type]


def bare_read(url: str, eid: int) -> tuple[Callable[[], int], Callable[[], None]]:
    """psycopg reading every row that belongs to engagement ``eid``, as the service does."""
    import psycopg

    conn = psycopg.connect(url)
    tables = [r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'engagement_id' "
        "AND table_schema = 'public'")]

    def read() -> int:
        n = len(conn.execute("SELECT * FROM engagement WHERE id = %s", (eid,)).fetchall())
        for t in tables:
            n += len(conn.execute(f'SELECT * FROM "{t}" WHERE engagement_id = %s', (eid,)).fetchall())  # type: ignore[arg-type]
        conn.rollback()
        return n

    return read, conn.close


def bare_saves(url: str, eid: int, n: int) -> list[float]:
    import psycopg

    times: list[float] = []
    with psycopg.connect(url) as conn:
        answer_id = conn.execute("SELECT id FROM answer WHERE engagement_id = %s LIMIT 1", (eid,)).fetchone()[0]  # type: ignore[index]
        conn.commit()
        for k in range(n):
            t0 = time.perf_counter()
            conn.execute("UPDATE answer SET note = %s WHERE id = %s", (f"bench {k}", answer_id))
            conn.commit()
            times.append(time.perf_counter() - t0)
        conn.execute("UPDATE answer SET note = '' WHERE id = %s", (answer_id,))
        conn.commit()
    return times


def main() -> list[dict[str, Any]]:
    from sqlalchemy.engine import make_url

    from discovery_app.demo import create_demo
    from discovery_app.paths import AppPaths
    from discovery_app.services import Discovery
    from discovery_app.storage import location
    from discovery_app.storage import server as server_mod

    from .autosave import _edits

    n = common.runs(5)
    n_edits = max(EDITS, n * 100) if common.scale() >= 1 else max(50, round(EDITS * common.scale()))
    rows: list[dict[str, Any]] = []
    with server() as admin:
        url = make_url(admin).set(database=DB).render_as_string(hide_password=False)
        _admin(admin, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}")
        try:
            server_mod.init_store(location.server_url(url))
            service = Discovery.open(AppPaths.resolve(url))
            try:
                create_demo(service)
                build_s, large = common.timed(lambda: common.make_large_engagement(
                    service, inventory=common.scaled(common.INVENTORY_ITEMS), risks=common.scaled(common.RISKS),
                    tasks=common.scaled(common.TASKS)))
                eng = service.engagements.get(large)
                sizes = f"{len(eng.inventory)} items, {len(eng.risks)} risks, {len(eng.remediation)} tasks"
                rows.append(common.row("PostgreSQL: large engagement, build records and save_new", [build_s],
                                       note=f"{sizes}; once, setup"))
                _admin(url, "VACUUM ANALYZE")  # a fresh store: statistics as a server keeps them
                read, close = bare_read(url, large)
                try:
                    read()
                    ours, bare, peaks = [], [], []
                    for _ in range(n):
                        del eng
                        seconds, peak, eng = common.peak_of(lambda: service.engagements.get(large))
                        ours.append(seconds)
                        peaks.append(peak)
                        bare.append(common.timed(read)[0])
                finally:
                    close()
                r = common.row("PostgreSQL: open large engagement, service.engagements.get", ours,
                               ratio=common.ratio_of(ours, bare), peak_mb=max(peaks),
                               note=f"loopback; ratio vs psycopg reading the same rows; {sizes}")
                common.check_target(rows, r, OPEN_TARGET_S, "pg_engagement_open_get",
                                    lambda: service.engagements.get(large))
                rows.append(r)
                rows.append(common.row("PostgreSQL: open large engagement, bare psycopg read", bare, ratio=1.0))

                edits = _edits(service, large)
                times: list[float] = []
                for k in range(n_edits):
                    qid, make = edits[k % len(edits)]
                    value = make(k)
                    t0 = time.perf_counter()
                    service.interview.set_answer(large, qid, value)
                    times.append(time.perf_counter() - t0)
                bare_t = bare_saves(url, large, n_edits)
                p50, p95 = common.percentile(times, 50), common.percentile(times, 95)
                b50, b95 = common.percentile(bare_t, 50), common.percentile(bare_t, 95)
                rows.append(common.row(f"PostgreSQL: autosave set_answer, p50 ({n_edits} edits)", times,
                                       ratio=p50 / b50 if b50 else None,
                                       note="edit to commit incl. the revision check; ratio vs psycopg UPDATE+COMMIT p50"))
                r95 = common.row(f"PostgreSQL: autosave set_answer, p95 ({n_edits} edits)",
                                 ratio=p95 / b95 if b95 else None, note="ratio vs psycopg p95")
                r95["median_s"] = p95
                qid, make = edits[0]
                common.check_target(rows, r95, AUTOSAVE_TARGET_P95_S, "pg_autosave_set_answer",
                                    lambda: [service.interview.set_answer(large, qid, make(k)) for k in range(20)])
                rows.append(r95)
                rows.append(common.row("PostgreSQL: bare psycopg UPDATE + COMMIT, p50", bare_t, ratio=1.0,
                                       note=f"p95 {b95 * 1000:.2f} ms; fsync and synchronous_commit on"))
            finally:
                service.close()
        finally:
            _admin(admin, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return rows


if __name__ == "__main__":
    common.emit(main(), "The shared store on PostgreSQL (loopback)")

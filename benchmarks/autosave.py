"""Autosave: the time from an edit to its commit, p50/p95, and whether the GUI thread is blocked.

- service: ``service.interview.set_answer`` on the large engagement, 500+ edits (each a real change of a
  real answer, each its own transaction), against sqlite3 updating one row and committing with
  the same PRAGMAs (WAL, synchronous=FULL) on the same file.
- GUI thread: when the workspace pages exist, the benchmark types into their fields the way a
  consultant does, with the workspace's background writer (``discovery_app.ui.ops``) as
  the workspace wires it, and records, through a wrapper round the service, on which thread each
  save ran and how long the GUI thread was busy per edit: the keystrokes' own handling plus the
  refresh the page runs on the GUI thread once the save has committed. Without the pages it
  says so.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import common

TARGET_P95_S = 0.050
EDITS = 500
GUI_BUDGET_S = 90.0  # typing into the pages stops after this long (a slow page must not stall the run)
SAVE_PREFIXES = ("set_", "update_", "save", "add_", "replace", "delete", "import_", "archive", "create_")


def _edits(service: Any, eid: int) -> list[tuple[str, Callable[[int], Any]]]:
    """(question id, value for edit n) for answers that accept a changed value."""
    eng = service.engagements.get(eid)
    out: list[tuple[str, Callable[[int], Any]]] = []
    for a in eng.answers:
        v = a.value
        if isinstance(v, bool) or v is None:
            def make(n: int, v: Any = v) -> Any:
                return v if n % 2 else (not v if isinstance(v, bool) else None)
        elif isinstance(v, int):
            def make(n: int, v: int = v) -> Any:
                return v if n % 2 else max(0, v - 1)
        elif isinstance(v, str) and len(v) > 20:  # free text
            def make(n: int, v: str = v) -> Any:
                return v if n % 2 else f"{v} (checked {n})"
        else:
            continue
        try:
            service.interview.set_answer(eid, a.question_id, make(0))
            service.interview.set_answer(eid, a.question_id, make(1))
        except Exception:
            continue
        out.append((a.question_id, make))
    if not out:
        raise RuntimeError("no answer of the engagement accepts an edit")
    return out


def service_rows(service: Any, db: Path, eid: int, n_edits: int) -> list[dict[str, Any]]:
    edits = _edits(service, eid)
    times: list[float] = []
    common.reset_peak()
    for n in range(n_edits):
        qid, make = edits[n % len(edits)]
        value = make(n)
        t0 = time.perf_counter()
        service.interview.set_answer(eid, qid, value)
        times.append(time.perf_counter() - t0)
    peak = common.current_peak_mb()

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    answer_id = conn.execute("SELECT id FROM answer WHERE engagement_id = ? LIMIT 1", (eid,)).fetchone()[0]
    bare: list[float] = []
    for n in range(n_edits):
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("UPDATE answer SET note = ? WHERE id = ?", (f"bench {n}", answer_id))
        conn.execute("COMMIT")
        bare.append(time.perf_counter() - t0)
    conn.execute("UPDATE answer SET note = '' WHERE id = ?", (answer_id,))
    conn.close()

    p50, p95 = common.percentile(times, 50), common.percentile(times, 95)
    b50, b95 = common.percentile(bare, 50), common.percentile(bare, 95)
    rows = []
    r = common.row(f"autosave: set_answer on the large engagement, p50 ({n_edits} edits)", times,
                   ratio=p50 / b50 if b50 else None, peak_mb=peak,
                   note="edit to commit, one transaction each; ratio vs sqlite3 UPDATE+COMMIT p50")
    rows.append(r)
    r95 = common.row(f"autosave: set_answer on the large engagement, p95 ({n_edits} edits)",
                     ratio=p95 / b95 if b95 else None, peak_mb=peak, note="ratio vs sqlite3 p95")
    r95["median_s"] = p95  # the p95 itself, in the figure column
    qid, make = edits[0]
    common.check_target(rows, r95, TARGET_P95_S, "autosave_set_answer",
                        lambda: [service.interview.set_answer(eid, qid, make(k)) for k in range(20)])
    rows.append(r95)
    rows.append(common.row("autosave: bare sqlite3 UPDATE + COMMIT, p50", bare, ratio=1.0,
                           note=f"p95 {b95 * 1000:.2f} ms; WAL, synchronous=FULL like the store"))
    return rows


# ---- the GUI thread -------------------------------------------------------------------------


class SaveSpy:
    """Wraps the service's saving methods: which thread each ran on and for how long."""

    def __init__(self, service: Any) -> None:
        self.calls: list[tuple[str, bool, float]] = []
        main = threading.main_thread()
        for name in dir(type(service)):
            if name.startswith("_") or not name.startswith(SAVE_PREFIXES):
                continue
            original = getattr(service, name)
            if not callable(original):
                continue

            def wrapper(*args: Any, _name: str = name, _orig: Callable[..., Any] = original, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return _orig(*args, **kwargs)
                finally:
                    self.calls.append((_name, threading.current_thread() is main, time.perf_counter() - t0))

            setattr(service, name, wrapper)


def _pages() -> list[type]:
    from discovery_app.ui.workspace import registry

    # The registry lists the page classes themselves (imported explicitly).
    return [*registry.BEFORE_QUESTIONNAIRE, *registry.AFTER_QUESTIONNAIRE]


def gui_rows(service: Any, eid: int, n_edits: int) -> list[dict[str, Any]]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QUndoStack
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

    from discovery_app.ui.workspace.page import PageContext

    app = QApplication.instance() or QApplication([])
    pages = _pages()
    if not pages:
        return [common.row("autosave: GUI thread blocked per edit", note=(
            "NOT MEASURED: no workspace page exists yet; set_answer is synchronous, so a page calling "
            "it on the GUI thread would block it for the times above"))]
    try:
        from discovery_app.ui.ops import Ops
    except ImportError:  # before the background writer existed: pages save on the GUI thread
        Ops = None  # type: ignore[assignment,misc]
    spy = SaveSpy(service)
    saves = Ops() if Ops is not None else None
    delivered: list[float] = []  # GUI-thread time spent in the pages' after-commit refreshes
    if saves is not None:
        original_callback = saves._callback

        def timed_callback(job: Any) -> None:
            t0 = time.perf_counter()
            try:
                original_callback(job)
            finally:
                delivered.append(time.perf_counter() - t0)

        saves._callback = timed_callback  # type: ignore[method-assign]
    page_service = saves.ordered(service) if saves is not None else service
    budget_end = time.perf_counter() + GUI_BUDGET_S
    per_page: dict[str, list[float]] = {}
    blocked: list[float] = []
    saves_per_edit: list[int] = []
    used: list[str] = []
    for cls in pages:
        if len(blocked) >= n_edits:
            break
        try:
            page = cls(PageContext(page_service, eid, QUndoStack(), saves)) if saves is not None \
                else cls(PageContext(service, eid, QUndoStack()))
            page.resize(1200, 760)
            page.show()
            page.load()
        except Exception as exc:  # a page under construction: skip it, say so
            used.append(f"{cls.__name__} failed to load ({type(exc).__name__})")
            continue
        app.processEvents()
        fields = [w for w in page.findChildren(QLineEdit) if w.isVisible() and w.isEnabled() and not w.isReadOnly()
                  and "search" not in (w.objectName() + w.placeholderText()).lower()]
        texts = [w for w in page.findChildren(QPlainTextEdit) if w.isVisible() and w.isEnabled() and not w.isReadOnly()]
        if not fields and not texts:
            page.close()
            continue
        edits_here = 0
        for k in range(max(1, n_edits // max(1, len(pages)))):
            if time.perf_counter() > budget_end:
                used.append("(stopped: time budget)")
                break
            widget = (fields or texts)[k % len(fields or texts)]
            before = len(spy.calls)
            delivered.clear()
            widget.setFocus()
            t0 = time.perf_counter()
            QTest.keyClicks(widget, "x")
            if isinstance(widget, QLineEdit):
                QTest.keyClick(widget, Qt.Key.Key_Return)
            else:
                widget.clearFocus()
            app.processEvents()
            elapsed = time.perf_counter() - t0  # what the GUI thread spent on the keystrokes
            deadline = time.perf_counter() + 2.0
            while time.perf_counter() < deadline and (len(spy.calls) == before or (saves is not None and saves.pending)):
                app.processEvents()  # a save off the GUI thread: its refresh runs here
                time.sleep(0.001)
            if saves is not None:
                saves.flush()
            made = spy.calls[before:]
            if made:
                blocked.append(elapsed + sum(delivered))  # keystrokes + the after-commit refresh
                per_page.setdefault(cls.__name__, []).append(blocked[-1])
                saves_per_edit.append(len(made))
                edits_here += 1
        used.append(f"{cls.__name__} ({edits_here} edits)")
        if saves is not None:
            saves.flush()
        page.close()
    if not blocked:
        return [common.row("autosave: GUI thread blocked per edit", note=(
            "NOT MEASURED: typing into the workspace pages saved nothing through the service "
            f"(pages tried: {', '.join(used) or 'none'})"))]
    if saves is not None:
        saves.close()
    on_main = sum(1 for _, m, _ in spy.calls if m)
    off_main = [d for _, m, d in spy.calls if not m]
    p95 = common.percentile(blocked, 95)
    verdict = ("BLOCKS: saves run on the GUI thread" if on_main else "does not block: saves run off the GUI thread")
    used = [u for u in used if not u.endswith("(0 edits)")]
    return [common.row(
        f"autosave: GUI thread busy per typed edit ({len(blocked)} edits)", blocked,
        note=f"p95 {p95 * 1000:.1f} ms; {verdict} ({on_main} of {len(spy.calls)} saves); "
        f"{statistics.median(saves_per_edit):g} save(s) per edit; "
        + (f"save on the writer thread p95 {common.percentile(off_main, 95) * 1000:.1f} ms; " if off_main else "")
        + "median per page: "
        + ", ".join(f"{name} {statistics.median(ts) * 1000:.0f} ms ({len(ts)})" for name, ts in per_page.items())
        + (f"; {', '.join(u for u in used if not u.startswith(tuple(per_page)))}" if len(used) > len(per_page) else ""),
    )]


def main() -> list[dict[str, Any]]:
    n_edits = max(EDITS, common.runs(5) * 100) if common.scale() >= 1 else max(50, round(EDITS * common.scale()))
    with tempfile.TemporaryDirectory(prefix="bench-autosave-") as tmp:
        db, _demo, large, _ = common.large_store(Path(tmp))
        service = common.open_service(db)
        try:
            rows = service_rows(service, db, large, n_edits)
            try:
                rows.extend(gui_rows(service, large, min(n_edits, 200)))
            except Exception as exc:  # pages under construction must not cost the figures above
                rows.append(common.row("autosave: GUI thread busy per typed edit",
                                       note=f"NOT MEASURED: {type(exc).__name__}: {exc}"))
        finally:
            service.close()
    return rows


if __name__ == "__main__":
    common.emit(main(), "Autosave")

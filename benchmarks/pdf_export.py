"""Client PDFs for a large engagement (300 risks, 500 remediation tasks): time, memory, and a check
that the documents are well formed.

- ours: ``service.export_proposal`` (draft, so nothing blocks it) and ``service.export_plan``,
  each from the store: report model, layout with the contents and "Page X of Y" passes, fonts
  embedded, written through write_atomic.
- bare: plain reportlab (``SimpleDocTemplate``, built-in Helvetica, one pass) laying out the same
  tables: the proposal's risk table (300 rows) and the plan's task table (500 rows, the task and
  its definition of done wrapped in a Paragraph, the rest plain strings).

Each figure is the median, min and max of ``common.runs(3)`` interleaved runs. "Well formed"
means: pdfinfo reads it, the page count is what the footer says on the last page, and every task
title is in the plan's text.

    .venv/bin/python -m benchmarks.pdf_export
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks import common


def _bare_tables(report) -> tuple[bytes, bytes]:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    styles = getSampleStyleSheet()
    out = []
    risk_rows = [["#", "Risk", "Category", "Level", "What we propose"]] + [
        [str(r.rank), Paragraph(r.title, styles["BodyText"]), r.category, f"{r.band} ({r.score})",
         Paragraph("; ".join(a.title for a in r.proposals), styles["BodyText"])] for r in report.risks.all]
    task_rows = [["#", "Task", "Owner", "After", "Hours", "Total"]] + [
        [str(t.number), Paragraph(f"<b>{t.title}</b><br/>{t.definition_of_done}", styles["BodyText"]), t.owner,
         ", ".join(map(str, t.depends_on)), ", ".join(f"{n} {h}" for n, h in t.hours), str(t.total_hours)]
        for t in report.plan.tasks]
    for rows, widths in ((risk_rows, [25, 190, 70, 70, 170]), (task_rows, [25, 250, 60, 40, 100, 40])):
        buf = io.BytesIO()
        SimpleDocTemplate(buf, pagesize=LETTER).build([Table(rows, colWidths=widths, repeatRows=1)])
        out.append(buf.getvalue())
    return out[0], out[1]


def _well_formed(pdf: Path, titles: list[str]) -> str:
    if not shutil.which("pdfinfo"):
        return "poppler not installed: not checked"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    ok = f"Page {pages} of {pages}" in last
    missing = 0
    if titles:
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        # The last words of each title: pdftotext may interleave a neighbouring cell into a long one.
        missing = sum(1 for t in titles if " ".join(t.split()[-4:]) not in text)
    return f"{pages} pages, footer {'OK' if ok else 'WRONG'}" + (f", {len(titles) - missing}/{len(titles)} task titles found" if titles else "")


def main() -> list[dict]:
    n = common.runs(3)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, _demo, large, _seconds = common.large_store(folder)
        service = common.open_service(db)
        try:
            report = service.build_report(large)
            proposal, plan = folder / "proposal.pdf", folder / "plan.pdf"
            bare_out: dict[str, bytes] = {}

            def bare() -> None:
                bare_out["risks"], bare_out["tasks"] = _bare_tables(report)

            times = common.interleaved({
                "proposal": lambda: service.export_proposal(large, proposal, draft=True),
                "plan": lambda: service.export_plan(large, plan),
                "bare": bare,
            }, n)
            _, peak, _ = common.peak_of(lambda: service.export_plan(large, plan))
            titles = [t.title for t in report.plan.tasks]
            sizes = f"{len(report.risks.all)} risks, {len(titles)} tasks"
            rows = [
                common.row("pdf: proposal, large engagement", times["proposal"],
                           ratio=common.ratio_of(times["proposal"], times["bare"]),
                           note=f"{sizes}; {_well_formed(proposal, [])}; ratio vs bare reportlab tables"),
                common.row("pdf: stabilization plan, large engagement", times["plan"], peak_mb=peak,
                           ratio=common.ratio_of(times["plan"], times["bare"]),
                           note=f"{_well_formed(plan, titles)}; timeline summarised by phase above 60 tasks"),
                common.row("pdf: bare reportlab, same two tables", times["bare"],
                           note="SimpleDocTemplate, Helvetica, one pass, no contents/footers/figures"),
            ]
        finally:
            service.close()
    return rows


if __name__ == "__main__":
    common.emit(main(), "PDF export")

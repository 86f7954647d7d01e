"""Client PDFs for a large engagement (300 risks, 500 remediation tasks): time, memory, and a check
that the documents are well formed.

- ours: ``service.documents.export_proposal`` (draft, so nothing blocks it) and ``service.documents.export_plan``,
  each from the store: report model, one layout pass (the contents page and "Page X of Y" are
  filled in when the pages are written), fonts embedded, written through write_atomic. The ratio
  rows time the renderers (``render_proposal`` / ``render_plan``) on the report model built once,
  because the bare library is handed the same model: building it from the store is timed on its
  own row.
- bare: plain reportlab writing the same content the plainest way, one bare document per ours
  (the proposal against a bare proposal, the plan against a bare plan): ``SimpleDocTemplate``, one
  ``build`` pass, sample styles, the same paragraphs and the same tables row for row, a Paragraph
  in each column whose text wraps and plain strings in the others; no cover art, contents page,
  footers, outline or figures (the heat map and timeline are plain tables of the same numbers).

  Fairness, both ways: the bare documents use the same embedded DejaVu fonts as ours (a client
  name with accents needs them, and TrueType text costs more to measure and to write than the
  built-in Helvetica the bare tables used before), registered once per process as ours are. And
  each of ours is compared with the bare version of that one document: the earlier baseline
  timed the risk table and the task table together and divided each document by that sum, which
  flattered both ratios.

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
from functools import cache
from pathlib import Path

from benchmarks import common


@cache
def _bare_styles() -> dict:
    """reportlab's sample styles, switched to DejaVu (registered once, like ours)."""
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from discovery_app import resources

    for name, file in (("BareSans", "DejaVuSans.ttf"), ("BareSans-Bold", "DejaVuSans-Bold.ttf"),
                       ("BareSans-Oblique", "DejaVuSans-Oblique.ttf"),
                       ("BareSans-BoldOblique", "DejaVuSans-BoldOblique.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(resources.resource("fonts", file))))
    pdfmetrics.registerFontFamily("BareSans", normal="BareSans", bold="BareSans-Bold", italic="BareSans-Oblique",
                                  boldItalic="BareSans-BoldOblique")
    sheet = getSampleStyleSheet()
    out = {}
    for key in ("Title", "Heading1", "Heading2", "Heading3", "BodyText", "Bullet"):
        style = sheet[key]
        style.fontName = "BareSans-Bold" if key.startswith(("Title", "Heading")) else "BareSans"
        out[key] = style
    # Text in 9 pt like our table cells, so the bare documents take about as many pages as ours.
    out["Cell"] = ParagraphStyle("BareCell", parent=out["BodyText"], fontSize=9, leading=12.2)
    return out


def _bare_doc(flowables: list) -> bytes:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    # Our text block (20 mm margins, 30 mm at the foot for the footer), so both fill as many pages.
    SimpleDocTemplate(buf, pagesize=LETTER, initialFontName="BareSans", leftMargin=20 * mm, rightMargin=20 * mm,
                      topMargin=20 * mm, bottomMargin=30 * mm).build(flowables)
    return buf.getvalue()


def _bare_table(rows: list, widths: list[float]):
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    scale = (LETTER[0] - 40 * mm) / sum(widths)  # as wide as the text block, like ours
    return Table(rows, colWidths=[w * scale for w in widths], repeatRows=1, style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), "BareSans"), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LEADING", (0, 0), (-1, -1), 12.2), ("VALIGN", (0, 0), (-1, -1), "TOP")]))


def bare_proposal(report) -> bytes:
    """The proposal's text and tables, the plainest way (see the module docstring)."""
    from reportlab.platypus import PageBreak, Paragraph

    st = _bare_styles()
    r, p = report, report.prices

    def para(text: str, style: str = "Cell") -> Paragraph:
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), st[style])

    def bullets(items) -> list:
        return [para(f"• {x}", "Bullet") for x in items]

    s: list = [para("Fixed-fee proposal", "Title"), para("Co-managed IT: launch, stabilization and operations"),
               para(f"for {r.client.name}"), para(f"{r.proposal_number} · {r.day(r.issued_on)} · valid until "
                                                  f"{r.day(r.valid_until)}"), PageBreak()]
    s += [para("1. Executive summary", "Heading1"), para(r.offer_summary), para(f"{r.fit.label}. {r.fit.plain}"),
          para("What we found", "Heading2"), *bullets(r.top_findings), para("Our offer", "Heading2"), para(r.offer_summary)]
    s.append(para("2. Scope by lane", "Heading1"))
    for lane in r.scope:
        n = max(len(lane.included), len(lane.not_included), 1)
        rows = [["Included in our service", "Not included: stays with"]] + [
            [para(lane.included[i].name) if i < len(lane.included) else "",
             para(f"{lane.not_included[i].name}: kept by {lane.not_included[i].kept_by}") if i < len(lane.not_included) else ""]
            for i in range(n)]
        s += [para(lane.title, "Heading2"), para(lane.intro), _bare_table(rows, [234, 234])]
    m = r.matrix
    s += [PageBreak(), para("3. Responsibility matrix", "Heading1")]
    rows = [["Function", *m.parties, "Accountable"]] + [[para(x.function), *x.letters, x.accountable] for x in m.rows]
    s.append(_bare_table(rows, [200, *[200 / max(len(m.parties), 1)] * len(m.parties), 68]))
    s += [PageBreak(), para("4. Findings", "Heading1"), para("4.1 Standards alignment", "Heading2")]
    rows = [["Area", "What you use today", "Our standard", "Status", "Decision"]] + [
        [para(x.name), para(x.current_tool or "Nothing in place"), para(x.standard), x.status, para(x.decision)]
        for x in r.standards.rows if x.status_id != "aligned"]
    s.append(_bare_table(rows, [125, 92, 92, 54, 105]))
    s.append(para("4.2 Risk heat map", "Heading2"))
    heat = [["Likelihood \\ impact", "1", "2", "3", "4", "5"]] + [
        [str(li + 1), *map(str, r.risks.heat_map[li])] for li in reversed(range(5))]
    s.append(_bare_table(heat, [100] + [60] * 5))
    s.append(para("4.3 Top risks", "Heading2"))
    for x in r.risks.top:
        s += [para(f"{x.rank}. {x.title}", "Heading3"), para(f"{x.band} risk · {x.category} · score {x.score}"),
              para(f"What we saw: {x.seen}"), para(f"Evidence: {x.evidence}"), para(f"Why it matters: {x.why_it_matters}"),
              para("What we propose: " + "; ".join(a.title for a in x.proposals))]
    s.append(para("4.4 Other risks", "Heading2"))
    rows = [["#", "Risk", "Category", "Level", "What we propose"]] + [
        [str(x.rank), para(x.title), x.category, f"{x.band} ({x.score})", para("; ".join(a.title for a in x.proposals))]
        for x in r.risks.all[len(r.risks.top):]]
    s.append(_bare_table(rows, [25, 175, 63, 63, 142]))
    s += [PageBreak(), para("5. Stabilization plan summary", "Heading1")]
    for ph in r.plan.phases:
        rows = [["#", "Task", "Owner", "Hours", "Weeks"]] + [
            [str(t.number), para(t.title), t.owner, str(t.total_hours), f"{t.start_week}–{t.end_week}"] for t in ph.tasks]
        s += [para(f"Phase {ph.number}: {ph.name}", "Heading2"), para(ph.purpose), _bare_table(rows, [28, 283, 60, 47, 50])]
    s += [PageBreak(), para("6. Prices", "Heading1")]
    rows = [["", "Amount"], [para("Stabilization plan"), r.amount(p.stabilization_gross)],
            ["Discount", r.amount(p.stabilization_discount)], ["Credit", r.amount(p.discovery_credit)],
            ["Fixed fee", r.money(p.stabilization_net)]]
    s.append(_bare_table(rows, [363, 105]))
    rows = [["", "Amount"]] + [[para(f"{x.label}: {x.detail}"), r.amount(x.amount)] for x in p.monthly_lines]
    rows.append(["Monthly fee", r.money(p.monthly_net)])
    s.append(_bare_table(rows, [363, 105]))
    rows = [["Project", "Hours", "Amount"]] + [[para(x.title), str(x.hours), r.amount(x.price)] for x in r.roadmap]
    s.append(_bare_table(rows, [298, 65, 105]))
    s.append(_bare_table([["", "Amount"], ["Fixed fee", r.amount(p.stabilization_net)],
                          ["12 × monthly fee", r.amount(p.monthly_net * 12)],
                          ["First-year total", r.money(p.first_year_total)]], [363, 105]))
    s += [para("7. Assumptions and exclusions", "Heading1"), *bullets(r.assumptions), *bullets(r.exclusions),
          para("8. Changes to the scope", "Heading1"), para(r.change_order_rule), para("9. Next steps", "Heading1"),
          *bullets(r.next_steps), para("10. Acceptance", "Heading1"), para(f"By signing, {r.client.name} accepts."),
          _bare_table([["Signature", "Signature"], ["Name", "Name"], ["Title", "Title"], ["Date", "Date"]], [234, 234])]
    return _bare_doc(s)


def bare_plan(report) -> bytes:
    """The stabilization plan's text and tables, the plainest way (see the module docstring)."""
    from reportlab.platypus import PageBreak, Paragraph

    st = _bare_styles()
    plan = report.plan

    def para(text: str, style: str = "Cell") -> Paragraph:
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), st[style])

    s: list = [para("Stabilization plan", "Title"), para(f"for {report.client.name}"), PageBreak(),
               para("1. Overview", "Heading1"), para(f"{len(plan.tasks)} tasks in {len(plan.phases)} phases, "
                                                     f"{plan.total_hours} hours, about {plan.weeks} weeks.")]
    rows = [["Phase", "Tasks", "Hours", "When"]] + [
        [f"Phase {p.number}: {p.name}", str(len(p.tasks)), str(p.hours), f"Weeks {p.start_week}–{p.end_week}"]
        for p in plan.phases] + [["Total", str(len(plan.tasks)), str(plan.total_hours), f"{plan.weeks} weeks"]]
    s.append(_bare_table(rows, [248, 60, 60, 100]))
    s.append(para("Effort by role", "Heading2"))
    s.append(_bare_table([["Role", "Hours"]] + [[n, str(h)] for n, h in plan.hours_by_role], [368, 100]))
    s.append(para("; ".join(f"{o}: {n} tasks" for o, n in plan.owners)))
    s += [PageBreak(), para("2. Timeline", "Heading1"), para(plan.scheduling_note)]
    s.append(_bare_table([["Phase", "Start week", "End week"]] + [
        [f"{p.name} ({len(p.tasks)} tasks)", str(p.start_week), str(p.end_week)] for p in plan.phases], [268, 100, 100]))
    s += [PageBreak(), para("3. Tasks by phase", "Heading1")]
    for p in plan.phases:
        s += [para(f"Phase {p.number}: {p.name}", "Heading2"), para(p.purpose)]
        rows = [["#", "Task and definition of done", "Owner", "After", "Hours by role", "Total"]]
        for t in p.tasks:
            body = f"<b>{t.title}</b><br/><font size='8'>Done when: {t.definition_of_done}</font>"
            if t.risk_title:
                body += f"<br/><font size='8'>Addresses: {t.risk_title}</font>"
            rows.append([str(t.number), Paragraph(body.replace("&", "&amp;"), st["Cell"]), t.owner,
                         ", ".join(map(str, t.depends_on)), "\n".join(f"{n} {h}" for n, h in t.hours), str(t.total_hours)])
        rows.append(["", f"Phase {p.number} total", "", "", "\n".join(f"{n} {h}" for n, h in p.hours_by_role), str(p.hours)])
        s.append(_bare_table(rows, [24, 207, 53, 34, 115, 35]))
    return _bare_doc(s)


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


def _pages(data: bytes) -> int:
    return data.count(b"/Type /Page\n") or data.count(b"/Type /Page ")


def main() -> list[dict]:
    from discovery_app.export.plan_pdf import render_plan
    from discovery_app.export.proposal_pdf import render_proposal

    n = common.runs(3)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, _demo, large, _seconds = common.large_store(folder)
        service = common.open_service(db)
        try:
            report = service.documents.report(large)
            proposal, plan = folder / "proposal.pdf", folder / "plan.pdf"
            out: dict[str, bytes] = {}

            def keep(name, fn):
                return lambda: out.__setitem__(name, fn())

            times = common.interleaved({
                "proposal": keep("proposal", lambda: render_proposal(report, draft=True)),
                "bare proposal": keep("bare proposal", lambda: bare_proposal(report)),
                "plan": keep("plan", lambda: render_plan(report)),
                "bare plan": keep("bare plan", lambda: bare_plan(report)),
                "export proposal": lambda: service.documents.export_proposal(large, proposal, draft=True),
                "export plan": lambda: service.documents.export_plan(large, plan),
                "report": lambda: service.documents.report(large),
            }, n)
            _, peak, _ = common.peak_of(lambda: service.documents.export_plan(large, plan))
            _, peak_p, _ = common.peak_of(lambda: service.documents.export_proposal(large, proposal, draft=True))
            titles = [t.title for t in report.plan.tasks]
            sizes = f"{len(report.risks.all)} risks, {len(titles)} tasks"
            rows = [
                common.row("pdf: proposal, large engagement (render)", times["proposal"],
                           ratio=common.ratio_of(times["proposal"], times["bare proposal"]),
                           note=f"{sizes}; {_well_formed(proposal, [])}; ratio vs the bare proposal; target <= 1.3x"),
                common.row("pdf: bare reportlab, the proposal's content", times["bare proposal"],
                           note=f"{_pages(out['bare proposal'])} pages; SimpleDocTemplate, DejaVu, one pass"),
                common.row("pdf: stabilization plan, large engagement (render)", times["plan"],
                           ratio=common.ratio_of(times["plan"], times["bare plan"]),
                           note=f"{_well_formed(plan, titles)}; ratio vs the bare plan; target <= 1.3x"),
                common.row("pdf: bare reportlab, the plan's content", times["bare plan"],
                           note=f"{_pages(out['bare plan'])} pages; SimpleDocTemplate, DejaVu, one pass"),
                common.row("pdf: report model from the store (service.documents.report)", times["report"],
                           note="part of each export below; the bare documents are handed the model"),
                common.row("pdf: proposal export, end to end", times["export proposal"], peak_mb=peak_p,
                           ratio=common.ratio_of(times["export proposal"], times["bare proposal"]),
                           note="service.documents.export_proposal: report model + render + write_atomic; ratio vs the "
                                "bare proposal, which is handed the model"),
                common.row("pdf: plan export, end to end", times["export plan"], peak_mb=peak,
                           ratio=common.ratio_of(times["export plan"], times["bare plan"]),
                           note="service.documents.export_plan, the same; timeline summarised by phase above 60 tasks"),
            ]
        finally:
            service.close()
    return rows


if __name__ == "__main__":
    common.emit(main(), "PDF export")

"""The stabilization plan PDF: phases and ordered tasks with hours per role, owner, dependencies
and definition of done; totals; a timeline (weeks across, tasks down).

Client-readable (no prices, no costs), built from the same report model as the proposal.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Table,
    TableStyle,
)

from ..domain.wording import count
from . import pdf_common as pc
from .pdf_common import esc, mm
from .report import Report, format_hours

DOC_TITLE = "Stabilization plan"
# A phase's tasks go into tables of at most this many rows: a Table measures what is left of it again
# after every page break, so one very long table costs more than several shorter ones.
CHUNK_ROWS = 400


def render_plan(report: Report, *, password: str | None = None) -> bytes:
    theme = pc.make_theme(report)
    buf = io.BytesIO()
    plan = report.plan
    facts = [
        ("Reference", report.proposal_number),
        ("Date", report.day(report.issued_on)),
        ("Tasks and effort", f"{count(len(plan.tasks), 'task')}, {format_hours(plan.total_hours, report.locale)} hours"),
        ("Duration", f"about {plan.weeks} weeks"),
        ("Internal IT owner", report.client.internal_it_owner or "To be named"),
        ("Prepared by", report.client.consultant + (f", {report.provider.display_name}" if report.client.consultant else report.provider.display_name)),
    ]
    doc = pc.ClientDocument(
        buf, report, theme, DOC_TITLE,
        lambda c, d: pc.draw_cover(c, d, DOC_TITLE, "Launch and stabilization: tasks, owners and order", facts),
        password=password, subject=f"Stabilization plan for {report.client.name} ({report.proposal_number})",
    )
    doc.render(_story(doc, report, theme))
    return buf.getvalue()


def _story(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    plan = r.plan
    s: list[Flowable] = [NextPageTemplate("body"), PageBreak()]
    s.append(doc.heading("1. Overview"))
    s.append(pc.Para(esc(
        f"This plan brings your environment to the baseline that co-managed operations start from. It has "
        f"{count(len(plan.tasks), 'task')} in {count(len(plan.phases), 'phase')}, {format_hours(plan.total_hours, r.locale)} hours "
        f"of work and about {plan.weeks} weeks. Tasks are numbered in the order they can be done: a task starts "
        "only when the tasks it depends on are finished. Each task has an owner and a definition of done; "
        "we close a task only when its definition of done is met and you have seen it."), t["lead"]))
    s.append(pc.key_figures(t, [("Tasks", str(len(plan.tasks))), ("Hours", format_hours(plan.total_hours, r.locale)),
                                ("Weeks", str(plan.weeks)), ("Phases", str(len(plan.phases)))]))
    s.append(pc.spacer(4))
    rows: list[list[Any]] = [[f"Phase {p.number}: {p.name}", str(len(p.tasks)), format_hours(p.hours, r.locale),
                              pc.weeks_text(p.start_week, p.end_week)] for p in plan.phases]
    rows.append(["Total", str(len(plan.tasks)), format_hours(plan.total_hours, r.locale), f"{plan.weeks} weeks"])
    s.append(pc.table(t, ["Phase", "Tasks", "Hours", "When"], rows, [0.55, 0.12, 0.13, 0.2], right=[1, 2],
                      total_rows=[len(rows) - 1]))
    s.append(doc.heading("Effort by role", 1))
    rows = [[name, format_hours(h, r.locale)] for name, h in plan.hours_by_role]
    rows.append(["Total", format_hours(plan.total_hours, r.locale)])
    s.append(pc.table(t, ["Role", "Hours"], rows, [0.8, 0.2], right=[1], total_rows=[len(rows) - 1]))
    if plan.owners:
        s.append(doc.heading("Who owns the tasks", 1))
        s.append(pc.Para(esc("; ".join(f"{owner}: {count(n, 'task')}" for owner, n in plan.owners)
                               + ". Shared tasks need people from both teams; the owner named in each "
                               "task answers for getting it done."), t["body"]))
    s += _pass_through(doc, r, t)
    for w in plan.warnings:
        s.append(pc.Para(esc(w), t["muted"]))

    s.append(PageBreak())
    s.append(doc.heading("2. Timeline"))
    summarised = len(plan.tasks) > pc.TIMELINE_MAX_TASKS
    s.append(pc.Para(esc(plan.scheduling_note + (
        f" The plan has {len(plan.tasks)} tasks, so the timeline shows one bar per phase." if summarised else "")),
        t["muted"]))
    s.append(KeepTogether([pc.timeline(t, plan, max_height=t.height - 40 * mm),
                           pc.Para("Figure 1. Stabilization timeline, weeks across, "
                                     + ("phases" if summarised else "tasks") + " down.", t["figure"])]))

    s.append(PageBreak())
    s.append(doc.heading("3. Tasks by phase"))
    s.append(pc.Para(esc("Hours are per role. “After” lists the tasks that must be finished first."), t["muted"]))
    for p in plan.phases:
        # A task row (title, definition of done, hours by role) is often 40-50 mm and is not split,
        # so the heading and its sentence need room for one whole row or they end a page alone.
        s.append(CondPageBreak(80 * mm))
        s.append(doc.heading(f"Phase {p.number}: {p.name}", 1))
        s.append(pc.Para(esc(f"{p.purpose} {pc.weeks_text(p.start_week, p.end_week)}; "
                               f"{count(len(p.tasks), 'task')}, {format_hours(p.hours, r.locale)} hours."), t["body"]))
        s += _task_tables(r, t, p)
    return s


def _pass_through(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    """The hardware and licences the tasks need (domain/tasks.py), by task number: what and how
    many. The plan carries no prices; the proposal prices them beside the fees."""
    p = r.prices
    lines = [*((x, "once") for x in p.pass_through_one_off), *((x, "monthly") for x in p.pass_through_monthly)]
    if not lines:
        return []
    number = {task.uid: task.number for task in r.plan.tasks}
    out: list[Flowable] = [doc.heading("Hardware and licences", 1)]
    out.append(pc.Para(esc("What these tasks need you to buy; the proposal gives the prices. It is not in the hours "
                           "above."), t["body"]))
    rows: list[list[Any]] = [[str(number.get(x.task_uid, "")), pc.Para(esc(x.description), t["cell"]), x.basis, when]
                             for x, when in lines]
    out.append(pc.table(t, ["Task", "What", "Quantity", "Bought"], rows, [0.08, 0.57, 0.2, 0.15]))
    return [KeepTogether(out)] if len(rows) <= 12 else out  # a short table stays whole with its heading


class RoleHours(Flowable):
    """Role names left (wrapped at spaces when long), hours right on each name's first line, in the
    cell's muted 8 pt type: what a borderless two-column table of Paragraphs drew, at the cost of a
    few strings (one such table per task made the long plans slow). ``_role_hours`` falls back to
    that table (``_role_table``) when a single word is wider than the name column."""

    HOURS_W = 24

    def __init__(self, rows: list[tuple[list[str], str]], width: float, style: Any, bold: bool):
        super().__init__()
        self.rows = rows
        self.width = width
        self.style = style
        self.bold = bold
        # Each row: its lines at the style's leading, plus the table's 1 pt bottom padding.
        self.height = sum(len(lines) * style.leading + 1 for lines, _ in rows)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c, st = self.canv, self.style
        c.setFillColor(st.textColor)
        top = self.height
        for lines, hours in self.rows:
            y = top - st.fontSize
            c.setFont(pc.FONT_BOLD if self.bold else st.fontName, st.fontSize)
            c.drawRightString(self.width, y, hours)
            c.setFont(st.fontName, st.fontSize)
            for line in lines:
                c.drawString(0, y, line)
                y -= st.leading
            top -= len(lines) * st.leading + 1


def _role_hours(r: Report, t: pc.Theme, hours: Any, width: float, bold: bool = False) -> Any:
    """Role names left, hours right, in the cell."""
    if not hours:
        return "–"
    st = t["cell_muted"]
    name_w = width - RoleHours.HOURS_W
    hours_font = pc.FONT_BOLD if bold else st.fontName
    rows = []
    for name, h in hours:
        words, text = name.split(), format_hours(h, r.locale)
        if not words or pdfmetrics.stringWidth(text, hours_font, st.fontSize) > RoleHours.HOURS_W or any(
                pdfmetrics.stringWidth(w, st.fontName, st.fontSize) > name_w for w in words):
            return _role_table(r, t, hours, width, bold)
        rows.append((simpleSplit(" ".join(words), st.fontName, st.fontSize, name_w), text))
    return RoleHours(rows, width, st, bold)


def _role_table(r: Report, t: pc.Theme, hours: Any, width: float, bold: bool = False) -> Table:
    """A borderless two-column table inside the cell, for role names that wrap."""
    name_style, num_style = (t["cell_muted"], t["cell_muted"])
    rows = [[pc.Para(esc(name), name_style),
             pc.Para(("<b>%s</b>" if bold else "%s") % format_hours(h, r.locale), pc.right_of(num_style))]
            for name, h in hours]
    tab = Table(rows, colWidths=[width - RoleHours.HOURS_W, RoleHours.HOURS_W], hAlign="LEFT")
    tab.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pc.FONT), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                             ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return tab


def _task_tables(r: Report, t: pc.Theme, phase: Any) -> list[Flowable]:
    header = ["#", "Task and definition of done", "Owner", "After", "Hours by role", "Total"]
    # "#" wide enough for a three-digit task number at 9 pt on A4 (it broke as "17" over "1" at 0.05);
    # the room comes from "Total", so the task text wraps as before.
    widths = [0.055, 0.44, 0.11, 0.07, 0.25, 0.075]
    muted = "<font size='8' color='#5F6B7A'>"
    rows: list[list[Any]] = []
    for task in phase.tasks:
        body = f"<b>{esc(task.title)}</b>"
        if task.definition_of_done:
            body += f"<br/>{muted}Done when: {esc(task.definition_of_done)}</font>"
        if task.risk_title:
            body += f"<br/>{muted}Addresses: {esc(task.risk_title)}</font>"
        body += f"<br/>{muted}{pc.weeks_text(task.start_week, task.end_week)}</font>"
        after = ", ".join(str(n) for n in task.depends_on) or "–"
        if task.depends_on_other:
            after += "".join(f"; {x}" for x in task.depends_on_other)
        rows.append([str(task.number), pc.Para(body, t["cell"]), task.owner, after,
                     _role_hours(r, t, task.hours, widths[4] / sum(widths) * t.width - 8),
                     format_hours(task.total_hours, r.locale)])
    total = ["", f"Phase {phase.number} total", "", "",
             _role_hours(r, t, phase.hours_by_role, widths[4] / sum(widths) * t.width - 8, bold=True),
             format_hours(phase.hours, r.locale)]
    # Long plans: several tables of at most CHUNK_ROWS rows lay out much faster than one.
    out: list[Flowable] = []
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        last = start + CHUNK_ROWS >= len(rows)
        if last:
            chunk = [*chunk, total]
        out.append(pc.table(t, header, chunk, widths, right=[5], total_rows=[len(chunk) - 1] if last else []))
    return out

"""The fixed-fee proposal: the client-facing PDF the client reads and signs.

Built from a client :class:`~.report.Report` only (never the internal one): it cannot print a cost
or a margin. Returns the PDF as bytes; the service writes them through ``write_atomic``.

The provider's *internal copy* is the same proposal, page for page, marked "internal copy" on the
cover and every footer, with an internal record at the end: the discount's approvals (verified, or
why they do not count), costs and margins. It is given the :class:`~.report.InternalFigures` apart,
so the client pages cannot differ from the ones the client gets.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Table,
    TableStyle,
)

from ..domain.wording import count, join_and, with_article
from . import pdf_common as pc
from .pdf_common import esc, mm
from .report import CLIENT, InternalFigures, Report, format_hours

DOC_TITLE = "Fixed-fee proposal"

#: Room a numbered section needs to start on the current page rather than a fresh one: about half
#: a page, so a section never starts in the last few lines of a page nor leaves one mostly blank.
SECTION_ROOM = 120 * mm
#: Room a sub-heading needs: itself, its sentence and the first rows of its table.
SUBSECTION_ROOM = 50 * mm


def render_proposal(report: Report, *, password: str | None = None, draft: bool = False,
                    internal: InternalFigures | None = None) -> bytes:
    """The proposal's PDF; with ``internal``, the provider's internal copy (see the module)."""
    if report.audience != CLIENT or report.internal is not None:
        raise ValueError("The proposal is a client document: build the report with client=True.")
    theme = pc.make_theme(report)
    buf = io.BytesIO()
    facts = [
        ("Proposal number", report.proposal_number),
        ("Date", report.day(report.issued_on)),
        ("Valid until", report.day(report.valid_until)),
        ("Prepared for", _prepared_for(report)),
        ("Prepared by", report.client.consultant + (f", {report.provider.display_name}" if report.client.consultant else report.provider.display_name)),
        ("Fixed fee · monthly fee", f"{report.money(report.prices.stabilization_net)} · "
                                    f"{report.money(report.prices.monthly_net)} a month"),
    ]
    doc = pc.ClientDocument(
        buf, report, theme, DOC_TITLE,
        lambda c, d: pc.draw_cover(c, d, DOC_TITLE, "Co-managed IT: launch, stabilization and operations", facts),
        password=password, subject=f"Proposal {report.proposal_number}: co-managed IT for {report.client.name}"
        + (" (internal copy)" if internal else ""),
        draft=draft, internal=internal is not None,
    )
    story = _story(doc, report, theme)
    if internal is not None:
        story += _internal_record(doc, report, theme, internal)
    doc.render(story)
    return buf.getvalue()


def _prepared_for(r: Report) -> str:
    dm = r.client.decision_maker
    return f"{dm.name}, {dm.role}" if dm and dm.role else dm.name if dm else r.client.name


def _story(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    s: list[Flowable] = [NextPageTemplate("body"), PageBreak()]
    s += [pc.Para("Contents", t["h1"]), pc.contents(doc), PageBreak()]
    s += _summary(doc, r, t)
    s += _scope(doc, r, t)
    s += _matrix(doc, r, t)
    s += _findings(doc, r, t)
    s += _plan(doc, r, t)
    s += _prices(doc, r, t)
    extras = r.extra.get("proposal_extras")
    if extras is not None:
        from .baseline_pdf import proposal_sections

        s += proposal_sections(doc, r, t, extras)
    s += _terms(doc, r, t)
    s += _acceptance(doc, r, t)
    from .evidence_pdf import appendix

    s += appendix(doc, r, t)
    return s


def _p(t: pc.Theme, text: str, style: str = "body") -> Paragraph:
    return pc.Para(esc(text), t[style])


# ---- sections ---------------------------------------------------------------------------------


def _summary(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    p = r.prices
    out: list[Flowable] = [doc.heading("1. Executive summary")]
    out.append(_p(t, f"Dear {r.client.decision_maker.name if r.client.decision_maker else r.client.name},", "body"))
    intro = ("Thank you for the time you and your team gave us during the discovery"
             + (f" on {r.day(r.client.discovery_date)}" if r.client.discovery_date else "")
             + ". This proposal sets out what we found, what we propose to do about it, who does what "
             "once we work together, and what it costs.")
    out.append(_p(t, intro, "lead"))
    out.append(pc.key_figures(t, [
        ("Launch and stabilization, fixed fee", r.money(p.stabilization_net)),
        ("Co-managed operations, per month", r.money(p.monthly_net)),
        ("Stabilization", f"about {r.plan.weeks} weeks"),
    ]))
    out.append(pc.spacer(4))
    out.append(pc.Para("How well co-managed IT fits you", t["h2"]))
    out.append(_p(t, f"{r.fit.label}. {r.fit.plain}"))
    if r.fit.strengths:
        out.append(_p(t, "In your favour: " + "; ".join(s[0].lower() + s[1:] for s in r.fit.strengths) + "."))
    if r.fit.concerns:
        out.append(_p(t, "What we will work on together: " + "; ".join(s[0].lower() + s[1:] for s in r.fit.concerns) + "."))
    out.append(pc.Para("What we found", t["h2"]))
    out += pc.bullets(t, r.top_findings)
    out.append(pc.Para("Our offer", t["h2"]))
    out.append(_p(t, r.offer_summary))
    return out


def _scope(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(60 * mm), doc.heading("2. Scope by lane")]
    out.append(_p(t, "We split IT work into three lanes. For each lane, the first column is what our monthly fee "
                     "covers; the second is what stays with your team or another supplier. The responsibility "
                     "matrix in section 3 gives the detail, function by function."))
    for lane in r.scope:
        intro = lane.intro if lane.run_by_provider else lane.intro + " You keep this lane; it is not in the monthly fee."
        head: list[Flowable] = [doc.heading(lane.title, 1), _p(t, intro)]
        inc = [pc.Para(f"<b>{esc(f.name)}</b>", t["cell"]) for f in lane.included]
        exc = [pc.Para(f"<b>{esc(f.name)}</b><br/><font color='#5F6B7A' size='8'>Kept by {esc(f.kept_by)}</font>",
                         t["cell"]) for f in lane.not_included]
        n = max(len(inc), len(exc), 1)
        rows = [[inc[i] if i < len(inc) else "", exc[i] if i < len(exc) else ""] for i in range(n)]
        if not inc:
            rows[0][0] = pc.Para("Nothing in this lane.", t["cell_muted"])
        if not exc:
            rows[0][1] = pc.Para("Nothing: we cover the whole lane.", t["cell_muted"])
        out.append(KeepTogether([*head, pc.table(t, ["Included in our service", "Not included: stays with"], rows, [1, 1])]))
    return out


def _matrix(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    m = r.matrix
    out: list[Flowable] = [PageBreak(), doc.heading("3. Responsibility matrix")]
    out.append(_p(t, "Who does what, once we work together. R: responsible (does the work). A: accountable "
                     "(answers for it and signs it off; exactly one party per function). C: consulted. "
                     "I: informed."))
    header = ["Function", *m.parties, "Accountable"]
    rows: list[list[Any]] = []
    sections = []
    lanes = {"run": "Run", "change": "Change", "govern": "Govern"}
    current = None
    for row in m.rows:
        if row.lane != current:
            current = row.lane
            sections.append(len(rows))
            rows.append([f"{lanes.get(row.lane, row.lane)} lane", *[""] * (len(header) - 1)])
        rows.append([row.function, *row.letters, row.accountable or "None"])
    letter_w = 0.11 if len(m.parties) <= 3 else max(0.06, 0.33 / len(m.parties))
    widths = [0.44, *[letter_w] * len(m.parties), 0.17]
    center = list(range(1, len(m.parties) + 1))
    out.append(pc.table(t, header, rows, widths, center=center, section_rows=sections))
    return out


def _findings(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    st = r.standards
    out: list[Flowable] = [CondPageBreak(SECTION_ROOM), doc.heading("4. Findings")]
    out.append(doc.heading("4.1 Standards alignment", 1))
    out.append(_p(t, f"We compared your tools with our standard stack in {st.applicable} areas. "
                     f"{st.aligned} already match ({r.percent(st.alignment_percent, 0)}). "
                     "Every difference is either replaced during stabilization or kept as an exception "
                     "that we support for a monthly surcharge; none is silently included."))
    rows = []
    for row in st.rows:
        if row.status_id == "aligned":
            continue
        today = row.current_tool or "Nothing in place"
        decision = row.decision or ("Put in place" if row.status_id == "missing" else "")
        if row.plan_text:
            decision = f"{decision} ({row.plan_text})" if decision else row.plan_text
        rows.append([pc.Para(f"<b>{esc(row.name)}</b>" + (f"<br/><font size='8' color='#5F6B7A'>{esc(row.notes)}</font>" if row.notes else ""), t["cell"]),
                     today, row.standard, row.status, decision])
    if rows:
        out.append(pc.table(t, ["Area", "What you use today", "Our standard", "Status", "Decision"], rows,
                            [0.27, 0.2, 0.2, 0.11, 0.22]))
    aligned = [row.name for row in st.rows if row.status_id == "aligned"]
    if aligned:
        out.append(pc.spacer(2))
        out.append(_p(t, "Already aligned: " + "; ".join(aligned) + ".", "muted"))

    rk = r.risks
    out.append(CondPageBreak(95 * mm))
    out.append(doc.heading("4.2 Risk heat map", 1))
    bands = join_and([f"{n} {b.lower()}" for b, n in rk.band_counts if n])
    out.append(_p(t, f"We recorded {count(rk.total, 'risk')} ({bands}). Each is placed by how likely it is to happen "
                     "and how much harm it would do; the number in a cell is how many risks sit there."))
    out.append(KeepTogether([pc.heat_map(t, rk.heat_map, bands=rk.bands),
                             pc.Para("Figure 1. Your risks by likelihood and impact.", t["figure"])]))

    # A top risk is kept whole on a page, so its heading needs room for the first one with it.
    out.append(CondPageBreak(SUBSECTION_ROOM + 20 * mm))
    out.append(doc.heading("4.3 Top risks", 1))
    for risk in rk.top:
        block: list[Flowable] = [pc.Para(f"{risk.rank}. {esc(risk.title)}", t["h3"]),
                                 _p(t, f"{risk.band} risk · {risk.category} · likelihood {risk.likelihood} of 5, "
                                       f"impact {risk.impact} of 5 (score {risk.score})", "muted")]
        block.append(_labelled(t, "What we saw", risk.seen))
        if risk.evidence:
            block.append(_labelled(t, "Evidence", risk.evidence, italic=True))
        if risk.why_it_matters:
            block.append(_labelled(t, "Why it matters", risk.why_it_matters))
        block.append(_labelled(t, "What we propose", _proposal_text(r, risk)))
        out.append(KeepTogether(block))
    rest = rk.all[len(rk.top):]
    if rest:
        out.append(CondPageBreak(40 * mm))
        out.append(doc.heading("4.4 Other risks", 1))
        rows = [[str(x.rank), x.title, x.category, f"{x.band} ({x.score})", _proposal_text(r, x, short=True)]
                for x in rest]
        out.append(pc.table(t, ["#", "Risk", "Category", "Level", "What we propose"], rows,
                            [0.05, 0.38, 0.13, 0.13, 0.31]))
    return out


def _labelled(t: pc.Theme, label: str, text: str, italic: bool = False) -> Paragraph:
    body = f"<i>{esc(text)}</i>" if italic else esc(text)
    return pc.Para(f"<b>{esc(label)}:</b> {body}", t["body"])


def _proposal_text(r: Report, row: Any, short: bool = False) -> str:
    if not row.proposals:
        return row.treatment
    parts = []
    for a in row.proposals:
        if a.phase == "stabilization":
            where = f"in the fixed fee, plan task {a.task_number}" if a.task_number else "in the fixed fee"
        else:
            where = f"a roadmap option at {r.money(a.price)}" if a.price is not None else "a roadmap option"
        parts.append(f"{a.title} ({where})" if not short else f"{a.title}: {where}")
    return "; ".join(parts) + ("" if short else ".")


def _plan(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    plan = r.plan
    out: list[Flowable] = [CondPageBreak(SECTION_ROOM), doc.heading("5. Stabilization plan summary")]
    out.append(_p(t, f"Before steady-state operations begin, we bring your environment to a known, documented "
                     f"baseline: {count(len(plan.tasks), 'task')}, {format_hours(plan.total_hours, r.locale)} hours, about "
                     f"{plan.weeks} weeks, in {len(plan.phases)} phases. The separate stabilization plan lists "
                     "every task with its effort by role, owner, dependencies and definition of done."))
    for ph in plan.phases:
        # The heading, its sentence and the table's first rows stay together at a page foot.
        out.append(CondPageBreak(45 * mm))
        out.append(doc.heading(f"Phase {ph.number}: {ph.name}", 1))
        out.append(_p(t, f"{ph.purpose} {pc.weeks_text(ph.start_week, ph.end_week)}, {format_hours(ph.hours, r.locale)} hours."))
        rows = [[str(x.number), x.title, x.owner, format_hours(x.total_hours, r.locale),
                 f"{x.start_week}" if x.start_week == x.end_week else f"{x.start_week}–{x.end_week}"]
                for x in ph.tasks]
        out.append(pc.table(t, ["#", "Task", "Owner", "Hours", "Weeks"], rows, [0.06, 0.6, 0.13, 0.1, 0.11],
                            right=[3]))
    return out


def _prices(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    p = r.prices
    cur = f"Amount ({p.currency})"
    out: list[Flowable] = [CondPageBreak(SECTION_ROOM), doc.heading("6. Prices")]
    out.append(_p(t, f"All prices are in {p.currency} and exclude applicable taxes."))
    out.append(doc.heading("Launch and stabilization: fixed fee", 1))
    rows: list[list[Any]] = [[f"Stabilization plan: {count(p.stabilization_tasks, 'task')}, "
                              f"{format_hours(p.stabilization_hours, r.locale)} hours, contingency included",
                              r.amount(p.stabilization_gross)]]
    if p.stabilization_discount:
        rows.append([_discount_label(r, p), "−" + r.amount(p.stabilization_discount)])
    if p.discovery_credit:
        rows.append(["Credit: the discovery fee you have already paid", "−" + r.amount(p.discovery_credit)])
    rows.append(["Fixed fee", r.money(p.stabilization_net)])
    out.append(pc.table(t, ["", cur], rows, [0.78, 0.22], right=[1], total_rows=[len(rows) - 1]))
    out.append(pc.spacer(3))

    out.append(CondPageBreak(SUBSECTION_ROOM))
    out.append(doc.heading("Co-managed operations: monthly fee", 1))
    rows = [[pc.Para(f"{esc(ln.label)}<br/><font size='8' color='#5F6B7A'>{esc(ln.detail)}</font>", t["cell"]),
             r.amount(ln.amount)] for ln in p.monthly_lines]
    if p.monthly_discount:
        rows.append([_discount_label(r, p), "−" + r.amount(p.monthly_discount)])
    rows.append(["Monthly fee", r.money(p.monthly_net)])
    out.append(pc.table(t, ["", cur], rows, [0.78, 0.22], right=[1], total_rows=[len(rows) - 1]))
    out.append(_p(t, f"Coverage: {p.coverage}.", "muted"))
    out += _pass_through(doc, r, t)

    if r.roadmap:
        out.append(CondPageBreak(SUBSECTION_ROOM))  # the heading and its intro never end a page alone
        out.append(doc.heading("Roadmap options", 1))
        out.append(_p(t, "Improvements we recommend after stabilization. They are not in the fees above; each "
                         "starts only when you approve it as a priced change order."))
        rows = [[x.title, format_hours(x.hours, r.locale), r.amount(x.price)] for x in r.roadmap]
        rows.append(["All roadmap options", "", r.money(p.roadmap_total)])
        out.append(pc.table(t, ["Project", "Hours", cur], rows, [0.64, 0.14, 0.22], right=[1, 2],
                            total_rows=[len(rows) - 1]))
    out.append(CondPageBreak(SUBSECTION_ROOM))
    out.append(doc.heading("Your first year", 1))
    rows = [["Fixed fee", r.amount(p.stabilization_net)],
            ["12 × monthly fee", r.amount(p.monthly_net * 12)],
            ["First-year total", r.money(p.first_year_total)]]
    out.append(pc.table(t, ["", cur], rows, [0.78, 0.22], right=[1], total_rows=[2]))
    if p.pass_through_one_off or p.pass_through_monthly:
        parts = ([f"{r.money(p.pass_through_one_off_total)} once"] if p.pass_through_one_off else []) + \
                ([f"{r.money(p.pass_through_monthly_total)} a month"] if p.pass_through_monthly else [])
        out.append(_p(t, "Hardware and licences come on top, at the prices above: " + " and ".join(parts) + ".",
                      "muted"))
    if p.discount and p.discount.percent:
        out.append(pc.spacer(2))
        out.append(_p(t, f"The prices include {with_article(r.percent(p.discount.percent))} discount"
                         + (f" ({_in_sentence(p.discount.reason)})" if p.discount.reason else "")
                         + f", valid for acceptance by {r.day(r.valid_until)}.", "muted"))
    return out


def _pass_through(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    """Hardware and licences the plan's tasks need: passed through at these prices, apart from the
    labour fees (domain/tasks.py decides which and how many)."""
    p = r.prices
    if not (p.pass_through_one_off or p.pass_through_monthly):
        return []
    cur = f"Amount ({p.currency})"
    out: list[Flowable] = [CondPageBreak(SUBSECTION_ROOM), doc.heading("Hardware and licences", 1)]
    out.append(_p(t, "What the plan's tasks need you to buy. We order it for you and pass it through at these "
                     "prices; it is not part of the fees above, and no discount applies to it."))

    def table(lines: Any, total_label: str, total: Decimal) -> Flowable:
        rows: list[list[Any]] = [
            [pc.Para(f"{esc(x.description)}<br/><font size='8' color='#5F6B7A'>For: {esc(x.task)}</font>", t["cell"]),
             x.basis, r.amount(x.unit_price), r.amount(x.amount)] for x in lines]
        rows.append([total_label, "", "", r.money(total)])
        return pc.table(t, ["", "Quantity", "Unit price", cur], rows, [0.46, 0.2, 0.14, 0.2], right=[2, 3],
                        total_rows=[len(rows) - 1])

    if p.pass_through_one_off:
        out.append(table(p.pass_through_one_off, "One-off hardware and licences", p.pass_through_one_off_total))
        out.append(pc.spacer(2))
    if p.pass_through_monthly:
        out.append(table(p.pass_through_monthly, "Licences a month", p.pass_through_monthly_total))
    return out


def _in_sentence(text: str) -> str:
    """A typed phrase set inside a sentence: "Signed before December 15." -> "signed before
    December 15" (a leading capital is kept for a name or an acronym: "IT budget", "Q4 deal")."""
    text = text.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first[1:].islower() else text


def _discount_label(r: Report, p: Any) -> str:
    # The reason is printed once, in the note under the prices, not on every discount row.
    d = p.discount
    return f"Discount ({r.percent(d.percent)})" if d else "Discount"


def _terms(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(70 * mm), doc.heading("7. Assumptions and exclusions")]
    out.append(pc.Para("We assume", t["h2"]))
    out += pc.bullets(t, r.assumptions)
    out.append(pc.Para("Not included", t["h2"]))
    out += pc.bullets(t, r.exclusions)
    if r.terms:
        out.append(pc.Para("Commercial terms", t["h2"]))
        out += [pc.Para(f"<b>{esc(label)}:</b> {esc(text)}", t["bullet"], bulletText="•") for label, text in r.terms]
    out.append(CondPageBreak(40 * mm))
    out.append(doc.heading("8. Changes to the scope"))
    out.append(_p(t, r.change_order_rule))
    out.append(CondPageBreak(50 * mm))
    out.append(doc.heading("9. Next steps"))
    out += pc.bullets(t, r.next_steps, numbered=True)
    return out


def _acceptance(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    p = r.prices
    text = (f"By signing, {r.client.name} accepts this proposal ({r.proposal_number}): the launch and stabilization "
            f"project for a fixed fee of {r.money(p.stabilization_net)} and co-managed operations for "
            f"{r.money(p.monthly_net)} a month, on the scope, assumptions and change-order terms above. "
            f"This proposal is valid until {r.day(r.valid_until)}.")

    def block(party: str, name: str = "", title: str = "") -> list[Any]:
        rows = [[pc.Para(f"<b>For {esc(party)}</b>", t["cell"])]]
        for label, value in (("Signature", ""), ("Name", name), ("Title", title), ("Date", "")):
            rows.append([pc.Para(f"<font size='8' color='#5F6B7A'>{label}</font><br/>{esc(value) or '&nbsp;'}",
                                   t["cell"])])
        tab = Table(rows, colWidths=[t.width / 2 - 8 * mm], rowHeights=[None, 16 * mm, None, None, None])
        tab.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pc.FONT), ("LINEBELOW", (0, 1), (-1, -1), 0.6, pc.INK), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 6)]))
        return [tab]

    dm = r.client.decision_maker
    both = Table([[block(r.client.name, dm.name if dm else "", dm.role if dm else ""),
                   block(r.provider.display_name, r.client.consultant)]],
                 colWidths=[t.width / 2, t.width / 2], hAlign="LEFT")
    both.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pc.FONT), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    extras = r.extra.get("proposal_extras")
    marks: list[Flowable] = []
    if extras is not None:
        from .baseline_pdf import option_marks

        marks = option_marks(t, extras)
        if extras.accepted_risks:
            marks.append(_p(t, "Signing also records your acceptance of the risks listed under “Risks you accept”."))
    return [KeepTogether([doc.heading("10. Acceptance"), _p(t, text), *marks, pc.spacer(6), both])]


# ---- the internal copy's record -----------------------------------------------------------------


def _internal_record(doc: pc.ClientDocument, r: Report, t: pc.Theme, fig: InternalFigures) -> list[Flowable]:
    """Who approved the discount (verified), costs and margins: in the internal copy only."""
    p = r.prices
    pct = r.percent
    out: list[Flowable] = [PageBreak(), doc.heading("Internal record: approvals, costs and margins")]
    out.append(_p(t, f"This record is in the internal copy of proposal {r.proposal_number} only. The pages before it "
                     f"are the ones {r.client.name} receives."))
    out.append(pc.Para("Discount approval", t["h2"]))
    if p.discount and p.discount.percent:
        out.append(_p(t, f"Discount: {pct(p.discount.percent)}"
                         + (f" ({_in_sentence(p.discount.reason)})" if p.discount.reason else "") + "."))
    out.append(_p(t, f"Status: {fig.approval_status}."))
    if fig.approvals:
        out.append(_p(t, "Every approval recorded, each checked again against the figures above:", "muted"))
        out += pc.bullets(t, fig.approvals)
    out.append(CondPageBreak(SUBSECTION_ROOM))
    out.append(pc.Para("Costs and margins", t["h2"]))
    rows: list[list[Any]] = [
        ["Launch and stabilization", r.amount(p.stabilization_net), r.amount(fig.stabilization_cost),
         pct(fig.margin_stabilization, 1)],
        ["Co-managed operations, a month", r.amount(p.monthly_net), r.amount(fig.monthly_cost), pct(fig.margin_monthly, 1)],
        ["First year", r.amount(p.first_year_total), r.amount(fig.first_year_cost), pct(fig.margin_first_year, 1)],
    ]
    out.append(pc.table(t, ["", f"Price ({p.currency})", f"Cost ({p.currency})", "Margin"], rows,
                        [0.46, 0.18, 0.18, 0.18], right=[1, 2, 3], total_rows=[2]))
    out.append(_p(t, f"First-year margin: {r.money(fig.margin_money_first_year)}, against a target margin of "
                     f"{pct(fig.target_margin_percent)}.", "muted"))
    if fig.roadmap_margins:
        out.append(CondPageBreak(SUBSECTION_ROOM))
        out.append(pc.Para("Roadmap options", t["h2"]))
        out.append(pc.table(t, ["Project", "Margin"], [[title, pct(m, 1)] for title, m in fig.roadmap_margins],
                            [0.82, 0.18], right=[1]))
    if fig.warnings:
        out.append(pc.Para("Pricing warnings", t["h2"]))
        out += pc.bullets(t, fig.warnings)
    return out

"""Documents after the signature, in the proposal's style: the change order and the progress
report against the baseline; and the proposal's own sections for options, the roadmap and budget
by quarter, and accepted risks. They render what the domain computed; they decide nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Table,
    TableStyle,
)

from ..domain import baseline as bl
from ..domain import progress as pg
from ..domain import roadmap as rm
from ..domain.engagement import (
    STATUS_LABELS,
    ChangeOrder,
    ChangeOrderStatus,
    DeliveryStatus,
    Engagement,
    StandardStatus,
)
from ..domain.pricing import ProjectPrice
from ..domain.wording import count
from . import pdf_common as pc
from .pdf_common import esc, mm
from .report import Report, format_hours

CHANGE_ORDER_TITLE = "Change order"
PROGRESS_TITLE = "Progress report"

_STATUS_WORDS = {StandardStatus.ALIGNED: "Aligned", StandardStatus.EXCEPTION: "Exception",
                 StandardStatus.MISSING: "Missing", StandardStatus.NOT_APPLICABLE: "Not applicable", None: "Not assessed"}
_DELIVERY_WORDS = {DeliveryStatus.NOT_STARTED: "Not started", DeliveryStatus.IN_PROGRESS: "In progress",
                   DeliveryStatus.BLOCKED: "Blocked", DeliveryStatus.DONE: "Done"}
_OUTCOME_WORDS = {pg.RiskOutcome.CLOSED: "Closed", pg.RiskOutcome.REDUCED: "Reduced",
                  pg.RiskOutcome.UNCHANGED: "Unchanged", pg.RiskOutcome.INCREASED: "Increased", pg.RiskOutcome.NEW: "New"}


def _rect(x: float, y: float, width: float, height: float, **style: Any) -> Rect:
    """A styled Rect (see pdf_common._rect: types-reportlab refuses Rect's style keywords)."""
    return Rect(x, y, width, height, **style)


def _p(t: pc.Theme, text: str, style: str = "body") -> pc.Para:
    return pc.Para(esc(text), t[style])


def _signature_blocks(t: pc.Theme, left: tuple[str, str, str, str], right: tuple[str, str, str, str]) -> Table:
    """Two signature blocks side by side: (party, name, title, date)."""

    def block(party: str, name: str, title: str, day: str) -> list[Any]:
        rows = [[pc.Para(f"<b>For {esc(party)}</b>", t["cell"])]]
        for label, value in (("Signature", ""), ("Name", name), ("Title", title), ("Date", day)):
            rows.append([pc.Para(f"<font size='8' color='#5F6B7A'>{label}</font><br/>{esc(value) or '&nbsp;'}",
                                 t["cell"])])
        tab = Table(rows, colWidths=[t.width / 2 - 8 * mm], rowHeights=[None, 16 * mm, None, None, None])
        tab.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pc.FONT), ("LINEBELOW", (0, 1), (-1, -1), 0.6, pc.INK),
                                 ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 6)]))
        return [tab]

    both = Table([[block(*left), block(*right)]], colWidths=[t.width / 2, t.width / 2], hAlign="LEFT")
    both.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pc.FONT), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return both


# ---- the change order ---------------------------------------------------------------------------


def render_change_order(report: Report, eng: Engagement, order: ChangeOrder, price: ProjectPrice,
                        totals: bl.ContractTotals) -> bytes:
    """One change order: the change and why, its price by the same engine, what it does to the
    contract, the change-order rule and the client's approval."""
    assert eng.acceptance is not None
    t = pc.make_theme(report)
    buf = io.BytesIO()
    title = f"{CHANGE_ORDER_TITLE} {order.number}"
    status = {ChangeOrderStatus.PROPOSED: "Awaiting your approval", ChangeOrderStatus.APPROVED: "Approved",
              ChangeOrderStatus.DECLINED: "Declined"}[order.status]
    facts = [
        ("Change order", f"CO-{order.number:02d} to {report.proposal_number}"),
        ("Requested", report.day(order.requested_on)),
        ("Status", status if order.approved_on is None else f"{status} on {report.day(order.approved_on)}"),
        ("Signed baseline", f"{report.day(eng.acceptance.signed_on)}, {eng.acceptance.signed_by}"),
        ("One-time price", report.money(price.price)),
        ("Monthly fee change", _signed_money(report, order.monthly_change)),
    ]
    doc = pc.ClientDocument(buf, report, t, title,
                            lambda c, d: pc.draw_cover(c, d, CHANGE_ORDER_TITLE, order.title, facts),
                            subject=f"{title} for {report.client.name}")
    s: list[Flowable] = [NextPageTemplate("body"), PageBreak()]
    s.append(doc.heading("1. The change"))
    s.append(_p(t, order.title, "lead"))
    s.append(pc.Para(f"<b>Why.</b> {esc(order.reason)}", t["body"]))
    s.append(_p(t, f"This order changes the engagement you accepted on {report.day(eng.acceptance.signed_on)} "
                   f"(proposal {report.proposal_number}). Everything not named here stays as signed."))
    s.append(doc.heading("2. Price"))
    rows: list[list[Any]] = [[ln.role_name, format_hours(ln.hours, report.locale), report.money(ln.bill_rate),
                              report.money(ln.amount)] for ln in price.lines]
    if price.contingency:
        rows.append([f"Contingency {report.percent(price.contingency_rate * 100, 0)}", "", "", report.money(price.contingency)])
    if price.rounding:
        rows.append(["Rounding", "", "", report.money(price.rounding)])
    rows.append(["One-time price", format_hours(price.hours, report.locale), "", report.money(price.price)])
    s.append(pc.table(t, ["Work", "Hours", "Rate", "Amount"], rows, [0.5, 0.14, 0.16, 0.2], right=[1, 2, 3],
                      total_rows=[len(rows) - 1]))
    if order.monthly_change:
        s.append(pc.spacer(2))
        s.append(_p(t, f"The monthly fee changes by {_signed_money(report, order.monthly_change)} from the first "
                       "month after the work is done."))
    s.append(doc.heading("3. Effect on your contract"))
    this_one = price.price if order.status is ChangeOrderStatus.PROPOSED else Decimal(0)
    this_monthly = order.monthly_change if order.status is ChangeOrderStatus.PROPOSED else Decimal(0)
    rows = [
        ["Signed baseline", report.money(totals.one_time_baseline), report.money(totals.monthly_baseline)],
        ["Approved change orders", report.money(totals.one_time_approved), _signed_money(report, totals.monthly_approved)],
    ]
    if order.status is ChangeOrderStatus.PROPOSED:
        rows.append([f"This change order ({order.number})", report.money(this_one), _signed_money(report, this_monthly)])
    rows.append(["After this order", report.money(totals.one_time + this_one), report.money(totals.monthly + this_monthly)])
    s.append(pc.table(t, ["", "One-time", "Monthly"], rows, [0.5, 0.25, 0.25], right=[1, 2],
                      total_rows=[len(rows) - 1]))
    approval: list[Flowable] = [doc.heading("4. Approval")]
    approval.append(_p(t, report.change_order_rule or "No work on a change starts before the client approves it in writing."))
    if order.status is ChangeOrderStatus.APPROVED:
        approval.append(_p(t, f"Approved by {order.approved_by}{', ' + order.approved_title if order.approved_title else ''}"
                       f" on {report.day(order.approved_on) if order.approved_on else ''}. The work may start."))
    elif order.status is ChangeOrderStatus.DECLINED:
        approval.append(_p(t, "You declined this change; no work is done on it."))
    else:
        approval.append(_p(t, "No work on this change starts until you sign below."))
    dm = report.client.decision_maker
    approval.append(pc.spacer(4))
    approval.append(_signature_blocks(
        t, (report.client.name, order.approved_by or (dm.name if dm else ""),
            order.approved_title or (dm.role if dm else ""),
            report.day(order.approved_on) if order.approved_on else ""),
        (report.provider.display_name, report.client.consultant, "", "")))
    s.append(KeepTogether(approval))
    doc.render(s)
    return buf.getvalue()


def _signed_money(r: Report, amount: Decimal) -> str:
    if amount > 0:
        return "+" + r.money(amount)
    return r.money(amount) if amount else r.money(Decimal(0))


# ---- the roadmap figure and table (proposal, progress report) -----------------------------------


def roadmap_figure(t: pc.Theme, road: rm.Roadmap, r: Report, width: float | None = None) -> Drawing:
    """Bars by quarter: one-time work (accent) stacked on the recurring operations (grey)."""
    width = width or t.width
    height = 62 * mm
    d = Drawing(width, height, initialFontName=pc.FONT, initialFontSize=8)
    left, bottom, top = 22 * mm, 12 * mm, 8 * mm
    quarters = road.quarters
    peak = max((q.total for q in quarters), default=Decimal(0)) or Decimal(1)
    plot_h = height - bottom - top
    slot = (width - left) / max(len(quarters), 1)
    bar = slot * 0.56
    grey = colors.HexColor("#B8C2CC")
    for i in range(5):
        value = peak * i / 4
        y = bottom + plot_h * i / 4
        d.add(_rect(left, y, width - left, 0.01, strokeColor=pc.RULE, strokeWidth=0.4))
        d.add(String(left - 3, y - 3, r.amount(value.quantize(Decimal(1))), fontName=pc.FONT, fontSize=7,
                     fillColor=pc.MUTED, textAnchor="end"))
    for i, q in enumerate(quarters):
        x = left + i * slot + (slot - bar) / 2
        rec_h = float(q.recurring / peak) * plot_h
        one_h = float(q.one_time / peak) * plot_h
        if rec_h:
            d.add(_rect(x, bottom, bar, rec_h, fillColor=grey, strokeColor=None))
        if one_h:
            d.add(_rect(x, bottom + rec_h, bar, one_h, fillColor=t.accent, strokeColor=None))
        d.add(String(x + bar / 2, bottom - 10, q.quarter.replace("-", " "), fontName=pc.FONT, fontSize=7.5,
                     fillColor=pc.INK, textAnchor="middle"))
    d.add(_rect(left, height - 6, 8, 6, fillColor=t.accent, strokeColor=None))
    d.add(String(left + 11, height - 6, "One-time projects", fontName=pc.FONT, fontSize=7.5, fillColor=pc.INK))
    d.add(_rect(left + 36 * mm, height - 6, 8, 6, fillColor=grey, strokeColor=None))
    d.add(String(left + 36 * mm + 11, height - 6, "Monthly operations (3 months)", fontName=pc.FONT, fontSize=7.5,
                 fillColor=pc.INK))
    return d


def roadmap_tables(doc: pc.ClientDocument, t: pc.Theme, road: rm.Roadmap, r: Report,
                   quarters: Sequence[rm.QuarterBudget] | None = None) -> list[Flowable]:
    """The budget by quarter, then each quarter's items."""
    quarters = list(road.quarters if quarters is None else quarters)
    out: list[Flowable] = []
    rows: list[list[Any]] = [[q.quarter.replace("-", " "), count(len(q.items), "item"), r.money(q.one_time),
                              r.money(q.recurring), r.money(q.total)] for q in quarters]
    one = sum((q.one_time for q in quarters), Decimal(0))
    rec = sum((q.recurring for q in quarters), Decimal(0))
    rows.append(["Total", "", r.money(one), r.money(rec), r.money(one + rec)])
    out.append(pc.table(t, ["Quarter", "Items", "One-time", "Recurring", "Budget"], rows,
                        [0.18, 0.16, 0.22, 0.22, 0.22], right=[2, 3, 4], total_rows=[len(rows) - 1]))
    detail: list[list[Any]] = []
    sections: list[int] = []
    for q in quarters:
        if not q.items:
            continue
        sections.append(len(detail))
        detail.append([q.quarter.replace("-", " "), "", "", ""])
        for i in q.items:
            detail.append([i.title, rm.KIND_LABELS[i.kind], i.detail,
                           "Your purchase" if i.one_time is None else r.money(i.one_time)])
    if detail:
        out.append(pc.spacer(3))
        out.append(pc.table(t, ["Item", "Kind", "Note", "One-time"], detail, [0.4, 0.14, 0.28, 0.18], right=[3],
                            section_rows=sections))
    return out


# ---- proposal sections --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalExtras:
    """What the proposal shows beyond the single offer: options, the roadmap, accepted risks."""

    options: tuple[bl.PricedOption, ...] = ()
    differences: tuple[bl.OptionDifference, ...] = ()
    roadmap: rm.Roadmap | None = None
    accepted_risks: tuple[tuple[str, Any], ...] = ()  # (risk title, RiskAcceptance)


def proposal_sections(doc: pc.ClientDocument, r: Report, t: pc.Theme, x: ProposalExtras) -> list[Flowable]:
    s: list[Flowable] = []
    if x.options:
        s += [CondPageBreak(80 * mm), doc.heading("Your options", 1)]
        s.append(_p(t, "Each option is priced by the same rules from the same findings; only the choices below "
                       "differ. Mark the option you choose in the acceptance block."))
        head = [""] + [f"Option {o.number}: {o.label}" for o in x.options]
        rows: list[list[Any]] = [[d.label, *d.values] for d in x.differences]
        rows.append(["Launch and stabilization (one-time)", *[r.money(o.one_time) for o in x.options]])
        rows.append(["Co-managed operations (monthly)", *[r.money(o.recurring) for o in x.options]])
        first_year = [o.quote.first_year_total if o.quote else Decimal(0) for o in x.options]
        rows.append(["First year", *[r.money(v) for v in first_year]])
        n = len(x.options)
        s.append(pc.table(t, head, rows, [0.34] + [0.66 / n] * n, right=list(range(1, n + 1)),
                          total_rows=[len(rows) - 1]))
        notes = [f"Option {o.number}: {o.note}" for o in x.options if o.note]
        s += pc.bullets(t, notes)
    if x.roadmap is not None and x.roadmap.items:
        s += [CondPageBreak(110 * mm), doc.heading("Roadmap and budget by quarter", 1)]
        s.append(_p(t, "The projects we propose after stabilization, the replacements your equipment's age calls "
                       "for and the reviews of risks you accept, placed by quarter with what each costs. Recurring "
                       "is the monthly operations fee for the quarter. Projects start only as approved change "
                       "orders; replacements are your own purchases."))
        s.append(KeepTogether([roadmap_figure(t, x.roadmap, r),
                               pc.Para("Figure. Budget by quarter: one-time projects on top of monthly operations.",
                                       t["figure"])]))
        s += roadmap_tables(doc, t, x.roadmap, r)
    if x.accepted_risks:
        s += [CondPageBreak(60 * mm), doc.heading("Risks you accept", 1)]
        s.append(_p(t, "You have chosen to accept these risks rather than treat them. Each names the risk owner on "
                       "your side, why, what limits the risk meanwhile and when the acceptance is reviewed. Signing "
                       "this proposal confirms these acceptances in writing."))
        rows = [[title, a.owner, a.rationale + (f" Controls: {a.compensating_controls}" if a.compensating_controls else ""),
                 r.day(a.review_on), a.approved_by] for title, a in x.accepted_risks]
        s.append(pc.table(t, ["Risk", "Owner", "Why accepted", "Review by", "Approved by"], rows,
                          [0.24, 0.14, 0.34, 0.13, 0.15]))
    return s


def option_marks(t: pc.Theme, x: ProposalExtras) -> list[Flowable]:
    """The acceptance block's boxes to mark the option chosen."""
    if not x.options:
        return []
    lines = [f"☐  Option {o.number}: {o.label}" for o in x.options]
    return [_p(t, "The option you choose (mark one):", "label"), *[_p(t, ln) for ln in lines]]


# ---- the progress report ------------------------------------------------------------------------


def render_progress(report: Report, before: Engagement, after: Engagement, diff: pg.Progress,
                    road: rm.Roadmap) -> bytes:
    """The year-later report against the signed baseline: what improved, what is left, what next."""
    assert before.acceptance is not None
    t = pc.make_theme(report)
    buf = io.BytesIO()
    acc = before.acceptance
    reassessed = after.discovery_date or date.today()
    closed = diff.risks_by(pg.RiskOutcome.CLOSED)
    reduced = diff.risks_by(pg.RiskOutcome.REDUCED)
    new = diff.risks_by(pg.RiskOutcome.NEW)
    facts = [
        ("Baseline signed", f"{report.day(acc.signed_on)} by {acc.signed_by}, {acc.title}"),
        ("Re-assessed", report.day(reassessed)),
        ("Reference", report.proposal_number),
        ("Signed proposal fingerprint", f"SHA-256 {acc.proposal_sha256[:16]}…"),
        ("Prepared by", report.client.consultant or report.provider.display_name),
        ("Status of the re-assessment", STATUS_LABELS[after.status]),
    ]
    doc = pc.ClientDocument(buf, report, t, PROGRESS_TITLE,
                            lambda c, d: pc.draw_cover(c, d, PROGRESS_TITLE, "Where you stand against the signed baseline", facts),
                            subject=f"Progress report for {report.client.name}")
    s: list[Flowable] = [NextPageTemplate("body"), PageBreak()]
    s.append(doc.heading("1. Summary"))
    applies = diff.assessed or 1
    s.append(_p(t, (
        f"Since you signed on {report.day(acc.signed_on)}, {count(diff.tasks_done, 'task')} of the "
        f"{len(diff.tasks)} in the stabilization plan {'is' if diff.tasks_done == 1 else 'are'} done, "
        f"{count(len(closed), 'risk')} {'is' if len(closed) == 1 else 'are'} closed and {len(reduced)} reduced, and "
        f"{diff.aligned_after} of {diff.assessed} standards categories now meet the standard "
        f"(against {diff.aligned_before} at the baseline). {count(len(new), 'new risk')} "
        f"{'was' if len(new) == 1 else 'were'} found this time."), "lead"))
    s.append(pc.key_figures(t, [
        ("Standards aligned", f"{diff.aligned_before} → {diff.aligned_after}"),
        ("Risks closed", str(len(closed))),
        ("Tasks done", f"{diff.tasks_done} of {len(diff.tasks)}"),
        ("Hours sold / spent" + (" (with change orders)" if diff.change_orders else ""),
         f"{format_hours(diff.hours_sold, report.locale)} / {format_hours(diff.hours_spent, report.locale)}"),
    ]))
    s.append(pc.spacer(3))
    s.append(_p(t, f"Alignment: {report.percent(Decimal(diff.aligned_before * 100) / applies, 0)} at the baseline, "
                   f"{report.percent(Decimal(diff.aligned_after * 100) / applies, 0)} now.", "muted"))

    s.append(doc.heading("2. Standards alignment, before and after"))
    changed = [c for c in diff.standards if c.before != c.after]
    if changed:
        rows: list[list[Any]] = [[c.name, _STATUS_WORDS[c.before], _STATUS_WORDS[c.after]] for c in changed]
        s.append(pc.table(t, ["Category", "At the baseline", "Now"], rows, [0.5, 0.25, 0.25]))
    else:
        s.append(_p(t, "No standards category changed status since the baseline."))
    s.append(_p(t, f"{count(len(diff.standards) - len(changed), 'other category', 'other categories')} kept "
                   f"the status they had.", "muted"))

    s.append(PageBreak())
    s.append(doc.heading("3. Risks: closed, reduced, new and accepted"))
    s.append(_p(t, "The heat map at the baseline and now: each cell counts the risks of that likelihood and impact."))
    for title, heat in (("At the baseline", diff.heat_before), ("Now", diff.heat_after)):
        s.append(KeepTogether([pc.Para(f"<b>{title}</b>", t["h3"]),
                               pc.heat_map(t, heat, t.width * 0.95, bands=report.risks.bands)]))
    s.append(CondPageBreak(50 * mm))
    s.append(pc.spacer(3))
    rows = [[c.title, _OUTCOME_WORDS[c.outcome], "" if c.before_score is None else str(c.before_score),
             "" if c.after_score is None else str(c.after_score), "Yes" if c.accepted else ""]
            for c in diff.risks if c.outcome is not pg.RiskOutcome.UNCHANGED or c.accepted]
    if rows:
        s.append(pc.table(t, ["Risk", "Outcome", "Score then", "Score now", "Accepted by you"], rows,
                          [0.46, 0.14, 0.12, 0.12, 0.16], right=[2, 3], center=[4]))
    unchanged = len(diff.risks_by(pg.RiskOutcome.UNCHANGED))
    s.append(_p(t, f"{count(unchanged, 'risk')} kept the score {'it' if unchanged == 1 else 'they'} had; "
                   f"{count(len(diff.accepted_risks), 'risk')} {'is' if len(diff.accepted_risks) == 1 else 'are'} "
                   "accepted by you in writing and reviewed on the date you set.", "muted"))

    s.append(CondPageBreak(70 * mm))
    s.append(doc.heading("4. The stabilization plan: done and hours"))
    orders = diff.change_orders
    s.append(_p(t, "Status and hours as the delivery team reported them in the delivery workbook."
                + ((" The change order you approved after signing adds " if len(orders) == 1 else
                    f" The {count(len(orders), 'change order')} you approved after signing add ")
                   + f"{format_hours(diff.change_order_hours, report.locale)} hours to the hours sold; "
                   + ("its" if len(orders) == 1 else "their") + " hours spent are not reported in the workbook."
                   if orders else "")))
    hrs = lambda h: format_hours(h, report.locale)  # noqa: E731
    rows = [[task.title, _DELIVERY_WORDS[task.status], hrs(task.hours_sold),
             hrs(task.hours_spent) if task.hours_spent else ""] for task in diff.tasks]
    totals = []
    if orders:
        rows.append([f"Plan: {diff.tasks_done} of {len(diff.tasks)} done", "", hrs(diff.plan_hours_sold),
                     hrs(diff.hours_spent)])
        totals.append(len(rows) - 1)
        rows += [[f"Change order {o.number}: {o.title}", "Approved", hrs(o.hours_sold), "Not reported"] for o in orders]
        rows.append(["Total with the approved change orders", "", hrs(diff.hours_sold), hrs(diff.hours_spent)])
    else:
        rows.append([f"Total: {diff.tasks_done} of {len(diff.tasks)} done", "", hrs(diff.hours_sold),
                     hrs(diff.hours_spent)])
    totals.append(len(rows) - 1)
    s.append(pc.table(t, ["Task", "Status", "Hours sold", "Hours spent"], rows, [0.52, 0.16, 0.16, 0.16],
                      right=[2, 3], total_rows=totals))

    if diff.prices:
        s.append(CondPageBreak(50 * mm))
        s.append(doc.heading("5. Prices at the baseline and now"))
        rows = [[p.label, report.money(p.before), report.money(p.after), _signed_money(report, p.change)]
                for p in diff.prices]
        s.append(pc.table(t, ["", "At the baseline", "Now", "Change"], rows, [0.4, 0.2, 0.2, 0.2], right=[1, 2, 3]))
        s.append(_p(t, "Now: what the same rules price for your environment as re-assessed (devices, users, "
                       "coverage and the projects still proposed).", "muted"))

    s.append(PageBreak())
    s.append(doc.heading("6. Recommended next quarter"))
    first = road.quarters[0] if road.quarters else None
    if first is not None and first.items:
        s.append(_p(t, f"What we recommend for {first.quarter.replace('-', ' ')}, with its budget. The full "
                       f"roadmap continues below."))
        s += roadmap_tables(doc, t, road, report, [first])
    else:
        s.append(_p(t, "Nothing is placed in the next quarter yet; the roadmap below shows what follows."))
    if road.items:
        s.append(doc.heading("Roadmap by quarter", 1))
        s.append(KeepTogether([roadmap_figure(t, road, report),
                               pc.Para("Figure. Budget by quarter: one-time projects on top of monthly operations.",
                                       t["figure"])]))
    if diff.answers:
        s.append(CondPageBreak(50 * mm))
        s.append(doc.heading("7. What changed in your answers"))
        rows = [[a.label, _value(a.before), _value(a.after)] for a in diff.answers]
        s.append(pc.table(t, ["Question", "At the baseline", "Now"], rows, [0.46, 0.27, 0.27]))
    doc.render(s)
    return buf.getvalue()


def _value(v: Any) -> str:
    if v is None or v == "":
        return "Not answered"
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, list):
        return ", ".join(str(x).replace("_", " ") for x in v) or "None"
    return str(v).replace("_", " ") if isinstance(v, str) and " " not in v else str(v)


__all__ = ["ProposalExtras", "option_marks", "proposal_sections", "render_change_order", "render_progress",
           "roadmap_figure", "roadmap_tables"]

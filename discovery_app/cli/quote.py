"""Pricing commands: quote."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import Discovery


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "quote", help="price an engagement",
        description="Price one engagement with the form it was run with: launch & stabilization fee, "
        "monthly fee, roadmap projects, discount and gross margins, line by line. Exits 0 even when "
        "the quote has blocking issues (they are listed).",
    )
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("--json", action="store_true", help="print JSON (money as decimal strings)")
    s.set_defaults(handler=run_quote)


def run_quote(args: argparse.Namespace, service: Discovery) -> int:
    quote = service.offer.quote(args.id)
    if args.json:
        print(json.dumps(quote.to_json_dict(), indent=2, ensure_ascii=False))
    else:
        _print_quote(service.engagements.get(args.id).client_name, quote)
    return 0


def _print_quote(client: str, quote: object) -> None:
    from decimal import Decimal

    from ..domain.pricing import Margin, Quote, money_str, percent_text, role_label
    from ..domain.wording import device_label

    assert isinstance(quote, Quote)
    cur = quote.currency

    def row(label: str, amount: Decimal, detail: str = "") -> None:
        print(f"  {label:<62.62} {cur} {money_str(amount):>12}{'  ' + detail if detail else ''}")

    def margin_text(m: Margin) -> str:
        return f"{m.percent}% ({cur} {money_str(m.money)})"

    c = quote.counts
    print(f"Quote for {client}")
    devices = ", ".join(f"{device_label(k)} {v.value}{'*' if v.overridden else ''}" for k, v in c.devices.items() if v.value)
    print(f"  Users: {c.users.value}{' (override)' if c.users.overridden else ''} ({c.users.basis})")
    print(f"  Devices: {devices or 'none'}{'  (* override)' if any(v.overridden for v in c.devices.values()) else ''}")

    s = quote.stabilization
    print("\nLaunch and stabilization (fixed fee)")
    item = None
    for ln in s.work.lines:
        if ln.item_uid != item:
            item = ln.item_uid
            print(f"  {ln.item_title}")
        row(f"  {ln.role_name}", ln.amount, f"{ln.hours} h x {money_str(ln.bill_rate)}")
    row("Subtotal", s.work.subtotal, f"{s.work.hours} h")
    row(f"Contingency {percent_text(s.work.contingency_rate * 100)}%", s.work.contingency)
    if s.work.rounding:
        row("Rounding", s.work.rounding)
    row("Fee", s.gross)
    if s.discount:
        row(f"Discount {percent_text(s.discount_percent)}%", -s.discount)
    if s.credit:
        row("Credit: discovery fee", -s.credit)
    row("Launch and stabilization fee", s.net, f"margin {margin_text(quote.margins.stabilization)}")

    m = quote.monthly
    print(f"\nCo-managed operations (monthly, coverage: {m.coverage.label} x {m.coverage.factor})")
    for lf in m.lanes:
        for ml in lf.lines:
            row(f"{lf.lane.value.capitalize()} - {ml.label}", ml.amount, f"{ml.quantity} x {money_str(ml.rate)}")
        if lf.coverage_uplift:
            row(f"{lf.lane.value.capitalize()} - coverage x {lf.coverage_factor}", lf.coverage_uplift)
    for sc in m.surcharges:
        row(f"Exception lane - {sc.category_name}", sc.amount, sc.current_tool)
    if m.discount:
        row(f"Discount {percent_text(m.discount_percent)}%", -m.discount)
    row("Monthly fee", m.net, f"margin {margin_text(quote.margins.monthly)}")

    print("\nFirst year")
    row("Launch and stabilization + 12 x monthly", quote.first_year_total,
        f"margin {margin_text(quote.margins.first_year)}")

    if quote.roadmap:
        print("\nRoadmap projects (change orders, priced one by one, not in the fee)")
        for p in quote.roadmap:
            row(p.title, p.price, f"{p.hours} h, margin {margin_text(p.margin)}")
        row("Roadmap total", quote.roadmap_total)

    passed = quote.pass_through
    if passed.lines:
        print("\nHardware and licences (passed through at these prices, not in the fees or margins)")
        for pt in passed.lines:
            when = "once" if pt.billing.value == "one_off" else "a month"
            row(pt.description, pt.amount, f"{pt.basis} x {money_str(pt.unit_price)}, {when}; for: {pt.item_title}")
        if passed.one_off:
            row("One-off total", passed.one_off_total)
        if passed.monthly:
            row("Monthly total", passed.monthly_total)

    d = quote.discount
    if d.percent:
        if not d.allowed:
            state = "NOT ALLOWED"
        elif not d.requirement.needs_approval:
            state = "no approval needed"
        elif d.approval:
            state = (f"approved by {d.approval.approver} ({role_label(d.approval.role)}) on "
                     f"{d.approval.approved_on.isoformat()}, signature verified (key {d.approval.fingerprint})")
        else:
            state = f"needs a signed approval by the {role_label(d.required_role or '')}: NOT APPROVED"
        print(f"\nDiscount {percent_text(d.percent)}%{' (' + d.reason + ')' if d.reason else ''}: {state}")
        for scope, label in (("stabilization", "Fixed fee"), ("monthly", "Monthly"), ("first_year", "First year")):
            imp = d.impact(scope)
            print(f"  {label:<11} margin {margin_text(imp.before)} -> {margin_text(imp.after)}; "
                  f"margin money {imp.money_change_percent}%")
    print(f"\nTarget gross margin: {percent_text(quote.target_margin_percent)}%")
    for w in quote.warnings:
        print(f"warning: {w}")
    for b in quote.blocking:
        print(f"BLOCKING: {b}")

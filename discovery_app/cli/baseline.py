"""After the proposal: ``option``, ``accept-risk``, ``roadmap``, ``accept``, ``change-order`` and
``reassess`` (the progress report is ``export NEW_ID --progress FILE``)."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from .export import iso_day

if TYPE_CHECKING:
    from ..domain.engagement import PricingInputs
    from ..services import Discovery


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    return value


def _role_hours(text: str) -> tuple[str, Decimal]:
    role, sep, hours = text.partition("=")
    if not sep or not role.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write hours as ROLE=HOURS, for example engineer=12")
    return role.strip(), _decimal(hours)


def _option_flags(a: argparse.ArgumentParser) -> None:
    a.add_argument("--note", default=None, help="one line the client reads under the option")
    a.add_argument("--coverage", metavar="LEVEL",
                   help="the coverage level this option prices ('answered': the level the client answered)")
    a.add_argument("--lanes", metavar="LANES", help="the lanes the provider runs, e.g. run,change,govern")
    a.add_argument("--users", metavar="N", help="the number of users priced ('counted': as counted)")
    a.add_argument("--discount", type=_decimal, metavar="PERCENT")
    a.add_argument("--discount-reason", default=None, metavar="TEXT")
    a.add_argument("--credit-fee", choices=("yes", "no"), default=None,
                   help="credit the discovery fee against the stabilization fee")


def _varied(args: argparse.Namespace, inputs: PricingInputs) -> PricingInputs:
    """``inputs`` varied by the option flags given (the others keep their value)."""
    from ..domain.forms import Lane
    from ..services import ServiceError

    update: dict[str, object] = {}
    if args.coverage:
        update["coverage"] = None if args.coverage.strip().lower() == "answered" else args.coverage.strip()
    if args.lanes:
        try:
            update["lanes_run_by_provider"] = [Lane(x.strip()) for x in args.lanes.split(",") if x.strip()]
        except ValueError:
            raise ServiceError(f"--lanes: {args.lanes!r}: name lanes from run, change and govern.") from None
    if args.users is not None:
        if args.users.strip().lower() == "counted":
            update["user_count_override"] = None
        else:
            try:
                update["user_count_override"] = int(args.users)
            except ValueError:
                raise ServiceError(f"--users: {args.users!r} is not a whole number (or 'counted').") from None
    if args.discount is not None:
        update["discount_percent"] = args.discount
    if args.discount_reason is not None:
        update["discount_reason"] = args.discount_reason
    if args.credit_fee is not None:
        update["credit_discovery_fee"] = args.credit_fee == "yes"
    try:
        return inputs.model_validate({**inputs.model_dump(), **update})
    except ValueError as exc:
        raise ServiceError(f"The option's inputs are not valid: {exc}") from None


def register(sub: argparse._SubParsersAction) -> None:
    # ---- options
    p = sub.add_parser("option", help="the options a proposal offers (up to three)",
                       description="List, add or remove the options the proposal offers side by side. Each option "
                       "is a variation of the pricing page's inputs, priced by the same rules.")
    p.add_argument("id", type=int, metavar="ID")
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = acts.add_parser("list", help="each option with its one-time and monthly price and what blocks it")
    a.add_argument("--json", action="store_true")
    a = acts.add_parser("add", help="add an option: the pricing page's inputs, varied by the flags given")
    a.set_defaults(writes=True)
    a.add_argument("label")
    _option_flags(a)
    a = acts.add_parser("edit", help="change option N in place (name, note, pricing inputs); priced again",
                        description="Change option N: only the flags given change. Refused once the engagement is "
                        "accepted (the option signed is part of the baseline).")
    a.set_defaults(writes=True)
    a.add_argument("number", type=int, metavar="N")
    a.add_argument("--label", metavar="NAME", help="the option's new name")
    _option_flags(a)
    a = acts.add_parser("remove", help="remove option N")
    a.set_defaults(writes=True)
    a.add_argument("number", type=int, metavar="N")
    p.set_defaults(handler=run_option)

    # ---- accepted risks
    p = sub.add_parser("accept-risk", help="record the client's written acceptance of a risk",
                       description="Record that the client accepts a risk instead of treating it: the risk owner on "
                       "the client's side, why, compensating controls, the review date and who approved it.")
    p.set_defaults(writes=True)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("risk", metavar="RISK_UID")
    p.add_argument("--owner", required=True)
    p.add_argument("--rationale", required=True)
    p.add_argument("--controls", default="", help="compensating controls")
    p.add_argument("--review", type=iso_day, required=True, metavar="YYYY-MM-DD", help="expiry or review date")
    p.add_argument("--approved-by", required=True, metavar="NAME")
    p.add_argument("--approved-on", type=iso_day, metavar="YYYY-MM-DD")
    p.set_defaults(handler=run_accept_risk)

    # ---- roadmap
    p = sub.add_parser("roadmap", help="the roadmap and budget by quarter; move an item to another quarter",
                       description="Show the roadmap by quarter (projects, lifecycle replacements, reviews of "
                       "accepted risks) with one-time and recurring budget, or move an item.")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--move", nargs=2, metavar=("KEY", "QUARTER"), help="move item KEY to QUARTER (e.g. 2027-Q3)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_roadmap)

    # ---- acceptance
    p = sub.add_parser("accept", help="record the client's signature and freeze the engagement as the baseline",
                       description="Record the acceptance: the option chosen, who signed, the date and the signed "
                       "document. The engagement is then frozen: later changes are change orders.")
    p.set_defaults(writes=True)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--option", type=int, default=0, metavar="N",
                   help="the option the client chose (leave out when the proposal offered none)")
    p.add_argument("--signed-by", required=True, metavar="NAME")
    p.add_argument("--title", required=True, metavar="TITLE")
    p.add_argument("--date", type=iso_day, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--file", type=Path, metavar="SIGNED.pdf", help="the signed proposal (scanned or e-signed PDF)")
    p.set_defaults(handler=run_accept)

    # ---- change orders
    p = sub.add_parser("change-order", help="change orders of an accepted engagement",
                       description="Record a change after acceptance as a priced change order, approve or decline "
                       "it, or write its PDF. No work starts on an order that is not approved.")
    p.add_argument("id", type=int, metavar="ID")
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = acts.add_parser("list", help="the change orders with price and status")
    a.add_argument("--json", action="store_true")
    a = acts.add_parser("add", help="record a proposed change order")
    a.set_defaults(writes=True)
    a.add_argument("--title", required=True)
    a.add_argument("--reason", required=True)
    a.add_argument("--hours", type=_role_hours, action="append", default=[], metavar="ROLE=HOURS")
    a.add_argument("--monthly", type=_decimal, default=Decimal(0), metavar="AMOUNT",
                   help="change to the monthly fee (negative to lower it)")
    a.add_argument("--date", type=iso_day, metavar="YYYY-MM-DD", help="requested on (default: today)")
    a = acts.add_parser("approve", help="record the client's approval of order N")
    a.set_defaults(writes=True)
    a.add_argument("number", type=int, metavar="N")
    a.add_argument("--by", required=True, metavar="NAME")
    a.add_argument("--title", default="", metavar="TITLE")
    a.add_argument("--date", type=iso_day, metavar="YYYY-MM-DD")
    a = acts.add_parser("decline", help="record that the client declined order N")
    a.set_defaults(writes=True)
    a.add_argument("number", type=int, metavar="N")
    a = acts.add_parser("pdf", help="write order N as a PDF in the proposal's style")
    a.add_argument("number", type=int, metavar="N")
    a.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=run_change_order)

    # ---- re-assessment
    p = sub.add_parser("reassess", help="start a re-assessment of an accepted engagement; prints the new id",
                       description="Start a new engagement from an accepted one: answers, inventory, standards, "
                       "risks and the form version carried over, each marked 'from the baseline, to confirm'.")
    p.set_defaults(writes=True)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--date", type=iso_day, metavar="YYYY-MM-DD", help="the re-assessment's date (default: today)")
    p.set_defaults(handler=run_reassess)

    # ---- carried records to confirm
    p = sub.add_parser("confirm", help="list or confirm a re-assessment's records carried over from the baseline",
                       description="A re-assessment starts with its baseline's answers, inventory, standards and "
                       "risks, each marked 'from the baseline, to confirm'. Without KEY or --all, list those still "
                       "waiting with their keys; with KEYs (as listed, e.g. risk:UID or answer:QUESTION_ID), confirm "
                       "them; --kind confirms every one of a kind, --all every one.")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("keys", nargs="*", metavar="KEY", help="the records to confirm, as listed")
    p.add_argument("--kind", choices=("answer", "inventory", "standard", "risk", "acceptance"),
                   help="confirm every carried record of this kind")
    p.add_argument("--all", action="store_true", help="confirm every carried record")
    p.add_argument("--json", action="store_true", help="list as JSON")
    p.set_defaults(handler=run_confirm)


def run_option(args: argparse.Namespace, service: Discovery) -> int:
    from ..services import ServiceError

    if args.action == "remove":
        service.baseline.remove_option(args.id, args.number)
        print(f"Option {args.number} removed.")
        return 0
    if args.action == "add":
        varied = _varied(args, service.engagements.get(args.id).pricing)
        opt = service.baseline.add_option(args.id, args.label, varied, args.note or "")
        print(f"Option {opt.number} added: {opt.label}")
        return 0
    if args.action == "edit":
        eng = service.engagements.get(args.id)
        current = next((o for o in eng.options if o.number == args.number), None)
        if current is None or eng.frozen:  # the service says why, in its words
            service.baseline.edit_option(args.id, args.number)
            raise ServiceError(f"There is no option {args.number}.")
        one = service.baseline.edit_option(args.id, args.number, label=args.label, note=args.note,
                                           pricing=_varied(args, current.pricing))
        print(f"Option {one.number} ({one.label}) saved: one-time {one.one_time}, monthly "
              f"{one.recurring}" + ("" if one.ready else " (blocked)"))
        for i in one.readiness:
            print(f"   {i.severity.value}: {i.message}")
        return 0
    priced = service.baseline.priced_options(args.id)
    if args.json:
        print(json.dumps([{"number": p.number, "label": p.label, "ready": p.ready,
                           "one_time": str(p.one_time), "monthly": str(p.recurring),
                           "items": [i.to_json_dict() for i in p.readiness]} for p in priced], indent=2))
        return 0
    if not priced:
        print("The proposal offers no options: it prices the pricing page's inputs. Add one with 'option ID add LABEL'.")
    for p in priced:
        print(f"{p.number}. {p.label}: one-time {p.one_time}, monthly {p.recurring}"
              + ("" if p.ready else " (blocked)"))
        for i in p.readiness:
            print(f"   {i.severity.value}: {i.message}")
    return 0


def run_accept_risk(args: argparse.Namespace, service: Discovery) -> int:
    service.baseline.accept_risk(args.id, args.risk, owner=args.owner, rationale=args.rationale,
                                 compensating_controls=args.controls, review_on=args.review,
                                 approved_by=args.approved_by, approved_on=args.approved_on)
    print(f"Risk acceptance recorded; review by {args.review.isoformat()}.")
    return 0


def run_roadmap(args: argparse.Namespace, service: Discovery) -> int:
    if args.move:
        service.baseline.move_roadmap_item(args.id, args.move[0], args.move[1])
    road = service.baseline.roadmap(args.id)
    if args.json:
        print(json.dumps({"first": road.first, "quarters": [
            {"quarter": q.quarter, "one_time": str(q.one_time), "recurring": str(q.recurring),
             "items": [{"key": i.key, "kind": i.kind.value, "title": i.title, "moved": i.moved,
                        "one_time": None if i.one_time is None else str(i.one_time)} for i in q.items]}
            for q in road.quarters]}, indent=2))
        return 0
    for q in road.quarters:
        print(f"{q.quarter}: one-time {q.one_time}, recurring {q.recurring}")
        for i in q.items:
            price = "your purchase" if i.one_time is None else str(i.one_time)
            print(f"   {i.title} ({price}){' [moved]' if i.moved else ''}  key={i.key}")
    return 0


def run_accept(args: argparse.Namespace, service: Discovery) -> int:
    eng = service.baseline.accept(args.id, option=args.option, signed_by=args.signed_by, title=args.title,
                                  signed_on=args.date, signed_file=args.file)
    assert eng.acceptance is not None
    label = eng.acceptance.baseline.get("option_label", "")
    print(f"Accepted: {eng.client_name}, {label}, signed by {args.signed_by} ({args.title}) on "
          f"{args.date.isoformat()}. The engagement is frozen as the baseline; record later changes as change orders.")
    return 0


def run_change_order(args: argparse.Namespace, service: Discovery) -> int:
    b = service.baseline
    if args.action == "add":
        hours: dict[str, Decimal] = {}
        for role, h in args.hours:
            hours[role] = hours.get(role, Decimal(0)) + h
        order = b.add_change_order(args.id, title=args.title, reason=args.reason, hours=hours,
                                   monthly_change=args.monthly, requested_on=args.date)
        print(f"Change order {order.number} recorded (proposed): no work starts until the client approves it.")
        return 0
    if args.action == "approve":
        order = b.approve_change_order(args.id, args.number, approved_by=args.by, title=args.title,
                                       approved_on=args.date)
        print(f"Change order {order.number} approved by {order.approved_by}; the work may start.")
        return 0
    if args.action == "decline":
        b.decline_change_order(args.id, args.number)
        print(f"Change order {args.number} declined.")
        return 0
    if args.action == "pdf":
        path = b.export_change_order(args.id, args.number, args.file)
        print(f"Change order {args.number} written to {path}")
        return 0
    from ..domain import baseline as bl
    from ..domain.pricing import money_str

    eng = service.engagements.get(args.id)
    form = service.forms.of(eng)
    orders = b.change_orders(args.id)
    if args.json:
        print(json.dumps([{"number": o.number, "title": o.title, "status": o.status.value,
                           "one_time": str(bl.price_change_order(o, form).price), "monthly_change": str(o.monthly_change),
                           "approved_by": o.approved_by, "approved_on": o.approved_on.isoformat() if o.approved_on else None}
                          for o in orders], indent=2))
        return 0
    if not orders:
        print("No change orders yet.")
    for o in orders:
        print(f"{o.number}. {o.title}: {bl.price_change_order(o, form).price} one-time, "
              f"{money_str(o.monthly_change)} a month; {o.status.value}")
    if eng.frozen:
        t = b.contract_totals(args.id)
        print(f"Contract now: {t.one_time} one-time, {t.monthly} a month (pending: {t.one_time_pending}, "
              f"{t.monthly_pending} a month)")
    return 0


def run_reassess(args: argparse.Namespace, service: Discovery) -> int:
    new_id = service.baseline.reassess(args.id, today=args.date)
    left = len(service.engagements.header(new_id).to_confirm)
    print(new_id)
    from ..domain.wording import count

    print(f"{count(left, 'record')} carried over from the baseline, to confirm "
          f"(discovery-app confirm {new_id} lists them).", file=sys.stderr)
    return 0


def run_confirm(args: argparse.Namespace, service: Discovery) -> int:
    from ..domain import carried as carried_mod
    from ..domain.wording import count
    from ..services import ServiceError

    b = service.baseline
    if sum(bool(x) for x in (args.keys, args.kind, args.all)) > 1:
        raise ServiceError("Give KEYs, --kind or --all, one of them.")
    if args.keys or args.kind or args.all:
        before = b.carried(args.id).total
        if args.all:
            left = b.confirm(args.id)
        elif args.kind:
            left = b.confirm_kind(args.id, args.kind)
        else:
            left = b.confirm(args.id, list(args.keys))
        print(f"Confirmed {count(before - left, 'record')}; {count(left, 'record')} still to confirm.")
        return 0
    eng = service.engagements.get(args.id)
    named = carried_mod.labels(eng, service.forms.of(eng))
    if args.json:
        print(json.dumps([{"key": k, "what": v} for k, v in named.items()], indent=2, ensure_ascii=False))
        return 0
    if not named:
        print("Nothing carried over from the baseline is waiting to be confirmed.")
        return 0
    print(f"{count(len(named), 'record')} from the baseline, to confirm "
          f"({carried_mod.still_to_confirm(eng).words()}):")
    for k, v in named.items():
        print(f"   {k}  {v}")
    return 0

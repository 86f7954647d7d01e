"""The ``discovery-app`` command line. With no subcommand it opens the desktop app."""

from __future__ import annotations

import argparse
import json
import logging
import logging.handlers
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .paths import AppPaths

log = logging.getLogger("discovery_app")

EPILOG = """Data lives in one SQLite file in your user data folder unless --db or DISCOVERY_DB
names another. Run 'discovery-app COMMAND --help' for each command's options."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="discovery-app",
        description="Discovery: paid discovery assessments for co-managed IT offers. "
        "With no command, opens the desktop app.",
        epilog=EPILOG,
    )
    p.add_argument("--version", action="version", version=f"discovery-app {__version__}")
    p.add_argument("--db", metavar="PATH", help="use this database file instead of the default")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("list", help="list engagements", description="List engagements, newest change first.")
    s.add_argument("--json", action="store_true", help="print JSON instead of a table")
    s.add_argument("--all", action="store_true", help="include archived engagements")

    s = sub.add_parser("show", help="show one engagement", description="Show one engagement's summary.")
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("--json", action="store_true", help="print the full engagement as JSON")

    s = sub.add_parser(
        "import", help="import an engagement file (.json)",
        description="Import an engagement file written by export-json. Prints the new engagement's id. "
        "A file with any problem imports nothing.",
    )
    s.add_argument("file", type=Path, metavar="FILE.json")

    s = sub.add_parser(
        "export-json", help="export an engagement to a JSON file",
        description="Write one engagement, its form and attachments to a JSON file (see docs/engagement-format.md).",
    )
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("file", type=Path, metavar="FILE")

    s = sub.add_parser("forms", help="work with form packages", description="Work with form packages.")
    fsub = s.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    c = fsub.add_parser(
        "check", help="validate form packages",
        description="Validate a form package folder (or a folder of packages); print every problem "
        "with file, line and field path. Exits non-zero when any problem is found.",
    )
    c.add_argument("path", nargs="?", type=Path, metavar="PATH", help="default: the installed forms/ folder")

    s = sub.add_parser(
        "quote", help="price an engagement",
        description="Price one engagement with the form it was run with: launch & stabilization fee, "
        "monthly fee, roadmap projects, discount and gross margins, line by line. Exits 0 even when "
        "the quote has blocking issues (they are listed).",
    )
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("--json", action="store_true", help="print JSON (money as decimal strings)")

    sub.add_parser(
        "demo", help="create a complete sample engagement",
        description="Create a realistic sample engagement (a 45-person accounting firm with two sites) "
        "and print its id.",
    )
    return p


def _setup_logging(paths: AppPaths) -> None:
    """Rotating log in the platformdirs log folder. Log records carry ids, never client data."""
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.logs / "discovery.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("discovery_app")
    if not root.handlers:
        root.addHandler(handler)
        root.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = AppPaths.resolve(args.db)
    _setup_logging(paths)

    if args.command is None:
        from .app import run_gui

        return run_gui(paths)
    if args.command == "forms":
        return _forms_check(args.path)

    from .services import DiscoveryService, ServiceError
    from .storage.db import StoreError

    try:
        service = DiscoveryService.open(paths)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        return _run(args, service)
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        service.close()


def _run(args: argparse.Namespace, service: object) -> int:
    from .export.atomic import ExportError
    from .export.interchange import InterchangeError
    from .services import DiscoveryService

    assert isinstance(service, DiscoveryService)
    if args.command == "list":
        rows = service.list_engagements(include_archived=args.all)
        if args.json:
            print(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        else:
            _print_table(rows)
        return 0
    if args.command == "show":
        if args.json:
            print(service.get(args.id).model_dump_json(indent=2))
            return 0
        _print_show(service, args.id)
        return 0
    if args.command == "import":
        try:
            eid = service.import_json(args.file)
        except InterchangeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            print("Nothing was imported.", file=sys.stderr)
            return 1
        print(eid)
        return 0
    if args.command == "export-json":
        try:
            path = service.export_json(args.id, args.file)
        except ExportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"Wrote {path}")
        return 0
    if args.command == "quote":
        quote = service.quote(args.id)
        if args.json:
            print(json.dumps(quote.to_json_dict(), indent=2, ensure_ascii=False))
        else:
            _print_quote(service.get(args.id).client_name, quote)
        return 0
    if args.command == "demo":
        from .demo import create_demo

        print(create_demo(service))
        return 0
    raise AssertionError(args.command)  # pragma: no cover


def _forms_check(path: Path | None) -> int:
    from . import formsio, resources

    root = path or resources.forms_dir()
    if not root.exists():
        print(f"error: {root} does not exist", file=sys.stderr)
        return 1
    results = formsio.load_all(root)
    if not results:
        print(f"error: no form package (a folder with package.yaml) in {root}", file=sys.stderr)
        return 1
    bad = 0
    for r in results:
        if r.ok and r.package:
            q = r.package.questionnaire.questions()
            print(f"ok    {r.package.key}  ({len(q)} questions, {len(r.package.standards)} standards, "
                  f"{len(r.package.risk_library.risks)} risks, {len(r.package.responsibilities.functions)} functions)  {r.folder}")
        else:
            bad += 1
            print(f"FAIL  {r.folder}: {len(r.errors)} problem(s)")
            for e in r.errors:
                print(f"  {r.folder / e.file}{':' + str(e.line) if e.line else ''}: "
                      f"{e.path + ': ' if e.path else ''}{e.message}")
    return 1 if bad else 0


def _print_table(rows: list) -> None:
    if not rows:
        print("No engagements yet. Create one in the app, or run 'discovery-app demo'.")
        return
    head = ("ID", "Client", "Status", "Consultant", "Updated", "Fit", "Done")
    data = [
        (str(r.header.id), r.header.client_name, r.header.status.value, r.header.consultant,
         r.header.updated_at.strftime("%Y-%m-%d %H:%M"), r.fit_verdict, f"{r.completion}%")
        for r in rows
    ]
    widths = [max(len(h), *(len(d[i]) for d in data)) for i, h in enumerate(head)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for d in data:
        print("  ".join(v.ljust(w) for v, w in zip(d, widths, strict=True)))


def _print_show(service: object, eid: int) -> None:
    from .services import DiscoveryService

    assert isinstance(service, DiscoveryService)
    eng = service.get(eid)
    s = service.summary(eid)
    fit, prog = s["fit"], s["progress"]
    print(f"{eng.client_name}  (engagement {eng.id}, {eng.status.value})")
    print(f"  Form:        {eng.form_id} version {eng.form_version}")
    print(f"  Consultant:  {eng.consultant or '-'}")
    print(f"  IT owner:    {eng.internal_it_owner or '-'}")
    print(f"  Sites:       {', '.join(x.name for x in eng.sites) or '-'}")
    print(f"  Answers:     {prog.answered} of {prog.required} required ({prog.percent}%)")
    print(f"  Fit:         {fit.label} ({fit.score})")
    for reason in fit.reasons[:6]:
        print(f"               {reason}")
    print(f"  Inventory:   {len(eng.inventory)} items ({s['devices']} devices)")
    print(f"  Standards:   {len(eng.standards)} assessed")
    print(f"  Risks:       {len(eng.risks)}")
    print(f"  Remediation: {len(eng.remediation)} items")
    print(f"  Updated:     {eng.updated_at:%Y-%m-%d %H:%M} UTC")


def _print_quote(client: str, quote: object) -> None:
    from decimal import Decimal

    from .domain.pricing import Margin, Quote, money_str, percent_text, role_label

    assert isinstance(quote, Quote)
    cur = quote.currency

    def row(label: str, amount: Decimal, detail: str = "") -> None:
        print(f"  {label:<62.62} {cur} {money_str(amount):>12}{'  ' + detail if detail else ''}")

    def margin_text(m: Margin) -> str:
        return f"{m.percent}% ({cur} {money_str(m.money)})"

    c = quote.counts
    print(f"Quote for {client}")
    devices = ", ".join(f"{k} {v.value}{'*' if v.overridden else ''}" for k, v in c.devices.items() if v.value)
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

    d = quote.discount
    if d.percent:
        if not d.allowed:
            state = "NOT ALLOWED"
        elif not d.requirement.needs_approval:
            state = "no approval needed"
        elif d.approval:
            state = f"approved by {d.approval.approver} ({d.approval.role}) on {d.approval.approved_on.isoformat()}"
        else:
            state = f"needs approval by the {role_label(d.required_role or '')}: NOT APPROVED"
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

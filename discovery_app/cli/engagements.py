"""Engagement commands: list, show, import, export-json, demo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .times import local_time

if TYPE_CHECKING:
    from ..services import Discovery


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("list", help="list engagements", description="List engagements, newest change first.")
    s.add_argument("--json", action="store_true", help="print JSON instead of a table")
    s.add_argument("--all", action="store_true", help="include archived engagements")
    s.set_defaults(handler=run_list)

    s = sub.add_parser("show", help="show one engagement", description="Show one engagement's summary.")
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("--json", action="store_true", help="print the full engagement as JSON")
    s.set_defaults(handler=run_show)

    s = sub.add_parser(
        "import", help="import an engagement file (.json)",
        description="Import an engagement file written by export-json. Prints the new engagement's id. "
        "A file with any problem imports nothing.",
    )
    s.add_argument("file", type=Path, metavar="FILE.json")
    s.set_defaults(handler=run_import)

    s = sub.add_parser(
        "export-json", help="export an engagement to a JSON file",
        description="Write one engagement, its form and attachments to a JSON file (see docs/engagement-format.md).",
    )
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("file", type=Path, metavar="FILE")
    s.set_defaults(handler=run_export_json)

    s = sub.add_parser(
        "demo", help="create a complete sample engagement",
        description="Create a realistic sample engagement (a 45-person accounting firm with two sites) "
        "and print its id.",
    )
    s.add_argument("--baseline", action="store_true",
                   help="instead: the same client a year earlier, accepted and delivered, and its re-assessment a "
                   "year later; prints both ids (the accepted one first)")
    s.set_defaults(handler=run_demo)


def run_list(args: argparse.Namespace, service: Discovery) -> int:
    rows = service.engagements.summaries(include_archived=args.all)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
    else:
        _print_table(rows)
    return 0


def run_show(args: argparse.Namespace, service: Discovery) -> int:
    if args.json:
        print(service.engagements.get(args.id).model_dump_json(indent=2))
    else:
        _print_show(service, args.id)
    return 0


def run_import(args: argparse.Namespace, service: Discovery) -> int:
    from ..export.interchange import InterchangeError, InterchangeUnreadable

    try:
        eid = service.engagements.import_json(args.file)
    except InterchangeError as exc:
        if len(exc.problems) == 1:
            print(f"error: {exc.source} is not a valid engagement file: {exc.problems[0]}. Nothing was imported.",
                  file=sys.stderr)
        else:
            print(f"error: {exc}", file=sys.stderr)
            print("Nothing was imported.", file=sys.stderr)
        return 2 if isinstance(exc, InterchangeUnreadable) else 1
    print(eid)
    for note in service.repairs:
        print(f"repaired: {note}", file=sys.stderr)
    return 0


def run_export_json(args: argparse.Namespace, service: Discovery) -> int:
    from ..export.atomic import ExportError

    try:
        path = service.engagements.export_json(args.id, args.file)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {path}")
    return 0


def run_demo(args: argparse.Namespace, service: Discovery) -> int:
    if getattr(args, "baseline", False):
        from ..demo_baseline import create_baseline_demo

        accepted, later = create_baseline_demo(service)
        print(accepted)
        print(later)
        return 0
    from ..demo import create_demo

    print(create_demo(service))
    return 0


def _print_table(rows: list) -> None:
    if not rows:
        print("No engagements yet. Create one in the app, or run 'discovery-app demo'.")
        return
    head = ("ID", "Client", "Status", "Consultant", "Updated", "Fit", "Done")
    data = [
        (str(r.header.id), r.header.client_name, r.header.status.value, r.header.consultant,
         local_time(r.header.updated_at), r.fit_verdict, f"{r.completion}%")
        for r in rows
    ]
    widths = [max(len(h), *(len(d[i]) for d in data)) for i, h in enumerate(head)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for d in data:
        print("  ".join(v.ljust(w) for v, w in zip(d, widths, strict=True)))
    out = [(r, r.checked_out_at) for r in rows if r.checked_out_at is not None]
    if out:
        print()
        for r, since in out:
            print(f"Engagement {r.header.id} ({r.header.client_name}): checked out to a laptop by {r.checked_out_by} "
                  f"since {local_time(since)}; read-only here until it is checked in.")
    expired = [r for r in rows if r.expired_acceptances]
    if expired:
        from ..domain.wording import count

        print()
        for r in expired:
            print(f"Engagement {r.header.id} ({r.header.client_name}): "
                  f"{count(r.expired_acceptances, 'risk acceptance')} past the review date; the client must accept "
                  f"again or treat the risk.")


def _print_show(service: Discovery, eid: int) -> None:
    eng = service.engagements.get(eid)
    s = service.engagements.summary(eid)
    fit, prog = s["fit"], s["progress"]
    print(f"{eng.client_name}  (engagement {eng.id}, {eng.status.value})")
    print(f"  Form:        {eng.form_id} version {eng.form_version}")
    print(f"  Consultant:  {eng.consultant or '-'}")
    print(f"  IT owner:    {eng.internal_it_owner or '-'}")
    print(f"  Sites:       {', '.join(x.name for x in eng.sites) or '-'}")
    print(f"  Answers:     {prog.answered} of {prog.required} required ({prog.percent}%)")
    print(f"  Fit:         {fit.headline}")
    for reason in fit.reasons[:6]:
        print(f"               {reason}")
    print(f"  Inventory:   {len(eng.inventory)} items ({s['devices']} devices)")
    print(f"  Standards:   {len(eng.standards)} assessed")
    print(f"  Risks:       {len(eng.risks)}")
    print(f"  Remediation: {len(eng.remediation)} items")
    print(f"  Updated:     {local_time(eng.updated_at)}")
    if s.get("checkout") is not None:
        mark = s["checkout"]
        print(f"  Checked out: to a laptop by {mark.who} since {local_time(mark.at)} ({mark.place}); read-only here")



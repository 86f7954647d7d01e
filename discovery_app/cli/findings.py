"""Findings commands: the suggestions the form's rules raise (findings suggest)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import Discovery


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("findings", help="suggested findings from the answers and the inventory",
                       description="Findings the form's rules suggest from an engagement's answers and inventory.")
    fsub = s.add_subparsers(dest="findings_command", metavar="ACTION", required=True)
    c = fsub.add_parser(
        "suggest", help="list the current suggestions with what triggered them",
        description="List the risks and standards gaps the form's rules suggest for engagement ID, each with "
        "the answers or devices that triggered it, then the dismissed ones with their reasons, then the "
        "hardware replacements by quarter. Suggestions whose risk is already in the register are not "
        "listed. Nothing is changed.",
    )
    c.add_argument("id", type=int, metavar="ID")
    c.add_argument("--json", action="store_true", help="print the suggestions and replacements as JSON")
    c.set_defaults(handler=run_suggest)


def run_suggest(args: argparse.Namespace, service: Discovery) -> int:
    if args.json:
        print(json.dumps(service.suggestions.as_json(args.id), indent=2, ensure_ascii=False))
        return 0
    found = service.suggestions.current(args.id)
    open_ = [s for s in found if not s.dismissed]
    dismissed = [s for s in found if s.dismissed]
    if not open_:
        print("No suggestions: the rules found nothing the register does not already hold.")
    else:
        print(f"{len(open_)} suggestion{'s' if len(open_) != 1 else ''}:")
    for s in open_:
        rules = ", ".join(s.rules)
        print(f"\n  {s.title}  [{s.key}; rules: {rules}]")
        for t in s.triggers:
            print(f"    - {t}")
        if s.why:
            print(f"    Why: {s.why}")
    if dismissed:
        print(f"\nDismissed ({len(dismissed)}):")
        for s in dismissed:
            print(f"  {s.title}  [{s.key}]" + (f": {s.dismiss_reason}" if s.dismiss_reason else ""))
    plan = service.suggestions.replacement_plan(args.id)
    if plan:
        print("\nHardware replacements by quarter:")
        for r in plan:
            cost = f"{r.unit_cost} each, {r.total}" if r.unit_cost is not None else "no unit cost in the price list"
            overdue = f" ({r.overdue} overdue)" if r.overdue else ""
            print(f"  {r.quarter}  {r.count:>3} x {r.kind}{overdue}: {cost}")
    return 0

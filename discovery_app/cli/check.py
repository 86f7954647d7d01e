"""Readiness: ``discovery-app check ID [--json]``.

Prints the one readiness list the window shows (domain/assessment.py): each item's severity,
message and where to fix it. Exit 0 when nothing blocks the proposal, 1 when something does.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import Discovery


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "check", help="say what blocks an engagement's proposal",
        description="List what blocks the client-facing proposal (blockers) and what only warns, one "
        "line each, with where in the app to fix it. The same list the window's summary and Review page "
        "show, and the one 'export' refuses the proposal on. Exits 0 when nothing blocks the proposal, "
        "1 when something does.",
    )
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("--json", action="store_true",
                   help='print {"ready": bool, "items": [{"severity", "code", "message", "where"}]}')
    s.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace, service: Discovery) -> int:
    readiness = service.assessments.check(args.id)
    if args.json:
        print(json.dumps(readiness.to_json_dict(), indent=2, ensure_ascii=False))
        return 0 if readiness.ready else 1
    name = service.engagements.header(args.id).client_name
    blockers, warnings = readiness.blockers, readiness.warnings
    if readiness.ready:
        print(f"{name}: ready; nothing blocks the proposal.")
    else:
        n = len(blockers)
        print(f"{name}: {n} thing{'s' if n != 1 else ''} block{'' if n != 1 else 's'} the proposal.")
    width = max((len(str(i.where)) for i in readiness.items), default=0)
    for item in (*blockers, *warnings):
        label = "BLOCKER" if item.blocks else "warning"
        print(f"  {label:<8} {str(item.where):<{min(width, 40)}}  {item.message}")
    return 0 if readiness.ready else 1

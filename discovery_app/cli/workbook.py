"""Workbook commands: read an edited delivery workbook back (workbook import)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import Discovery


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("workbook", help="read an edited delivery workbook back",
                       description="Work with the delivery workbook (write it with 'export ID --workbook FILE').")
    wsub = s.add_subparsers(dest="workbook_command", metavar="ACTION", required=True)
    c = wsub.add_parser(
        "import", help="preview (or --apply) the changes made in an edited delivery workbook",
        description="Compare an edited delivery workbook with engagement ID and list every change it "
        "would make (inventory, risks, stabilization and roadmap tasks), which columns are read and "
        "which are ignored, and every ignored cell that was edited (a rate typed over, for example). "
        "Nothing is changed unless --apply is given; a workbook with any unreadable cell changes "
        "nothing. Exits 2 when the file is not a readable workbook.",
    )
    c.add_argument("id", type=int, metavar="ID")
    c.add_argument("file", type=Path, metavar="FILE")
    c.add_argument("--apply", action="store_true", help="apply the changes (in one transaction)")
    c.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace, service: Discovery) -> int:
    diff = service.handoff.preview_workbook_changes(args.id, args.file)
    columns, refused = service.handoff.review_workbook(args.id, args.file)
    print(f"{args.file.name}: read against engagement {args.id}.")
    if columns:
        print("Columns:")
        for sc in columns:
            print(f"  {sc.describe()}")
    lines = diff.lines()
    counts = diff.counts()
    print(f"Changes ({counts['changed']} changed, {counts['new']} new, {counts['removed']} removed):"
          if lines else "Changes: none.")
    for line in lines:
        print(f"  {line}")
    if refused:
        print(f"Refused cells ({len(refused)}), not imported:")
        for cell in refused:
            print(f"  {cell.describe()}")
    if not args.apply:
        print("Preview only: nothing was changed." + (" Run again with --apply to apply the changes." if lines else ""))
        return 0
    if not lines:
        print("Nothing to apply.")
        return 0
    n = service.handoff.apply_workbook_changes(args.id, diff)
    print(f"Applied {n} change{'s' if n != 1 else ''} to engagement {args.id}.")
    return 0

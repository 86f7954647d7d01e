"""Inventory commands: inventory import, inventory remove."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import DiscoveryService


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("inventory", help="work with an engagement's inventory", description="Work with an engagement's inventory.")
    isub = s.add_subparsers(dest="inventory_command", metavar="ACTION", required=True)
    c = isub.add_parser(
        "import", help="import a CSV or XLSX export from an RMM or asset tool",
        description="Import devices, applications and other items from a CSV or XLSX export. Columns "
        "are mapped from their headers (and remembered per source). Without --skip-bad a file with any "
        "bad row imports nothing and the rejects are listed with line and reason; with it the good "
        "rows are imported and the rejects listed. Exits non-zero when nothing was imported.",
    )
    c.add_argument("id", type=int, metavar="ID")
    c.add_argument("file", type=Path, metavar="FILE")
    c.add_argument("--skip-bad", action="store_true", help="import the good rows and list the rejected ones")
    c.set_defaults(handler=run_import)
    r = isub.add_parser(
        "remove", help="remove inventory items and every link to them",
        description="Remove inventory items by uid (as 'show ID --json' lists them) and, in the same "
        "transaction, every risk's link to them. An unknown uid removes nothing. Prints what was removed.",
    )
    r.add_argument("id", type=int, metavar="ID")
    r.add_argument("uids", nargs="+", metavar="UID")
    r.set_defaults(handler=run_remove)


def run_import(args: argparse.Namespace, service: DiscoveryService) -> int:
    from ..services.inventory import ImportRejected

    preview = service.preview_inventory_file(args.file)
    t = preview.table
    mapped = ", ".join(f"{t.headers[i]!r} -> {target.value}" for i, target in sorted(preview.mapping.items()))
    source = f"{t.format.upper()}" + (f", {t.encoding}, delimiter {t.delimiter!r}, {t.line_ending}" if t.format == "csv" else f", sheet {t.sheet!r}")
    print(f"{args.file.name}: {source}; columns {mapped or 'none recognised'}", file=sys.stderr)
    try:
        report = service.import_inventory(args.id, args.file, skip_bad=args.skip_bad, preview=preview)
    except ImportRejected as exc:
        for line in exc.report.reject_lines():
            print(f"rejected: {line}", file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for line in report.reject_lines():
        print(f"rejected: {line}", file=sys.stderr)
    print(f"Imported {report.imported} of {report.total_rows} rows into engagement {args.id}"
          + (f"; {report.rejected} rejected" if report.rejected else "") + ".")
    return 0 if report.imported else 1


def run_remove(args: argparse.Namespace, service: DiscoveryService) -> int:
    from ..services import ServiceError

    try:
        removed = service.remove_inventory(args.id, list(dict.fromkeys(args.uids)))
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    n, risks = len(removed.items), removed.unlinked_risks
    links = f"; {risks} risk{'s' if risks != 1 else ''} no longer link{'s' if risks == 1 else ''} to them" if risks else ""
    print(f"Removed {n} inventory item{'s' if n != 1 else ''} from engagement {args.id}{links}.")
    return 0

"""Inventory commands: inventory import, inventory fields, inventory remove."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import Discovery
    from ..services.inventory import ImportReport

SHOWN = 20  # rejects and warnings listed one by one; the rest are counted


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("inventory", help="work with an engagement's inventory", description="Work with an engagement's inventory.")
    isub = s.add_subparsers(dest="inventory_command", metavar="ACTION", required=True)
    c = isub.add_parser(
        "import", help="import a CSV or XLSX export from an RMM or asset tool",
        description="Import devices, applications and other items from a CSV or XLSX export. Columns "
        "are mapped from their headers (and remembered per source); see 'inventory fields'. Devices "
        "already in the engagement (same serial number, else same name) are updated, not added "
        "twice. Without --skip-bad a file with any bad row imports nothing and the rejects are "
        "listed with line and reason; with it the good rows are imported and the rejects listed. "
        "A bad optional field (a date that is not a date) is left empty with a warning. Exits 1 "
        "when nothing was imported, 2 when the file cannot be read at all.",
    )
    c.add_argument("id", type=int, metavar="ID")
    c.add_argument("file", type=Path, metavar="FILE")
    c.add_argument("--skip-bad", action="store_true", help="import the good rows and list the rejected ones")
    c.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                   help="map the column HEADER to FIELD (or 'ignore'); repeat for more columns")
    c.add_argument("--profile", metavar="NAME", help="map the columns with a saved profile (see --save-profile)")
    c.add_argument("--save-profile", metavar="NAME",
                   help="save the mapping used as profile NAME, for the next export from the same tool")
    c.add_argument("--date-order", choices=("mdy", "dmy", "ymd"),
                   help="read slash dates month first (03/31/2027), day first (31/03/2027) or year first; "
                   "by default the order is read from the dates and reported when it is a guess")
    c.add_argument("--as-new", action="store_true",
                   help="add every row as a new item, even when the same device is already there")
    c.add_argument("--dry-run", action="store_true", help="show what the import would do; write nothing")
    c.set_defaults(handler=run_import)
    r = isub.add_parser(
        "remove", help="remove inventory items and every link to them",
        description="Remove inventory items by uid (as 'show ID --json' lists them) and, in the same "
        "transaction, every risk's link to them. An unknown uid removes nothing. Prints what was removed.",
    )
    r.add_argument("id", type=int, metavar="ID")
    r.add_argument("uids", nargs="+", metavar="UID")
    r.set_defaults(handler=run_remove)

    f = isub.add_parser("fields", help="list the fields columns can be mapped to",
                        description="List the inventory fields a column can be mapped to (with --map), the "
                        "header names recognised for each, and the saved mapping profiles.")
    f.set_defaults(handler=run_fields)


def run_import(args: argparse.Namespace, service: Discovery) -> int:
    from ..domain import inventory as inv
    from ..services.inventory import (
        ImportRejected,
        apply_overrides,
        describe_mapping,
        parse_map_options,
    )

    preview = service.inventory.preview_file(args.file, profile=args.profile)
    t = preview.table
    mapping = apply_overrides(preview.mapping, parse_map_options(args.map, t.headers))
    source = f"{t.format.upper()}" + (f", {t.encoding}, delimiter {t.delimiter!r}, {t.line_ending}" if t.format == "csv" else f", sheet {t.sheet!r}")
    print(f"{args.file.name}: {source}, {t.row_count:,} row{'s' if t.row_count != 1 else ''}; columns {describe_mapping(preview, mapping)}", file=sys.stderr)
    ignored = [h for i, h in enumerate(t.headers) if h and i not in mapping]
    if ignored:
        print(f"not imported: {', '.join(repr(h) for h in ignored)}", file=sys.stderr)
    for w in t.warnings():
        print(f"warning: {args.file.name}: {w}", file=sys.stderr)
    service.inventory.check_mapping(preview, mapping)
    orders = {target: args.date_order for target in inv.DATE_TARGETS} if args.date_order else None
    for col in replace(preview, mapping=mapping).date_columns(orders):
        hint = "" if col.chosen_by_user or not (col.ambiguous or col.mixed) else " (change it with --date-order dmy|mdy|ymd)"
        print(f"dates: {col.describe()}{hint}", file=sys.stderr)
    if args.save_profile:
        service.inventory.save_profile(args.save_profile, t.headers, mapping)
        print(f"Saved the mapping as profile {args.save_profile!r}.", file=sys.stderr)
    try:
        report = service.inventory.import_file(args.id, args.file, mapping=mapping, skip_bad=args.skip_bad, preview=preview,
                                          date_orders=orders, as_new=args.as_new, dry_run=args.dry_run)
    except ImportRejected as exc:
        _print_problems(exc.report)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _print_problems(report)
    if report.kinds:
        print(f"kinds: {report.kinds_text()}", file=sys.stderr)
    verb = "Would import" if args.dry_run else "Imported"
    print(f"{verb} {report.imported + report.updated + report.unchanged:,} of {report.total_rows:,} "
          f"row{'s' if report.total_rows != 1 else ''} into "
          f"engagement {args.id}: {report.counts_text()}"
          + (f"; {report.rejected:,} rejected" if report.rejected else "") + ".")
    return 0 if (report.imported or report.updated or report.unchanged) else 1


def _print_problems(report: ImportReport) -> None:
    for line in report.reject_lines()[:SHOWN]:
        print(f"rejected: {line}", file=sys.stderr)
    if report.rejected > SHOWN:
        print(f"rejected: ... and {report.rejected - SHOWN:,} more rows", file=sys.stderr)
    for line in report.warning_lines()[:SHOWN]:
        print(f"warning: {line}", file=sys.stderr)
    if report.warning_count > SHOWN:
        fields = ", ".join(f"{n:,} {t.value}" for t, n in report.warning_fields.most_common())
        print(f"warning: ... {report.warning_count:,} fields left empty in all ({fields})", file=sys.stderr)


def run_fields(args: argparse.Namespace, service: Discovery) -> int:
    for target, label, help_text, synonyms in service.inventory.fields():
        print(f"{target.value:<14} {label}" + (f": {help_text}" if help_text else ""))
        if synonyms:
            print(f"{'':<14} headers: {', '.join(synonyms)}")
    profiles = service.inventory.profiles()
    print()
    if profiles:
        print("Saved profiles (use with --profile NAME):")
        for name, columns in sorted(profiles.items()):
            print(f"  {name}: {len(columns)} column{'s' if len(columns) != 1 else ''}")
    else:
        print("No saved profiles yet: import with --save-profile NAME to keep a mapping.")
    return 0


def run_remove(args: argparse.Namespace, service: Discovery) -> int:
    from ..services import ServiceError

    try:
        removed = service.inventory.remove(args.id, list(dict.fromkeys(args.uids)))
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    n, risks = len(removed.items), removed.unlinked_risks
    links = f"; {risks} risk{'s' if risks != 1 else ''} no longer link{'s' if risks == 1 else ''} to them" if risks else ""
    print(f"Removed {n} inventory item{'s' if n != 1 else ''} from engagement {args.id}{links}.")
    return 0

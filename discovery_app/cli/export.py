"""Client documents: ``discovery-app export ID --proposal FILE --plan FILE`` (either or both).

Each document is one entry of :data:`DOCUMENTS`: its option, a help line and a writer. Adding a
document (for example ``--workbook FILE [--client]``) is one more entry and, for extra flags,
one more ``add_argument`` in :func:`register`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..services import Discovery


@dataclass(frozen=True)
class Document:
    option: str  # "--proposal"
    dest: str  # "proposal"
    label: str  # "proposal", for messages
    help: str
    write: Callable[[Discovery, argparse.Namespace, Path], Path]


def _write_proposal(service: Discovery, args: argparse.Namespace, path: Path) -> Path:
    password = os.environ.get(args.password_env) if args.password_env else None
    if args.password_env and not password:
        from ..services import ServiceError

        raise ServiceError(f"The environment variable {args.password_env} is empty or not set.")
    return service.documents.export_proposal(args.id, path, password=password, draft=args.draft,
                                             report=_client_report(service, args), internal=args.internal)


def _write_plan(service: Discovery, args: argparse.Namespace, path: Path) -> Path:
    return service.documents.export_plan(args.id, path, report=_client_report(service, args))


def _client_report(service: Discovery, args: argparse.Namespace) -> Any:
    """The client report, built once for both PDFs of one command (one assessment, not two)."""
    cached = getattr(args, "_client_report", None)
    if cached is None:
        cached = service.documents.report(args.id, client=True)
        args._client_report = cached
    return cached


def _write_workbook(service: Discovery, args: argparse.Namespace, path: Path) -> Path:
    return service.handoff.export_workbook(args.id, path, client=args.client, start=args.start).path


def _write_progress(service: Discovery, args: argparse.Namespace, path: Path) -> Path:
    return service.baseline.export_progress(args.id, path)


def iso_day(text: str) -> date:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD (for example 2027-01-04)") from None


DOCUMENTS: list[Document] = [
    Document("--proposal", "proposal", "proposal", "write the fixed-fee proposal (PDF) to FILE", _write_proposal),
    Document("--plan", "plan", "stabilization plan", "write the stabilization plan (PDF) to FILE", _write_plan),
    Document("--workbook", "workbook", "delivery workbook", "write the delivery handoff workbook (.xlsx) to FILE: "
             "inventory, standards, risks, tasks, matrix, pricing and a PSA task import sheet", _write_workbook),
    Document("--progress", "progress", "progress report", "write the progress report of a re-assessment against "
             "its signed baseline (PDF) to FILE", _write_progress),
]


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "export", help="write an engagement's client documents",
        description="Write the client documents of one engagement. Each file is written completely or "
        "not at all; an earlier file at the same place is replaced only when the new one is complete. "
        "The proposal is refused while something blocks it (missing required answers, responsibility-"
        "matrix rows without exactly one Accountable party, a discount not approved); the blockers are "
        "listed. Exits non-zero when any document could not be written.",
    )
    s.add_argument("id", type=int, metavar="ID")
    for doc in DOCUMENTS:
        s.add_argument(doc.option, dest=doc.dest, type=Path, metavar="FILE", help=doc.help)
    s.add_argument("--password-env", metavar="VAR",
                   help="protect the proposal with the password held in environment variable VAR "
                   "(kept off the command line so it stays out of shell history)")
    s.add_argument("--draft", action="store_true",
                   help="write the proposal even though something blocks it, marked DRAFT on every page")
    s.add_argument("--internal", action="store_true",
                   help="with --proposal: the provider's internal copy, never sent: the same pages marked "
                   "'internal copy', with who approved the discount (signatures verified), costs and margins at "
                   "the end; it does not count as the proposal sent")
    s.add_argument("--client", action="store_true",
                   help="with --workbook: the client variant, without cost, margin or approvals")
    s.add_argument("--pack", nargs=2, metavar=("TOOL", "DIR"),
                   help="write the import pack for TOOL (connectwise, autotask, halopsa, itglue or generic) into "
                   "folder DIR: CSV files in the tool's import shape and a README; checked before anything is written")
    s.add_argument("--start", type=iso_day, metavar="YYYY-MM-DD",
                   help="with --workbook or --pack: the day delivery starts (plan week 1), for the tasks' and phases' "
                   "dates; default: next Monday")
    s.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace, service: Discovery) -> int:
    from ..services import ServiceError

    chosen = [(doc, getattr(args, doc.dest)) for doc in DOCUMENTS if getattr(args, doc.dest, None)]
    pack = getattr(args, "pack", None)
    if not chosen and not pack:
        options = " and/or ".join(f"{d.option} FILE" for d in DOCUMENTS)
        print(f"error: say what to write: {options} or --pack TOOL DIR", file=sys.stderr)
        return 2
    if args.internal and not args.proposal:
        print("error: --internal writes the proposal's internal copy: give it with --proposal FILE", file=sys.stderr)
        return 2
    failed = 0
    if pack:
        from ..export.packs import TOOLS

        tool, folder = pack[0].casefold(), Path(pack[1])
        if tool not in TOOLS:
            print(f"error: --pack: {pack[0]!r} is not a tool Discovery writes a pack for; choose one of "
                  f"{', '.join(TOOLS)}", file=sys.stderr)
            return 2
        try:
            result = service.handoff.export_pack(args.id, tool, folder, start=args.start)
        except ServiceError as exc:
            print(f"error: {tool} pack: {exc}", file=sys.stderr)
            failed += 1
        else:
            files = ", ".join(f"{name} ({n} row{'s' if n != 1 else ''})" for name, n in result.rows.items())
            print(f"Wrote the {tool} pack to {result.folder}: {files}, README.txt")
    for doc, path in chosen:
        label = "proposal's internal copy" if doc.dest == "proposal" and args.internal else doc.label
        try:
            written = doc.write(service, args, Path(path))
        except ServiceError as exc:
            print(f"error: {label}: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"Wrote the {label} to {written}")
    return 1 if failed else 0

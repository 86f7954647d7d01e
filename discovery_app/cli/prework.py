"""Pre-work commands: the client's questionnaire workbook out (prework export) and back
(prework import)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..export.problems import listed

if TYPE_CHECKING:
    from ..services import Discovery


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("prework", help="the client's pre-work questionnaire workbook, out and back",
                       description="Send the client the questions they can answer before the visit, as an Excel "
                       "workbook, and read their answers back.")
    psub = s.add_subparsers(dest="prework_command", metavar="ACTION", required=True)
    e = psub.add_parser(
        "export", help="write the pre-work workbook for the client",
        description="Write FILE.xlsx for the client of engagement ID: one sheet per topic with the questions the "
        "form marks for the client (audience: client), drop-downs and checks matching each question, and a "
        "sites and contacts sheet. Protected so only the answer cells can be edited; nothing internal (fit, "
        "risks, prices) is in it.")
    e.add_argument("id", type=int, metavar="ID")
    e.add_argument("file", type=Path, metavar="FILE.xlsx")
    e.set_defaults(handler=run_export)
    i = psub.add_parser(
        "import", help="preview (or --apply) the answers in a returned pre-work workbook",
        description="Read a returned pre-work workbook against engagement ID and list every answer beside the "
        "current one. With --apply, answers to unanswered questions and new sites and contacts are saved, "
        "marked 'from the client, to confirm'; an answer you already gave is never replaced (the client's is "
        "kept beside it to review in the questionnaire). A workbook for another engagement or form version, or "
        "whose questions were altered, is refused (exit code 2).")
    i.add_argument("id", type=int, metavar="ID")
    i.add_argument("file", type=Path, metavar="FILE.xlsx")
    i.add_argument("--apply", action="store_true", help="save the answers (nothing is saved without it)")
    i.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace, service: Discovery) -> int:
    path = service.prework.export(args.id, args.file)
    print(f"Wrote {path}")
    return 0


def run_import(args: argparse.Namespace, service: Discovery) -> int:
    preview = service.prework.preview(args.id, args.file)
    counts = preview.counts()
    who = f", filled in by {preview.filled_by}" if preview.filled_by else ""
    print(f"{args.file.name}: read against engagement {args.id}{who}.")
    print(f"Answers: {counts['new']} new, {counts['differs']} differ from yours, {counts['same']} the same.")
    for status, title in (("new", "New answers"), ("differs", "Differ from your answers (yours are kept)"),
                          ("same", "Same as yours")):
        lines = preview.of(status)
        if lines:
            print(f"{title}:")
            for line in lines:
                print(f"  {line.describe()}")
    if preview.sites_new or preview.contacts_new:
        print("New sites and contacts:")
        for s in preview.sites_new:
            print(f"  Site: {s.name}")
        for c in preview.contacts_new:
            print(f"  Contact: {c.name}" + (f", {c.role}" if c.role else ""))
    for kept in preview.kept:
        print(f"  {kept}")
    if preview.problems:
        print(f"Not imported ({len(preview.problems)}):")
        print(listed(preview.problems))
    if not args.apply:
        print("Preview only: nothing was changed." + ("" if preview.empty else " Run again with --apply to save the "
                                                       "new answers, marked 'from the client, to confirm'."))
        return 0
    if preview.empty:
        print("Nothing to apply.")
        return 0
    done = service.prework.apply(args.id, preview)
    print(f"Saved {done['answered']} answer{'s' if done['answered'] != 1 else ''}, marked from the client, to confirm; "
          f"kept {done['kept']} of yours; added {done['sites']} site(s) and {done['contacts']} contact(s).")
    return 0

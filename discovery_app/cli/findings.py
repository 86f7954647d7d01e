"""Findings commands: the suggestions the form's rules raise (findings suggest), and which evidence
photos the proposal shows (findings photos, findings photo)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ..domain.wording import count

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

    c = fsub.add_parser(
        "photos", help="list the evidence files and whether the proposal shows each",
        description="List the evidence files of engagement ID by finding: id, file name, caption and whether the "
        "proposal's evidence-photos appendix shows it. Nothing is changed.",
    )
    c.add_argument("id", type=int, metavar="ID")
    c.add_argument("--json", action="store_true", help="print the list as JSON")
    c.set_defaults(handler=run_photos)

    c = fsub.add_parser(
        "photo", help="show an evidence photo in the proposal, or leave it out",
        description="Set whether the evidence photo ATTACHMENT of engagement ID appears in the proposal's "
        "evidence-photos appendix. ATTACHMENT is its id (or the first 6+ characters of it) or its file name, "
        "as 'findings photos ID' lists them. Photos are shown by default; other files never are.",
    )
    c.add_argument("id", type=int, metavar="ID")
    c.add_argument("attachment", metavar="ATTACHMENT")
    flag = c.add_mutually_exclusive_group(required=True)
    flag.add_argument("--include", dest="include", action="store_true", help="show it in the proposal")
    flag.add_argument("--exclude", dest="include", action="store_false", help="leave it out of the proposal")
    c.set_defaults(handler=run_photo, writes=True)


def _shown(a: object) -> str:
    if not getattr(a, "is_image", False):
        return "not a photo"
    return "in the proposal" if getattr(a, "in_proposal", False) else "left out"


def run_photos(args: argparse.Namespace, service: Discovery) -> int:
    files = service.findings.attachments(args.id)
    titles = {r.uid: r.title for r in service.findings.risks(args.id)}
    if args.json:
        print(json.dumps([{"id": a.uid, "finding": titles.get(a.risk_uid or "", ""), "file_name": a.file_name,
                           "caption": a.note, "content_type": a.content_type, "is_photo": a.is_image,
                           "in_proposal": a.shows_in_proposal} for a in files], indent=2, ensure_ascii=False))
        return 0
    if not files:
        print("No evidence files: attach photos to a finding on the Risks page.")
        return 0
    shown = sum(1 for a in files if a.shows_in_proposal)
    print(f"{count(len(files), 'evidence file')}, {shown} in the proposal:")
    for risk_uid in dict.fromkeys(a.risk_uid for a in files):
        print(f"\n  {titles.get(risk_uid or '', 'Not linked to a finding')}")
        for a in (f for f in files if f.risk_uid == risk_uid):
            caption = f"  “{a.note}”" if a.note else ""
            print(f"    {a.uid[:8]}  {a.file_name}{caption}  [{_shown(a)}]")
    return 0


def run_photo(args: argparse.Namespace, service: Discovery) -> int:
    att = service.findings.set_in_proposal(args.id, args.attachment, args.include)
    print(f"“{att.file_name}”: {_shown(att)}.")
    return 0


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

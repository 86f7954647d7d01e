"""Laptops that go offline: checkout, checkin (and breaking a checkout)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .approvals import _passphrase_args, signer_of

if TYPE_CHECKING:
    from ..services import Discovery

SECTIONS_HELP = ("client, answers, inventory, standards, risks, remediation, responsibilities, pricing, "
                 "attachments, time, acceptance")


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "checkout", help="copy an engagement to a laptop's store and mark it checked out",
        description="Copy engagement ID (every record, its form copy, attachments and photos) from this store "
        "(the shared one, --db) into the laptop's own store LAPTOP.sqlite3 (created if missing), with the "
        "practice's settings and practice library, and mark it checked out here: by whom, when, to which laptop store. While it is "
        "checked out it is read-only here. With --break a manager ends a checkout instead (the laptop's "
        "unreturned edits then come back only section by section, by choice); --yes confirms it. Once the "
        "practice lists approvers, breaking needs a manager's key (--key KEY): an approver who counts.",
    )
    s.add_argument("id", type=int, metavar="ID")
    what = s.add_mutually_exclusive_group(required=True)
    what.add_argument("--to", type=Path, metavar="LAPTOP.sqlite3", help="the laptop's store to copy it into")
    what.add_argument("--break", dest="break_", action="store_true",
                      help="break the engagement's checkout (prints what will be lost; needs --yes)")
    s.add_argument("--yes", action="store_true", help="with --break: yes, break it")
    s.add_argument("--key", type=Path, metavar="KEY", help="with --break: the manager's (approver's) private key "
                   "file, needed when the practice lists approvers")
    _passphrase_args(s)
    s.set_defaults(handler=run_checkout, writes=True)

    s = sub.add_parser(
        "checkin", help="bring a checked-out engagement back from a laptop's store",
        description="Bring engagement ID back from the laptop's store. If nobody changed it here since the "
        "checkout, the laptop copy replaces it and the checkout ends. If it changed on both sides (or the "
        "checkout was broken), the differences are shown section by section and nothing is overwritten "
        "without a choice: give --take laptop|shared for every section, or --section NAME=laptop|shared "
        f"for each (sections: {SECTIONS_HELP}). Without a needed choice it exits with code 3 and lists "
        "the sections. --dry-run shows the comparison and writes nothing.",
    )
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("--from", dest="source", type=Path, required=True, metavar="LAPTOP.sqlite3",
                   help="the laptop's store holding the checked-out copy")
    s.add_argument("--take", choices=("laptop", "shared"), help="the side to take in every section that differs")
    s.add_argument("--section", action="append", default=[], metavar="NAME=SIDE",
                   help="the side to take in one section (repeatable); overrides --take for it")
    s.add_argument("--dry-run", action="store_true", help="show the comparison only; write nothing")
    s.set_defaults(handler=run_checkin, writes=True)


def run_checkout(args: argparse.Namespace, service: Discovery) -> int:
    from ..domain.checkout import moment

    if args.break_:
        warning = service.checkouts.break_warning(args.id)
        needs_key = service.checkouts.break_needs_key()
        if not args.yes:
            print(f"warning: {warning}", file=sys.stderr)
            how = "--yes --key KEY (a manager's approver key)" if needs_key and args.key is None else "--yes"
            print(f"Nothing was changed; run again with {how} to break the checkout.", file=sys.stderr)
            return 1
        if needs_key and args.key is None:
            print("error: the practice lists approvers: breaking a checkout needs a manager's key (--key KEY). "
                  "Nothing was changed.", file=sys.stderr)
            return 1
        mark = service.checkouts.break_checkout(args.id, signer_of(args, args.key) if needs_key else None)
        print(f"The checkout by {mark.who} (since {moment(mark.at)}, to {mark.place}) is broken; the engagement "
              "can be edited here again.")
        if needs_key:
            found = service.checkouts.break_record(args.id)
            if found is not None:
                print(f"Broken by {found[0].broken_by} ({found[0].role}); the signed record is kept with the checkout.")
        else:
            print("The authority to break it was not checked: the practice lists no approvers.")
        return 0
    if args.yes or args.key:
        print("error: --yes and --key go with --break. Nothing was changed.", file=sys.stderr)
        return 2
    done = service.checkouts.check_out(args.id, args.to)
    print(f"Checked out engagement {done.eid} to {done.laptop} (there it is engagement {done.laptop_id}), by "
          f"{done.mark.who} at {moment(done.mark.at)}. It is read-only here until it is checked in.")
    print(f"Practice settings cached on the laptop: {len(done.settings)}.")
    print(f"Practice library entries cached on the laptop: {done.library}.")
    return 0


def _print_plan(preview: object) -> None:
    from ..services.checkout import CheckinPreview

    assert isinstance(preview, CheckinPreview)
    plan = preview.plan
    broken = " (the checkout was broken)" if plan.broken else ""
    print(f"{preview.client}: checked out by {preview.mark.who}{broken}.")
    if preview.break_words:
        print(preview.break_words)
    if plan.fast:
        print("Nobody changed it in the shared store since the checkout: the laptop copy replaces it.")
    if not plan.differing:
        print("The laptop copy and the shared copy are the same.")
    for s in plan.differing:
        side = "both changed" if s.laptop_changed and s.shared_changed else (
            "changed on the laptop" if s.laptop_changed else "changed in the shared store")
        print(f"  {s.key} ({s.label}): {side}")
        for line in s.lines:
            print(f"      {line}")


def run_checkin(args: argparse.Namespace, service: Discovery) -> int:
    from ..domain.checkout import parse_choices
    from ..services import ServiceError

    try:
        choices = parse_choices(args.section, args.take)
    except ValueError as exc:
        raise ServiceError(f"{exc} Nothing was changed.") from exc
    if args.dry_run:
        _print_plan(service.checkouts.preview_checkin(args.id, args.source))
        return 0
    done = service.checkouts.check_in(args.id, args.source, choices)
    taken = ", ".join(done.from_laptop) or "nothing (the copies were the same)"
    print(f"Checked in engagement {done.eid} from {args.source}; from the laptop: {taken}. The checkout has ended.")
    return 0

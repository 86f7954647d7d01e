"""The practice library: library publish, list, withdraw, export, pull."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import Discovery


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "library", help="the practice library: form packages published into the store",
        description="The practice library: form packages (with their rates, risk texts, task templates and "
        "terms) published into the store (--db), offered to every consultant beside the installed forms, and "
        "copied to a laptop by each checkout. Engagements keep the form copy they were started with.",
    )
    lsub = s.add_subparsers(dest="library_command", metavar="ACTION", required=True)
    p = lsub.add_parser("publish", help="check a form package folder and publish it",
                        description="Check the form package in FOLDER exactly as 'forms check' does and publish it. "
                        "A package with problems is refused, listing each with file, line and field; a version "
                        "already published with different content is refused (raise the version instead).")
    p.add_argument("folder", type=Path, metavar="FOLDER")
    p.set_defaults(handler=run_publish, writes=True)

    p = lsub.add_parser("list", help="list the library's entries",
                        description="List every entry: package, version, title, who published it and when, and "
                        "whether it is published or withdrawn.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=run_list, writes=False)

    p = lsub.add_parser("withdraw", help="withdraw a version from the library",
                        description="Withdraw KEY (id@version, or an id for its newest version): no new engagement "
                        "starts from it; engagements started with it keep their copy. Needs --yes.")
    p.add_argument("key", metavar="KEY")
    p.add_argument("--yes", action="store_true", help="yes, withdraw it")
    p.set_defaults(handler=run_withdraw, writes=True)

    p = lsub.add_parser("export", help="write an entry back as a form package folder",
                        description="Write the files of KEY (id@version, or an id for its newest version) into "
                        "FOLDER, which must be new or empty.")
    p.add_argument("key", metavar="KEY")
    p.add_argument("folder", type=Path, metavar="FOLDER")
    p.set_defaults(handler=run_export, writes=False)

    p = lsub.add_parser("pull", help="copy the entries another store has that this one lacks",
                        description="Copy into this store (--db) the library entries of the store DB (a file or a "
                        "postgresql:// URL) that this one lacks, and its withdrawals. Nothing is deleted; the other "
                        "store is only read.")
    p.add_argument("--from", dest="source", required=True, metavar="DB", help="the store to copy from")
    p.set_defaults(handler=run_pull, writes=True)


def run_publish(args: argparse.Namespace, service: Discovery) -> int:
    from ..domain.checkout import moment

    e = service.library.publish(args.folder)
    print(f"{e.key} ({e.title}) is in the practice library, published by {e.published_by} at "
          f"{moment(e.published_at)}.")
    return 0


def run_list(args: argparse.Namespace, service: Discovery) -> int:
    from ..domain.checkout import moment
    from ..services.library import status

    entries = service.library.entries()
    if args.json:
        print(json.dumps([{"key": e.key, "id": e.package_id, "version": e.version, "title": e.title,
                           "published_by": e.published_by, "published_at": e.published_at.isoformat(),
                           "status": status(e), "withdrawn_by": e.withdrawn_by or None,
                           "withdrawn_at": e.withdrawn_at.isoformat() if e.withdrawn_at else None,
                           "files": sorted(e.files)} for e in entries], indent=2))
        return 0
    if not entries:
        print("The practice library is empty: publish a form package with 'discovery-app library publish FOLDER'.")
        return 0
    for e in entries:
        print(f"{e.key:<32} {status(e):<9} {e.title}  (published by {e.published_by} at {moment(e.published_at)})")
    return 0


def run_withdraw(args: argparse.Namespace, service: Discovery) -> int:
    entry = service.library.find(args.key)
    if not args.yes:
        print(f"warning: withdrawing {entry.key} ({entry.title}) means no new engagement starts from it; "
              "engagements started with it keep their copy. A withdrawal is not undone.", file=sys.stderr)
        print("Nothing was changed; run again with --yes to withdraw it.", file=sys.stderr)
        return 1
    done = service.library.withdraw(entry.key)
    print(f"{done.key} is withdrawn from the practice library.")
    return 0


def run_export(args: argparse.Namespace, service: Discovery) -> int:
    entry = service.library.find(args.key)
    folder = service.library.export(entry.key, args.folder)
    print(f"Wrote {entry.key} ({len(entry.files)} files) to {folder}.")
    return 0


def run_pull(args: argparse.Namespace, service: Discovery) -> int:
    from ..domain.wording import count

    done = service.library.pull(args.source)
    print(f"Pulled from {done.source}: {count(len(done.added), 'new entry', 'new entries')}"
          + (f" ({', '.join(done.added)})" if done.added else "") + ".")
    if done.withdrawn:
        print(f"Withdrawn there, now here too: {', '.join(done.withdrawn)}.")
    if done.differing:
        print(f"warning: these versions differ between the stores and were left as they are here: "
              f"{', '.join(done.differing)}.", file=sys.stderr)
    if done.unreadable:
        print(f"warning: these entries of the other store do not load and were not copied: "
              f"{', '.join(done.unreadable)}.", file=sys.stderr)
    return 0

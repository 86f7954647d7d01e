"""Keeping work safe and handing it on: archive, open-archive, backups, restore."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import Discovery


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "archive", help="write an engagement and its attachments to one archive file",
        description="Write engagement ID, its form and its attachments (each with a SHA-256 hash) "
        "to one archive file, for handing it to a colleague or keeping it after the client leaves. "
        "With --encrypt or --passphrase-file the archive is encrypted (AES-256-GCM, key from scrypt).",
    )
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("file", type=Path, metavar="FILE")
    s.add_argument("--encrypt", action="store_true", help="encrypt; ask for the passphrase (twice)")
    s.add_argument("--passphrase-file", type=Path, metavar="PATH",
                   help="encrypt with the passphrase on the first line of this file")
    s.set_defaults(handler=run_archive)

    s = sub.add_parser(
        "open-archive", help="add the engagement in an archive file; prints its id",
        description="Check an archive written by 'archive' (paths, hashes, sizes, attachments) and add "
        "its engagement as a new one. Prints the new engagement's id. An archive with any problem adds "
        "nothing. An encrypted archive asks for its passphrase unless --passphrase-file is given.",
    )
    s.add_argument("file", type=Path, metavar="FILE")
    s.add_argument("--passphrase-file", type=Path, metavar="PATH",
                   help="read the passphrase from the first line of this file")
    s.set_defaults(handler=run_open_archive)

    s = sub.add_parser(
        "backups", help="list the automatic backups",
        description="List the backups of the database (newest first) with their date, size and "
        "number of engagements.",
    )
    s.set_defaults(handler=run_backups, needs_store=False)

    s = sub.add_parser(
        "restore", help="replace the database with a backup",
        description="Replace the database with BACKUP_FILE. The backup is checked first; the current "
        "database is kept in the backups folder (as before-restore-..., or damaged-... when it cannot "
        "be read), so a restore can itself be undone. Close the desktop app first.",
    )
    s.add_argument("backup", type=Path, metavar="BACKUP_FILE")
    s.set_defaults(handler=run_restore, needs_store=False)


def terminal_available() -> bool:
    """Whether a passphrase can be asked for: a terminal on stdin, or a controlling terminal."""
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    try:
        with open("/dev/tty", "rb"):
            return True
    except OSError:
        return False


def _read_passphrase_file(path: Path) -> str:
    from ..services import ServiceError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceError(f"Cannot read the passphrase file {path}: {exc}.") from exc
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise ServiceError(f"The passphrase file {path} is empty: put the passphrase on its first line.")
    return lines[0]


def run_archive(args: argparse.Namespace, service: Discovery) -> int:
    from ..export.atomic import ExportError
    from ..services import ServiceError

    passphrase = None
    if args.passphrase_file is not None:
        passphrase = _read_passphrase_file(args.passphrase_file)
    elif args.encrypt:
        passphrase = getpass.getpass("Passphrase for the archive: ")
        if getpass.getpass("The same passphrase again: ") != passphrase:
            raise ServiceError("The two passphrases differ; nothing was written.")
    try:
        path = service.archives.write(args.id, args.file, passphrase)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {path}" + (" (encrypted)" if passphrase else ""))
    if passphrase:
        print("Keep the passphrase safe: without it the archive cannot be opened.", file=sys.stderr)
    return 0


def run_open_archive(args: argparse.Namespace, service: Discovery) -> int:
    from ..services.durability import ArchiveRefused

    passphrase = None
    if args.passphrase_file is not None:
        passphrase = _read_passphrase_file(args.passphrase_file)
    elif service.archives.is_encrypted(args.file):
        try:
            if not terminal_available():
                raise EOFError
            passphrase = getpass.getpass(f"Passphrase for {args.file.name}: ")
        except (EOFError, KeyboardInterrupt):
            print(f"error: {args.file.name} is encrypted and no passphrase was given (there is no terminal "
                  "to ask on); give it with --passphrase-file PATH. Nothing was imported.", file=sys.stderr)
            return 2
    try:
        eid = service.archives.open(args.file, passphrase)
    except ArchiveRefused as exc:
        if exc.wrong_passphrase or len(exc.problems) != 1:
            print(f"error: {exc}", file=sys.stderr)
        else:
            print(f"error: {args.file.name} cannot be opened as an engagement archive: {exc.problems[0]}. "
                  "Nothing was imported.", file=sys.stderr)
        return 1 if exc.wrong_passphrase else 2  # 2: the file itself is refused
    print(eid)
    for note in service.repairs:
        print(f"repaired: {note}", file=sys.stderr)
    return 0


def run_backups(args: argparse.Namespace, _service: None) -> int:
    from ..paths import AppPaths
    from ..services.durability import backups_note, list_backups
    from .times import local_time

    paths = AppPaths.resolve(args.db)
    note = backups_note(paths)
    if note:
        print(note)
        return 0
    rows = list_backups(paths)
    if not rows:
        print(f"No backups yet in {paths.backups}.")
        return 0
    print(f"Backups in {paths.backups} (newest first):")
    for b in rows:
        count = "unreadable" if b.engagements is None else f"{b.engagements} engagement{'s' * (b.engagements != 1)}"
        print(f"  {local_time(b.taken_at, seconds=True)}  {b.size / 1024:8.0f} KB  {count:<16}  {b.path.name}")
    return 0


def run_restore(args: argparse.Namespace, _service: None) -> int:
    from ..paths import AppPaths
    from ..services import ServiceError
    from ..services.durability import restore_backup

    paths = AppPaths.resolve(args.db)
    try:
        kept = restore_backup(paths, args.backup)
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Restored {args.backup} into {paths.db}.")
    if kept is not None:
        print(f"The previous database is kept as {kept}.")
    return 0

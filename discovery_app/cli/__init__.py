"""The ``discovery-app`` command line. With no subcommand it opens the desktop app.

Each feature's commands live in their own module with a ``register(subparsers)`` function; a
command's parser sets ``handler`` (called with the arguments and the open service) and, for the
few commands that need no store, ``needs_store=False`` (the handler then gets ``None``).
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import __version__
from ..paths import AppPaths

if TYPE_CHECKING:
    from ..storage.lock import StoreLock

# The modules holding the commands, in the order --help lists them (imported by build_parser).
COMMAND_MODULE_NAMES = ("store", "engagements", "forms", "inventory", "workbook", "quote", "check", "archive", "export", "prework",
                        "findings", "baseline", "approvals", "checkout", "library")

FORCE = "--force-while-open"

#: The commands that write to the store (and so wait for no window to hold it), by command and
#: sub-command; a command module may also say ``set_defaults(writes=True)``.
WRITING = {("import", None), ("demo", None), ("open-archive", None), ("restore", None),
           ("inventory", "import"), ("inventory", "remove"), ("workbook", "import")}

EPILOG = """Data lives in one SQLite file in your user data folder unless --db or DISCOVERY_DB
names another file, or a practice's shared store on a PostgreSQL server
(postgresql://USER@HOST/DATABASE; prepare it once with init-store). Run 'discovery-app COMMAND --help' for each command's options."""


def _add_app_options(p: argparse.ArgumentParser) -> None:
    """The options of the app itself (not of a command): --db and --smoke."""
    p.add_argument("--db", metavar="PATH|URL", help="use this database file instead of the default, or the "
                   "shared store on a PostgreSQL server (postgresql://USER@HOST/DATABASE)")
    p.add_argument("--new-db", action="store_true", help="with --db: make PATH a new database even if it is "
                   "an empty file (an empty file is otherwise refused)")
    p.add_argument("--smoke", action="store_true", help="open the desktop app until it is shown and usable, "
                   "print 'first_paint=S usable=S' (seconds since start) and exit")
    p.add_argument(FORCE, action="store_true", help="let a command that writes (import, inventory import, "
                   "demo...) write while a Discovery window has the store open; the window reloads what "
                   "changed (restore is always refused while a window is open). May also follow the command")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    p = argparse.ArgumentParser(
        prog="discovery-app",
        description="Discovery: paid discovery assessments for co-managed IT offers. "
        "With no command, opens the desktop app.",
        epilog=EPILOG,
    )
    p.add_argument("--version", action="version", version=f"discovery-app {__version__}")
    _add_app_options(p)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULE_NAMES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return p


def _desktop_start(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when ``argv`` only opens the desktop app (nothing but --db/--smoke), else None.

    Starting the app is the common case and its first paint is timed: it skips importing every
    command's module. Anything else (a command, --help, --version, a typo) goes to the full parser,
    which also gives the error messages.
    """
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    _add_app_options(pre)
    try:
        args, rest = pre.parse_known_args(list(argv))
    except argparse.ArgumentError:  # e.g. --db without a path: the full parser says so
        return None
    if rest:
        return None
    args.command = None
    return args


def _setup_logging(paths: AppPaths) -> None:
    """Rotating log in the platformdirs log folder. Log records carry ids, never client data."""
    root = logging.getLogger("discovery_app")
    if root.handlers:  # set up already (main() called again in one process): open no second file
        return
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.logs / "discovery.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    # --force-while-open may come before or after the command; argparse takes it only before.
    argv = list(argv)
    force = FORCE in argv
    if force:
        argv = [FORCE] + [a for a in argv if a != FORCE]
    args = _desktop_start(argv) or build_parser().parse_args(argv)
    from ..storage.location import LocationError

    try:
        paths = AppPaths.resolve(args.db, new_db=args.new_db)
    except LocationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _setup_logging(paths)

    if args.command is None or args.smoke:
        from ..app import run_gui

        return run_gui(paths, smoke=args.smoke)
    lock: StoreLock | None = None
    if _writes(args):
        go_on, lock = _lock_or_refuse(paths, args)
        if not go_on:
            return 1
    try:
        return _run_command(args, paths)
    finally:
        if lock is not None:
            lock.release()


def _writes(args: argparse.Namespace) -> bool:
    """Whether the command would write to the store (a dry run or a preview does not)."""
    explicit = getattr(args, "writes", None)
    if explicit is not None:
        return bool(explicit)
    if args.command == "roadmap":  # reading the roadmap writes nothing; moving an item does
        return bool(getattr(args, "move", None))
    if args.command == "confirm":  # listing what waits writes nothing; confirming does
        return bool(args.keys or args.kind or args.all)
    sub = getattr(args, f"{args.command}_command", None)
    if (args.command, sub) not in WRITING:
        return False
    if getattr(args, "dry_run", False):
        return False
    return not (args.command == "workbook" and not getattr(args, "apply", False))


def _lock_or_refuse(paths: AppPaths, args: argparse.Namespace) -> tuple[bool, StoreLock | None]:
    """(go on?, the lock held while the command writes). Refused (after one line on stderr) when a
    Discovery window or another command holds the store, unless --force-while-open lets it write
    beside a window. A server store has no lock: the revision check guards each save there."""
    from ..storage.db import StoreError, kind_for
    from ..storage.lock import StoreHeld, StoreLock

    try:
        lock = kind_for(paths.store).lock("command")
    except StoreError:
        return True, None  # the store's own open says what is wrong with --db
    if lock is None:
        return True, None
    try:
        return True, lock.acquire()
    except StoreHeld as held:
        who = held.holder.describe() if held.holder else "another Discovery program"
        window = held.holder is None or held.holder.kind == "window"
        if args.command == "restore":
            print(f"error: {paths.db.name} is open in {who}; close it first: a restore never replaces the "
                  "store under a running window. Nothing was changed.", file=sys.stderr)
        elif not window:
            print(f"error: {paths.db.name} is being written by {who}; wait for it to finish, then run this "
                  "again. Nothing was changed.", file=sys.stderr)
        elif getattr(args, "force_while_open", False):
            print(f"warning: {paths.db.name} is open in {who}; writing anyway ({FORCE}). That window "
                  "reloads what changes.", file=sys.stderr)
            return True, StoreLock(paths.db, kind="command")  # not held: released as a no-op
        else:
            print(f"error: {paths.db.name} is open in {who}; close it first, or add {FORCE} to write "
                  "anyway. Nothing was changed.", file=sys.stderr)
        return False, None
    except OSError as exc:
        print(f"error: cannot create the lock file beside {paths.db} ({exc.strerror}). Nothing was changed.",
              file=sys.stderr)
        return False, None


def _run_command(args: argparse.Namespace, paths: AppPaths) -> int:
    if not getattr(args, "needs_store", True):
        from .. import collector

        collector.resume()
        return args.handler(args, None)

    from .. import collector
    from ..services import Discovery, ServiceError
    from ..storage.db import StoreError

    collector.resume()

    try:
        service = Discovery.open(paths)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        return args.handler(args, service)
    except (ServiceError, StoreError) as exc:  # StoreError: disk full, read-only, locked mid-command
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)  # 2: the file given was refused (see FileRefused)
    except MemoryError:
        # Never print the traceback: its frames may hold client rows.
        print("error: ran out of memory; nothing more was written. Close other programs or split the file.",
              file=sys.stderr)
        return 2
    except Exception as exc:
        # A bug, not the user's doing. Its message may quote client data (a validation error
        # repeats its input), so neither the terminal nor the log gets it: the type and where.
        import traceback

        where = "".join(traceback.format_tb(exc.__traceback__))
        logging.getLogger("discovery_app.cli").error("unexpected %s in %s:\n%s", type(exc).__name__,
                                                     args.command, where)
        print(f"error: an unexpected problem ({type(exc).__name__}) stopped the command; nothing more was "
              "written. Where it happened is in the log; please report it.", file=sys.stderr)
        return 1
    finally:
        service.close()

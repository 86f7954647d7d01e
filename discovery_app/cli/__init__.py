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

from .. import __version__
from ..paths import AppPaths
from . import archive, engagements, export, forms, inventory, quote

COMMAND_MODULES = (engagements, forms, inventory, quote, archive, export)

EPILOG = """Data lives in one SQLite file in your user data folder unless --db or DISCOVERY_DB
names another. Run 'discovery-app COMMAND --help' for each command's options."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="discovery-app",
        description="Discovery: paid discovery assessments for co-managed IT offers. "
        "With no command, opens the desktop app.",
        epilog=EPILOG,
    )
    p.add_argument("--version", action="version", version=f"discovery-app {__version__}")
    p.add_argument("--db", metavar="PATH", help="use this database file instead of the default")
    p.add_argument("--smoke", action="store_true", help="open the desktop app until it is shown and usable, "
                   "print 'first_paint=S usable=S' (seconds since start) and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return p


def _setup_logging(paths: AppPaths) -> None:
    """Rotating log in the platformdirs log folder. Log records carry ids, never client data."""
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.logs / "discovery.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("discovery_app")
    if not root.handlers:
        root.addHandler(handler)
        root.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = AppPaths.resolve(args.db)
    _setup_logging(paths)

    if args.command is None or args.smoke:
        from ..app import run_gui

        return run_gui(paths, smoke=args.smoke)
    if not getattr(args, "needs_store", True):
        return args.handler(args, None)

    from ..services import DiscoveryService, ServiceError
    from ..storage.db import StoreError

    try:
        service = DiscoveryService.open(paths)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        return args.handler(args, service)
    except (ServiceError, StoreError) as exc:  # StoreError: disk full, read-only, locked mid-command
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        service.close()

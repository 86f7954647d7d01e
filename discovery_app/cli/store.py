"""Preparing a store: ``init-store`` creates or upgrades the schema (a practice's shared server)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "init-store", help="create or upgrade the store's schema (once per shared server database)",
        description="Create Discovery's tables in the database --db names, or upgrade them to this version. "
        "Run it once when a practice sets up its shared store on PostgreSQL "
        "(discovery-app --db postgresql://USER@HOST/DATABASE init-store), and again after installing a "
        "newer Discovery, once everyone on the old version has closed it. Running it on a store that is "
        "already up to date changes nothing. On an SQLite file it creates or upgrades the file, as opening "
        "it would.",
    )
    s.set_defaults(handler=run_init_store, needs_store=False, writes=True)


def run_init_store(args: argparse.Namespace, _service: None) -> int:
    from ..paths import AppPaths
    from ..services import ServiceError
    from ..services.store_admin import init_store

    paths = AppPaths.resolve(args.db)
    try:
        print(init_store(paths))
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0

"""Preparing a store before anyone works in it: the schema of a practice's shared server store."""

from __future__ import annotations

from ..paths import AppPaths
from ..storage import location
from ..storage.db import StoreError, open_store
from ..storage.migrations.head import HEAD_REVISION
from .base import ServiceError


def init_store(paths: AppPaths) -> str:
    """Create or upgrade the schema of the store at ``paths``; returns what was done, in words.

    On a server this is the only way the schema changes (opening a server store never migrates
    it). On an SQLite file, opening does the same (with a backup before a migration)."""
    from ..storage import server

    try:
        if paths.server:
            before, after = server.init_store(location.server_url(paths.server))
            where = paths.location
        else:
            store = open_store(paths.db, backup_dir=paths.backups, empty_is_new=paths.empty_is_new)
            store.dispose()
            if store.migrated_from is None:
                return f"The store {paths.db} is ready (schema {HEAD_REVISION})."
            return f"Upgraded the store {paths.db} from schema {store.migrated_from} to {HEAD_REVISION}."
    except (StoreError, location.LocationError) as exc:
        raise ServiceError(str(exc)) from exc
    if before is None:
        return f"Created Discovery's store in {where} (schema {after}). Consultants can now use --db {where}."
    if before == after:
        return f"The store {where} is already up to date (schema {after}); nothing was changed."
    return f"Upgraded the store {where} from schema {before} to {after}."

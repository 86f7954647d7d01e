"""The service layer's foundation: the store, the installed forms and the engagement lookups
every use case needs. Feature modules add their use cases as mixins on :class:`ServiceBase`.
"""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.engagement import Engagement, EngagementHeader
from ..domain.forms import FormPackage
from ..paths import AppPaths
from ..storage import repository as repo
from ..storage.db import Store, open_store

if TYPE_CHECKING:
    from .. import formsio

log = logging.getLogger("discovery_app.services")


class ServiceError(Exception):
    """A request the service cannot carry out; the message is for the consultant."""


class ServiceBase:
    def __init__(self, store: Store, forms_root: Path | None = None):
        self.store = store
        self._forms_root = forms_root
        self._snapshots: dict[str, FormPackage] = {}
        #: What the last import or archive opening repaired (dangling links an older version left).
        self.repairs: list[str] = []

    @classmethod
    def open(cls, paths: AppPaths, forms_root: Path | None = None) -> ServiceBase:
        store = open_store(paths.db, backup_dir=paths.backups, empty_is_new=paths.empty_is_new)
        return cls(store, forms_root)

    def close(self) -> None:
        self.store.dispose()

    # ---- forms ------------------------------------------------------------------------------

    @cached_property
    def form_results(self) -> list[formsio.LoadResult]:
        # Reading the YAML packages (and the YAML parser) waits until a form is asked for: the
        # list at start-up needs only the copies engagements keep in the store.
        from .. import formsio, resources

        root = self._forms_root or resources.forms_dir()
        results = formsio.load_all(root)
        for r in results:
            for e in r.errors:
                log.warning("form %s: %s", r.folder.name, e)
        return results

    def forms(self) -> list[FormPackage]:
        """The valid form packages, newest version of each id first."""
        pkgs = [r.package for r in self.form_results if r.ok and r.package]
        return sorted(pkgs, key=lambda p: (p.id, -p.version))

    def form(self, key: str | None = None) -> FormPackage:
        pkgs = self.forms()
        if not pkgs:
            raise ServiceError("No valid form package is installed; run 'discovery-app forms check'.")
        if key is None:
            default = repo.get_setting(self.store, "default_form")
            key = default if isinstance(default, str) else None
        if key is None:
            return pkgs[0]
        for p in pkgs:
            if key in (p.key, p.id):
                return p
        raise ServiceError(f"There is no valid form {key!r}; installed: {', '.join(p.key for p in pkgs)}.")

    def form_of(self, eng: EngagementHeader) -> FormPackage:
        """The exact form copy an engagement was run with (not whatever is in forms/ today)."""
        pkg = self._snapshots.get(eng.form_hash)
        if pkg is None:
            # No cross-checks: the copy was valid when stored (as formsio.package_from_json).
            pkg = FormPackage.model_validate_json(repo.form_snapshot(self.store, eng.form_hash))
            self._snapshots[eng.form_hash] = pkg
        return pkg

    # ---- engagements ------------------------------------------------------------------------

    # ---- engagements: the lookups every feature uses ------------------------------------------

    def save_new(self, eng: Engagement, pkg: FormPackage, attachments: dict[str, bytes] | None = None) -> int:
        eid = repo.insert_engagement(
            self.store, eng, form_snapshot_json=pkg.canonical_json(), form_title=pkg.title,
            attachment_data=attachments,
        )
        log.info("engagement %s created", eid)
        return eid

    def get(self, eid: int) -> Engagement:
        try:
            return repo.load_engagement(self.store, eid)
        except repo.NotFound as exc:
            raise ServiceError(f"There is no engagement {eid}.") from exc

    def _header(self, eid: int) -> EngagementHeader:
        h = repo.header(self.store, eid)
        if h is None:
            raise ServiceError(f"There is no engagement {eid}.")
        return h

    # ---- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        return repo.get_setting(self.store, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        repo.set_setting(self.store, key, value)

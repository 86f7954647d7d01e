"""The service layer's foundation: the store, the installed forms and the lookups every feature
needs (:class:`Core`), and :class:`Feature`, the base of each sub-service.

Each feature of the app is one small class in its own module (engagements, interview, inventory,
findings, offer, ...) that takes the :class:`Core` and, where it needs another feature, that
feature, in its constructor. :class:`~discovery_app.services.Discovery` wires them together.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..domain import authority
from ..domain.approvals import APPROVERS_KEY, Approver, approvers_from_setting
from ..domain.engagement import Engagement, EngagementHeader
from ..domain.forms import FormPackage
from ..storage import repository as repo
from ..storage import revisions
from ..storage.db import Store

if TYPE_CHECKING:
    from .. import formsio

log = logging.getLogger("discovery_app.services")


class ServiceError(Exception):
    """A request the service cannot carry out; the message is for the consultant."""


class EditConflict(ServiceError):
    """A change was not saved: another window or program changed the same thing after this
    picture of the engagement was read. The message names what, who and when; ``targets`` are the
    (collection, key) pairs that clashed, so a page can reload them."""

    def __init__(self, message: str, eid: int, changes: Sequence[revisions.Change]):
        super().__init__(message)
        self.eid = eid
        self.changes = list(changes)

    @property
    def targets(self) -> set[tuple[str, str]]:
        return {(c.target, c.key) for c in self.changes}


#: What a list adds after a form package that comes from the practice library.
LIBRARY_MARK = ", practice library"


class Forms:
    """The form packages to start an engagement from (the installed ones and the practice
    library's), and the exact copy each engagement was run with."""

    def __init__(self, core: Core, root: Path | None = None):
        self._core = core
        self._root = root
        self._snapshots: dict[str, FormPackage] = {}
        #: content hash -> the library package built from it (None: it does not load)
        self._library: dict[str, FormPackage | None] = {}
        #: keys of the packages the last list took from the library
        self._library_keys: set[str] = set()

    def forget_copies(self) -> None:
        """Drop the form copies read so far (the store was replaced, for example by a restore)."""
        self._snapshots.clear()
        self.forget_library()

    def forget_library(self) -> None:
        """Read the practice library again next time (it was published to, withdrawn from, pulled)."""
        self._library_keys.clear()

    @cached_property
    def results(self) -> list[formsio.LoadResult]:
        """What reading each installed form package gave (the package, or its errors)."""
        # Reading the YAML packages (and the YAML parser) waits until a form is asked for: the
        # list at start-up needs only the copies engagements keep in the store.
        from .. import formsio, resources

        root = self._root or resources.forms_dir()
        results = formsio.load_all(root)
        for r in results:
            for e in r.errors:
                log.warning("form %s: %s", r.folder.name, e)
        return results

    def library(self) -> list[FormPackage]:
        """The practice library's published (not withdrawn) packages that load."""
        from .. import formsio
        from ..storage import library as lib

        store = self._core.store
        try:
            listed = lib.hashes(store)
        except sa.exc.DBAPIError as exc:  # a store without the table (read beside an older window)
            log.warning("practice library not readable: %s", type(exc).__name__)
            return []
        out: list[FormPackage] = []
        for pid, version, digest, withdrawn in listed:
            if withdrawn:
                continue
            if digest not in self._library:
                entry = lib.get(store, pid, version)
                result = formsio.from_library(entry.files, entry.key) if entry is not None else None
                if result is not None and not result.ok:
                    for e in result.errors:
                        log.warning("library form %s@%s: %s", pid, version, e)
                self._library[digest] = result.package if result is not None and result.ok else None
            pkg = self._library[digest]
            if pkg is not None and pkg.approvers:  # publish refuses these; one written some other way is left out
                log.warning("library form %s@%s lists approvers; not offered", pid, version)
                continue
            if pkg is not None:
                out.append(pkg)
        return out

    def available(self) -> list[FormPackage]:
        """The valid form packages, installed and from the practice library (the library's copy of
        the same id and version wins), newest version of each id first."""
        offered = {r.package.key: r.package for r in self.results if r.ok and r.package}
        library = {p.key: p for p in self.library()}
        self._library_keys = set(library)
        offered.update(library)
        return sorted(offered.values(), key=lambda p: (p.id, -p.version))

    def in_library(self, pkg: FormPackage) -> bool:
        """Whether the offered package ``pkg`` comes from the practice library."""
        if not self._library_keys:
            self._library_keys = {p.key for p in self.library()}
        return pkg.key in self._library_keys

    def mark(self, pkg: FormPackage) -> str:
        """What a list adds after the package's name: ", practice library" for a library one."""
        return LIBRARY_MARK if self.in_library(pkg) else ""

    def get(self, key: str | None = None) -> FormPackage:
        """The form ``key`` ("id@version" or id); ``None``: the default form (when that version is no
        longer offered, the newest version of its id), else the newest."""
        pkgs = self.available()
        if not pkgs:
            raise ServiceError("No valid form package is installed; run 'discovery-app forms check'.")
        fallback = False
        if key is None:
            default = repo.get_setting(self._core.store, "default_form")
            key = default if isinstance(default, str) else None
            fallback = True
        if key is None:
            return pkgs[0]
        for p in pkgs:
            if key in (p.key, p.id):
                return p
        if fallback:
            for p in pkgs:
                if p.id == key.partition("@")[0]:
                    return p
        there = "; ".join(f"{p.key}{self.mark(p)}" for p in pkgs)
        raise ServiceError(f"There is no valid form {key!r}; available: {there}.")

    def of(self, eng: EngagementHeader) -> FormPackage:
        """The exact form copy an engagement was run with (not whatever is in forms/ today)."""
        pkg = self._snapshots.get(eng.form_hash)
        if pkg is None:
            # No cross-checks: the copy was valid when stored (as formsio.package_from_json).
            pkg = FormPackage.model_validate_json(repo.form_snapshot(self._core.store, eng.form_hash))
            self._snapshots[eng.form_hash] = pkg
        return pkg


class Core:
    """The store, the forms, and the engagement lookups every feature uses."""

    def __init__(self, store: Store, forms_root: Path | None = None):
        self.forms = Forms(self, forms_root)
        #: What the last import or archive opening repaired (dangling links an older version left).
        self.repairs: list[str] = []
        self._store = store
        self._log_cache: tuple[str, Store, authority.Replay] | None = None
        store.revisions.conflict = self._conflict

    @property
    def store(self) -> Store:
        """The open store; replaced as a whole when a backup is restored."""
        return self._store

    @store.setter
    def store(self, store: Store) -> None:
        self._store = store
        store.revisions.conflict = self._conflict

    def _conflict(self, eid: int, changes: Sequence[revisions.Change]) -> EditConflict:
        from .conflicts import conflict_words

        return EditConflict(conflict_words(self, eid, changes), eid, changes)

    def form_of(self, eng: EngagementHeader) -> FormPackage:
        return self.forms.of(eng)

    def get(self, eid: int) -> Engagement:
        """The whole engagement with every child record (this store's picture of it, for the
        revision check, is taken here unless a window already took one)."""
        seen = self.store.revisions.seen
        first = eid not in seen
        if first:
            with self.store.engine.connect() as conn:
                rev = revisions.revision_of(conn, eid)
        try:
            eng = repo.load_engagement(self.store, eid)
        except repo.NotFound as exc:
            raise ServiceError(f"There is no engagement {eid}.") from exc
        if first and rev is not None:
            seen.setdefault(eid, rev)
        return eng

    def header(self, eid: int) -> EngagementHeader:
        """The engagement without its child records; raises when there is none."""
        h = repo.header(self.store, eid)
        if h is None:
            raise ServiceError(f"There is no engagement {eid}.")
        return h

    def save_new(self, eng: Engagement, pkg: FormPackage, attachments: dict[str, bytes] | None = None) -> int:
        """Store a new engagement with the form copy it is run with; returns its id."""
        eid = repo.insert_engagement(
            self.store, eng, form_snapshot_json=pkg.canonical_json(), form_title=pkg.title,
            attachment_data=attachments,
        )
        log.info("engagement %s created", eid)
        return eid

    def approvers(self) -> tuple[Approver, ...]:
        """The practice's discount approvers who count: the installed form packages' roots and
        the approvers the signed change log lists (:mod:`~discovery_app.domain.authority`). An
        entry written straight into the settings counts for nothing."""
        return tuple(self.approver_log().counting)

    def approver_log(self, extra: Sequence[Any] = ()) -> authority.Replay:
        """The signed log of approver changes, replayed (cached while the stored log is unchanged);
        ``extra``: entries to try after the stored ones (nothing is stored)."""
        raw = self.setting(authority.CHANGES_KEY, [])
        raw = raw if isinstance(raw, list) else []
        stamp = json.dumps(raw, sort_keys=True, default=str)
        cached = self._log_cache
        if not extra and cached is not None and cached[0] == stamp and cached[1] is self.store:
            return cached[2]
        # Roots come only from the installed form packages (the app's own install), never from the
        # practice library: anyone who may publish there must not decide who may approve.
        pkgs = [r.package for r in self.forms.results if r.ok and r.package]
        roots: list[Approver] = []
        for pkg in pkgs:
            roots += [a for a in pkg.approvers or () if a.public_key not in {r.public_key for r in roots}]
        levels = [lv for pkg in pkgs for lv in pkg.pricing.discount_approvals]
        log = authority.replay([*raw, *extra], roots=roots, levels=levels)
        if not extra:
            self._log_cache = (stamp, self.store, log)
        return log

    def unsigned_approvers(self) -> list[Approver]:
        """Approvers written straight into the settings (the list before it was signed): shown as
        not counted, never trusted."""
        return approvers_from_setting(self.setting(APPROVERS_KEY, []))

    def setting(self, key: str, default: Any = None) -> Any:
        return repo.get_setting(self.store, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        repo.set_setting(self.store, key, value)


class Feature:
    """The base of a sub-service: the core it works on."""

    def __init__(self, core: Core):
        self.core = core

    @property
    def store(self) -> Store:
        return self.core.store

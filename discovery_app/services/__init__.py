"""The use cases the GUI and the command line share: every read and write goes through here.

:class:`Discovery` is composed of one small service per feature, each with its dependencies
named in its constructor::

    service = Discovery.open(paths)
    service.engagements.summaries()
    service.interview.set_answer(eid, "it_user_count", 85)
    service.assessments.check(eid)
    service.documents.export_proposal(eid, path)
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from ..paths import AppPaths
from ..storage.db import Store, open_store
from .approvals import Approvals
from .base import Core, EditConflict, Forms, ServiceError
from .baseline import Baseline
from .checkout import Checkouts
from .conflicts import Changes
from .durability import Archives, Backups
from .engagements import Engagements, EngagementSummary
from .exports import Assessments, Documents
from .findings import Findings
from .handoff import Handoff
from .inventory import Inventory
from .library import Library
from .offer import Offer
from .prework import Prework
from .settings import Settings
from .standards import Standards
from .suggestions import Suggestions
from .workspace import Interview, Timer

__all__ = ["Discovery", "EditConflict", "EngagementSummary", "ServiceError"]


class Discovery:
    """Every use case of the app, on one store, one feature per attribute."""

    def __init__(self, store: Store, forms_root: Path | None = None):
        core = self._core = Core(store, forms_root)
        self.forms: Forms = core.forms
        self.settings = Settings(core)
        self.engagements = Engagements(core)
        self.interview = Interview(core)
        self.timer = Timer(core)
        self.assessments = Assessments(core, self.settings)
        self.inventory = Inventory(core)
        self.standards = Standards(core)
        self.findings = Findings(core, self.assessments, self.standards)
        self.offer = Offer(core, self.assessments)
        self.approvals = Approvals(core, self.offer)
        self.documents = Documents(core, self.assessments, self.settings)
        self.handoff = Handoff(core, self.documents)
        self.prework = Prework(core, self.interview, self.settings)
        self.suggestions = Suggestions(core, self.findings, self.standards)
        self.backups = Backups(core)
        self.archives = Archives(core)
        self.changes = Changes(core)
        self.baseline = Baseline(core, self.assessments, self.documents)
        self.library = Library(core)
        self.checkouts = Checkouts(core, self.library)

    @classmethod
    def open(cls, paths: AppPaths, forms_root: Path | None = None, *, read_only: bool = False) -> Self:
        """The service on the store at ``paths``; ``read_only``: beside a window that holds it
        (no migration, no backup, every write refused in words)."""
        store = open_store(paths.store, backup_dir=paths.backups, empty_is_new=paths.empty_is_new,
                           read_only=read_only)
        return cls(store, forms_root)

    @property
    def read_only(self) -> bool:
        return self._core.store.read_only

    @property
    def store(self) -> Store:
        """The open store (a restore replaces it)."""
        return self._core.store

    @property
    def repairs(self) -> list[str]:
        """What the last import or archive opening repaired (dangling links an older version left)."""
        return self._core.repairs

    def close(self) -> None:
        self._core.store.dispose()

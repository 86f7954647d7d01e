"""The use cases the GUI and the command line share: every read and write goes through here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from . import __version__, formsio
from .domain import answers as answers_mod
from .domain import fit as fit_mod
from .domain import matrix as matrix_mod
from .domain import pricing as pricing_mod
from .domain.engagement import (
    STATUS_FLOW,
    Engagement,
    EngagementHeader,
    InventoryCategory,
    Status,
    new_uid,
)
from .domain.forms import FormPackage
from .export import interchange
from .export.atomic import write_atomic
from .paths import AppPaths
from .storage import repository as repo
from .storage.db import Store, open_store

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A request the service cannot carry out; the message is for the consultant."""


@dataclass(frozen=True)
class EngagementSummary:
    """One row of the engagement list."""

    header: EngagementHeader
    fit_verdict: str
    fit_score: str
    completion: int

    def as_dict(self) -> dict[str, Any]:
        h = self.header
        return {
            "id": h.id,
            "client": h.client_name,
            "status": h.status.value,
            "consultant": h.consultant,
            "updated_at": h.updated_at.isoformat(),
            "form": f"{h.form_id}@{h.form_version}",
            "fit_verdict": self.fit_verdict,
            "fit_score": self.fit_score,
            "completion_percent": self.completion,
            "archived": h.archived,
        }


class DiscoveryService:
    def __init__(self, store: Store, forms_root: Path | None = None):
        self.store = store
        self._forms_root = forms_root
        self._snapshots: dict[str, FormPackage] = {}

    @classmethod
    def open(cls, paths: AppPaths, forms_root: Path | None = None) -> DiscoveryService:
        store = open_store(paths.db, backup_dir=paths.backups)
        return cls(store, forms_root)

    def close(self) -> None:
        self.store.dispose()

    # ---- forms ------------------------------------------------------------------------------

    @cached_property
    def form_results(self) -> list[formsio.LoadResult]:
        from . import resources

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
            pkg = formsio.package_from_json(repo.form_snapshot(self.store, eng.form_hash))
            self._snapshots[eng.form_hash] = pkg
        return pkg

    # ---- engagements ------------------------------------------------------------------------

    def create_engagement(
        self,
        client_name: str,
        *,
        form_key: str | None = None,
        consultant: str = "",
        internal_it_owner: str = "",
        industry: str = "",
        discovery_date: date | None = None,
    ) -> int:
        if not client_name.strip():
            raise ServiceError("The client name cannot be empty.")
        pkg = self.form(form_key)
        now = repo.now()
        eng = Engagement(
            client_name=client_name.strip(),
            consultant=consultant,
            internal_it_owner=internal_it_owner,
            industry=industry,
            discovery_date=discovery_date,
            created_at=now,
            updated_at=now,
            form_id=pkg.id,
            form_version=pkg.version,
            form_hash=pkg.content_hash(),
        )
        return self.save_new(eng, pkg)

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

    def list_engagements(self, *, include_archived: bool = False) -> list[EngagementSummary]:
        headers = repo.list_headers(self.store, include_archived=include_archived)
        answers = repo.answer_values_by_engagement(self.store, [h.id for h in headers if h.id is not None])
        out = []
        for h in headers:
            pkg = self.form_of(h)
            values = answers.get(h.id or 0, {})
            fit = fit_mod.evaluate(pkg, values)
            prog = answers_mod.progress(pkg.questionnaire, values)
            out.append(EngagementSummary(h, fit.label, str(fit.score), prog.percent))
        return out

    def set_answer(self, eid: int, question_id: str, value: Any, note: str | None = None) -> Any:
        """Check ``value`` against the engagement's form and store it; returns the stored value."""
        header = self._header(eid)
        pkg = self.form_of(header)
        q = pkg.questionnaire.question(question_id)
        if q is None:
            raise ServiceError(f"{question_id!r} is not a question of {pkg.key}.")
        try:
            stored = answers_mod.normalise(q, value, pkg.questionnaire)
        except answers_mod.AnswerError as exc:
            raise ServiceError(f"{q.label}: {exc}.") from exc
        repo.set_answer(self.store, eid, question_id, stored, note)
        return stored

    def update_engagement(self, eid: int, **fields: Any) -> None:
        if "status" in fields:
            raise ServiceError("Use set_status to change the status.")
        if "client_name" in fields and not str(fields["client_name"]).strip():
            raise ServiceError("The client name cannot be empty.")
        repo.update_header(self.store, eid, **fields)

    def set_status(self, eid: int, status: Status) -> None:
        current = self._header(eid).status
        if status == current:
            return
        if status not in STATUS_FLOW[current]:
            allowed = ", ".join(s.value for s in STATUS_FLOW[current]) or "none"
            raise ServiceError(f"An engagement cannot go from {current.value} to {status.value} (allowed: {allowed}).")
        repo.update_header(self.store, eid, status=status)

    def archive(self, eid: int, archived: bool = True) -> None:
        repo.update_header(self.store, eid, archived=archived)

    def delete(self, eid: int) -> None:
        try:
            repo.delete_engagement(self.store, eid)
        except repo.NotFound as exc:
            raise ServiceError(f"There is no engagement {eid}.") from exc

    def duplicate(self, eid: int, client_name: str | None = None) -> int:
        """A copy for a re-assessment: same answers and findings, new identity, back to draft."""
        eng = self.get(eid)
        data, mapping = self._renew_uids(eng)
        now = repo.now()
        data.update(
            id=None, uid=new_uid(), status=Status.DRAFT, archived=False, created_at=now, updated_at=now,
            client_name=client_name or eng.client_name, discount_approvals=[], time_log=[],
        )
        copy = Engagement.model_validate(data)
        attachments = repo.attachment_data(self.store, eid)
        renamed = {new: attachments[old] for old, new in mapping.items() if old in attachments}
        return self.save_new(copy, self.form_of(eng), renamed)

    @staticmethod
    def _renew_uids(eng: Engagement) -> tuple[dict[str, Any], dict[str, str]]:
        """Give every child record a fresh uid and rewrite the references to it."""
        mapping: dict[str, str] = {}
        for attr in ("sites", "contacts", "inventory", "risks", "remediation", "attachments"):
            for rec in getattr(eng, attr):
                mapping[rec.uid] = new_uid()
        data = eng.model_dump(mode="python")

        def fix(value: Any) -> Any:
            if isinstance(value, str):
                return mapping.get(value, value)
            if isinstance(value, list):
                return [fix(v) for v in value]
            return value

        for attr in ("sites", "contacts", "inventory", "risks", "remediation", "attachments"):
            for rec in data[attr]:
                for key in ("uid", "risk_uid", "linked_inventory", "depends_on"):
                    if key in rec:
                        rec[key] = fix(rec[key])
        return data, mapping

    def _header(self, eid: int) -> EngagementHeader:
        h = repo.header(self.store, eid)
        if h is None:
            raise ServiceError(f"There is no engagement {eid}.")
        return h

    # ---- summary ----------------------------------------------------------------------------

    def summary(self, eid: int) -> dict[str, Any]:
        eng = self.get(eid)
        pkg = self.form_of(eng)
        values = eng.answer_values()
        fit = fit_mod.evaluate(pkg, values)
        prog = answers_mod.progress(pkg.questionnaire, values)
        devices = [i for i in eng.inventory if i.category is InventoryCategory.DEVICE]
        return {
            "fit": fit,
            "progress": prog,
            "users": values.get("it_user_count"),
            "devices": len(devices),
            "risks": len(eng.risks),
            "remediation_items": len(eng.remediation),
        }

    # ---- pricing and the responsibility matrix --------------------------------------------

    def quote(self, eid: int) -> pricing_mod.Quote:
        """The engagement priced with the form it was run with."""
        eng = self.get(eid)
        try:
            return pricing_mod.build_quote(eng, self.form_of(eng))
        except pricing_mod.PricingError as exc:
            raise ServiceError(f"Cannot price engagement {eid}: {exc}") from exc

    def matrix(self, eid: int) -> matrix_mod.MatrixReport:
        """The responsibility matrix checked for exactly one Accountable party, with lane shares."""
        return matrix_mod.build_matrix(self.get(eid).responsibilities)

    # ---- interchange ------------------------------------------------------------------------

    def export_json(self, eid: int, target: Path) -> Path:
        eng = self.get(eid)
        text = interchange.dumps(
            eng, repo.form_snapshot(self.store, eng.form_hash), repo.attachment_data(self.store, eid), __version__
        )
        data = text.encode("utf-8")
        return write_atomic(Path(target), lambda fh: fh.write(data))

    def import_json(self, source: Path) -> int:
        """Import an engagement file whole, or raise without writing anything."""
        source = Path(source)
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise interchange.InterchangeError(str(source), [f"not UTF-8 text (byte {exc.start})"]) from None
        except OSError as exc:
            raise ServiceError(f"Cannot read {source}: {exc.strerror}.") from exc
        parsed = interchange.loads(text, str(source))
        eng = parsed.engagement
        attachments = parsed.attachments
        if eng.uid in repo.uids_in_use(self.store, [eng.uid]):
            # The same engagement is already here: import it as a copy rather than clash.
            data = eng.model_dump(mode="python")
            data["uid"] = new_uid()
            eng = Engagement.model_validate(data)
        return self.save_new(eng.model_copy(update={"id": None}), parsed.form, attachments)

    # ---- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        return repo.get_setting(self.store, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        repo.set_setting(self.store, key, value)

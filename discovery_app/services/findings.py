"""Findings use cases: the risk register with its evidence files, and the remediation plan.

Every write returns what undo needs to put things back (the deleted record and where it was),
and the matching ``restore_*`` call puts it back exactly, so the GUI's undo goes through here too.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..domain import plan as plan_mod
from ..domain import risks as risks_mod
from ..domain.engagement import Attachment, RemediationItem, Risk, StandardAssessment
from ..domain.forms import FormPackage, RiskTemplate, Role
from ..storage import repository as repo
from .base import Core, Feature, ServiceError
from .exports import Assessments
from .findings_files import MAX_ATTACHMENT_BYTES, detect_kind, stored_name
from .standards import Standards

RISK_FIELDS = frozenset({"title", "category", "likelihood", "impact", "description", "why_it_matters", "evidence",
                         "standard_category", "linked_inventory", "treatment"})
ITEM_FIELDS = frozenset({"title", "hours", "priority", "owner", "phase", "definition_of_done", "accepted",
                         "risk_uid", "standard_category"})


@dataclass(frozen=True)
class RemovedAttachment:
    position: int
    attachment: Attachment
    data: bytes


@dataclass(frozen=True)
class LibraryPick:
    """One library risk to add, with the consultant's adjustments (None keeps the library's)."""

    template_id: str
    title: str | None = None
    likelihood: int | None = None
    impact: int | None = None


@dataclass(frozen=True)
class DeletedRisk:
    position: int
    risk: Risk
    attachments: tuple[RemovedAttachment, ...] = ()
    items_unlinked: tuple[str, ...] = ()  # remediation items whose risk_uid pointed at it


@dataclass(frozen=True)
class DeletedItem:
    position: int
    item: RemediationItem
    dependants: dict[str, list[str]] = field(default_factory=dict)  # uid -> depends_on before


@dataclass(frozen=True)
class PlanView:
    plan: plan_mod.Plan
    roles: tuple[Role, ...]
    titles: dict[str, str]  # uid -> title of every remediation item

    def cycle_text(self, cycle: tuple[str, ...] | list[str]) -> str:
        return plan_mod.describe_cycle(cycle, self.titles)


def _problem(what: str, exc: ValidationError) -> ServiceError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "value"
    return ServiceError(f"Cannot save the {what}: {where} {first.get('msg', 'is not valid').lower()}.")


class Findings(Feature):

    def __init__(self, core: Core, assessments: Assessments, standards: Standards):
        super().__init__(core)
        self.assessments = assessments
        self.standards = standards

    # ---- reading --------------------------------------------------------------------------------

    def _form(self, eid: int) -> FormPackage:
        return self.core.form_of(self.core.header(eid))

    def risk_library(self, eid: int) -> list[RiskTemplate]:
        return list(self._form(eid).risk_library.risks)

    def remediation_roles(self, eid: int) -> list[Role]:
        return list(self._form(eid).pricing.roles)

    def risks(self, eid: int) -> list[Risk]:
        self.core.header(eid)
        return [Risk.model_validate(r) for r in repo.children(self.store, eid, "risks")]

    def risk_treatments(self, eid: int) -> dict[str, str]:
        """How each risk is treated, in the words the proposal uses (from its links, see
        domain/assessment.py), by risk uid."""
        return {uid: t.text for uid, t in self.assessments.of(eid).treatments.items()}

    def risk(self, eid: int, uid: str) -> Risk:
        self.core.header(eid)
        found = repo.child(self.store, eid, "risks", uid)
        if found is None:
            raise ServiceError("That risk is no longer in the register.")
        return Risk.model_validate(found)

    def remediation_items(self, eid: int) -> list[RemediationItem]:
        self.core.header(eid)
        return [RemediationItem.model_validate(r) for r in repo.children(self.store, eid, "remediation")]

    # ---- risks ----------------------------------------------------------------------------------

    def _check_risk(self, eid: int, risk: Risk) -> Risk:
        if risk.standard_category and risk.standard_category not in {c.id for c in self.standards.categories(eid)}:
            raise ServiceError(f"The form has no standards category {risk.standard_category!r}.")
        if risk.linked_inventory:
            known = {fields["uid"] for _, fields in repo.inventory_items_at(self.store, eid, risk.linked_inventory)}
            missing = [u for u in risk.linked_inventory if u not in known]
            if missing:
                raise ServiceError(f"{len(missing)} linked inventory item(s) are no longer in the inventory.")
        return risk

    def add_risk_from_library(
        self, eid: int, template_id: str, *, title: str | None = None, likelihood: int | None = None,
        impact: int | None = None,
    ) -> Risk:
        """A risk from the form's library, with the consultant's adjustments."""
        tpl = next((t for t in self.risk_library(eid) if t.id == template_id), None)
        if tpl is None:
            raise ServiceError(f"The form's risk library has no risk {template_id!r}.")
        try:
            risk = Risk(
                template_id=tpl.id, title=(title or tpl.title).strip(), category=tpl.category,
                likelihood=tpl.likelihood if likelihood is None else likelihood,
                impact=tpl.impact if impact is None else impact,
                description=tpl.description, why_it_matters=tpl.why_it_matters,
                standard_category=tpl.standard_category,
            )
        except ValidationError as exc:
            raise _problem("risk", exc) from exc
        return self.add_risk(eid, risk)

    def add_risks_from_library(self, eid: int, picks: list[LibraryPick]) -> list[Risk]:
        """Several library risks at once (one save): the risk library dialog's multi-select.

        Every pick is checked before anything is written, so a bad one adds none of them."""
        library = {t.id: t for t in self.risk_library(eid)}
        made: list[Risk] = []
        for pick in picks:
            tpl = library.get(pick.template_id)
            if tpl is None:
                raise ServiceError(f"The form's risk library has no risk {pick.template_id!r}.")
            try:
                risk = Risk(
                    template_id=tpl.id, title=(pick.title or tpl.title).strip(), category=tpl.category,
                    likelihood=tpl.likelihood if pick.likelihood is None else pick.likelihood,
                    impact=tpl.impact if pick.impact is None else pick.impact,
                    description=tpl.description, why_it_matters=tpl.why_it_matters,
                    standard_category=tpl.standard_category,
                )
            except ValidationError as exc:
                raise _problem("risk", exc) from exc
            made.append(self._check_risk(eid, risk))
        self.add_risks(eid, made)
        return made

    def add_risks(self, eid: int, new: list[Risk]) -> None:
        """Append several risks in one save (a multi-add, or its redo)."""
        risks = self.risks(eid)
        known = {r.uid for r in risks}
        if any(r.uid in known for r in new):
            raise ServiceError("That risk is already in the register.")
        for risk in new:
            self._check_risk(eid, risk)
        repo.replace_children(self.store, eid, "risks", risks + list(new))

    def remove_risks(self, eid: int, uids: list[str]) -> None:
        """Take several risks out (the undo of a multi-add); their evidence and links go with them."""
        for uid in uids:
            if any(r.uid == uid for r in self.risks(eid)):
                self.delete_risk(eid, uid)

    def add_risk(self, eid: int, risk: Risk, position: int | None = None) -> Risk:
        """Add a risk (a new one, or one put back by undo at its old position)."""
        self._check_risk(eid, risk)
        risks = self.risks(eid)
        if any(r.uid == risk.uid for r in risks):
            raise ServiceError("That risk is already in the register.")
        risks.insert(len(risks) if position is None else min(position, len(risks)), risk)
        repo.replace_children(self.store, eid, "risks", risks)
        return risk

    def update_risk(self, eid: int, uid: str, **changes: Any) -> Risk:
        """Change some fields of one risk; returns the saved risk."""
        unknown = set(changes) - RISK_FIELDS
        if unknown:
            raise ServiceError(f"A risk has no field {sorted(unknown)[0]!r}.")
        if "title" in changes and isinstance(changes["title"], str):
            changes["title"] = changes["title"].strip()
            if not changes["title"]:
                raise ServiceError("A risk needs a title.")
        current = self.risk(eid, uid)  # this one row: the register may hold hundreds
        try:
            updated = Risk.model_validate({**current.model_dump(), **changes})
        except ValidationError as exc:
            raise _problem("risk", exc) from exc
        self._check_risk(eid, updated)
        repo.update_child(self.store, eid, "risks", updated)  # one row, not the whole register
        return updated

    def put_risk(self, eid: int, risk: Risk) -> Risk:
        """Overwrite one risk with ``risk`` (same uid); used by edits and by undo."""
        self._check_risk(eid, risk)
        if not repo.update_child(self.store, eid, "risks", risk):
            raise ServiceError("That risk is no longer in the register.")
        return risk

    def link_risk_inventory(self, eid: int, uid: str, inventory_uids: list[str]) -> Risk:
        return self.update_risk(eid, uid, linked_inventory=list(dict.fromkeys(inventory_uids)))

    def set_risk_standard(self, eid: int, uid: str, category_id: str | None) -> Risk:
        return self.update_risk(eid, uid, standard_category=category_id or None)

    def delete_risk(self, eid: int, uid: str) -> DeletedRisk:
        """Remove a risk with its evidence files; its remediation items stay, unlinked."""
        risks = self.risks(eid)
        pos = next((n for n, r in enumerate(risks) if r.uid == uid), None)
        if pos is None:
            raise ServiceError("That risk is no longer in the register.")
        risk = risks.pop(pos)
        # Its evidence goes first: once the risk is gone, a link to it would be pruned, not removed.
        removed = tuple(self.remove_attachment(eid, a.uid) for a in self.attachments(eid, uid))
        items = self.remediation_items(eid)
        unlinked = tuple(i.uid for i in items if i.risk_uid == uid)
        items = [i.model_copy(update={"risk_uid": None}) if i.risk_uid == uid else i for i in items]
        repo.replace_children_many(self.store, eid, {"risks": risks, "remediation": items})
        return DeletedRisk(pos, risk, removed, unlinked)

    def restore_risk(self, eid: int, deleted: DeletedRisk) -> None:
        risks = [r for r in self.risks(eid) if r.uid != deleted.risk.uid]
        risks.insert(min(deleted.position, len(risks)), deleted.risk)
        items = [i.model_copy(update={"risk_uid": deleted.risk.uid}) if i.uid in deleted.items_unlinked else i
                 for i in self.remediation_items(eid)]
        repo.replace_children_many(self.store, eid, {"risks": risks, "remediation": items})
        for removed in deleted.attachments:
            self.restore_attachment(eid, removed)

    # ---- evidence files -------------------------------------------------------------------------

    def attachments(self, eid: int, risk_uid: str | None = None) -> list[Attachment]:
        self.core.header(eid)
        out = [Attachment.model_validate(r) for r in repo.children(self.store, eid, "attachments")]
        return out if risk_uid is None else [a for a in out if a.risk_uid == risk_uid]

    def attach_file(self, eid: int, risk_uid: str, path: Path, note: str = "") -> Attachment:
        """Copy a file into the store as evidence of a risk (checked by content, never run)."""
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_ATTACHMENT_BYTES:
                raise ServiceError(self._too_big(path.name, size))
            data = path.read_bytes()
        except OSError as exc:
            raise ServiceError(f"Cannot read “{path.name}”: {exc.strerror or exc}.") from exc
        return self.attach_bytes(eid, risk_uid, path.name, data, note)

    @staticmethod
    def _too_big(name: str, size: int) -> str:
        return (f"“{name}” is {size / 1048576:.1f} MB; evidence files can be at most "
                f"{MAX_ATTACHMENT_BYTES // 1048576} MB. Attach a smaller photo or an extract.")

    def attach_bytes(self, eid: int, risk_uid: str, name: str, data: bytes, note: str = "") -> Attachment:
        self.risk(eid, risk_uid)
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ServiceError(self._too_big(name, len(data)))
        if not data:
            raise ServiceError(f"“{name}” is empty; there is nothing to attach.")
        kind = detect_kind(data, name)
        digest = hashlib.sha256(data).hexdigest()
        for a in self.attachments(eid, risk_uid):
            if a.sha256 == digest:
                raise ServiceError(f"This file is already attached to the risk as “{a.file_name}”.")
        att = Attachment(risk_uid=risk_uid, file_name=stored_name(name, kind), content_type=kind.content_type,
                         sha256=digest, size=len(data), note=note, in_proposal=kind.content_type.startswith("image/"))
        repo.insert_attachment(self.store, eid, att, data)
        return att

    def find_attachment(self, eid: int, ref: str) -> Attachment:
        """An evidence file by its id, the start of its id (6 characters or more) or its file name."""
        ref = ref.strip()
        files = self.attachments(eid)
        hits = [a for a in files if a.uid == ref] or \
               [a for a in files if len(ref) >= 6 and a.uid.startswith(ref)] or \
               [a for a in files if a.file_name.casefold() == ref.casefold()]
        if not hits:
            raise ServiceError(f"Engagement {eid} has no evidence file “{ref}”; 'findings photos {eid}' lists them.")
        if len(hits) > 1:
            raise ServiceError(f"“{ref}” names {len(hits)} evidence files; use the id 'findings photos {eid}' shows.")
        return hits[0]

    def set_in_proposal(self, eid: int, ref: str, include: bool) -> Attachment:
        """Show a photo in the proposal's evidence-photos appendix, or leave it out. ``ref``: as
        :meth:`find_attachment`. Only images can go in; leaving out works for any file."""
        att = self.find_attachment(eid, ref)
        if include and not att.is_image:
            raise ServiceError(f"“{att.file_name}” is not a photo ({att.content_type}); only images go in the "
                               "proposal's evidence-photos appendix.")
        if att.in_proposal == include:
            return att
        changed = att.model_copy(update={"in_proposal": include})
        if not repo.update_child(self.store, eid, "attachments", changed):
            raise ServiceError("That evidence file is no longer attached.")
        return changed

    def attachment_bytes(self, eid: int, uid: str) -> bytes:
        try:
            data = repo.attachment_blob(self.store, eid, uid)
        except repo.NotFound as exc:
            raise ServiceError("That evidence file is no longer attached.") from exc
        if data is None:
            raise ServiceError("The store has no content for that evidence file.")
        return data

    def attachment_view_file(self, eid: int, uid: str) -> Path:
        """A private temporary copy of an evidence file for the system viewer to open.

        The name carries the extension of the detected kind, so the viewer for that kind opens it.
        """
        att = next((a for a in self.attachments(eid) if a.uid == uid), None)
        if att is None:
            raise ServiceError("That evidence file is no longer attached.")
        data = self.attachment_bytes(eid, uid)
        folder = Path(tempfile.mkdtemp(prefix="discovery-evidence-"))
        target = folder / att.file_name
        target.write_bytes(data)
        target.chmod(0o400)
        return target

    def remove_attachment(self, eid: int, uid: str) -> RemovedAttachment:
        try:
            pos, fields, data = repo.delete_attachment(self.store, eid, uid)
        except repo.NotFound as exc:
            raise ServiceError("That evidence file is no longer attached.") from exc
        return RemovedAttachment(pos, Attachment.model_validate(fields), data or b"")

    def restore_attachment(self, eid: int, removed: RemovedAttachment) -> None:
        repo.insert_attachment(self.store, eid, removed.attachment, removed.data, removed.position)

    # ---- remediation ----------------------------------------------------------------------------

    def remediation_suggestions(self, eid: int) -> list[plan_mod.Suggestion]:
        """Items the risks and standards gaps call for that no item covers yet."""
        pkg = self._form(eid)
        assessments = [StandardAssessment.model_validate(r) for r in repo.standard_assessments(self.store, eid)]
        return plan_mod.suggest(self.risks(eid), pkg.risk_library.risks, pkg.standards, assessments,
                                self.remediation_items(eid), cuts=risks_mod.cuts_of(pkg),
                                sites=[r["name"] for r in repo.children(self.store, eid, "sites")])

    def _check_item(self, eid: int, item: RemediationItem, others: list[RemediationItem],
                    before: RemediationItem | None = None) -> None:
        roles = {r.id for r in self.remediation_roles(eid)}
        unknown = sorted(set(item.hours) - roles)
        if unknown:
            raise ServiceError(f"“{item.title}” has hours for {unknown[0]!r}, which is not a role of the form.")
        uids = {i.uid for i in others}
        kept = set(before.depends_on) if before else set()
        gone = [d for d in item.depends_on if d not in uids and d not in kept]
        if gone:
            raise ServiceError(f"“{item.title}” depends on an item that is no longer in the plan.")
        loop = plan_mod.cycle_if(others, item.uid, item.depends_on)
        if loop:
            titles = {i.uid: i.title for i in others} | {item.uid: item.title}
            raise ServiceError(self._loop_message(loop, titles))

    @staticmethod
    def _loop_message(loop: list[str], titles: dict[str, str]) -> str:
        if len(loop) == 1:
            return f"“{titles.get(loop[0], loop[0])}” cannot depend on itself."
        return ("That dependency would make a loop, so no item in it could ever start: "
                f"{plan_mod.describe_cycle(loop, titles)}. Remove one of these dependencies first.")

    def add_remediation_item(self, eid: int, item: RemediationItem, position: int | None = None) -> RemediationItem:
        items = self.remediation_items(eid)
        if any(i.uid == item.uid for i in items):
            raise ServiceError("That item is already in the plan.")
        self._check_item(eid, item, items)
        items.insert(len(items) if position is None else min(position, len(items)), item)
        repo.replace_children(self.store, eid, "remediation", items)
        return item

    def accept_suggestion(self, eid: int, key: str, **changes: Any) -> RemediationItem:
        """Add the suggestion ``key`` as an item, with the consultant's edits."""
        sug = next((s for s in self.remediation_suggestions(eid) if s.key == key), None)
        if sug is None:
            raise ServiceError("That suggestion is no longer open (it may have been added already).")
        try:
            item = sug.to_item(**changes)
        except ValidationError as exc:
            raise _problem("item", exc) from exc
        return self.add_remediation_item(eid, item)

    def update_remediation_item(self, eid: int, uid: str, **changes: Any) -> RemediationItem:
        unknown = set(changes) - ITEM_FIELDS - {"depends_on"}
        if unknown:
            raise ServiceError(f"A remediation item has no field {sorted(unknown)[0]!r}.")
        if isinstance(changes.get("title"), str):
            changes["title"] = changes["title"].strip()
            if not changes["title"]:
                raise ServiceError("A remediation item needs a title.")
        current = next((i for i in self.remediation_items(eid) if i.uid == uid), None)
        if current is None:
            raise ServiceError("That item is no longer in the plan.")
        try:
            updated = RemediationItem.model_validate({**current.model_dump(), **changes})
        except ValidationError as exc:
            raise _problem("item", exc) from exc
        return self.put_remediation_item(eid, updated)

    def put_remediation_item(self, eid: int, item: RemediationItem) -> RemediationItem:
        """Overwrite one item (same uid); refuses a dependency loop with the items named."""
        items = self.remediation_items(eid)
        for n, i in enumerate(items):
            if i.uid == item.uid:
                self._check_item(eid, item, items, before=i)
                items[n] = item
                repo.replace_children(self.store, eid, "remediation", items)
                return item
        raise ServiceError("That item is no longer in the plan.")

    def dependency_problem(self, eid: int, uid: str, depends_on: list[str]) -> str | None:
        """What is wrong with giving item ``uid`` these dependencies (a loop, named), or None."""
        items = self.remediation_items(eid)
        current = next((i for i in items if i.uid == uid), None)
        if current is None:
            return "That item is no longer in the plan."
        try:
            self._check_item(eid, current.model_copy(update={"depends_on": list(depends_on)}), items, before=current)
        except ServiceError as exc:
            return str(exc)
        return None

    def set_dependencies(self, eid: int, uid: str, depends_on: list[str]) -> RemediationItem:
        return self.update_remediation_item(eid, uid, depends_on=list(dict.fromkeys(depends_on)))

    def delete_remediation_item(self, eid: int, uid: str) -> DeletedItem:
        """Remove an item; items that waited for it stop waiting (undo puts that back too)."""
        items = self.remediation_items(eid)
        pos = next((n for n, i in enumerate(items) if i.uid == uid), None)
        if pos is None:
            raise ServiceError("That item is no longer in the plan.")
        item = items.pop(pos)
        dependants = {i.uid: list(i.depends_on) for i in items if uid in i.depends_on}
        items = [i.model_copy(update={"depends_on": [d for d in i.depends_on if d != uid]}) if i.uid in dependants else i
                 for i in items]
        repo.replace_children(self.store, eid, "remediation", items)
        return DeletedItem(pos, item, dependants)

    def restore_remediation_item(self, eid: int, deleted: DeletedItem) -> None:
        items = [i for i in self.remediation_items(eid) if i.uid != deleted.item.uid]
        items = [i.model_copy(update={"depends_on": deleted.dependants[i.uid]}) if i.uid in deleted.dependants else i
                 for i in items]
        items.insert(min(deleted.position, len(items)), deleted.item)
        repo.replace_children(self.store, eid, "remediation", items)

    def stabilization_plan(self, eid: int) -> PlanView:
        roles = self.remediation_roles(eid)
        items = self.remediation_items(eid)
        return PlanView(plan_mod.build_plan(items, [r.id for r in roles]), tuple(roles),
                        {i.uid: i.title for i in items})

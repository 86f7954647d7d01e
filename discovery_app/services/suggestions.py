"""Suggested findings: the form's rules over the answers and the inventory, accepted into the
risk register (or the standards assessment) or dismissed with a reason; and the lifecycle facts
the inventory page and the replacement plan read (end of support, replacements by quarter).

Dismissals are kept in the store's settings, per engagement uid (no schema change).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from ..domain import lifecycle as lifecycle_mod
from ..domain import suggestions as sugg
from ..domain.engagement import (
    DismissedSuggestion,
    Engagement,
    InventoryCategory,
    Risk,
    StandardAssessment,
    StandardStatus,
)
from ..storage import repository as repo
from .base import Core, Feature, ServiceError
from .findings import Findings
from .standards import Standards

log = logging.getLogger("discovery_app.services.suggestions")

MAX_REASON = 2000


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


class Suggestions(Feature):

    def __init__(self, core: Core, findings: Findings, standards: Standards):
        super().__init__(core)
        self.findings = findings
        self.standards = standards
        # eid -> (what the evaluation depended on, the suggestions): one evaluation shared by the
        # Risks page and the navigator's count until the engagement or a dismissal changes.
        self._cache: dict[int, tuple[Any, list[sugg.Suggestion]]] = {}

    def forget(self) -> None:
        """Drop the kept evaluations (the next read evaluates the rules again)."""
        self._cache.clear()

    def _dismissed(self, eid: int) -> dict[str, dict[str, str]]:
        """suggestion key -> {"reason", "on"} of every suggestion dismissed for the engagement."""
        return {r["key"]: {"reason": r["reason"], "on": r["dismissed_on"].isoformat()}
                for r in repo.children(self.store, eid, "dismissed_suggestions")}

    def _save_dismissed(self, eid: int, data: dict[str, dict[str, str]]) -> None:
        repo.replace_children(self.store, eid, "dismissed_suggestions", [
            DismissedSuggestion(key=k, reason=v.get("reason", ""), dismissed_on=date.fromisoformat(v["on"]))
            for k, v in data.items()])

    def _engagement_for_rules(self, eid: int) -> tuple[Engagement, list[lifecycle_mod.DeviceFacts]]:
        """What the rules read: the engagement without its inventory, and the devices as light
        facts read straight from their rows (20,000 devices in a fraction of a second)."""
        self.core.header(eid)  # a clear message when there is no such engagement
        eng = repo.load_engagement(self.store, eid, skip=("attachments", "time_log", "responsibilities", "inventory",
                                                          "remediation", "discount_approvals", "signed_approvals",
                                                          "client_answers"))
        device = InventoryCategory.DEVICE.value
        devices = [
            lifecycle_mod.DeviceFacts(r["uid"], r["name"], InventoryCategory.DEVICE, r["kind"] or "", r["os"] or "",
                                      r["source"] or "", _day(r["purchase_date"]), _day(r["warranty_end"]))
            for r in repo.children(self.store, eid, "inventory") if r["category"] == device]
        return eng, devices

    def _suggest(self, read: tuple[Engagement, list[lifecycle_mod.DeviceFacts]], today: date | None) -> list[sugg.Suggestion]:
        eng, devices = read
        pkg = self.core.form_of(eng)
        dismissed = {d.key: d.reason for d in eng.dismissed_suggestions}
        return sugg.suggest(pkg, eng.answer_values(), devices, eng.risks, eng.standards,
                            today or date.today(), dismissed)

    def current(self, eid: int, *, today: date | None = None,
                           include_dismissed: bool = True) -> list[sugg.Suggestion]:
        """The engagement's suggested findings, open ones first in the form's order, then the
        dismissed ones (unless ``include_dismissed`` is False). Kept until the engagement (or a
        dismissal) changes, so the Risks page and the navigator's count share one evaluation."""
        h = self.core.header(eid)
        day = today or date.today()
        key = (h.updated_at, h.form_hash, repr(self._dismissed(eid)), day)
        cache = self._cache
        held = cache.get(eid)
        if held is not None and held[0] == key:
            found = held[1]
        else:
            found = self._suggest(self._engagement_for_rules(eid), day)
            cache[eid] = (key, found)
        open_ = [s for s in found if not s.dismissed]
        return open_ + ([s for s in found if s.dismissed] if include_dismissed else [])

    def open_count(self, eid: int, *, today: date | None = None) -> int:
        """How many suggestions wait for a decision (the navigator's count)."""
        return len(self.current(eid, today=today, include_dismissed=False))

    def _suggestion(self, eid: int, key: str, today: date | None) -> sugg.Suggestion:
        for s in self.current(eid, today=today):
            if s.key == key:
                return s
        raise ServiceError(f"There is no suggestion {key!r} for this engagement any more (its trigger is gone, "
                           "or it was accepted already).")

    def accept(self, eid: int, key: str, *, today: date | None = None) -> Risk | StandardAssessment:
        """Create the suggested risk, with what triggered it as evidence and the devices linked,
        or record the standards gap; returns what was created."""
        s = self._suggestion(eid, key, today)
        evidence = "Suggested from the discovery: " + "; ".join(s.triggers) if s.triggers else ""
        if s.standard:
            record = self.standards.set_assessment(eid, s.standard, status=StandardStatus.MISSING,
                                                  notes=evidence)
            self._undismiss(eid, key)
            log.info("engagement %s: suggestion %s accepted (standards gap)", eid, key)
            return record
        tpl = next((t for t in self.core.form_of(self.core.header(eid)).risk_library.risks if t.id == s.risk), None)
        if tpl is None:
            raise ServiceError(f"The form's risk library has no risk {s.risk!r}.")
        risk = Risk(template_id=tpl.id, title=tpl.title, category=tpl.category, likelihood=tpl.likelihood,
                    impact=tpl.impact, description=tpl.description, why_it_matters=tpl.why_it_matters,
                    standard_category=tpl.standard_category, evidence=evidence[:20000],
                    linked_inventory=list(s.device_uids))
        added: Risk = self.findings.add_risk(eid, risk)
        self._undismiss(eid, key)
        log.info("engagement %s: suggestion %s accepted (%d devices linked)", eid, key, len(s.device_uids))
        return added

    def dismiss(self, eid: int, key: str, reason: str = "", *, today: date | None = None) -> None:
        """Dismiss a suggestion (remembered for this engagement, with the reason given)."""
        h = self.core.header(eid)
        if key not in {sugg.key_of(r) for r in self.core.form_of(h).suggestion_rules or ()}:
            raise ServiceError(f"The form's rules suggest nothing called {key!r}.")
        reason = " ".join(reason.split())
        if len(reason) > MAX_REASON:
            raise ServiceError(f"A reason cannot be longer than {MAX_REASON} characters.")
        data = self._dismissed(eid)
        data[key] = {"reason": reason, "on": (today or date.today()).isoformat()}
        self._save_dismissed(eid, data)
        log.info("engagement %s: suggestion %s dismissed", eid, key)

    def restore(self, eid: int, key: str) -> None:
        """Bring a dismissed suggestion back (undo of a dismissal)."""
        self._undismiss(eid, key)

    def _undismiss(self, eid: int, key: str) -> None:
        self.core.header(eid)
        data = self._dismissed(eid)
        if data.pop(key, None) is not None:
            self._save_dismissed(eid, data)

    # ---- lifecycle ----------------------------------------------------------------------------

    def end_of_support(self, eid: int, *, today: date | None = None) -> dict[str, lifecycle_mod.DeviceSupport]:
        """Each device's operating system support (by uid), from the form's lifecycle table;
        devices whose OS the table does not know are left out."""
        h = self.core.header(eid)
        items = self._engagement_for_rules(eid)[1]
        return lifecycle_mod.support_by_uid(self.core.form_of(h).lifecycle, items, today or date.today())

    def replacement_plan(self, eid: int, *, today: date | None = None) -> list[lifecycle_mod.ReplacementLine]:
        """Hardware replacements by quarter, counted per device kind and priced per unit from the
        form's price list (for the roadmap's budget)."""
        h = self.core.header(eid)
        pkg = self.core.form_of(h)
        items = self._engagement_for_rules(eid)[1]
        return lifecycle_mod.replacement_plan(items, pkg.lifecycle, pkg.pricing, today or date.today())

    def as_json(self, eid: int, *, today: date | None = None) -> dict[str, Any]:
        """The suggestions and the replacement plan as JSON-ready data (``findings suggest --json``)."""
        found = self.current(eid, today=today)
        plan = self.replacement_plan(eid, today=today)
        return {
            "engagement": eid,
            "suggestions": [s.as_json() for s in found],
            "replacements": [{"quarter": r.quarter, "kind": r.kind, "count": r.count, "overdue": r.overdue,
                              "unit_cost": None if r.unit_cost is None else str(r.unit_cost),
                              "total": None if r.total is None else str(r.total), "devices": list(r.devices)}
                             for r in plan],
        }

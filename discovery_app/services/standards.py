"""Standards fit use cases: assess one standard-stack category at a time, and the alignment."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import standards as std
from ..domain.engagement import ExceptionDecision, StandardAssessment, StandardStatus
from ..domain.forms import StandardCategory
from ..storage import repository as repo
from .base import Feature, ServiceError


@dataclass(frozen=True)
class StandardsView:
    """What the standards page shows: the form's categories and the engagement's assessments."""

    categories: tuple[StandardCategory, ...]
    assessments: dict[str, StandardAssessment]  # by category id; a missing key: not assessed yet
    currency: str
    alignment: std.Alignment


class Standards(Feature):
    def categories(self, eid: int) -> list[StandardCategory]:
        """The standards categories of the engagement's form, in the form's order."""
        return list(self.core.form_of(self.core.header(eid)).standards)

    def view(self, eid: int) -> StandardsView:
        pkg = self.core.form_of(self.core.header(eid))
        assessments = [StandardAssessment.model_validate(r) for r in repo.standard_assessments(self.store, eid)]
        ids = [c.id for c in pkg.standards]
        return StandardsView(
            categories=tuple(pkg.standards),
            assessments={a.category_id: a for a in assessments if a.category_id in ids},
            currency=pkg.pricing.currency,
            alignment=std.alignment(ids, assessments),
        )

    def alignment(self, eid: int) -> std.Alignment:
        return self.view(eid).alignment

    def set_assessment(
        self,
        eid: int,
        category_id: str,
        *,
        current_tool: str | None = None,
        status: StandardStatus | str | None = None,
        decision: ExceptionDecision | str | None = None,
        notes: str | None = None,
        clear_decision: bool = False,
    ) -> StandardAssessment:
        """Set some fields of one category's assessment (creating it when not assessed yet).

        A decision only belongs to an exception: changing the status to anything else clears it.
        """
        pkg = self.core.form_of(self.core.header(eid))
        if category_id not in {c.id for c in pkg.standards}:
            raise ServiceError(f"The form has no standards category {category_id!r}.")
        current = next((StandardAssessment.model_validate(r) for r in repo.standard_assessments(self.store, eid)
                        if r["category_id"] == category_id), None)
        data: dict[str, object] = current.model_dump() if current else {"category_id": category_id}
        try:
            if current_tool is not None:
                data["current_tool"] = current_tool.strip()
            if status is not None:
                data["status"] = StandardStatus(status)
            if decision is not None:
                data["decision"] = ExceptionDecision(decision)
            if clear_decision:
                data["decision"] = None
            if notes is not None:
                data["notes"] = notes
            record = StandardAssessment.model_validate(data)
        except ValueError as exc:
            raise ServiceError(f"Cannot save the {category_id!r} assessment: {exc}") from exc
        if record.status is not StandardStatus.EXCEPTION and record.decision is not None:
            record = record.model_copy(update={"decision": None})
        repo.set_standard_assessment(self.store, eid, category_id, record)
        return record

    def restore_assessment(self, eid: int, category_id: str, record: StandardAssessment | None) -> None:
        """Put one category back exactly as it was (``None``: not assessed); used by undo."""
        self.core.header(eid)
        repo.set_standard_assessment(self.store, eid, category_id, record)

"""Pricing and the responsibility matrix of an engagement.

A quote needs the pricing inputs, the answers, sites, standards, remediation and approvals, and
of the inventory only how many devices there are of each kind. :meth:`PricingMixin.pricing_basis`
reads exactly that (the inventory as one count per kind, not 20,000 records), and
:meth:`PricingMixin.quote_of` prices a basis without touching the store, so the pricing page
recomputes on every keystroke from the basis it read once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain import matrix as matrix_mod
from ..domain import pricing as pricing_mod
from ..domain.engagement import (
    DiscountApproval,
    Engagement,
    InventoryCategory,
    InventoryItem,
    PricingInputs,
)
from ..domain.forms import FormPackage
from ..storage import repository as repo
from .base import ServiceBase, ServiceError

#: The child collections a quote reads (the inventory is read as counts, see PricingBasis).
QUOTE_CHILDREN = ("sites", "answers", "standards", "remediation", "discount_approvals")


@dataclass(frozen=True)
class PricingBasis:
    """What a quote is computed from.

    ``engagement`` holds every collection the pricing engine reads, except that its inventory
    stands for the real one by count: one record per (category, kind), repeated as many times as
    the engagement has such items. ``device_counts`` gives the same counts by (category, kind).
    """

    engagement: Engagement
    form: FormPackage
    device_counts: dict[tuple[str, str], int]

    def with_inputs(self, pricing: PricingInputs | None = None,
                    approvals: list[DiscountApproval] | None = None) -> PricingBasis:
        """The same basis with other pricing inputs and/or approvals (nothing is read)."""
        update: dict[str, object] = {}
        if pricing is not None:
            update["pricing"] = pricing
        if approvals is not None:
            update["discount_approvals"] = list(approvals)
        return replace(self, engagement=self.engagement.model_copy(update=update)) if update else self


def stand_ins(counts: dict[tuple[str, str], int]) -> list[InventoryItem]:
    out: list[InventoryItem] = []
    for (category, kind), n in sorted(counts.items()):
        item = InventoryItem(category=InventoryCategory(category), kind=kind, name=kind or category)
        out.extend([item] * n)
    return out


class PricingMixin(ServiceBase):
    def pricing_basis(self, eid: int) -> PricingBasis:
        """Everything a quote of ``eid`` needs, read without the inventory's records."""
        header = self._header(eid)
        data = header.model_dump()
        for attr in QUOTE_CHILDREN:
            data[attr] = repo.children(self.store, eid, attr)
        data["pricing"] = repo.pricing_inputs(self.store, eid)
        counts = repo.inventory_kind_counts(self.store, eid)
        eng = Engagement.model_validate(data).model_copy(update={"inventory": stand_ins(counts)})
        return PricingBasis(eng, self.form_of(header), counts)

    @staticmethod
    def quote_of(basis: PricingBasis) -> pricing_mod.Quote:
        """Price a basis (no store access)."""
        try:
            return pricing_mod.build_quote(basis.engagement, basis.form)
        except pricing_mod.PricingError as exc:
            raise ServiceError(f"Cannot price engagement {basis.engagement.id}: {exc}") from exc

    def quote(self, eid: int) -> pricing_mod.Quote:
        """The engagement priced with the form it was run with."""
        return self.quote_of(self.pricing_basis(eid))

    def matrix(self, eid: int) -> matrix_mod.MatrixReport:
        """The responsibility matrix checked for exactly one Accountable party, with lane shares."""
        return matrix_mod.build_matrix(self.get(eid).responsibilities)

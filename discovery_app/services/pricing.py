"""Pricing and the responsibility matrix of an engagement.

A quote needs the pricing inputs, the answers, sites, standards, remediation and approvals, and
of the inventory only how many devices there are of each kind. :meth:`PricingMixin.pricing_basis`
reads exactly that (a :class:`~discovery_app.domain.basis.Basis`: the inventory as one count per
kind, not 20,000 records), and
:meth:`PricingMixin.quote_of` prices a basis without touching the store, so the pricing page
recomputes on every keystroke from the basis it read once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain import matrix as matrix_mod
from ..domain import pricing as pricing_mod
from ..domain.basis import Basis
from ..domain.engagement import DiscountApproval, Engagement, PricingInputs
from ..domain.forms import FormPackage
from ..storage import repository as repo
from .base import ServiceBase, ServiceError

#: The child collections a quote reads (the inventory is read as counts, see PricingBasis).
QUOTE_CHILDREN = ("sites", "answers", "standards", "remediation", "discount_approvals")


@dataclass(frozen=True)
class PricingBasis:
    """A :class:`~discovery_app.domain.basis.Basis` with the form it is priced by."""

    basis: Basis
    form: FormPackage
    locale: str | None = None  # how the quote's sentences write percents

    @property
    def engagement(self) -> Engagement:
        return self.basis.engagement

    def with_inputs(self, pricing: PricingInputs | None = None,
                    approvals: list[DiscountApproval] | None = None) -> PricingBasis:
        """The same basis with other pricing inputs and/or approvals (nothing is read)."""
        return replace(self, basis=self.basis.with_inputs(pricing, approvals))


class PricingMixin(ServiceBase):
    def pricing_basis(self, eid: int) -> PricingBasis:
        """Everything a quote of ``eid`` needs, read without the inventory's records."""
        header = self._header(eid)
        data = header.model_dump()
        for attr in QUOTE_CHILDREN:
            data[attr] = repo.children(self.store, eid, attr)
        data["pricing"] = repo.pricing_inputs(self.store, eid)
        counts = repo.inventory_kind_counts(self.store, eid)
        return PricingBasis(Basis(Engagement.model_validate(data), counts), self.form_of(header),
                            self.sentence_locale())  # type: ignore[attr-defined]  # ExportsMixin, same service

    @staticmethod
    def quote_of(basis: PricingBasis) -> pricing_mod.Quote:
        """Price a basis (no store access)."""
        try:
            return pricing_mod.build_quote(basis.basis, basis.form, basis.locale)
        except pricing_mod.PricingError as exc:
            raise ServiceError(f"Cannot price engagement {basis.engagement.id}: {exc}") from exc

    def quote(self, eid: int) -> pricing_mod.Quote:
        """The engagement priced with the form it was run with."""
        return self.quote_of(self.pricing_basis(eid))

    def matrix(self, eid: int) -> matrix_mod.MatrixReport:
        """The responsibility matrix checked for exactly one Accountable party, with lane shares."""
        return matrix_mod.build_matrix(self.get(eid).responsibilities)

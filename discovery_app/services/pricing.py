"""Pricing and the responsibility matrix of an engagement.

A quote needs the pricing inputs, the answers, sites, standards, remediation and approvals, and
of the inventory only how many devices there are of each kind. :meth:`~discovery_app.services.offer.Offer.pricing_basis`
reads exactly that (a :class:`~discovery_app.domain.basis.Basis`: the inventory as one count per
kind, not 20,000 records), and
:meth:`~discovery_app.services.offer.Offer.quote_of` prices a basis without touching the store, so the pricing page
recomputes on every keystroke from the basis it read once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain.basis import Basis
from ..domain.engagement import DiscountApproval, Engagement, PricingInputs
from ..domain.forms import FormPackage

#: The child collections a quote reads (the inventory is read as counts, see PricingBasis).
QUOTE_CHILDREN = ("sites", "answers", "standards", "remediation", "discount_approvals", "signed_approvals")


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

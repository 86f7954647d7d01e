"""Pricing and the responsibility matrix of an engagement."""

from __future__ import annotations

from ..domain import matrix as matrix_mod
from ..domain import pricing as pricing_mod
from .base import ServiceBase, ServiceError


class PricingMixin(ServiceBase):
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


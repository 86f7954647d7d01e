"""What an assessment is computed from: an engagement's records, with its inventory as counts.

Pricing, scheduling and readiness never need the inventory's records, only how many devices
there are of each kind (and how many have no kind). A :class:`Basis` carries exactly that, so a
20,000-device engagement is assessed from a dozen numbers, and the same function serves the
pricing page's keystrokes, the command line and the documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .approvals import Approver
from .engagement import (
    DiscountApproval,
    Engagement,
    InventoryCategory,
    InventoryItem,
    PricingInputs,
)


def kind_counts(items: Iterable[InventoryItem]) -> dict[tuple[str, str], int]:
    """How many inventory records there are per (category, kind); kinds are stripped."""
    out: dict[tuple[str, str], int] = {}
    for item in items:
        key = (item.category.value, item.kind.strip())
        out[key] = out.get(key, 0) + 1
    return out


@dataclass(frozen=True)
class Basis:
    """``engagement`` holds every record except the inventory (its ``inventory`` list is not
    read); ``inventory_counts`` says how many records there are per (category, kind)."""

    engagement: Engagement
    inventory_counts: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # The practice's discount approvers (from its settings); the form package may list more.
    approvers: tuple[Approver, ...] = ()

    @classmethod
    def of(cls, eng: Engagement, approvers: Iterable[Approver] = ()) -> Basis:
        """The basis of a whole engagement (its inventory counted, then left out)."""
        return cls(eng.model_copy(update={"inventory": []}), kind_counts(eng.inventory), tuple(approvers))

    def devices_by_kind(self) -> dict[str, int]:
        """Device records per non-empty kind."""
        out: dict[str, int] = {}
        for (category, kind), n in self.inventory_counts.items():
            kind = kind.strip()
            if category == InventoryCategory.DEVICE.value and kind:
                out[kind] = out.get(kind, 0) + n
        return out

    def devices_without_kind(self) -> int:
        return sum(n for (category, kind), n in self.inventory_counts.items()
                   if category == InventoryCategory.DEVICE.value and not kind.strip())

    def with_inputs(self, pricing: PricingInputs | None = None,
                    approvals: list[DiscountApproval] | None = None) -> Basis:
        """The same basis with other pricing inputs and/or approvals (nothing is read)."""
        update: dict[str, object] = {}
        if pricing is not None:
            update["pricing"] = pricing
        if approvals is not None:
            update["discount_approvals"] = list(approvals)
        return replace(self, engagement=self.engagement.model_copy(update=update)) if update else self

"""The use cases the GUI and the command line share: every read and write goes through here.

One class, :class:`DiscoveryService`, assembled from a mixin per feature so each feature's use
cases live in their own module.
"""

from __future__ import annotations

from .base import ServiceBase, ServiceError
from .durability import DurabilityMixin
from .engagements import EngagementsMixin, EngagementSummary
from .exports import ExportsMixin
from .findings import FindingsMixin
from .handoff import HandoffMixin
from .inventory import InventoryMixin
from .inventory_edits import InventoryEditsMixin
from .offer import OfferMixin
from .prework import PreworkMixin
from .pricing import PricingMixin
from .standards import StandardsMixin
from .suggestions import SuggestionsMixin
from .workspace import WorkspaceMixin

__all__ = ["DiscoveryService", "EngagementSummary", "ServiceBase", "ServiceError"]


class DiscoveryService(EngagementsMixin, InventoryMixin, InventoryEditsMixin, StandardsMixin, FindingsMixin, PricingMixin, OfferMixin, HandoffMixin, ExportsMixin, WorkspaceMixin, DurabilityMixin, PreworkMixin, SuggestionsMixin, ServiceBase):
    """Every use case of the app, on one store."""

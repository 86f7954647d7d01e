"""The use cases the GUI and the command line share: every read and write goes through here.

One class, :class:`DiscoveryService`, assembled from a mixin per feature so each feature's use
cases live in their own module.
"""

from __future__ import annotations

from .base import ServiceBase, ServiceError
from .engagements import EngagementsMixin, EngagementSummary
from .inventory import InventoryMixin
from .pricing import PricingMixin

__all__ = ["DiscoveryService", "EngagementSummary", "ServiceBase", "ServiceError"]


class DiscoveryService(EngagementsMixin, InventoryMixin, PricingMixin, ServiceBase):
    """Every use case of the app, on one store."""

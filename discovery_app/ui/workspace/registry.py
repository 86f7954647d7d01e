"""Which section pages the workspace shows, in navigator order.

Questionnaire sections are added from the engagement's form between "Fit" and "Inventory"; the
other pages are listed here, imported explicitly: a page that cannot be imported is a bug and
fails loudly (in the tests and at start), instead of quietly vanishing from the navigator. A
page that fails while it is built or loaded is still replaced by a message saying so, so one
broken section never takes a consultant's workspace down.
"""

from __future__ import annotations

from .baseline.baseline_page import BaselinePage
from .interview.client import ClientPage
from .interview.fit_page import FitPage
from .inventory.inventory_page import InventoryPage
from .offer.pricing_page import PricingPage
from .offer.responsibilities_page import ResponsibilitiesPage
from .page import WorkspacePage
from .remediation.remediation_page import RemediationPage
from .review.review_page import ReviewPage
from .risks.risks_page import RisksPage
from .roadmap.roadmap_page import RoadmapPage
from .standards.standards_page import StandardsPage

BEFORE_QUESTIONNAIRE: tuple[type[WorkspacePage], ...] = (ClientPage, FitPage)
AFTER_QUESTIONNAIRE: tuple[type[WorkspacePage], ...] = (
    InventoryPage, StandardsPage, RisksPage, RemediationPage, ResponsibilitiesPage, PricingPage, RoadmapPage,
    ReviewPage, BaselinePage,
)

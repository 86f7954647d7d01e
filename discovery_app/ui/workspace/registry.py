"""Which section pages the workspace shows, in navigator order.

Questionnaire sections are added from the engagement's form between "Fit" and "Inventory"; the
other pages are listed here. Each entry is "module:Class" under discovery_app.ui.workspace, and
a page whose module is missing is skipped, so pages can land one at a time.
"""

from __future__ import annotations

BEFORE_QUESTIONNAIRE = (
    "client:ClientPage",
    "fit_page:FitPage",
)
AFTER_QUESTIONNAIRE = (
    "inventory_page:InventoryPage",
    "standards_page:StandardsPage",
    "risks_page:RisksPage",
    "remediation_page:RemediationPage",
    "responsibilities_page:ResponsibilitiesPage",
    "pricing_page:PricingPage",
    "review_page:ReviewPage",
)

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


def page_class(entry: str) -> type | None:
    """The page class an entry names, or None when its module is not there (yet)."""
    import importlib
    import logging

    module_name, _, class_name = entry.partition(":")
    full = f"{__package__}.{module_name}"
    try:
        module = importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name == full:
            return None
        logging.getLogger(__name__).exception("workspace page %s cannot be imported", entry)
        return None
    except Exception:
        # A page with a bug must not take the whole workspace down: skip it, loudly in the log.
        logging.getLogger(__name__).exception("workspace page %s cannot be imported", entry)
        return None
    cls = getattr(module, class_name, None)
    if cls is None:
        logging.getLogger(__name__).error("workspace page %s: %s has no %s", entry, full, class_name)
    return cls

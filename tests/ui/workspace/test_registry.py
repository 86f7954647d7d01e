"""The workspace's pages are registered by explicit import (ui/workspace/registry.py): a page in a
feature folder that is not listed would silently vanish from the navigator, so it fails here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import discovery_app.ui.workspace as workspace
from discovery_app.ui.workspace import registry
from discovery_app.ui.workspace.page import WorkspacePage

#: Pages the registry does not list, and why.
NOT_LISTED = {
    "QuestionPage": "one per questionnaire section of the engagement's form, added by the view",
    "BrokenPage": "stands in for a page that failed to build or load",
}


def _pages_in_the_package() -> dict[str, type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(workspace.__path__, workspace.__name__ + "."):
        module = importlib.import_module(info.name)  # a module that cannot be imported fails here
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, WorkspacePage) and obj is not WorkspacePage and obj.__module__ == module.__name__:
                found[name] = obj
    return found


def test_every_page_in_the_feature_folders_is_registered():
    pages = _pages_in_the_package()
    registered = {*registry.BEFORE_QUESTIONNAIRE, *registry.AFTER_QUESTIONNAIRE}
    missing = sorted(name for name, cls in pages.items() if cls not in registered and name not in NOT_LISTED)
    assert missing == []
    assert {cls.__name__ for cls in registered} <= set(pages)
    # Each registered page lives in its feature's folder, not at the shell's top level.
    for cls in registered:
        assert cls.__module__.count(".") == 4, cls.__module__  # discovery_app.ui.workspace.<feature>.<module>


def test_registered_pages_have_unique_ids_and_titles():
    registered = [*registry.BEFORE_QUESTIONNAIRE, *registry.AFTER_QUESTIONNAIRE]
    ids = [cls.section_id for cls in registered]
    titles = [cls.title for cls in registered]
    assert all(ids) and len(set(ids)) == len(ids)
    assert all(titles) and len(set(titles)) == len(titles)

"""Fixtures for the durability tests: a service on a fresh store with the small test form."""

from __future__ import annotations

from pathlib import Path

import pytest
from durability_helpers import FORMS

from discovery_app.paths import AppPaths


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(tmp_path / "work" / "discovery.sqlite3")


@pytest.fixture
def open_service(paths):
    from discovery_app.services import Discovery

    opened = []

    def make(p: AppPaths = paths):
        svc = Discovery.open(p, forms_root=FORMS)
        opened.append(svc)
        return svc

    yield make
    for svc in opened:
        svc.close()


@pytest.fixture
def service(open_service):
    return open_service()

"""Fixtures for the Qt tests: no display needed, a fresh database and settings per test."""

from __future__ import annotations

import os

# Before any QApplication exists: run with no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_helpers import FORMS, SHIPPED_FORMS

from discovery_app.paths import AppPaths


@pytest.fixture(autouse=True)
def isolated_settings(qapp, tmp_path: Path) -> Iterator[None]:
    """Each test reads and writes its own QSettings file, never the developer's."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    qapp.setOrganizationName("DiscoveryTests")
    qapp.setApplicationName("DiscoveryTests")
    from discovery_app.ui import keyboard

    keyboard.install(qapp)  # as create_application does: the app-wide keyboard and contrast policy
    yield


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(tmp_path / "t.sqlite3")


@pytest.fixture
def service(paths: AppPaths):
    from discovery_app.services import Discovery

    svc = Discovery.open(paths, forms_root=FORMS)
    yield svc
    svc.close()


@pytest.fixture
def make_window(qtbot):
    """A shown main window; with a service when given one (as after the store opened)."""
    from discovery_app.ui.main_window import MainWindow

    def make(service=None) -> MainWindow:
        w = MainWindow()
        qtbot.addWidget(w)
        with qtbot.waitExposed(w):
            w.show()
        # Window shortcuts (Ctrl+N, Del, ...) work only in the active window.
        with qtbot.waitActive(w):
            w.activateWindow()
        if service is not None:
            w.set_service(service)
        return w

    return make


@pytest.fixture
def window(make_window, service):
    return make_window(service)


@pytest.fixture
def demo(tmp_path: Path):
    """A fresh store holding the demo engagement (the shipped form): (service, engagement id)."""
    from discovery_app.demo import create_demo
    from discovery_app.services import Discovery

    svc = Discovery.open(AppPaths.resolve(tmp_path / "demo.sqlite3"), forms_root=SHIPPED_FORMS)
    eid = create_demo(svc)
    yield svc, eid
    svc.close()


@pytest.fixture
def demo_context(demo):
    """A workspace page context over the demo engagement."""
    from PySide6.QtGui import QUndoStack

    from discovery_app.ui.workspace.page import PageContext

    svc, eid = demo
    return PageContext(svc, eid, QUndoStack())

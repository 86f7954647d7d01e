"""Discovery makes no network connection of any kind: CLI and GUI, a full run of the demo."""

from __future__ import annotations

import socket
import urllib.request

import pytest
from durability_flows import NetworkUsed, no_network, run_cli_flow, run_gui_flow

from discovery_app.paths import AppPaths


def test_the_guard_catches_a_connection(monkeypatch):
    """The guard itself must be able to fail, or the tests below prove nothing."""
    with no_network(monkeypatch) as attempts:
        with pytest.raises(NetworkUsed):
            socket.create_connection(("192.0.2.1", 443), timeout=0.1)
        with pytest.raises(NetworkUsed):
            urllib.request.urlopen("http://example.invalid/", timeout=0.1)
        with pytest.raises(NetworkUsed):
            socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert len(attempts) >= 3


def test_the_command_line_demo_makes_no_network_connection(tmp_path, monkeypatch):
    db = tmp_path / "net.sqlite3"
    with no_network(monkeypatch) as attempts:
        run_cli_flow(tmp_path, db)
    assert attempts == []


def test_the_desktop_app_makes_no_network_connection(qtbot, tmp_path, monkeypatch):
    paths = AppPaths.resolve(tmp_path / "gui.sqlite3")
    with no_network(monkeypatch) as attempts:
        run_gui_flow(qtbot, paths, tmp_path / "settings")
    assert attempts == []

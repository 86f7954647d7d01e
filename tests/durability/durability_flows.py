"""Full runs of the demo through the two faces of the app, shared by the network and log tests."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from discovery_app.cli import main as cli_main
from discovery_app.paths import AppPaths

PASS = "correct horse battery staple"


def run_cli_flow(tmp: Path, db: Path, *, full: bool = True) -> int:
    """The demo and the commands a consultant runs on it, in-process; returns the demo's id."""
    import io
    from contextlib import redirect_stdout

    def run(*args: str) -> str:
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli_main(["--db", str(db), *args])
        assert code == 0, f"discovery-app {' '.join(args)} exited {code}"
        return out.getvalue()

    eid = int(run("demo").strip())
    run("list")
    run("show", str(eid))
    if full:
        run("show", str(eid), "--json")
        run("quote", str(eid))
        run("export-json", str(eid), str(tmp / "demo.json"))
        run("import", str(tmp / "demo.json"))
    secret = tmp / "pass.txt"
    secret.write_text(PASS + "\n")
    run("archive", str(eid), str(tmp / "demo.discovery"), "--passphrase-file", str(secret))
    run("open-archive", str(tmp / "demo.discovery"), "--passphrase-file", str(secret))
    if full:
        with contextlib.suppress(AssertionError, SystemExit):  # client documents, where built
            run("export", str(eid), "--plan", str(tmp / "plan.pdf"))
    run("backups")
    return eid


def run_gui_flow(qtbot, paths: AppPaths, settings_dir: Path) -> None:
    """The desktop app offscreen: window, store, demo, the engagement's workspace, every section."""
    from PySide6.QtCore import QSettings

    from discovery_app.ui.application import create_application, open_store_into
    from discovery_app.ui.main_window import MainWindow

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    create_application([])
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert open_store_into(window, paths)
    window.create_demo()
    eid = window.selected_id()
    assert eid is not None
    window.show_details(eid)
    workspace = getattr(window, "workspace", None)
    if workspace is not None:
        view = workspace.open(eid)
        if view is not None:
            for _ in range(20):
                view.next_section()
                qtbot.wait(10)
            workspace.close_workspace()
    if hasattr(window.service, "backup_if_due"):
        window.service.backups.backup_if_due()
    window.close()


class NetworkUsed(AssertionError):
    pass


_ARMED: list[list[str]] = []


def _audit(event: str, args: tuple) -> None:
    # Audit hooks cannot be removed; this one acts only while a guard is armed.
    if _ARMED and event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                            "socket.sendto", "socket.bind", "socket.__new__"):
        if event == "socket.__new__" and args[1] in (getattr(socket, "AF_UNIX", -1),):
            return
        _ARMED[-1].append(f"{event}{args!r}")
        raise NetworkUsed(f"network use during the run: {event} {args!r}")


sys.addaudithook(_audit)


def _inet_socket_inodes() -> set[str]:
    """Inodes of this process's open TCP/UDP/raw sockets (Linux), including ones Qt opened in C++."""
    tables = set()
    for name in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
                tables.add(line.split()[9])
    mine = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/self/fd/{fd}")
                if target.startswith("socket:["):
                    mine.add(target[8:-1])
    return mine & tables


@contextlib.contextmanager
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail on any attempt to open a network connection or resolve a name."""
    attempts: list[str] = []

    def refuse(name: str):
        def refused(*args, **kwargs):
            attempts.append(f"{name}{args!r}")
            raise NetworkUsed(f"network use during the run: {name}{args!r}")

        return refused

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    before = _inet_socket_inodes()
    _ARMED.append(attempts)
    try:
        yield attempts
    finally:
        _ARMED.pop()
        monkeypatch.undo()
    opened = _inet_socket_inodes() - before
    attempts.extend(f"inet socket inode {i} still open" for i in sorted(opened))


@contextlib.contextmanager
def fresh_log(paths: AppPaths) -> Iterator[Path]:
    """Let the CLI set up its rotating log anew in ``paths.logs`` (tests share one process)."""
    root = logging.getLogger("discovery_app")
    saved = (list(root.handlers), root.level)
    root.handlers = []
    try:
        yield paths.logs / "discovery.log"
    finally:
        for h in root.handlers:
            h.close()
        root.handlers, root.level = saved[0], saved[1]

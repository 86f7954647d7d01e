"""Start-up: window first, store behind it; a bad database is explained, not a crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app_process import needs_interpreter
from PySide6.QtWidgets import QMessageBox
from ui_helpers import FORMS, wait_for_modal

from discovery_app.ui.application import after_first_paint, open_store_into
from discovery_app.ui.main_window import MainWindow


def test_store_opens_after_the_window_paints(qtbot, paths):
    import gc

    from discovery_app import collector

    collector.pause()  # as __main__ does: the collector rests until start-up is over
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    opened: list[bool] = []
    after_first_paint(window, lambda: opened.append(open_store_into(window, paths, FORMS)))
    # First the loading state is on screen...
    assert window.loading_page.isVisible()
    assert opened == []
    # ...then the store opens and the empty state replaces it.
    qtbot.waitUntil(lambda: opened == [True], timeout=5000)
    assert window.empty_page.isVisible()
    assert window.service is not None
    assert gc.isenabled()


def test_a_damaged_database_is_explained_and_nothing_crashes(qtbot, paths):
    import gc

    from discovery_app import collector

    paths.db.write_bytes(b"this is not an SQLite database, just some text " * 100)
    collector.pause()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()

    assert open_store_into(window, paths, FORMS) is False

    box = wait_for_modal(qtbot, QMessageBox)
    assert box.windowTitle() == "Cannot open the database"
    assert str(paths.db) in box.text()
    assert "not a readable Discovery database" in box.text()
    assert window.error_page.isVisible()
    assert "not a readable Discovery database" in window.error_page.text_label.text()
    assert not window.commands.new.isEnabled()
    assert window.service is None
    assert gc.isenabled()  # start-up is over even when the store did not open
    # The file was left alone.
    assert paths.db.read_bytes().startswith(b"this is not an SQLite database")


def test_window_geometry_is_restored(qtbot, make_window, service):
    first = make_window(service)
    first.resize(731, 523)
    qtbot.waitUntil(lambda: first.size().width() == 731)
    first.close()

    second = make_window()
    assert (second.width(), second.height()) == (731, 523)


@needs_interpreter
def test_the_windows_commands_leave_qts_actions_list_alone(make_window, service):
    """The named commands live on ``window.commands``; ``QWidget.actions()`` is still Qt's list."""
    window = make_window(service)
    window.addAction(window.commands.find)
    assert window.actions() == [window.commands.find]  # a method again, not the commands object
    menus = [a for m in window.menuBar().actions() for a in m.menu().actions()]
    assert window.commands.refresh in menus and window.commands.quit in menus


def test_window_module_does_not_import_the_storage_layer():
    """The window must paint before SQLAlchemy, pydantic and Alembic are loaded."""
    code = (
        "import sys, discovery_app.ui.application, discovery_app.ui.main_window\n"
        "heavy = [m for m in ('discovery_app.services', 'discovery_app.storage', 'sqlalchemy', "
        "'sqlmodel', 'pydantic', 'alembic') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == ""


def test_run_shows_the_window_then_opens_the_store(qtbot, qapp, paths, monkeypatch):
    from PySide6.QtCore import QTimer

    from discovery_app.ui import application

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own; restore it
    seen: dict[str, object] = {}

    def watch() -> None:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(10, watch)
            return
        w = windows[0]
        seen.setdefault("first_page", w.stack.currentWidget())
        if w.service is None:
            QTimer.singleShot(10, watch)
            return
        seen["page"] = w.stack.currentWidget()
        seen["window"] = w
        w.close()
        qapp.quit()

    QTimer.singleShot(0, watch)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(qapp.quit)  # never hang the suite...
    guard.start(10_000)
    try:
        assert application.run(paths) == 0
    finally:
        guard.stop()  # ...nor quit the event loop of whichever test runs 10 s later
        # quit() leaves Qt's "quit now" flag set: until an event loop runs again, timers and
        # deleteLater never fire in the tests after this one. Entering a loop clears it.
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)
        loop.exec()
    window = seen["window"]
    assert isinstance(window, MainWindow)
    assert seen["first_page"] is window.loading_page
    assert seen["page"] is window.empty_page
    assert qapp.applicationName() == "Discovery"
    assert qapp.organizationName() == "Discovery"
    window.deleteLater()

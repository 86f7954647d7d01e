"""Run by tests/ui/test_screens_fit.py in its own process: Qt reads QT_SCALE_FACTOR only when the
application starts, so a scaled tour cannot share the test session's QApplication.

Opens the demo engagement in the main window at a laptop's 1280x800 (in the app's own pixels, as a
1920x1200 screen at 150 % gives), visits every workspace page and prints, as JSON, what is cut on
each (the measure of elision.py); then reopens it at a 1280x800 screen's 853x533 and lists the pages
that scroll sideways there. Nothing touches the developer's settings or data.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]


def main() -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest

    home = Path(tempfile.mkdtemp(prefix="discovery-scaled-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "settings"))
    from elision import elided_texts
    from ui_helpers import SHIPPED_FORMS

    from discovery_app.demo import create_demo
    from discovery_app.paths import AppPaths
    from discovery_app.services import Discovery
    from discovery_app.ui.application import create_application
    from discovery_app.ui.main_window import MainWindow

    service = Discovery.open(AppPaths.resolve(home / "demo.sqlite3"), forms_root=SHIPPED_FORMS)
    eid = create_demo(service)
    app = create_application(["discovery"])
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.set_service(service)
    view = window.workspace.open(eid)
    assert view is not None
    found: dict[str, list[str]] = {}
    for page in view.pages:
        view.go_to(page.section_id)
        QTest.qWait(30)
        cut = elided_texts(view)
        if cut:
            found[page.section_id] = cut
    # A 1280x800 screen at 150 %: 853x533 in the app's pixels, where the summary panel folds away
    # as the engagement opens. No page scrolls sideways there (a table may, inside itself).
    width = window.width()
    window.workspace.close_workspace(forget=True, refresh=False)
    window.resize(853, 533)
    view = window.workspace.open(eid)
    assert view is not None
    narrow: dict[str, list[str]] = {}
    for page in view.pages:
        view.go_to(page.section_id)
        QTest.qWait(100)  # the page area refits, then shows or hides its scroll bars, a turn later
        sideways = [c for c in elided_texts(view) if "scrolls sideways" in c]
        if sideways:
            narrow[page.section_id] = sideways
    print(json.dumps({"scale": app.devicePixelRatio(), "width": width, "cut": found, "narrow": narrow}))
    window.close()
    service.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

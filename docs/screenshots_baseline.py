"""Screenshots of the roadmap page, the acceptance & changes page (accepted engagement and its
re-assessment) and the acceptance dialog, with the baseline demo, 1280x800.

Run under Xvfb:  xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots_baseline.py
Writes docs/screenshots/roadmap.png, acceptance-changes.png, reassessment-progress.png and
acceptance-dialog.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from discovery_app.demo import create_demo
from discovery_app.demo_baseline import create_baseline_demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.ui.workspace.baseline.baseline_page import BaselinePage
from discovery_app.ui.workspace.page import PageContext
from discovery_app.ui.workspace.roadmap.roadmap_page import RoadmapPage

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1280, 800)


def shoot(widget, name: str, size: tuple[int, int] = SIZE) -> Path:
    widget.resize(*size)
    widget.show()
    QTest.qWaitForWindowExposed(widget)
    QTest.qWait(300)
    OUT.mkdir(exist_ok=True)
    target = OUT / name
    widget.grab().save(str(target))
    widget.hide()
    return target


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        service = Discovery.open(AppPaths.resolve(Path(tmp) / "demo.sqlite3"))
        accepted, later = create_baseline_demo(service)
        stack = QUndoStack()
        page = RoadmapPage(PageContext(service, later, stack))
        page.setWindowTitle("Discovery - Roadmap & budget")
        page.load()
        print(shoot(page, "roadmap.png"))
        page = BaselinePage(PageContext(service, accepted, stack))
        page.setWindowTitle("Discovery - Acceptance & changes")
        page.load()
        page.co_table.selectRow(1)
        print(shoot(page, "acceptance-changes.png"))
        page = BaselinePage(PageContext(service, later, stack))
        page.setWindowTitle("Discovery - Acceptance & changes")
        page.load()
        print(shoot(page, "reassessment-progress.png"))
        fresh = create_demo(service)
        service.documents.export_proposal(fresh, Path(tmp) / "p.pdf")
        page = BaselinePage(PageContext(service, fresh, stack))
        page.load()
        page.resize(*SIZE)
        page.show()
        page.record_acceptance()
        assert page.dialog is not None
        dialog = page.dialog
        print(shoot(dialog, "acceptance-dialog.png", (560, dialog.sizeHint().height())))
        service.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Screenshots of the Risks and Remediation pages with the demo engagement, at 1280x800.

Run under Xvfb from the repository root:
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots_findings.py
Writes docs/screenshots/risks.png and docs/screenshots/remediation.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from discovery_app.demo import create_demo  # noqa: E402
from discovery_app.paths import AppPaths  # noqa: E402
from discovery_app.services import Discovery  # noqa: E402
from discovery_app.ui.workspace.page import PageContext  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def shoot(page, name: str, prepare=None) -> Path:
    page.resize(1280, 800)
    page.show()
    QTest.qWaitForWindowExposed(page)
    if prepare:
        prepare(page)
    QTest.qWait(300)
    path = OUT / name
    page.grab().save(str(path))
    page.close()
    return path


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Discovery")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        service = Discovery.open(AppPaths.resolve(Path(tmp) / "shots.sqlite3"), forms_root=ROOT / "forms")
        eid = create_demo(service)
        ctx = PageContext(service, eid, QUndoStack())
        wanted = sys.argv[1:] or ["risks", "remediation"]
        if "risks" in wanted:
            from discovery_app.ui.workspace.risks.risks_page import RisksPage

            page = RisksPage(ctx)
            page.setWindowTitle("Risks — Discovery")
            page.load()
            print(shoot(page, "risks.png"))
        if "remediation" in wanted:
            from discovery_app.ui.workspace.remediation.remediation_page import RemediationPage

            page = RemediationPage(ctx)
            page.setWindowTitle("Remediation — Discovery")
            page.load()
            print(shoot(page, "remediation.png"))
        service.close()


if __name__ == "__main__":
    main()

"""Screenshots of the Inventory page, its import mapping dialog and the Standards fit page.

Run from the repository root, under a virtual X server:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots_inventory.py

Each page is shown standalone (a PageContext over a throw-away database holding the demo
engagement) in a 1280x800 window. Writes docs/screenshots/inventory.png,
docs/screenshots/inventory-import.png (the column-mapping dialog over an RMM export with one
bad row) and docs/screenshots/standards.png. Look at the images after running.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QUndoStack  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

from discovery_app.demo import create_demo  # noqa: E402
from discovery_app.paths import AppPaths  # noqa: E402
from discovery_app.services import DiscoveryService  # noqa: E402
from discovery_app.ui.workspace.page import PageContext  # noqa: E402

# A NinjaOne-style device export, semicolon-separated with a BOM, as a European Excel saves it.
EXPORT = (
    "\ufeffDevice Name;Device Class;Location;Last Logged In User;OS Name;Serial Number;Warranty Expiration\r\n"
    "PDX-WS50;WINDOWS_WORKSTATION;Portland;Grace Kim;Windows 11 Pro 23H2;5CG1234XYZ;2027-03-31\r\n"
    "PDX-WS51;WINDOWS_WORKSTATION;Portland;Liam Murphy;Windows 11 Pro 23H2;5CG1234XZA;2027-03-31\r\n"
    "PDX-SRV03;WINDOWS_SERVER;Portland;;Windows Server 2022;J8KQ2L3;2028-06-30\r\n"
    "PDX-SW02;NMS_SWITCH;Portland;;;SG350X-48;\r\n"
    "SLM-LT50;WINDOWS_WORKSTATION;Salem;Noor Haddad;Windows 11 Pro 23H2;1.23457E+11;2027-01-15\r\n"
    "SLM-PR02;NMS_PRINTER;Salem;;;CNB9K12345;soon\r\n"
    "SLM-WS52;WINDOWS_WORKSTATION;Salem;Aisha Bello;Windows 10 Pro 22H2;5CG9876ABC;31/12/2026\r\n"
)


def window_for(page_cls, context: PageContext) -> tuple[QMainWindow, object]:
    window = QMainWindow()
    page = page_cls(context)
    window.setCentralWidget(page)
    window.setWindowTitle(f"Discovery — Harbor & Finch CPAs — {page.title}")
    window.resize(*SIZE)
    page.load()
    window.show()
    QTest.qWaitForWindowExposed(window)
    QTest.qWait(600)  # the counts arrive from a worker thread
    return window, page


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        service = DiscoveryService.open(AppPaths.resolve(Path(tmp) / "shots.sqlite3"))
        try:
            eid = create_demo(service)
            stack = QUndoStack()
            context = PageContext(service, eid, stack)

            from discovery_app.ui.workspace.inventory_page import InventoryPage

            window, page = window_for(InventoryPage, context)
            window.grab().save(str(OUT / "inventory.png"))

            export = Path(tmp) / "NinjaOne devices.csv"
            export.write_bytes(EXPORT.encode("utf-8"))
            dialog = page.import_file(export)
            QTest.qWaitForWindowExposed(dialog)
            dialog.resize(1180, 720)
            QTest.qWait(300)
            dialog.grab().save(str(OUT / "inventory-import.png"))
            dialog.reject()
            window.close()

            from discovery_app.ui.workspace.standards_page import StandardsPage

            window, page = window_for(StandardsPage, context)
            window.grab().save(str(OUT / "standards.png"))
            window.close()
        finally:
            service.close()
    app.processEvents()
    print("wrote", ", ".join(str(OUT / n) for n in ("inventory.png", "inventory-import.png", "standards.png")))


if __name__ == "__main__":
    main()

"""Screenshots of the Inventory page, its import mapping dialog and the Standards fit page.

Run from the repository root, under a virtual X server:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots_inventory.py

Each page is shown standalone (a PageContext over a throw-away database holding the demo
engagement) in a 1280x800 window. Writes docs/screenshots/inventory.png,
docs/screenshots/inventory-import.png (the column-mapping dialog over an RMM export with one
bad row; an asset manager's export: kinds from its Category column, a re-import) and
docs/screenshots/standards.png. Look at the images after running.
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
from discovery_app.services import Discovery  # noqa: E402
from discovery_app.ui.workspace.page import PageContext  # noqa: E402

# An asset manager's export, as its "Export to CSV" writes it: a Category column that says what
# each device is, the client's asset tags, a warranty column holding months, slash dates with no
# day above 12, one row without a name, and two devices the demo engagement already has (one of
# them moved): a re-import.
EXPORT = (
    "Asset Tag,Item Name,Category,Manufacturer,Model No.,Serial,Checked Out To: Username,Location,"
    "Purchase Date,Warranty\r\n"
    "HF-0001,PDX-WS01,Desktop,Dell,OptiPlex 7090,8C31AA,grace.kim,Portland,05/04/2022,36\r\n"
    "HF-0002,PDX-WS02,Desktop,Dell,OptiPlex 7090,5CE03F,liam.murphy,Salem,05/04/2022,36\r\n"
    "HF-0101,PDX-LT60,Laptop,Lenovo,ThinkPad T14 Gen 4,PF4ABCD1,noor.haddad,Portland,03/02/2025,36\r\n"
    "HF-0102,PDX-LT61,Laptop,Lenovo,ThinkPad T14 Gen 4,PF4ABCD2,aisha.bello,Portland,03/02/2025,36\r\n"
    "HF-0201,PDX-SRV03,Server,Dell,PowerEdge R660,J8KQ2L3,,Portland,11/10/2024,60\r\n"
    "HF-0301,SLM-PR02,Printer,HP,LaserJet Pro MFP 4101,CNB9K12345,,Salem,01/09/2023,12\r\n"
    "HF-0302,,Monitor,Dell,P2422H,CN0XYZ1,,Salem,01/09/2023,36\r\n"
    "HF-0401,Microsoft 365 Business Premium,Software,Microsoft,,,,,,\r\n"
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
        service = Discovery.open(AppPaths.resolve(Path(tmp) / "shots.sqlite3"))
        try:
            eid = create_demo(service)
            stack = QUndoStack()
            context = PageContext(service, eid, stack)

            from discovery_app.ui.workspace.inventory.inventory_page import InventoryPage

            window, page = window_for(InventoryPage, context)
            window.grab().save(str(OUT / "inventory.png"))

            export = Path(tmp) / "asset-manager-export.csv"
            export.write_bytes(EXPORT.encode("utf-8"))
            page.import_file(export)
            from discovery_app.ui import ops

            ops.shared().wait_idle()
            dialog = page.mapping_dialog
            QTest.qWaitForWindowExposed(dialog)
            dialog.resize(1180, 720)
            QTest.qWait(300)
            dialog.grab().save(str(OUT / "inventory-import.png"))
            dialog.reject()
            window.close()

            from discovery_app.ui.workspace.standards.standards_page import StandardsPage

            window, page = window_for(StandardsPage, context)
            window.grab().save(str(OUT / "standards.png"))
            window.close()
        finally:
            service.close()
    app.processEvents()
    print("wrote", ", ".join(str(OUT / n) for n in ("inventory.png", "inventory-import.png", "standards.png")))


if __name__ == "__main__":
    main()

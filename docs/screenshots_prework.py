"""Screenshots of the client pre-work and the suggested findings with the demo engagement, at
1280x800.

Run under Xvfb from the repository root:
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots_prework.py
Writes docs/screenshots/risks-suggestions.png, inventory-end-of-support.png,
questionnaire-client-answers.png and prework-preview.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from discovery_app.demo import create_demo  # noqa: E402
from discovery_app.export import prework as pio  # noqa: E402
from discovery_app.paths import AppPaths  # noqa: E402
from discovery_app.services import Discovery  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def grab(widget, name: str) -> Path:
    QTest.qWait(400)
    path = OUT / name
    widget.grab().save(str(path))
    return path


def returned_workbook(service, eid, folder: Path) -> Path:
    """The demo's pre-work as the client might send it back."""
    path = service.prework.export(eid, folder / "prework.xlsx")
    wb = load_workbook(path)
    answers = {"monthly_ticket_volume": "75", "known_problems": "The Salem scanner drops off the network most "
               "Mondays; the VPN disconnects at 5 pm", "internal_it_headcount": 1, "backup_tool": "Veeam Agent to a USB disk",
               "saas_backup": "No", "rto_hours": "8"}
    for ws in wb.worksheets:
        found = pio._find_header(ws, (pio.ANSWER, pio.QID))
        if not found:
            continue
        header, cols = found
        for r in range(header + 1, ws.max_row + 1):
            qid = ws.cell(row=r, column=cols[pio.QID]).value
            if qid in answers:
                ws.cell(row=r, column=cols[pio.ANSWER]).value = answers[qid]
    for row in wb[pio.START].iter_rows():
        if row[0].value == pio.FILLED_BY:
            row[1].value = "Marcus Lee"
    wb.save(path)
    return path


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Discovery")
    OUT.mkdir(parents=True, exist_ok=True)
    from discovery_app.ui.workspace.view import WorkspaceView

    with tempfile.TemporaryDirectory() as tmp:
        service = Discovery.open(AppPaths.resolve(Path(tmp) / "shots.sqlite3"), forms_root=ROOT / "forms")
        eid = create_demo(service)
        view = WorkspaceView(service, eid)
        view.setWindowTitle("Harbor & Finch CPAs — Discovery")
        view.build()
        view.load()
        view.resize(1280, 800)
        view.show()
        QTest.qWaitForWindowExposed(view)
        view.refresh_summary()

        view.go_to("risks")
        risks = view.current_page()
        risks.lower_tabs.setCurrentIndex(1)
        panel = risks.suggestions
        titles = [panel.list.item(i).text() for i in range(panel.list.count())]
        panel.list.setCurrentRow(titles.index("Ageing workstation fleet"))
        risks.splitter.setSizes([300, 420])
        print(grab(view, "risks-suggestions.png"))

        view.go_to("inventory")
        inv = view.current_page()
        inv.support_filter.setCurrentIndex(inv.support_filter.findText("Past end of support"))
        print(grab(view, "inventory-end-of-support.png"))

        path = returned_workbook(service, eid, Path(tmp))
        from discovery_app.ui.workspace.interview.prework_dialog import PreworkDialog

        dialog = PreworkDialog(service.prework.preview(eid, path))
        dialog.resize(1040, 620)
        dialog.show()
        QTest.qWaitForWindowExposed(dialog)
        print(grab(dialog, "prework-preview.png"))
        dialog.close()

        service.prework.apply(eid, service.prework.preview(eid, path))
        view.go_to("q:service_desk")
        page = view.current_page()
        page.load()
        page.reveal("monthly_ticket_volume")
        print(grab(view, "questionnaire-client-answers.png"))
        view.close_saves()
        service.close()


if __name__ == "__main__":
    main()

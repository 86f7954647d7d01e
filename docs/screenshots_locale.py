"""Screenshots of Discovery under a German locale, 1280x800: Settings, pricing, a question page.

Run under Xvfb:  xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots_locale.py
Writes docs/screenshots/settings-locale-de.png (Settings > Defaults with German chosen),
pricing-de.png (the pricing page with a 12,5 % discount and a refused "1.234" device count) and
questions-de.png (recovery hours and a restore-test date typed the German way). Look at them after running.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from discovery_app.demo import create_demo  # noqa: E402
from discovery_app.paths import AppPaths  # noqa: E402
from discovery_app.services import Discovery  # noqa: E402
from discovery_app.ui import app_locale  # noqa: E402
from discovery_app.ui.workspace.page import PageContext  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)


def grab(widget, name: str) -> Path:
    QTest.qWaitForWindowExposed(widget)
    QTest.qWait(300)
    OUT.mkdir(exist_ok=True)
    target = OUT / name
    if not widget.grab().save(str(target)):
        raise SystemExit(f"could not write {target}")
    print(f"wrote {target.relative_to(ROOT)}")
    return target


def retype(edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    QTest.keyClicks(edit, text)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 - kept alive for the widgets
    with tempfile.TemporaryDirectory() as tmp:
        service = Discovery.open(AppPaths.resolve(Path(tmp) / "demo.sqlite3"))
        eid = create_demo(service)
        settings = service.settings.current()
        service.settings.save(settings.profile.model_copy(update={"name": "Nordwind IT", "locale": "de_DE"}),
                                  None, "EUR")
        app_locale.from_service(service)

        from discovery_app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(service)
        dialog.tabs.setCurrentIndex(2)
        dialog.resize(720, 520)
        dialog.show()
        grab(dialog, "settings-locale-de.png")
        dialog.close()

        from discovery_app.ui.workspace.offer.pricing_page import PricingPage

        page = PricingPage(PageContext(service, eid, QUndoStack()))
        page.resize(*SIZE)
        page.setWindowTitle("Discovery - Pricing")
        page.load()
        page.show()
        QTest.qWaitForWindowExposed(page)
        retype(page.discount, "12,5")
        kind = next(iter(page.device_edits))
        retype(page.device_edits[kind], "1.234")
        grab(page, "pricing-de.png")
        page.close()

        from discovery_app.ui.workspace.interview.questions import AnswerBook, QuestionPage

        form = service.forms.of(service.engagements.header(eid))
        book = AnswerBook(service, eid, form)
        book.load()
        section = next(s for s in form.questionnaire.sections if s.id == "backup_continuity")
        qpage = QuestionPage(PageContext(service, eid, QUndoStack()), section, book)
        qpage.resize(*SIZE)
        qpage.load()
        qpage.show()
        QTest.qWaitForWindowExposed(qpage)
        # Recovery hours typed the German way, and a restore-test date typed as a German writes it.
        typed = {"rto_hours": "12,5", "last_restore_test": "15.01.2026"}
        for qid, text in typed.items():
            f = qpage.fields[qid]
            edit = f.date_edit if qid == "last_restore_test" else f.editor
            retype(edit, text)
            QTest.keyClick(edit, Qt.Key.Key_Tab)
        qpage.flush()
        numbers = [qpage.fields[q] for q in typed]
        grab(qpage, "questions-de.png")
        qpage.close()
        print("stored:", {f.question.id: service.interview.answers(eid).get(f.question.id, (None, ""))[0] for f in numbers})
        service.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

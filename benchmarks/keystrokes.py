"""Keystrokes to run a discovery by keyboard alone: a 10-question section, 5 library risks, a
discount and an export, on the real main window (offscreen), every key sent to what has focus.

Prints the keys per part and in all, and checks what was stored. Run:
``QT_QPA_PLATFORM=offscreen python -m benchmarks.keystrokes``
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = Path(tempfile.mkdtemp(prefix="discovery-keys-"))
os.environ["HOME"] = str(_TMP)  # the save dialog starts in this Documents folder
os.environ["XDG_DOCUMENTS_DIR"] = str(_TMP / "Documents")
(_TMP / "Documents").mkdir()

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget  # noqa: E402

from discovery_app.domain.forms import QuestionType  # noqa: E402
from discovery_app.paths import AppPaths  # noqa: E402
from discovery_app.services import Discovery  # noqa: E402
from discovery_app.ui import keyboard  # noqa: E402
from discovery_app.ui.main_window import MainWindow  # noqa: E402

NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


class Keys:
    def __init__(self, app: QApplication, window: MainWindow) -> None:
        self.app, self.window, self.count = app, window, 0

    def target(self) -> QWidget:
        modal = QApplication.activeModalWidget()
        top = modal or self.window
        if QApplication.activeWindow() is not top:  # offscreen has no window manager
            top.activateWindow()
            self.wait(lambda: QApplication.activeWindow() is top)
        w = top.focusWidget() or top
        return w

    def press(self, key: Qt.Key, mod: Qt.KeyboardModifier = NO, times: int = 1) -> None:
        for _ in range(times):
            QTest.keyClick(self.target(), key, mod)
            self.count += 1
            self.app.processEvents()

    def type(self, text: str) -> None:
        QTest.keyClicks(self.target(), text)
        self.count += len(text)
        self.app.processEvents()

    def wait(self, cond, timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise TimeoutError("waited too long")
            self.app.processEvents()
            time.sleep(0.005)


def answer(keys: Keys, qtype: QuestionType) -> None:
    """Answer one question by keys and move on to the next (the advance key is counted)."""
    if qtype in (QuestionType.TEXT,):
        keys.type("Northwind IT")
    elif qtype in (QuestionType.INTEGER, QuestionType.DECIMAL):
        keys.type("12")
    elif qtype is QuestionType.MONEY:
        keys.type("4500")
    elif qtype is QuestionType.DATE:
        keys.type("2026-01-15")
    elif qtype is QuestionType.YES_NO:
        keys.press(Qt.Key.Key_Space)  # Yes
    elif qtype is QuestionType.RATING:
        keys.press(Qt.Key.Key_Space)
        keys.press(Qt.Key.Key_Right, times=2)  # 3
    elif qtype is QuestionType.SINGLE_CHOICE:
        keys.press(Qt.Key.Key_Down)
    elif qtype is QuestionType.MULTI_CHOICE:
        keys.press(Qt.Key.Key_Space)
    elif qtype is QuestionType.LONG_TEXT:
        keys.type("Seen on site")
        keys.press(Qt.Key.Key_Return, CTRL)
        return
    keys.press(Qt.Key.Key_Return)


def main() -> int:
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)  # QTest can type into Qt's own
    app = QApplication.instance() or QApplication(sys.argv)
    keyboard.install(app)
    svc = Discovery.open(AppPaths.resolve(_TMP / "keys.sqlite3"))
    eid = svc.engagements.create("Northwind Dental", consultant="Ann Lee")
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.set_service(svc)
    window.workspace.open(eid)
    view = window.workspace.view
    assert view is not None
    keys = Keys(app, window)
    parts: dict[str, int] = {}

    # ---- a 10-question section -------------------------------------------------------------
    section = next(p for p in view.pages if p.section_id.startswith("q:") and len(getattr(p, "fields", {})) >= 10)
    view.go_to(section.section_id, focus=True)
    start = keys.count
    answered: list[str] = []
    fields = [f for p in view.pages if p.section_id.startswith("q:") for f in getattr(p, "fields", {}).values()]

    def current():  # Enter past a section's last question goes on into the next section
        focus = keys.target()
        return next((f for f in fields if f.isAncestorOf(focus)), None)

    keys.wait(lambda: current() is not None)
    for _ in range(10):
        field = current()
        assert field is not None, f"the focus left the section after {answered}: {keys.target()!r}"
        answered.append(field.question.id)
        answer(keys, field.question.type)
        view.ops.flush()
        keys.wait(lambda f=field: not f.isAncestorOf(keys.target()))
    parts["10 questions (Enter runs on across sections)"] = keys.count - start
    name = "10 questions (Enter runs on across sections)"
    print(f"{name:45s} {parts[name]:5d} keys", flush=True)
    stored = svc.interview.answers(eid)
    missing = [q for q in answered if q not in stored]

    # ---- 5 library risks -------------------------------------------------------------------
    start = keys.count
    while view.current_page().section_id != "risks":
        keys.press(Qt.Key.Key_PageDown, CTRL)
    for i in range(5):
        def pick(i: int = i) -> None:
            if QApplication.activeModalWidget() is None:  # not open yet: look again shortly
                QTimer.singleShot(20, lambda: pick(i))
                return
            keys.press(Qt.Key.Key_Return)  # search box -> the matches (never adds from the search)
            keys.press(Qt.Key.Key_Down, times=i)  # the ones added already cannot be added again
            keys.press(Qt.Key.Key_Return)
        QTimer.singleShot(0, pick)
        keys.press(Qt.Key.Key_L, CTRL | SHIFT)
        view.ops.flush()
    parts["5 library risks (with section moves)"] = keys.count - start
    name = "5 library risks (with section moves)"
    print(f"{name:45s} {parts[name]:5d} keys", flush=True)
    risks = len(svc.findings.risks(eid))

    # ---- a discount ---------------------------------------------------------------------------
    start = keys.count
    while view.current_page().section_id != "pricing":
        keys.press(Qt.Key.Key_PageDown, CTRL)
    keys.press(Qt.Key.Key_D, ALT)
    keys.type("5")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_R, ALT)
    keys.type("Multi-year")
    keys.press(Qt.Key.Key_Tab)
    view.ops.flush()
    parts["discount (with section moves)"] = keys.count - start
    name = "discount (with section moves)"
    print(f"{name:45s} {parts[name]:5d} keys", flush=True)

    # ---- an export ------------------------------------------------------------------------------
    start = keys.count
    while view.current_page().section_id != "review":
        keys.press(Qt.Key.Key_PageDown, CTRL)

    def save() -> None:
        # The dialog is Qt's own (AA_DontUseNativeDialogs: a desktop's native dialog takes no
        # QTest keys and would wait for ever). Enter waits until the dialog is shown with the
        # suggested name in its name field and goes to that field: sent as soon as the dialog was
        # the modal widget (not yet shown and focused, or not yet the offscreen active window),
        # the key was lost and the dialog waited for ever.
        dialog = QApplication.activeModalWidget()
        name = dialog.findChild(QLineEdit, "fileNameEdit") if isinstance(dialog, QFileDialog) else None
        if dialog is None or name is None or not dialog.isVisible() or not name.text():
            QTimer.singleShot(20, save)
            return
        QTest.keyClick(name, Qt.Key.Key_Return)  # the suggested name in Documents
        keys.count += 1

    QTimer.singleShot(0, save)
    keys.press(Qt.Key.Key_E, CTRL | SHIFT)  # the stabilization plan
    try:
        keys.wait(lambda: any((_TMP / "Documents").glob("*.pdf")), timeout=60)
        exported = [p.name for p in (_TMP / "Documents").glob("*.pdf")]
    except TimeoutError:
        exported = []
        modal = QApplication.activeModalWidget()
        if modal is not None:  # say so and end, rather than wait on a dialog for ever
            print(f"the export did not finish: {type(modal).__name__} {modal.windowTitle()!r} still open", flush=True)
            modal.close()
    parts["plan export (with section moves)"] = keys.count - start
    name = "plan export (with section moves)"
    print(f"{name:45s} {parts[name]:5d} keys", flush=True)

    for name, n in parts.items():
        print(f"{name:40s} {n:5d} keys")
    print(f"{'total':40s} {keys.count:5d} keys")
    print(f"questions answered: {len(answered) - len(missing)}/10; risks in register: {risks}; "
          f"discount stored: {svc.offer.pricing_inputs(eid).discount_percent}%; "
          f"exported: {exported or 'nothing'}")
    window.close()
    svc.close()
    return 0 if not missing and exported else 1


if __name__ == "__main__":
    raise SystemExit(main())

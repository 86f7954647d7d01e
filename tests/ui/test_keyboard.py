"""The whole discovery by keyboard, and readable by everyone (issue #22).

Driven by key events on the real main window: what has focus gets the key, as on a desktop."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QTableView, QWidget
from test_workspace import activate, open_workspace, settle

from discovery_app.ui import contrast, keyboard, shortcuts

CTRL = Qt.KeyboardModifier.ControlModifier


def focused():
    """The window's focus widget (the offscreen platform drops window activation now and then;
    a desktop's window manager gives it back, activate() does here)."""
    window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow" and w.isVisible())
    return window.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    widget = focused()
    assert widget is not None, "nothing has the keyboard focus"
    activate(qtbot, widget.window())
    qtbot.keyClick(widget, key, modifier)


def type_text(qtbot, text: str) -> None:
    activate(qtbot, focused().window())
    qtbot.keyClicks(focused(), text)


@pytest.fixture
def mini_eid(service):
    return service.engagements.create("Acme", form_key="mini", consultant="Ann Lee")


def test_every_question_type_is_answered_by_keys_alone(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    profile = view.page("q:profile")
    view.go_to("q:profile", focus=True)
    assert focused() is profile.fields["employee_count"].editor

    type_text(qtbot, "12")
    press(qtbot, Qt.Key.Key_Return)
    yes, no = (b for _v, b in profile.fields["has_internal_it"].buttons)
    qtbot.waitUntil(lambda: focused() is yes)  # after the save: the group, first option
    press(qtbot, Qt.Key.Key_Right)  # arrows choose within the group
    assert no.isChecked() and not yes.isChecked() and focused() is no
    press(qtbot, Qt.Key.Key_Left)
    assert yes.isChecked() and not no.isChecked()
    # Enter waits for the answer to land: the question it reveals is the next stop, not skipped.
    press(qtbot, Qt.Key.Key_Return)
    owner = profile.fields["internal_it_owner"]
    qtbot.waitUntil(lambda: focused() is owner.editor)
    type_text(qtbot, "Grace Kim")
    press(qtbot, Qt.Key.Key_Tab)  # one key to the next question: no "Add note" stop between
    adopt = profile.fields["adopt"].editor
    assert focused() is adopt
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Escape)  # Esc never leaves the engagement
    assert window.workspace.view is view and view.isVisible()

    money = view.page("q:money")
    view.go_to("q:money", focus=True)
    type_text(qtbot, "12,500")
    press(qtbot, Qt.Key.Key_Tab)
    regs = dict(money.fields["regs"].buttons)
    assert focused() is regs["hipaa"]
    press(qtbot, Qt.Key.Key_Right)  # to PCI DSS, not ticking anything on the way
    assert focused() is regs["pci_dss"] and not regs["hipaa"].isChecked()
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Tab)  # Tab leaves the options: the date box is next
    renewal = money.fields["renewal"]
    assert focused() is renewal.date_edit
    type_text(qtbot, "2027-03-31")  # ISO is read whatever the locale
    press(qtbot, Qt.Key.Key_Tab)
    docs = dict(money.fields["docs"].buttons)
    assert focused() is docs[1]  # the calendar button is not a Tab stop (F4 opens it)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "0.75")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Seen on site")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    settle(view)

    values = {k: v for k, (v, _n) in service.interview.answers(mini_eid).items()}
    assert values["employee_count"] == 12
    assert values["has_internal_it"] is True
    assert values["internal_it_owner"] == "Grace Kim"
    assert values["adopt"] == "full"
    assert Decimal(values["budget"]) == Decimal("12500")
    assert values["regs"] == ["pci_dss"]
    assert values["renewal"] == "2027-03-31"
    assert values["docs"] == 3
    assert Decimal(values["ratio"]) == Decimal("0.75")
    assert values["notes"] == "Seen on site"

    # Delete takes a single answer back to "not answered"; the focus shows where it is.
    docs[3].setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, Qt.Key.Key_Delete)
    settle(view)
    assert "docs" not in service.interview.answers(mini_eid)
    assert not any(b.isChecked() for b in docs.values())


def test_tab_leaves_every_table_and_every_control_has_a_name(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    view = open_workspace(qtbot, window, "Acme")
    unnamed: dict[str, list[str]] = defaultdict(list)
    tables = 0
    for page in view.pages:
        view.go_to(page.section_id, focus=True)
        qtbot.waitUntil(lambda p=page: p.isVisible())
        for table in page.findChildren(QTableView):
            if not table.isVisible():
                continue
            tables += 1
            assert not table.tabKeyNavigation(), page.title
            table.setFocus(Qt.FocusReason.TabFocusReason)
            press(qtbot, Qt.Key.Key_Tab)
            assert focused() is not table, f"Tab stays in a table on {page.title}"
        for w in page.findChildren(QWidget):
            if not isinstance(w, keyboard.INTERACTIVE) or not w.isVisible() or w.focusPolicy() == Qt.FocusPolicy.NoFocus:
                continue
            has_text = isinstance(w, QAbstractButton) and keyboard.plain(w.text())
            if not (w.accessibleName() or has_text):
                unnamed[page.title].append(f"{type(w).__name__} {w.objectName()}")
    assert tables >= 4
    assert not unnamed, dict(unnamed)


def _dark() -> QPalette:
    """A dark desktop palette as Fusion and GNOME/KDE draw it (placeholder: text at half alpha)."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#353535", QPalette.ColorRole.WindowText: "#f0f0f0",
        QPalette.ColorRole.Base: "#2a2a2a", QPalette.ColorRole.AlternateBase: "#424242",
        QPalette.ColorRole.Text: "#f0f0f0", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#f0f0f0", QPalette.ColorRole.Highlight: "#2a82da",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#f0f0f0", QPalette.ColorRole.PlaceholderText: "#808080",
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    return pal


def test_muted_text_placeholders_and_selection_read_at_4_5_to_1_in_light_and_dark(qapp):
    from PySide6.QtWidgets import QStyleFactory

    light = QStyleFactory.create("Fusion").standardPalette()
    assert contrast.worst(light)[0] < 4.5  # as the platform draws it: the defect the issue measured
    for name, pal in (("light", light), ("dark", _dark()), ("app", qapp.palette())):
        low, where = contrast.worst(contrast.accessible(pal))
        assert low >= 4.5, f"{name}: {where} at {low:.2f}:1"
    assert contrast.ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast.ratio(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)


def test_no_two_commands_active_on_one_page_share_a_key():
    for page in (shortcuts.LIST, *shortcuts.PAGES):
        seen: dict[str, str] = {}
        for sc in shortcuts.SHORTCUTS:
            if sc.scope not in shortcuts.active_scopes(page):
                continue
            for seq in shortcuts.sequences(sc.id):
                key = seq.toString(QKeySequence.SequenceFormat.PortableText)
                assert key not in seen, f"{key} on {page}: {seen.get(key)} and {sc.id}"
                seen[key] = sc.id


def test_menus_and_page_buttons_take_their_keys_from_the_table(qtbot, make_window, service, mini_eid):
    window = make_window(service)
    a = window.commands
    assert a.back.shortcuts() == shortcuts.sequences("back")
    assert QKeySequence("Esc") not in a.back.shortcuts()
    assert a.show_archived.shortcut() != shortcuts.sequence("export_plan")
    view = open_workspace(qtbot, window, "Acme")
    assert not a.show_archived.isEnabled()  # list commands rest in a workspace
    review = next(p for p in view.pages if p.section_id == "review")
    assert review.plan_button.shortcut() == shortcuts.sequence("export_plan")
    assert review.plan_button.toolTip().endswith(f"({shortcuts.native('export_plan')})")
    dialog = window.show_shortcuts()
    rows = {(dialog.model.index(r, 0).data(), dialog.model.index(r, 2).data()) for r in range(dialog.model.rowCount())}
    assert ("Export the stabilization plan (PDF)", shortcuts.REVIEW) in rows
    assert ("Open the calendar of a date box", shortcuts.DATES) in rows
    dialog.close()


def test_no_label_flashes_as_a_window_while_a_workspace_opens(qtbot, make_window, service, mini_eid):
    from PySide6.QtCore import QEvent, QObject

    window = make_window(service)
    shown: list[str] = []

    class Spy(QObject):
        def eventFilter(self, watched, event):
            if (event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow()
                    and watched is not window):
                shown.append(type(watched).__name__)
            return False

    spy = Spy()
    QApplication.instance().installEventFilter(spy)
    try:
        open_workspace(qtbot, window, "Acme")
        qtbot.wait(50)
    finally:
        QApplication.instance().removeEventFilter(spy)
    assert shown == []

"""First run and Help: the welcome page's four ways in, the one-time provider prompt, Help menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import FORMS, button, visible_column, wait_for_modal

from discovery_app import __version__
from discovery_app.services import Discovery
from discovery_app.ui import help_dialogs
from discovery_app.ui.archive_dialogs import OpenArchiveDialog
from discovery_app.ui.help_dialogs import AboutDialog, ShortcutsDialog
from discovery_app.ui.new_engagement_dialog import NewEngagementDialog
from discovery_app.ui.settings_dialog import SettingsDialog
from discovery_app.ui.user_guide import IMAGE_WIDTH, UserGuideWindow, topic_for

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def opened_urls(monkeypatch) -> list[Path]:
    """QDesktopServices.openUrl recorded instead of starting a file manager."""
    seen: list[Path] = []

    def fake(url) -> bool:
        seen.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(fake))
    return seen


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def close_modal(qtbot) -> None:
    w = QApplication.activeModalWidget()
    if w is not None:
        w.close()


# ---- Help menu ------------------------------------------------------------------------------


def test_help_menu_offers_the_guide_shortcuts_folders_and_about_with_their_keys(window):
    a = window.commands
    texts = [x.text().replace("&", "") for x in window.help_menu.actions() if not x.isSeparator()]
    assert texts == ["User guide", "Keyboard shortcuts", "Open data folder", "Open log folder", "About Discovery"]
    assert a.user_guide.shortcut().toString() == "F1"
    assert a.shortcuts.shortcut().toString() == "Ctrl+/"
    assert a.shortcuts.toolTip().endswith("(Ctrl+/)")


def test_about_shows_the_version_the_database_and_the_installed_forms(qtbot, window, service, paths):
    window.commands.about.trigger()
    dialog = wait_for_modal(qtbot, AboutDialog)
    assert dialog.version_label.text() == __version__
    assert __version__ in dialog.findChild(type(dialog.version_label), "aboutTitle").text()
    assert dialog.db_label.text() == str(service.store.path) == str(paths.db)
    assert dialog.data_label.text() == str(paths.data)
    assert dialog.logs_label.text() == str(paths.logs)
    pkg = service.forms.available()[0]
    assert f"({pkg.id}, version {pkg.version})" in dialog.forms_label.text()


def test_about_without_paths_given_falls_back_to_the_open_database(qtbot, window, service):
    assert window.paths is None  # the fixture's set_service passed no paths
    dialog = window._about()
    assert isinstance(dialog, AboutDialog)
    assert dialog.db_label.text() == str(service.store.path)
    assert Path(dialog.backups_label.text()) == service.store.path.parent / f"{service.store.path.stem}-backups"


def test_the_shortcuts_dialog_lists_every_menu_shortcut_from_the_actions(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_Slash, CTRL)
    dialog = wait_for_modal(qtbot, ShortcutsDialog)
    commands = visible_column(dialog.table, 0)
    keys = dict(zip(commands, visible_column(dialog.table, 1), strict=True))
    assert keys["New engagement…"] == "Ctrl+N"
    assert keys["Quit"] == "Ctrl+Q"
    assert keys["Keyboard shortcuts"] == "Ctrl+/"
    assert "Create demo engagement" not in keys  # no shortcut, not listed
    # A shortcut added later shows up without anyone editing a list.
    dialog.close()
    window.commands.demo.setShortcut("Ctrl+Shift+D")
    dialog = window.show_shortcuts()
    keys = dict(zip(visible_column(dialog.table, 0), visible_column(dialog.table, 1), strict=True))
    assert keys["Create demo engagement"] == "Ctrl+Shift+D"


def test_the_shortcuts_filter_finds_a_key(qtbot, window):
    dialog = window.show_shortcuts()
    qtbot.keyClicks(dialog.filter_edit, "ctrl+n")
    assert visible_column(dialog.table, 0) == ["New engagement…"]


def test_open_data_and_log_folders_create_them_first(qtbot, window, opened_urls):
    paths = window.app_paths()
    assert not paths.logs.exists()
    window.commands.open_log_folder.trigger()
    window.commands.open_data_folder.trigger()
    assert opened_urls == [paths.logs, paths.data]
    assert paths.logs.is_dir() and paths.data.is_dir()


def test_user_guide_shows_inside_the_app_with_contents_and_screenshots(qtbot, window, opened_urls):
    window.commands.user_guide.trigger()
    guide = window.findChild(UserGuideWindow, "userGuideWindow")
    assert guide is not None and guide.isVisible()
    assert opened_urls == [], "no external program is asked to open the guide"
    text = guide.browser.toPlainText()
    assert "Discovery user guide" in text and "## " not in text, "the Markdown is rendered, not shown raw"
    # The contents list the guide's sections, nested as in the guide.
    tops = [guide.toc.topLevelItem(i).text(0) for i in range(guide.toc.topLevelItemCount())]
    assert tops[:3] == ["Before the visit", "On site", "Review & export"]
    on_site = guide.toc.topLevelItem(1)
    assert [on_site.child(i).text(0) for i in range(on_site.childCount())][:2] == ["Client & sites", "Questionnaire"]
    # The screenshots load (from docs/screenshots) and are scaled to the reading width.
    image = guide.browser.loadResource(2, "screenshots/engagement-list.png")
    assert not image.isNull() and image.width() / image.devicePixelRatio() <= IMAGE_WIDTH
    # A contents entry scrolls the guide to its section.
    item = next(i for i in guide._toc_items() if i.text(0) == "Backups and restore")
    guide.toc.itemClicked.emit(item, 0)
    assert guide.heading_at_top() == "Backups and restore"
    # F1 again reuses the one window.
    window.commands.user_guide.trigger()
    assert len(window.findChildren(UserGuideWindow)) == 1


def test_f1_opens_the_guide_at_the_current_screen(qtbot, make_window, demo):
    svc, eid = demo
    w = make_window(svc)
    view = w.workspace.open(eid)
    view.go_to("risks")
    w.commands.user_guide.trigger()
    guide = w.findChild(UserGuideWindow, "userGuideWindow")
    assert guide.heading_at_top() == "Risks, evidence and the heat map"
    assert guide.toc.currentItem().text(0) == "Risks, evidence and the heat map"
    view.go_to("pricing")
    w.commands.user_guide.trigger()
    assert guide.heading_at_top() == "Pricing and discount approval"
    for section in ("client", "inventory", "standards", "remediation", "responsibilities", "review"):
        assert guide.show_topic(topic_for(section)), f"the guide has no part for {section}"


def test_guide_links_to_other_guides_open_in_the_same_window(qtbot, window):
    window.commands.user_guide.trigger()
    guide = window.findChild(UserGuideWindow, "userGuideWindow")
    guide._link(QUrl("importing-inventories.md"))
    assert guide.path.name == "importing-inventories.md" and guide.back_button.isEnabled()
    assert "## " not in guide.browser.toPlainText()
    guide.back_button.click()
    assert guide.path.name == "user-guide.md"


def test_a_missing_user_guide_is_explained(qtbot, window, opened_urls, monkeypatch):
    monkeypatch.setattr(help_dialogs, "user_guide_path", lambda: None)
    window.commands.user_guide.trigger()
    box = wait_for_modal(qtbot, QMessageBox)
    assert "not installed" in box.text()
    assert opened_urls == []
    click(qtbot, button(box, "OK"))


# ---- the welcome page -----------------------------------------------------------------------


def test_welcome_offers_four_ways_in(window):
    assert window.empty_page.isVisible()
    for b in (window.new_button, window.demo_button, window.import_button, window.profile_button):
        assert b.isVisible() and b.isEnabled()
    assert window.new_button.hasFocus()


def test_welcome_new_engagement_opens_the_new_engagement_dialog(qtbot, window):
    click(qtbot, window.new_button)
    dialog = wait_for_modal(qtbot, NewEngagementDialog)
    qtbot.keyClicks(dialog.client_edit, "Acme Dental")
    dialog.accept()
    qtbot.waitUntil(lambda: window.workspace.view is not None)
    assert window.workspace.view.client_name == "Acme Dental"
    assert visible_column(window.table) == ["Acme Dental"]


def test_welcome_demo_creates_the_demo_engagement(qtbot, make_window, tmp_path):
    # The demo needs the real form package, not the mini test form.
    from discovery_app.paths import AppPaths

    svc = Discovery.open(AppPaths.resolve(tmp_path / "real.sqlite3"))
    try:
        window = make_window(svc)
        click(qtbot, window.demo_button)
        qtbot.waitUntil(lambda: window.table.isVisible(), timeout=10000)
        assert len(svc.engagements.summaries(include_archived=True)) == 1
        assert visible_column(window.table) == [window.details.title.text()]
    finally:
        window.close()


def test_welcome_open_archive_brings_an_engagement_in(qtbot, window, service, tmp_path):
    eid = service.engagements.create("Harbor & Finch CPAs", consultant="Dana")
    archive = service.archives.write(eid, tmp_path / "harbor.discovery")
    service.engagements.delete(eid)
    window.refresh()
    assert window.empty_page.isVisible()
    click(qtbot, window.import_button)
    dialog = wait_for_modal(qtbot, OpenArchiveDialog)
    qtbot.keyClicks(dialog.file_row.edit, str(archive))
    click(qtbot, dialog.open_button)
    qtbot.waitUntil(lambda: window.table.isVisible())
    assert visible_column(window.table) == ["Harbor & Finch CPAs"]


def test_welcome_provider_profile_opens_the_settings(qtbot, window):
    click(qtbot, window.profile_button)
    dialog = wait_for_modal(qtbot, SettingsDialog)
    assert dialog.name_edit.isVisible()
    dialog.reject()


# ---- the one-time provider prompt -----------------------------------------------------------


def test_provider_prompt_appears_on_the_first_start_only(qtbot, make_window, paths):
    first = Discovery.open(paths, forms_root=FORMS)
    window = make_window(first)
    assert window.provider_banner.isVisible()
    assert "provider profile" in window.provider_banner.label.text()
    window.close()  # closes the service too

    second = Discovery.open(paths, forms_root=FORMS)
    again = make_window(second)
    try:
        assert not again.provider_banner.isVisible()
    finally:
        again.close()


def test_no_provider_prompt_when_the_profile_is_already_set(make_window, service):
    profile = service.settings.current().profile.model_copy(update={"name": "Northwind IT"})
    service.settings.save(profile, None, "USD")
    window = make_window(service)
    assert not window.provider_banner.isVisible()


def test_provider_prompt_leads_to_settings_and_goes_away_when_saved(qtbot, window, service):
    assert window.provider_banner.isVisible()
    click(qtbot, window.banner_setup_button)
    dialog = wait_for_modal(qtbot, SettingsDialog)
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "Northwind IT")
    dialog.accept()
    qtbot.waitUntil(lambda: not window.provider_banner.isVisible())
    assert service.settings.current().profile.name == "Northwind IT"


def test_provider_prompt_can_be_dismissed(qtbot, window):
    click(qtbot, window.banner_close_button)
    assert not window.provider_banner.isVisible()
    assert window.empty_page.isVisible()

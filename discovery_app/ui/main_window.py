"""The main window: pages (loading, welcome, error, engagement list), actions and commands.

The window is built and shown before the store is open (it imports no service or storage code
at import time); :meth:`MainWindow.set_service` fills it once the store is ready. The engagement
list page (its table, filters and details panel) is built the first time it is needed, which is
after the first paint: the "Loading…" page shows without waiting for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from . import keyboard, ops
from .actions import MainActions
from .messages import confirm, show_exception, show_message
from .widgets import Banner, MessagePage, muted
from .workspace_host import WorkspaceHost

if TYPE_CHECKING:
    from ..paths import AppPaths
    from ..services import Discovery
    from ..storage.lock import StoreLock
    from .engagement_list import EngagementListPage
    from .new_engagement_dialog import NewEngagement, NewEngagementDialog

log = logging.getLogger(__name__)
T = TypeVar("T")

EMPTY_TEXT = "No engagements yet. Start one, explore the demo, or bring one in from an archive."
PROVIDER_PROMPT = (
    "Your proposals carry your company's name, logo and terms. "
    "Set up your provider profile now, or later from File > Settings."
)
PROVIDER_PROMPT_KEY = "provider_prompt_shown"


class MainWindow(QMainWindow):
    #: The window's commands (menu and toolbar actions) by name: ``window.commands.refresh``.
    #: Not ``actions``: that would hide Qt's own ``QWidget.actions()`` list.
    commands: MainActions

    def __init__(self, parent: QWidget | None = None) -> None:
        keyboard.install()  # before any widget is built: Tab order, names, readable colours
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Discovery")
        self.service: Discovery | None = None
        self.paths: AppPaths | None = None
        self.commands = MainActions(self)
        self._build_menus()
        self._build_toolbar()

        self.loading_page = MessagePage("Loading…", "Opening your engagements.")
        self.empty_page = MessagePage("Welcome to Discovery", EMPTY_TEXT)
        self.empty_page.setObjectName("emptyState")
        welcome = self.empty_page
        self.new_button = welcome.add_choice(QPushButton("New engagement…"), "Start a discovery for a client.")
        self.new_button.setObjectName("emptyNewButton")
        self.new_button.setDefault(True)
        self.demo_button = welcome.add_choice(
            QPushButton("Create demo engagement"), "A complete sample engagement to look around in.")
        self.demo_button.setObjectName("emptyDemoButton")
        self.import_button = welcome.add_choice(
            QPushButton("Open archive…"), "Bring in an engagement a colleague or another laptop saved.")
        self.import_button.setObjectName("emptyImportButton")
        self.profile_button = welcome.add_choice(
            QPushButton("Set up provider profile…"), "Your company's name, logo and terms for the proposals.")
        self.profile_button.setObjectName("emptyProfileButton")
        self.new_button.clicked.connect(self.commands.new.trigger)
        self.demo_button.clicked.connect(self.commands.demo.trigger)
        self.import_button.clicked.connect(self.open_archive)
        self.profile_button.clicked.connect(self.commands.settings.trigger)
        self.provider_banner = Banner(PROVIDER_PROMPT)
        self.provider_banner.setObjectName("providerBanner")
        self.banner_setup_button = self.provider_banner.add_button(QPushButton("Set up profile…"))
        self.banner_setup_button.setObjectName("providerBannerSetup")
        self.banner_close_button = self.provider_banner.add_button(QPushButton("Not now"))
        self.banner_close_button.setObjectName("providerBannerClose")
        self.banner_setup_button.clicked.connect(self.commands.settings.trigger)
        self.banner_close_button.clicked.connect(self.provider_banner.hide)
        self.provider_banner.hide()
        self.error_page = MessagePage("Discovery could not open its database")
        self._list_page: EngagementListPage | None = None
        self.stack = QStackedWidget()
        for each in (self.loading_page, self.empty_page, self.error_page):
            self.stack.addWidget(each)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.provider_banner)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.db_label = muted(QLabel())
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyIndicator")
        self.busy_bar.setRange(0, 0)  # indeterminate: something is under way
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.hide()
        self.statusBar().addPermanentWidget(self.busy_bar)
        ops.shared().busy_changed.connect(self._op_busy)
        self.read_only_label = QLabel()
        self.read_only_label.setObjectName("readOnlyLabel")
        self.read_only_label.hide()
        self.statusBar().addPermanentWidget(self.read_only_label)
        self.statusBar().addPermanentWidget(self.db_label)
        #: The store's lock while this window holds it (None in a read-only window).
        self.store_lock: StoreLock | None = None
        self._instance_server: QObject | None = None
        self.workspace = WorkspaceHost(self)
        self._connect()
        self._restore_settings()
        self.show_loading()

    # ---- construction -----------------------------------------------------------------------

    @property
    def list_page(self) -> EngagementListPage:
        """The engagement list, built on first use (after the first paint, when the store opens)."""
        if self._list_page is None:
            self._list_page = self._build_list_page()
        return self._list_page

    def _build_list_page(self) -> EngagementListPage:
        from .engagement_list import EngagementListPage

        page = EngagementListPage()
        page.search_edit.setToolTip(self.commands.find.toolTip())
        page.archived_check.setToolTip(self.commands.show_archived.toolTip())
        self.stack.addWidget(page)
        a = self.commands
        a.show_archived.toggled.connect(page.archived_check.setChecked)
        page.archived_check.toggled.connect(a.show_archived.setChecked)
        page.selection_changed.connect(self._update_actions)
        page.activated.connect(self.workspace.open)
        page.current_changed.connect(self._follow_current)
        splitter = QSettings().value("mainWindow/splitter")
        if splitter is not None:
            page.splitter.restoreState(splitter)
        return page

    # Short names for the parts of the list page tests and commands reach most.
    table = property(lambda self: self.list_page.table)
    details = property(lambda self: self.list_page.details)
    proxy = property(lambda self: self.list_page.proxy)
    model = property(lambda self: self.list_page.model)
    search_edit = property(lambda self: self.list_page.search_edit)
    status_combo = property(lambda self: self.list_page.status_combo)
    archived_check = property(lambda self: self.list_page.archived_check)
    count_label = property(lambda self: self.list_page.count_label)

    def _build_menus(self) -> None:
        a = self.commands
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a.new, a.open, a.demo])
        file_menu.addSeparator()
        file_menu.addAction("&Open archive…", self.open_archive)
        file_menu.addAction("Save &archive…", self.save_archive)
        file_menu.addSeparator()
        self.checkout_action = file_menu.addAction("Chec&k out to laptop…", self.check_out_selected)
        self.checkin_action = file_menu.addAction("Check &in from laptop…", self.check_in_selected)
        self.break_action = file_menu.addAction("&Break checkout…", self.break_checkout_selected)
        file_menu.addSeparator()
        file_menu.addAction("&Restore backup…", self.restore_backup)
        file_menu.addSeparator()
        file_menu.addAction(a.settings)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([a.undo, a.redo])
        edit.addSeparator()
        edit.addActions([a.duplicate, a.archive, a.delete])
        edit.addSeparator()
        edit.addAction(a.find)
        view = bar.addMenu("&View")
        view.addActions([a.show_archived, a.refresh])
        view.addSeparator()
        view.addAction(a.toggle_summary)
        go = bar.addMenu("&Go")
        go.addActions([a.back, a.next_section, a.previous_section])
        go.addSeparator()
        go.addAction(a.timer)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([a.user_guide, a.shortcuts])
        help_menu.addSeparator()
        help_menu.addActions([a.open_data_folder, a.open_log_folder])
        help_menu.addSeparator()
        help_menu.addAction(a.about)
        self.help_menu = help_menu

    def _build_toolbar(self) -> None:
        a = self.commands
        tb = QToolBar("Main toolbar")
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.addActions([a.new, a.open, a.duplicate, a.archive, a.delete])
        tb.addSeparator()
        tb.addAction(a.refresh)
        self.addToolBar(tb)
        self.toolbar = tb

    def _connect(self) -> None:
        a = self.commands
        a.new.triggered.connect(self.new_engagement)
        a.demo.triggered.connect(self.create_demo)
        a.duplicate.triggered.connect(self.duplicate_selected)
        a.archive.triggered.connect(self.toggle_archive_selected)
        a.delete.triggered.connect(self.delete_selected)
        a.refresh.triggered.connect(lambda: self.refresh())
        a.find.triggered.connect(self._focus_search)
        a.about.triggered.connect(self._about)
        a.user_guide.triggered.connect(self.open_user_guide)
        a.shortcuts.triggered.connect(self.show_shortcuts)
        a.open_data_folder.triggered.connect(lambda: self.open_folder("data"))
        a.open_log_folder.triggered.connect(lambda: self.open_folder("logs"))
        a.settings.triggered.connect(self.open_settings)
        a.quit.triggered.connect(self.close)

    # ---- states -----------------------------------------------------------------------------

    def show_loading(self) -> None:
        self.stack.setCurrentWidget(self.loading_page)
        self.statusBar().showMessage("Opening the database…")
        self._update_actions()

    def show_store_error(self, message: str) -> None:
        self.error_page.set_text("Discovery could not open its database", message)
        self.stack.setCurrentWidget(self.error_page)
        self.statusBar().showMessage("No database open")
        self._update_actions()

    def set_service(self, service: Discovery, paths: AppPaths | None = None) -> None:
        from ..domain.engagement import STATUS_LABELS
        from . import app_locale

        self.service = service
        if paths is not None:
            self.paths = paths
        app_locale.from_service(service)
        self.list_page.set_statuses({status.value: label for status, label in STATUS_LABELS.items()})
        self.db_label.setText(service.store.name)
        self.db_label.setToolTip(f"Database: {service.store.location}")
        self.refresh()
        self.statusBar().showMessage("Ready", 3000)
        # The list follows what other programs write (a command, a restore, the other window).
        self._store_watch = QTimer(self)
        self._store_watch.setInterval(2000)
        self._store_watch.timeout.connect(self._follow_store)
        self._store_watch.start()
        if service.store.backup_warning:
            self.statusBar().showMessage(service.store.backup_warning, 15000)
        if service.read_only:  # the window holding the store backs it up and asks about the profile
            self.workspace.restore_last()
            return
        # backup_if_due decides: something changed and ten minutes since the last copy.
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(60_000)
        self._backup_timer.timeout.connect(self._backup_if_due)
        self._backup_timer.start()
        self._prompt_provider_once()
        self.workspace.restore_last()

    def _prompt_provider_once(self) -> None:
        """On a first start with no provider profile, a quiet banner offers to set it up: once."""
        service = self.service
        if service is None:
            return
        try:
            if service.settings.get(PROVIDER_PROMPT_KEY) or service.settings.current().profile.name.strip():
                return
            service.settings.set(PROVIDER_PROMPT_KEY, True)
        except Exception:  # a prompt is never worth an error dialog
            log.warning("provider prompt skipped", exc_info=True)
            return
        self.provider_banner.show()

    def _backup_if_due(self) -> None:
        """A backup copy when one is due, as a write op behind the edits already queued."""
        if self.service is not None:
            service = self.service
            ops.WriteOp(self, lambda: service.backups.backup_if_due(), what="Backing up").run_in_background()

    def _refuse_read_only(self) -> bool:
        if self.read_only:
            self.statusBar().showMessage("This window is read-only: do that in the window that has the "
                                         "database open", 6000)
        return self.read_only

    def open_archive(self) -> None:
        if self.service is None or self._refuse_read_only():
            return
        from .archive_dialogs import OpenArchiveDialog

        dialog = OpenArchiveDialog(self.service, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.opened.connect(lambda eid: self._after_change(eid, "Opened the archive as a new engagement"))
        dialog.open()

    def save_archive(self) -> None:
        row = self.list_page.selected_row()
        if row is None or self.service is None:
            self.statusBar().showMessage("Select an engagement to save as an archive", 5000)
            return
        from .archive_dialogs import SaveArchiveDialog

        self.workspace.flush()
        dialog = SaveArchiveDialog(self.service, row.id, row.client, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda path: self.statusBar().showMessage(f"Saved {path}", 5000))
        dialog.open()

    # ---- laptops that go offline ---------------------------------------------------------------

    def _selected_for(self, what: str) -> tuple[int, str] | None:
        row = self.list_page.selected_row()
        if row is None or self.service is None:
            self.statusBar().showMessage(f"Select an engagement to {what}", 5000)
            return None
        if self._refuse_read_only():
            return None
        self.workspace.flush()
        ops.shared().flush()
        return row.id, row.client

    def check_out_selected(self) -> QWidget | None:
        picked = self._selected_for("check out")
        if picked is None or self.service is None:
            return None
        from .checkout_dialogs import CheckoutDialog

        eid, client = picked
        dialog = CheckoutDialog(self.service, eid, client, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.checked_out.connect(lambda done: self._after_change(
            eid, f"Checked out {client} to {done.laptop.name} with the practice library "
            f"({done.library}); it is read-only here until it is checked in"))
        dialog.open()
        return dialog

    def check_in_selected(self) -> QWidget | None:
        picked = self._selected_for("check in")
        if picked is None or self.service is None:
            return None
        from .checkout_dialogs import CheckinDialog

        eid, client = picked
        dialog = CheckinDialog(self.service, eid, client, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.checked_in.connect(lambda _done: self._after_change(eid, f"Checked in {client}: editable here again"))
        dialog.open()
        return dialog

    def break_checkout_selected(self) -> QWidget | None:
        picked = self._selected_for("break its checkout")
        service = self.service
        if picked is None or service is None:
            return None
        eid, client = picked
        ok, warning = self._attempt("Breaking the checkout", lambda: service.checkouts.break_warning(eid))
        if not ok or warning is None:
            return None
        from .checkout_dialogs import BreakCheckoutDialog

        dialog = BreakCheckoutDialog(service, eid, client, warning, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.broken.connect(lambda _m: self._after_change(eid, f"Broke the checkout of {client}; editable here again"))
        dialog.open()
        return dialog

    def restore_backup(self) -> None:
        if self._refuse_read_only():  # never a store swapped under the window that holds it
            return
        from .restore_dialog import open_restore_dialog

        self.workspace.flush()
        open_restore_dialog(self, service=self.service, on_restored=lambda _kept: self.refresh())

    def _show_current_page(self) -> None:
        if self.service is None or self.workspace.view is not None:
            return
        page = self.list_page if self.list_page.has_rows() else self.empty_page
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
            if page is self.empty_page:
                self.new_button.setFocus()
            else:
                self.table.setFocus()

    # ---- the list ---------------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        if self.service is None:
            return
        service = self.service
        from .engagement_table import rows_from_summaries

        ok, rows = self._attempt("Loading the engagements", lambda: rows_from_summaries(
            service.engagements.summaries(include_archived=True)))
        if not ok or rows is None:
            return
        self.list_page.set_rows(rows, select_id)
        self._store_seen = self._fingerprint()
        self._show_current_page()
        self._update_actions()
        shown = self.details.engagement_id
        if self.details.isVisible():
            if shown is not None and self.list_page.contains(shown):
                self.show_details(shown)
            else:
                self.list_page.close_details()

    def select(self, eid: int) -> bool:
        return self.list_page.select(eid)

    def selected_id(self) -> int | None:
        return self.list_page.selected_id()

    def _update_actions(self) -> None:
        a = self.commands
        # Inside a workspace the list's commands (and their shortcuts, Del among them) rest.
        in_list = self.service is not None and self.workspace.view is None
        row = self.list_page.selected_row() if in_list else None
        for action in (a.new, a.demo, a.refresh, a.show_archived):
            action.setEnabled(in_list)
        for action in (a.open, a.duplicate, a.archive, a.delete):
            action.setEnabled(row is not None)
        out = bool(row and row.checked_out_by)
        self.checkout_action.setEnabled(row is not None and not out and not self.read_only)
        self.checkin_action.setEnabled(row is not None and not self.read_only)
        self.break_action.setEnabled(out and not self.read_only)
        a.settings.setEnabled(self.service is not None)
        a.set_archive_mode(bool(row and row.archived))
        if self.read_only:  # beside the window that holds the store: look, never change
            for action in (a.new, a.demo, a.duplicate, a.archive, a.delete, a.settings):
                action.setEnabled(False)
            for button in (self.new_button, self.demo_button, self.import_button, self.profile_button):
                button.setEnabled(False)
        self.workspace.update_actions()

    def update_actions(self) -> None:
        self._update_actions()

    def _follow_current(self, eid: int) -> None:
        """The details panel shows the current row; double-click or Enter opens it."""
        if eid != self.details.engagement_id or not self.details.isVisible():
            self.show_details(eid)

    def show_details(self, eid: int) -> None:
        service = self.service
        if service is None:
            return
        from ..domain.engagement import STATUS_LABELS

        def load() -> tuple[Any, dict[str, Any], str]:
            eng = service.engagements.header(eid)  # the header and counts: never the 20,000 inventory rows
            return eng, service.engagements.summary(eid), service.forms.of(eng).title

        ok, loaded = self._attempt("Showing the engagement", load)
        if not ok or loaded is None:
            return
        eng, summary, form_title = loaded
        self.details.show_engagement(eng, summary, form_title, STATUS_LABELS.get(eng.status, str(eng.status)))
        self.list_page.open_details()

    # ---- commands ---------------------------------------------------------------------------

    def new_engagement(self) -> NewEngagementDialog | None:
        from .new_engagement_dialog import FormChoice, NewEngagementDialog

        service = self.service
        if service is None:
            return None
        with self._busy("Reading the form packages…"):
            ok, forms = self._attempt("Reading the form packages", service.forms.available)
        if not ok or forms is None:
            return None
        if not forms:
            show_message(
                self, "No form package", "There is no valid form package to start an engagement with.",
                informative="Run 'discovery-app forms check' to see what is wrong with the forms folder.",
            )
            return None
        choices = [FormChoice(p.key, p.title, p.description, service.forms.mark(p)) for p in forms]
        settings = QSettings()
        dialog = NewEngagementDialog(choices, consultant=str(settings.value("newEngagement/consultant", "") or ""), parent=self)
        ok, default = self._attempt("Reading the default form", lambda: service.forms.get().key)
        if ok and default is not None:
            dialog.form_combo.setCurrentIndex(max(0, dialog.form_combo.findData(default)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._create(dialog.value()))
        dialog.open()
        return dialog

    def _create(self, value: NewEngagement) -> None:
        service = self.service
        if service is None:
            return
        ok, eid = self._attempt("Creating the engagement", lambda: service.engagements.create(
            value.client_name, form_key=value.form_key or None, consultant=value.consultant,
            internal_it_owner=value.internal_it_owner,
        ))
        if not ok or eid is None:
            return
        QSettings().setValue("newEngagement/consultant", value.consultant)
        self._after_change(eid, f"Created the engagement for {value.client_name}")
        # A new engagement is created to be worked on: open it at its first section, once the
        # dialog has closed (and handed the focus back), so the cursor lands in the workspace.
        QTimer.singleShot(0, lambda: self._open_created(eid, value.client_name))

    def _open_created(self, eid: int, client: str) -> None:
        if self.service is not None and self.workspace.open(eid) is not None:
            self.statusBar().showMessage(f"Created and opened the engagement for {client}", 5000)

    def create_demo(self) -> None:
        service = self.service
        if service is None:
            return
        try:
            from ..demo import create_demo
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__.split('.')[0]}.demo":
                raise
            show_message(self, "Demo not available", "This build of Discovery has no demo engagement.")
            return
        with self._busy("Creating the demo engagement…"):
            ok, eid = self._attempt("Creating the demo engagement", lambda: create_demo(service))
        if ok and eid is not None:
            self._after_change(int(eid), "Created the demo engagement")

    def duplicate_selected(self) -> None:
        row, service = self.list_page.selected_row(), self.service
        if row is None or service is None:
            return
        ok, eid = self._attempt("Duplicating the engagement", lambda: service.engagements.duplicate(row.id))
        if ok and eid is not None:
            self._after_change(eid, f"Duplicated {row.client}: the copy is a new draft")

    def toggle_archive_selected(self) -> None:
        row = self.list_page.selected_row()
        if row is not None:
            self.set_archived(row.id, not row.archived, row.client)

    def set_archived(self, eid: int, archived: bool, client: str) -> None:
        service = self.service
        if service is None:
            return
        ok, _ = self._attempt("Archiving the engagement", lambda: service.engagements.archive(eid, archived))
        if not ok:
            return
        self.refresh(select_id=eid)
        if archived and not self.proxy.show_archived:
            self.statusBar().showMessage(f"Archived {client}. Check Show archived to see it again.", 8000)
        else:
            self.statusBar().showMessage(f"{'Archived' if archived else 'Unarchived'} {client}", 5000)

    def delete_selected(self) -> QMessageBox | None:
        row = self.list_page.selected_row()
        if row is None or self.service is None:
            return None
        eid, client = row.id, row.client
        return confirm(
            self, "Delete engagement", f"Delete the engagement for {client}?",
            "This cannot be undone: its answers, inventory, risks and attachments are removed for good. "
            "To take it out of the list but keep it, archive it instead.",
            accept_text="Delete", on_accept=lambda: self._delete(eid, client),
            alternative=("Archive instead", lambda: self.set_archived(eid, True, client)),
            destructive=True,
        )

    def _delete(self, eid: int, client: str) -> None:
        service = self.service
        if service is None:
            return
        ok, _ = self._attempt("Deleting the engagement", lambda: service.engagements.delete(eid))
        if not ok:
            return
        self.refresh()
        self.statusBar().showMessage(f"Deleted the engagement for {client}", 5000)

    def _after_change(self, eid: int, message: str) -> None:
        self.refresh(select_id=eid)
        if self.selected_id() != eid:
            # The filters hide the new row: clear them rather than leave the consultant guessing.
            self.list_page.clear_filters()
            self.select(eid)
        self.show_details(eid)
        self.statusBar().showMessage(message, 5000)

    # ---- helpers ----------------------------------------------------------------------------

    def _attempt(self, what: str, fn: Callable[[], T]) -> tuple[bool, T | None]:
        """Run ``fn``: (True, its result), or show why it failed and return (False, None).

        Autosaves still queued in an open workspace (and every other op) are committed first, so
        whatever ``fn`` reads, copies or replaces (a backup, an export, a delete) includes the last
        edit."""
        self.workspace.flush()
        ops.shared().flush()
        try:
            return True, fn()
        except Exception as exc:
            show_exception(self, what, exc)
            return False, None

    @contextmanager
    def _busy(self, message: str) -> Iterator[None]:
        """Feedback around work that must run on the GUI thread (building a workspace's widgets):
        the message and busy bar are painted at once (no event loop is spun). Work that needs no
        widgets goes through :mod:`.ops` instead."""
        self.statusBar().showMessage(message)
        self.busy_bar.show()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.statusBar().repaint()
        try:
            yield
        finally:
            QApplication.restoreOverrideCursor()
            self.busy_bar.hide()
            self.statusBar().clearMessage()

    busy = _busy

    def _op_busy(self, label: str) -> None:
        """A long op (export, import, backup) is under way: its label and the busy bar show."""
        self.busy_bar.setVisible(bool(label))
        if label:
            self.statusBar().showMessage(label)
        else:
            self.statusBar().clearMessage()

    def attempt(self, what: str, fn: Callable[[], T]) -> tuple[bool, T | None]:
        return self._attempt(what, fn)

    def _focus_search(self) -> None:
        if self.workspace.view is not None and self.stack.currentWidget() is self.workspace.view:
            self.workspace.view.find_question()
        elif self.stack.currentWidget() is self.list_page:
            self.list_page.focus_search()

    def open_settings(self) -> QWidget | None:
        service = self.service
        if service is None:
            return None
        from .settings_dialog import SettingsDialog

        ok, dialog = self._attempt("Opening the settings", lambda: SettingsDialog(service, self))
        if not ok or dialog is None:
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self.statusBar().showMessage("Settings saved", 3000))
        dialog.saved.connect(self._settings_saved)
        dialog.saved.connect(self.provider_banner.hide)
        dialog.open()
        return dialog

    def _settings_saved(self) -> None:
        """A new locale applies at once: the open engagement is shown again in it."""
        from . import app_locale

        before = app_locale.current()
        if self.service is None or app_locale.from_service(self.service) == before:
            return
        view = self.workspace.view
        if view is not None:
            eid = view.eid
            self.workspace.close_workspace(forget=False, refresh=False)
            self.workspace.open(eid)
        self.refresh()

    def app_paths(self) -> AppPaths:
        """Where the data, backups and logs are: as the store was opened, else the defaults."""
        from ..paths import AppPaths

        if self.paths is not None:
            return self.paths
        return AppPaths.resolve(self.service.store.target if self.service is not None else None)

    def _about(self) -> QWidget:
        from .help_dialogs import AboutDialog

        dialog = AboutDialog(self.service, self.app_paths(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_shortcuts(self) -> QWidget:
        from .help_dialogs import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_user_guide(self) -> QWidget | None:
        """Help > User guide (F1): inside the app, at the part for the screen on show."""
        from .help_dialogs import open_user_guide

        section = "list"
        view = self.workspace.view
        if view is not None and self.stack.currentWidget() is view:
            page = view.current_page()
            section = page.section_id if page is not None else ""
        return open_user_guide(self, section)

    def open_folder(self, which: str) -> bool:
        """Show the data folder ("data") or the log folder ("logs"), creating it if missing."""
        from .help_dialogs import open_folder

        paths = self.app_paths()
        return open_folder(self, paths.logs if which == "logs" else paths.data)

    # ---- settings ---------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = QSettings()
        geometry = s.value("mainWindow/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            screen = QGuiApplication.primaryScreen()
            avail = screen.availableGeometry() if screen else None
            w, h = 1200, 760
            if avail is not None:
                w, h = min(w, avail.width()), min(h, avail.height())
            self.resize(w, h)
        state = s.value("mainWindow/state")
        if state is not None:
            self.restoreState(state)

    def save_settings(self) -> None:
        s = QSettings()
        s.setValue("mainWindow/geometry", self.saveGeometry())
        s.setValue("mainWindow/state", self.saveState())
        if self._list_page is not None:  # never built (closed while loading): keep what was saved
            s.setValue("mainWindow/splitter", self._list_page.splitter.saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.read_only:  # a read-only window keeps the other one's layout and last engagement
            self.save_settings()
        # Keep the engagement remembered: it opens again on the next start.
        self.workspace.close_workspace(forget=False, refresh=False)
        ops.shared().flush()  # a backup or anything else still queued finishes before the store closes
        if self.service is not None:
            self.service.close()
            self.service = None
        close_server = getattr(self._instance_server, "close", None)
        if close_server is not None:
            close_server()
        if self.store_lock is not None:  # only once the store is closed: the next one may open it
            self.store_lock.release()
            self.store_lock = None
        super().closeEvent(event)

    def _fingerprint(self) -> tuple[object, ...] | None:
        try:
            return self.service.changes.fingerprint() if self.service is not None else None
        except Exception:  # a look is never worth an error dialog
            log.warning("could not read the store's fingerprint", exc_info=True)
            return None

    def _follow_store(self) -> None:
        """Refresh the list when the store changed elsewhere (the workspace follows on its own)."""
        if self.service is None or self.workspace.view is not None or ops.shared().pending:
            return
        seen = getattr(self, "_store_seen", None)
        now = self._fingerprint()
        if now is None or now == seen:
            return
        self.refresh(select_id=self.selected_id())
        self.statusBar().showMessage("The list was updated: the database was changed elsewhere", 6000)

    # ---- one window per store ---------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return bool(self.service is not None and self.service.read_only)

    def hold_store(self, lock: StoreLock) -> None:
        """This window holds the store: a second Discovery on it can ask this one forward."""
        self.store_lock = lock
        # Listening waits until the window is usable (QtNetwork is slow to import); a second start
        # in that moment opens read-only instead of switching.
        QTimer.singleShot(500, self._listen_for_second_start)

    def _listen_for_second_start(self) -> None:
        from .store_guard import InstanceServer, raise_window

        if self.store_lock is None or not self.store_lock.held or self._instance_server is not None:
            return
        try:
            server = InstanceServer(self.store_lock.db, self)
        except ImportError as exc:  # a bundle without QtNetwork: a second start opens read-only
            log.warning("cannot listen for a second start: %s", exc)
            return
        server.raise_requested.connect(lambda: raise_window(self))
        self._instance_server = server

    def show_read_only(self, holder: str) -> None:
        """Say in the status bar, for as long as the window is open, that it changes nothing."""
        self.read_only_label.setText("Read-only")
        self.read_only_label.setToolTip(f"The database is open in {holder}; this window shows it and "
                                        "follows what that window saves, but changes nothing.")
        self.read_only_label.show()
        self.statusBar().showMessage(f"Read-only: the database is open in {holder}", 15000)
        self.setWindowTitle(f"{self.windowTitle()} (read-only)")
        self._update_actions()

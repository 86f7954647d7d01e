"""Screenshots of the desktop app for the user guide, from a throw-away database.

Run from the repository root, under a virtual X server:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/make_screenshots.py

Writes docs/screenshots/welcome-empty.png (a new, empty store),
docs/screenshots/engagement-list.png (the demo engagement and a few others, with the demo's
summary open), docs/screenshots/new-engagement.png (the New engagement dialog), and from the demo
engagement's workspace workspace-questionnaire.png (a questionnaire section), workspace-client.png
(Client & sites), workspace-fit.png (the Fit page) and settings.png (the Settings dialog).
Nothing touches the consultant's real database or settings. Look at the images
after running: a missing font shows as boxes instead of text, silently.
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

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from discovery_app.paths import AppPaths  # noqa: E402
from discovery_app.ui.application import create_application, open_store_into  # noqa: E402
from discovery_app.ui.main_window import MainWindow  # noqa: E402

# Other engagements beside the demo, so the list looks like a consultant's month.
OTHERS = [
    # client, consultant, internal IT owner, statuses to walk through, archived
    ("Northwind Dental Group", "Priya Shah", "Marco Diaz", ["in_review"], False),
    ("Bluewater Logistics", "Dana Reyes", "Kim Osei", ["in_review", "proposal_sent"], False),
    ("Cedar Ridge Law", "Priya Shah", "", [], False),
    ("Summit Veterinary Clinics", "Dana Reyes", "Lee Carter", ["in_review", "proposal_sent", "accepted"], False),
    ("Old Mill Bakery", "Dana Reyes", "", [], True),
]


def seed(paths: AppPaths) -> int | None:
    """Fill a store; returns the engagement to show in the details panel."""
    from discovery_app.domain.engagement import Status
    from discovery_app.services import Discovery

    service = Discovery.open(paths)
    try:
        shown = None
        for client, consultant, owner, statuses, archived in OTHERS:
            eid = service.engagements.create(client, consultant=consultant, internal_it_owner=owner)
            for status in statuses:
                service.engagements.set_status(eid, Status(status))
            if archived:
                service.engagements.archive(eid)
            shown = shown or eid
        try:
            from discovery_app.demo import create_demo
        except ModuleNotFoundError:
            print("discovery_app.demo is not there: the list shows plain engagements only")
        else:
            shown = create_demo(service)
        return shown
    finally:
        service.close()


def save(image, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target)):
        raise SystemExit(f"could not write {target}")
    print(f"wrote {target.relative_to(ROOT)} ({image.width()}x{image.height()})")


def shoot(paths: AppPaths, target: Path, show_id: int | None = None, dialog_target: Path | None = None) -> None:
    window = MainWindow()
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()
    if not QTest.qWaitForWindowExposed(window, 5000):
        raise SystemExit("the window was never exposed: is this running under xvfb-run?")
    if not open_store_into(window, paths):
        raise SystemExit(f"could not open {paths.db}")
    if show_id is not None:
        # The one-time provider prompt belongs to the welcome shot only.
        banner = getattr(window, "provider_banner", None)
        if banner is not None:
            banner.hide()
        window.select(show_id)
        window.show_details(show_id)
    window.statusBar().clearMessage()
    QTest.qWait(400)  # let layouts, fonts and the status bar settle
    save(window.grab().toImage(), target)
    if dialog_target is not None:
        dialog = window.new_engagement()
        if dialog is None:
            raise SystemExit("the New engagement dialog did not open")
        QTest.keyClicks(dialog.client_edit, "Riverside Architects")
        QTest.keyClicks(dialog.consultant_edit, "Priya Shah")
        QTest.qWait(400)
        # The dialog alone: Xvfb has no window manager, so a screen grab would show it frameless.
        save(dialog.grab().toImage(), dialog_target)
        dialog.reject()
    window.close()


PROFILE = {
    "name": "Harbor IT Partners", "brand_colour": "#1f5fa8", "contact_name": "Dana Whitfield",
    "contact_email": "dana@harborit.example", "contact_phone": "+1 503 555 0142",
    "website": "https://harborit.example", "address": "400 SW Main St, Suite 900\nPortland, OR 97204",
    "proposal_validity_days": 30, "page_size": "Letter",
    "terms": "The discovery fee is due on acceptance. Work outside the agreed scope needs a priced change order.",
}


def shoot_workspace(paths: AppPaths, eid: int) -> None:
    from discovery_app.services import Discovery

    service = Discovery.open(paths)
    try:
        service.settings.save(PROFILE, None, "USD")
    finally:
        service.close()
    window = MainWindow()
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()
    if not QTest.qWaitForWindowExposed(window, 5000):
        raise SystemExit("the window was never exposed: is this running under xvfb-run?")
    if not open_store_into(window, paths):
        raise SystemExit(f"could not open {paths.db}")
    view = window.workspace.view or window.workspace.open(eid)
    if view is None:
        raise SystemExit("the demo engagement's workspace did not open")
    for section, name in (("q:service_desk", "workspace-questionnaire.png"), ("client", "workspace-client.png"),
                          ("fit", "workspace-fit.png")):
        view.go_to(section, focus=True)
        window.statusBar().clearMessage()
        QTest.qWait(400)
        save(window.grab().toImage(), OUT / name)
    dialog = window.open_settings()
    if dialog is None:
        raise SystemExit("the Settings dialog did not open")
    QTest.qWait(400)
    save(dialog.grab().toImage(), OUT / "settings.png")
    dialog.reject()
    window.close()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="discovery-shots-") as tmp:
        base = Path(tmp)
        # Window geometry and remembered names go to the temporary folder, not the user's.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(base / "settings"))
        create_application([sys.argv[0]])

        shoot(AppPaths.resolve(base / "empty.sqlite3"), OUT / "welcome-empty.png")

        paths = AppPaths.resolve(base / "demo.sqlite3")
        shown = seed(paths)
        shoot(paths, OUT / "engagement-list.png", shown, dialog_target=OUT / "new-engagement.png")
        if shown is not None:
            shoot_workspace(paths, shown)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Screenshots of every workspace page, for looking at layouts: the demo and a large engagement.

Run from the repository root, under a virtual X server, at each screen size:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screens_tour.py OUT 1280x800
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/screens_tour.py OUT 1920x1080

Options: ``--dark`` (a dark Fusion palette), ``--only demo|large``, ``--pages risks,standards`` (those
sections only), ``--scale 1.5`` (Qt's scale factor, as a desktop set to 150 % gives; the same as
QT_SCALE_FACTOR=1.5). At 150 %, run it on a larger virtual screen:

    xvfb-run -a -s "-screen 0 1920x1200x24" .venv/bin/python docs/screens_tour.py OUT 1920x1200 --scale 1.5

Writes OUT/<demo|large>-<page>-<size>.png and prints, per page, every visible label, button or
header section whose text does not fit (the same measure as tests/ui/test_no_elision.py).
Nothing touches the consultant's real database or settings.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests" / "ui"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def dark_palette() -> QPalette:
    p = QPalette()
    R = QPalette.ColorRole
    for role, colour in ((R.Window, "#2b2b2b"), (R.WindowText, "#e6e6e6"), (R.Base, "#1f1f1f"),
                         (R.AlternateBase, "#2a2a2a"), (R.Text, "#e6e6e6"), (R.Button, "#353535"),
                         (R.ButtonText, "#e6e6e6"), (R.Highlight, "#3d7bd9"), (R.HighlightedText, "#ffffff"),
                         (R.ToolTipBase, "#2b2b2b"), (R.ToolTipText, "#e6e6e6"), (R.PlaceholderText, "#9a9a9a"),
                         (R.Link, "#8ab4f8")):
        p.setColor(role, QColor(colour))
    return p


def main() -> int:
    out = Path(sys.argv[1])
    size = sys.argv[2] if len(sys.argv) > 2 else "1280x800"
    w, h = (int(x) for x in size.split("x"))
    dark = "--dark" in sys.argv
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    pages = set(sys.argv[sys.argv.index("--pages") + 1].split(",")) if "--pages" in sys.argv else set()
    if "--scale" in sys.argv:  # read by Qt when the application starts, so set before it
        os.environ["QT_SCALE_FACTOR"] = sys.argv[sys.argv.index("--scale") + 1]
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="discovery-tour-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "settings"))

    from elision import elided_texts

    from benchmarks.common import large_store
    from discovery_app.paths import AppPaths
    from discovery_app.ui.application import create_application, open_store_into
    from discovery_app.ui.main_window import MainWindow

    db, demo_id, large_id, _ = large_store(home)
    app = create_application(["discovery"])
    if dark:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    window = MainWindow()
    # The screen in the app's own (device-independent) pixels: at 150 % a 1920x1200 screen is 1280x800.
    scale = float(os.environ.get("QT_SCALE_FACTOR") or 1)
    window.resize(round(w / scale), round(h / scale))
    window.show()
    QTest.qWaitForWindowExposed(window)
    open_store_into(window, AppPaths.resolve(db))
    tag = f"{size}{'-dark' if dark else ''}{'-x' + os.environ['QT_SCALE_FACTOR'] if os.environ.get('QT_SCALE_FACTOR') else ''}"
    window.showMaximized()
    QTest.qWait(300)
    app.primaryScreen().grabWindow(0).save(str(out / f"list-{tag}.png"))
    for name, eid in (("demo", demo_id), ("large", large_id)):
        if only and name != only:
            continue
        view = window.workspace.open(eid)
        assert view is not None
        for page in view.pages:
            if pages and page.section_id not in pages:
                continue
            view.go_to(page.section_id)
            QTest.qWait(800)  # a loaded machine settles late: at 250 ms the pricing cards were mid-rearrangement
            key = page.section_id.replace(":", "-")
            # What the window paints now: a grab of the X screen can lag a repaint behind.
            window.grab().save(str(out / f"{name}-{key}-{tag}.png"))
            cut = elided_texts(view)
            print(f"{name:5} {page.section_id:28} {'ok' if not cut else 'CUT: ' + '; '.join(cut[:6])}")
        window.workspace.close_workspace(forget=True, refresh=False)
    window.commands.user_guide.trigger()
    QTest.qWait(300)
    app.primaryScreen().grabWindow(0).save(str(out / f"guide-{tag}.png"))
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Composition root of the desktop app: paths -> store -> services -> Qt.

Qt lives only in :mod:`discovery_app.ui`; this module hands it the paths and lets it show the
window first and open the store behind it.
"""

from __future__ import annotations

from .paths import AppPaths


def run_gui(paths: AppPaths) -> int:
    from .ui.application import run

    return run(paths)

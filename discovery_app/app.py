"""Composition root of the desktop app: paths -> store -> services -> Qt.

Qt lives only in :mod:`discovery_app.ui`; this module hands it the paths and lets it show the
window first and open the store behind it.
"""

from __future__ import annotations

from .paths import AppPaths


def run_gui(paths: AppPaths, *, smoke: bool = False) -> int:
    """Open the desktop app; with ``smoke``, only until it is usable, printing when (``--smoke``)."""
    if smoke:
        from .ui.smoke import run as run_smoke

        return run_smoke(paths)
    from .ui.application import run

    return run(paths)

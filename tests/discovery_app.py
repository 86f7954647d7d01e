"""Briefcase's test entry: ``briefcase dev --test`` (and ``briefcase run --test``) runs this.

Briefcase runs the module ``tests.<app module name>``, so this file must carry the app's module
name. It runs the whole suite with pytest (extra command-line arguments replace ``tests``) and
prints the exit line Briefcase reads to decide whether the run passed. For everyday work use the
README's command, ``python -m pytest``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def run_tests() -> int:
    import pytest

    project_path = Path(__file__).resolve().parent.parent
    os.chdir(project_path)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Inside a built app Briefcase starts this module through the app's launcher with
    # BRIEFCASE_MAIN_MODULE=tests.discovery_app; the tests start the app again (the same
    # launcher) and must get the app, not another run of the suite.
    os.environ.pop("BRIEFCASE_MAIN_MODULE", None)

    args = sys.argv[1:] or ["tests"]
    returncode = int(
        pytest.main(
            [
                "-vv",
                "--color=no",
                # A bundle's folder may be read-only: keep pytest's cache somewhere writable.
                "-o",
                f"cache_dir={tempfile.gettempdir()}/.pytest_cache",
                *args,
            ]
        )
    )
    print(f">>>>>>>>>> EXIT {returncode} <<<<<<<<<<")
    return returncode


if __name__ == "__main__":
    sys.exit(run_tests())

"""Guards the PySide6 pin (shared/PLATFORM.md): 6.12.0 on Python 3.11 drops a reference to None on
every Qt call that returns nothing and aborts after a few thousand. A good release holds steady."""

from __future__ import annotations

import sys

CALLS = 100_000
TOLERANCE = 100


def test_void_qt_calls_do_not_leak_references_to_none(qapp):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    label.setText("warm up")
    before = sys.getrefcount(None)
    for i in range(CALLS):
        label.setText("a" if i % 2 else "b")
    after = sys.getrefcount(None)
    assert abs(after - before) < TOLERANCE, (
        f"sys.getrefcount(None) drifted by {after - before} over {CALLS} void Qt calls: "
        "this PySide6 release leaks None and will crash the app; keep the pin in pyproject.toml"
    )

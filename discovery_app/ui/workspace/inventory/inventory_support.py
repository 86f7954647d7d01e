"""The inventory page's end-of-support filter: devices whose operating system is past its
vendor's end of support, or reaches it within a year (the form's lifecycle table)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from ....domain.lifecycle import Support

CHOICES: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("Any support status", None),
    ("Past end of support", frozenset({Support.PAST})),
    ("Ends within a year", frozenset({Support.SOON})),
    ("Past or ending within a year", frozenset({Support.PAST, Support.SOON})),
    ("Supported", frozenset({Support.SUPPORTED})),
    ("OS not in the lifecycle table", frozenset({Support.UNKNOWN})),
)


def support_filter_box() -> QComboBox:
    box = QComboBox()
    box.setObjectName("supportFilter")
    box.setAccessibleName("Show end of support")
    box.setToolTip("Show devices by their operating system's end of support, from the form's lifecycle table")
    for label, statuses in CHOICES:
        box.addItem(label, statuses)
    return box

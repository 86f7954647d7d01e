"""Reading an edited delivery workbook back: what it would change, which columns are read and
which ignored, and every ignored cell someone edited, before anything is applied.

The same preview as ``discovery-app workbook import ID FILE``; Apply writes the changes in one
transaction (the service refuses if the engagement changed since the preview).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...widgets import apply_buttons, muted, scaled_font


class WorkbookImportDialog(QDialog):
    """Preview of a workbook re-import; accepted means "apply these changes"."""

    def __init__(self, file_name: str, diff: Any, columns: Sequence[Any], refused: Sequence[Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diff = diff
        self.setWindowTitle(f"Read back {file_name}")
        self.resize(980, 640)
        lines = diff.lines()
        counts = diff.counts()

        title = QLabel(f"Changes in {file_name}")
        title.setFont(scaled_font(self, 1.25, bold=True))
        summary = (f"{counts['changed']} changed, {counts['new']} new, {counts['removed']} removed"
                   if lines else "No changes: the workbook matches the engagement.")
        self.summary_label = QLabel(summary)
        self.summary_label.setObjectName("workbookSummary")

        self.changes = QListWidget()
        self.changes.setObjectName("workbookChanges")
        self.changes.addItems(lines)
        self.changes.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.changes.setVisible(bool(lines))

        self.refused_label = QLabel(
            f"{len(refused)} edited cell{'s are' if len(refused) != 1 else ' is'} not read back, and will not "
            "be imported:" if refused else "No edits in columns that are not read back.")
        self.refused_label.setObjectName("refusedLabel")
        self.refused_label.setFont(scaled_font(self, 1.0, bold=bool(refused)))
        self.refused = QListWidget()
        self.refused.setObjectName("refusedCells")
        self.refused.addItems([c.describe() for c in refused])
        self.refused.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.refused.setVisible(bool(refused))

        read = [c.describe() for c in columns]
        self.columns_label = muted(QLabel("What is read back:\n" + "\n".join(f"• {t}" for t in read)))
        self.columns_label.setObjectName("columnsLabel")
        self.columns_label.setWordWrap(True)

        self.apply_button = QPushButton(f"Apply {len(lines)} change{'s' if len(lines) != 1 else ''}"
                                        if lines else "Nothing to apply")
        self.apply_button.setEnabled(bool(lines))
        self.apply_button.setDefault(bool(lines))
        buttons = apply_buttons(self, self.apply_button, QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.changes, 2)
        layout.addWidget(self.refused_label)
        layout.addWidget(self.refused, 1)
        layout.addWidget(self.columns_label)
        layout.addWidget(buttons)

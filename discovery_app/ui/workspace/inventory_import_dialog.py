"""The column-mapping dialog of an inventory import: what the file is, which column feeds which
field, a preview of the first rows, and every row that would be rejected, before anything is
written. The consultant imports the good rows or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import inventory as inv
from ..widgets import error_colour, muted, scaled_font

AnyIndex = QModelIndex | QPersistentModelIndex
PREVIEW_ROWS = 20
#: Above this many rows the check runs on a worker thread behind a progress indicator.
BIG_TABLE = 3000

ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "cp1252": "Windows-1252"}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def describe_source(table: Any) -> str:
    """'CSV · UTF-8 with BOM · semicolon-separated · CRLF line endings · 1,240 rows'."""
    parts = [table.format.upper()]
    if table.format == "csv":
        parts.append(ENCODINGS.get(table.encoding, table.encoding or "unknown encoding"))
        parts.append(f"{DELIMITERS.get(table.delimiter, repr(table.delimiter))}-separated")
        parts.append(f"{table.line_ending} line endings")
    elif table.sheet:
        parts.append(f"sheet “{table.sheet}”")
    n = len(table.rows)
    parts.append(f"{n:,} row{'s' if n != 1 else ''}")
    return " · ".join(parts)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


class PreviewModel(QAbstractTableModel):
    """The first rows of the file, with each header saying where its column goes."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[object]], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows = [list(r) for r in rows]
        self._mapping: dict[int, inv.Target] = {}

    def set_mapping(self, mapping: dict[int, inv.Target]) -> None:
        self._mapping = dict(mapping)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self._headers) - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        target = self._mapping.get(section)
        return f"{self._headers[section]}\n→ {inv.TARGET_LABELS[target] if target else 'ignored'}"

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        return cell_text(row[index.column()]) if index.column() < len(row) else ""


class RejectsModel(QAbstractTableModel):
    TITLES = ("Line", "Problem")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rejects: list[inv.Reject] = []

    def set_rejects(self, rejects: Sequence[inv.Reject]) -> None:
        self.beginResetModel()
        self._rejects = list(rejects)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rejects)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.TITLES[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rejects[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(r.line) if index.column() == 0 else r.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


Checker = Callable[[dict[int, inv.Target]], inv.ParsedRows]


class ImportMappingDialog(QDialog):
    """Choose a target per column, see the rejects, then import the good rows or nothing."""

    def __init__(self, preview: Any, known_kinds: Sequence[str], parent: QWidget | None = None,
                 *, run: Callable[[str, Callable[[], Any]], Any] | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        table = preview.table
        self._kinds = list(known_kinds)
        # How to run the (possibly slow) check: directly, or through the page's busy runner.
        self._run = run or (lambda _label, work: work())
        self.parsed: inv.ParsedRows | None = None
        self.setWindowTitle(f"Import inventory: {table.path.name}")
        self.resize(1100, 700)

        title = QLabel(f"Map the columns of {table.path.name}")
        title.setFont(scaled_font(self, 1.25, bold=True))
        self.source_label = muted(QLabel(describe_source(table)))
        self.source_label.setObjectName("sourceLabel")
        how = ("Mapping remembered from your last import of a file with these columns."
               if preview.remembered else "Mapping guessed from the column names: check each one.")
        self.how_label = muted(QLabel(how))

        # One combo per column of the file.
        self.combos: list[QComboBox] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        head_col = QLabel("Column in the file")
        head_col.setFont(scaled_font(self, 1.0, bold=True))
        head_target = QLabel("Imports as")
        head_target.setFont(scaled_font(self, 1.0, bold=True))
        grid.addWidget(head_col, 0, 0)
        grid.addWidget(head_target, 0, 1)
        first = table.rows[0] if table.rows else []
        for i, header in enumerate(table.headers):
            name = QLabel(header or f"(column {i + 1})")
            sample = cell_text(first[i]) if i < len(first) else ""
            name.setToolTip(f"First value: {sample}" if sample else "The first row is empty here")
            combo = QComboBox()
            combo.setObjectName(f"mapping_{i}")
            combo.addItem("Ignore", None)
            for target, label in inv.TARGET_LABELS.items():
                combo.addItem(label, target.value)
            target = preview.mapping.get(i)
            combo.setCurrentIndex(combo.findData(target.value) if target else 0)
            combo.setAccessibleName(f"Import column {header} as")
            combo.currentIndexChanged.connect(self._mapping_changed)
            name.setBuddy(combo)
            grid.addWidget(name, i + 1, 0)
            grid.addWidget(combo, i + 1, 1)
            self.combos.append(combo)
        grid.setRowStretch(len(table.headers) + 1, 1)
        mapping_box = QWidget()
        mapping_box.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(mapping_box)
        scroll.setMinimumWidth(360)

        self.preview_model = PreviewModel(table.headers, table.preview(PREVIEW_ROWS), self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.preview_view.horizontalHeader().setDefaultSectionSize(130)
        self.preview_view.setWordWrap(False)
        preview_box = QWidget()
        pv = QVBoxLayout(preview_box)
        pv.setContentsMargins(0, 0, 0, 0)
        preview_title = QLabel(f"First {min(PREVIEW_ROWS, len(table.rows))} rows")
        preview_title.setFont(scaled_font(self, 1.0, bold=True))
        pv.addWidget(preview_title)
        pv.addWidget(self.preview_view)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(scroll)
        top.addWidget(preview_box)
        top.setStretchFactor(1, 1)
        top.setSizes([380, 700])
        top.setChildrenCollapsible(False)

        # The validation report.
        self.report_label = QLabel()
        self.report_label.setObjectName("reportLabel")
        self.report_label.setWordWrap(True)
        self.report_label.setFont(scaled_font(self, 1.0, bold=True))
        self.rejects_model = RejectsModel(self)
        self.rejects_view = QTableView()
        self.rejects_view.setObjectName("rejectsView")
        self.rejects_view.setModel(self.rejects_model)
        self.rejects_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rejects_view.verticalHeader().hide()
        self.rejects_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.rejects_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.rejects_view.horizontalHeader().resizeSection(0, 70)
        self.rejects_view.horizontalHeader().setStretchLastSection(True)
        self.rejects_view.setMinimumHeight(110)
        self.rejects_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)

        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("importButton")
        self.import_button.setDefault(True)
        self.nothing_button = QPushButton("Import nothing")
        self.nothing_button.setObjectName("importNothingButton")
        self.nothing_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.nothing_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.source_label)
        layout.addWidget(self.how_label)
        layout.addWidget(top, 3)
        layout.addWidget(self.report_label)
        layout.addWidget(self.rejects_view, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(250)
        self._recheck.timeout.connect(self.check)
        self.preview_model.set_mapping(self.mapping())
        self.check()

    # ---- mapping and checking ---------------------------------------------------------------

    def mapping(self) -> dict[int, inv.Target]:
        out: dict[int, inv.Target] = {}
        for i, combo in enumerate(self.combos):
            value = combo.currentData()
            if value:
                out[i] = inv.Target(value)
        return out

    def _mapping_changed(self) -> None:
        # Each field takes one column: choosing a field already used elsewhere frees the other.
        sender = self.sender()
        if isinstance(sender, QComboBox) and sender.currentData():
            for combo in self.combos:
                if combo is not sender and combo.currentData() == sender.currentData():
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self.preview_model.set_mapping(self.mapping())
        self.import_button.setEnabled(False)  # until the new mapping is checked
        self._recheck.start()

    def check(self) -> None:
        """Check every row with the current mapping and show what would be rejected."""
        self._recheck.stop()
        mapping = self.mapping()
        table = self.preview.table
        if inv.Target.NAME not in mapping.values():
            self.parsed = None
            self._report("Choose the column that holds each item's name (“Imports as: Name”); "
                         "without it nothing can be imported.", error=True)
            self.rejects_model.set_rejects([])
            self._set_import(0)
            return

        def work() -> inv.ParsedRows:
            return inv.rows_to_items(table.rows, table.line_numbers, mapping, self._kinds, source=table.path.name)

        if len(table.rows) > BIG_TABLE:
            parsed = self._run(f"Checking {len(table.rows):,} rows…", work)
        else:
            parsed = work()
        self.parsed = parsed
        good, bad = len(parsed.items), len(parsed.rejects)
        self.rejects_model.set_rejects(parsed.rejects)
        self.rejects_view.setVisible(bool(bad))
        if not good and not bad:
            self._report("The file has no rows to import.", error=True)
        elif bad:
            self._report(f"{bad:,} of {good + bad:,} rows have problems and will not be imported "
                         f"(line numbers are the file's):", error=True)
        else:
            self._report(f"All {good:,} rows are good.", error=False)
        self._set_import(good)

    def _report(self, text: str, *, error: bool) -> None:
        self.report_label.setText(text)
        palette = self.report_label.palette()
        palette.setColor(self.report_label.foregroundRole(),
                         error_colour(palette) if error else self.palette().color(self.foregroundRole()))
        self.report_label.setPalette(palette)

    def _set_import(self, good: int) -> None:
        self.good_rows = good
        self.import_button.setText(f"Import {good:,} good row{'s' if good != 1 else ''}")
        self.import_button.setEnabled(good > 0)

    def accept(self) -> None:
        if self._recheck.isActive():
            self.check()
        if self.parsed is None or not self.parsed.items:
            return
        super().accept()

"""The column-mapping dialog of an inventory import: what the file is, which column feeds which
field (guessed, remembered, or from a saved profile per source tool), a preview of the first rows
with the kind each device would get, how ambiguous dates are read, how many devices are new,
updated or unchanged, and every row that would be rejected or field left empty, before anything
is written. The consultant imports the good rows or nothing.
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

from ....domain import inventory as inv
from ...widgets import error_colour, muted, scaled_font

AnyIndex = QModelIndex | QPersistentModelIndex
PREVIEW_ROWS = 20
#: Above this many rows the check runs on a worker thread behind a progress indicator.
BIG_TABLE = 3000

ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-16-le": "UTF-16 (no BOM)",
             "utf-16-be": "UTF-16 big-endian (no BOM)", "cp1252": "Windows-1252", "mac_roman": "Mac Roman",
             "cp850": "DOS Latin-1 (850)", "iso8859_15": "ISO 8859-15"}
DATE_ORDERS = (("Month first (03/31/2027)", "mdy"), ("Day first (31/03/2027)", "dmy"), ("Year first (27/03/31)", "ymd"))
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
    n = table.row_count
    parts.append(f"{n:,} row{'s' if n != 1 else ''}")
    return " · ".join(parts + table.warnings())


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
    """The first rows of the file, with each header saying where its column goes; the first
    column shows the kind each row would get (and from what), as the import would infer it."""

    KIND_TITLE = "Kind (inferred)"

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[object]], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows = [list(r) for r in rows]
        self._mapping: dict[int, inv.Target] = {}
        self._kinds: list[str] = [""] * len(self._rows)

    def set_mapping(self, mapping: dict[int, inv.Target], kinds: Sequence[str] | None = None) -> None:
        self._mapping = dict(mapping)
        if kinds is not None:
            self._kinds = list(kinds) + [""] * (len(self._rows) - len(kinds))
            if self._rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section == 0:
            return f"{self.KIND_TITLE}\n(from the columns)"
        target = self._mapping.get(section - 1)
        return f"{self._headers[section - 1]}\n→ {inv.TARGET_LABELS[target] if target else 'ignored'}"

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        if index.column() == 0:
            return self._kinds[index.row()]
        row = self._rows[index.row()]
        c = index.column() - 1
        return cell_text(row[c]) if c < len(row) else ""


class RejectsModel(QAbstractTableModel):
    """Rows that will not be imported, and fields that will be left empty, by line."""

    TITLES = ("Line", "Outcome", "Problem")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[int, str, str]] = []

    def set_rejects(self, rejects: Sequence[inv.Reject], warnings: Sequence[inv.FieldWarning] = ()) -> None:
        self.beginResetModel()
        rows = [(r.line, "Row skipped", r.reason) for r in rejects]
        rows += [(w.line, "Field left empty", w.describe()) for w in warnings]
        self._rows = sorted(rows, key=lambda r: r[0])
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.TITLES[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line, outcome, reason = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (str(line), outcome, reason)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


# (mapping, date orders) -> the import's dry run: counts, rejects, warnings, kinds.
Checker = Callable[[dict[int, inv.Target], dict[inv.Target, inv.DateOrder]], Any]


class ImportMappingDialog(QDialog):
    """Choose a target per column, see the rejects, then import the good rows or nothing."""

    def __init__(self, preview: Any, known_kinds: Sequence[str], parent: QWidget | None = None,
                 *, run: Callable[[str, Callable[[], Any], Callable[[Any], object]], None] | None = None,
                 check: Checker | None = None, rules: inv.ImportRules | None = None,
                 profiles: dict[str, dict[str, str]] | None = None,
                 save_profile: Callable[[str, dict[int, inv.Target]], None] | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        table = preview.table
        self._kinds = list(known_kinds)
        # How to run the (possibly slow) check: directly, or as the page's query op, which calls
        # back with the report on the GUI thread.
        self._run = run or (lambda _label, work, done: done(work()))
        self._checks = 0  # the newest check: a report of an older mapping arriving late is dropped
        self._checker = check
        self._rules = rules
        self._profiles = dict(profiles or {})
        self._save_profile = save_profile
        self.parsed: Any = None  # the last check's report (an ImportReport or ParsedRows)
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
        first = table.sample[0] if table.sample else []
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

        # A saved mapping per source tool, and how slash dates are read.
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("profileCombo")
        self.profile_combo.addItem("Choose a saved profile…", None)
        for profile in sorted(self._profiles):
            self.profile_combo.addItem(profile, profile)
        self.profile_combo.setEnabled(bool(self._profiles))
        self.profile_combo.setToolTip("Map the columns as an earlier export of the same tool was mapped")
        self.profile_combo.currentIndexChanged.connect(self._apply_profile)
        self.save_profile_button = QPushButton("Save as profile…")
        self.save_profile_button.setObjectName("saveProfileButton")
        self.save_profile_button.setEnabled(save_profile is not None)
        self.save_profile_button.setToolTip("Keep this mapping under a name (the tool's), to reuse next time")
        self.save_profile_button.clicked.connect(self._ask_profile_name)
        profile_row = QHBoxLayout()
        profile_row.addWidget(QLabel("Profile:"))
        profile_row.addWidget(self.profile_combo, 1)
        profile_row.addWidget(self.save_profile_button)

        self.date_label = QLabel()
        self.date_label.setObjectName("dateLabel")
        self.date_label.setWordWrap(True)
        self.date_combo = QComboBox()
        self.date_combo.setObjectName("dateOrderCombo")
        for label, value in DATE_ORDERS:
            self.date_combo.addItem(label, value)
        self.date_combo.setAccessibleName("Read slash dates")
        self.date_combo.currentIndexChanged.connect(self._date_order_changed)
        self._date_chosen = False
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_label, 1)
        date_row.addWidget(self.date_combo)
        self.date_box = QWidget()
        self.date_box.setLayout(date_row)
        date_row.setContentsMargins(0, 0, 0, 0)
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
        self.preview_view.horizontalHeader().resizeSection(0, 210)  # "workstation (kind column)"
        preview_box = QWidget()
        pv = QVBoxLayout(preview_box)
        pv.setContentsMargins(0, 0, 0, 0)
        preview_title = QLabel(f"First {min(PREVIEW_ROWS, table.row_count):,} of {table.row_count:,} rows")
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
        self.rejects_view.horizontalHeader().resizeSection(1, 130)
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
        layout.addLayout(profile_row)
        layout.addWidget(top, 3)
        layout.addWidget(self.date_box)
        self.kinds_label = muted(QLabel())
        self.kinds_label.setObjectName("kindsLabel")
        self.kinds_label.setWordWrap(True)
        layout.addWidget(self.kinds_label)
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

    def date_orders(self) -> dict[inv.Target, inv.DateOrder]:
        """The order chosen for slash dates, when the consultant chose one (else: as detected)."""
        if not self._date_chosen:
            return {}
        return {t: self.date_combo.currentData() for t in inv.DATE_TARGETS}

    def _date_order_changed(self) -> None:
        self._date_chosen = True
        self.import_button.setEnabled(False)
        self._recheck.start()

    def _show_dates(self, mapping: dict[int, inv.Target]) -> None:
        from dataclasses import replace

        columns = replace(self.preview, mapping=mapping).date_columns(self.date_orders())
        doubtful = [c for c in columns if c.ambiguous or c.mixed or c.chosen_by_user]
        self.date_box.setVisible(bool(doubtful))
        if not doubtful:
            return
        self.date_label.setText("; ".join(c.describe() for c in doubtful) + ".")
        if not self._date_chosen:
            self.date_combo.blockSignals(True)
            self.date_combo.setCurrentIndex(self.date_combo.findData(doubtful[0].order.value))
            self.date_combo.blockSignals(False)

    def _apply_profile(self) -> None:
        name = self.profile_combo.currentData()
        if not name:
            return
        columns = self._profiles.get(name, {})
        for i, combo in enumerate(self.combos):
            target = columns.get(inv.norm(self.preview.table.headers[i]))
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(target) if target else 0)
            combo.blockSignals(False)
        self.how_label.setText(f"Mapping from the profile “{name}”.")
        self._mapping_changed()

    def _ask_profile_name(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, "Save mapping profile", "Profile name (the tool's name):",
                                        text=self.profile_combo.currentData() or "")
        if ok and name.strip() and self._save_profile is not None:
            self._save_profile(name.strip(), self.mapping())
            self.how_label.setText(f"Mapping saved as the profile “{name.strip()}”.")

    def _sample_kinds(self, mapping: dict[int, inv.Target]) -> list[str]:
        if self._rules is None:
            return []
        try:
            conv = inv.RowConverter(mapping, self._kinds, self._rules)
        except inv.MappingError:
            return []
        out = []
        for n, row in enumerate(self.preview.table.preview(PREVIEW_ROWS)):
            got = conv.convert(row, n)
            if isinstance(got, inv.Reject) or got is None:
                out.append("")
            elif got.category.value != "device":
                out.append(got.category.value.replace("_", " "))
            else:
                out.append(f"{got.kind} ({conv.last_kind_from.value})")
        return out

    def check(self) -> None:
        """Check every row with the current mapping and show what the import would do."""
        self._recheck.stop()
        mapping = self.mapping()
        table = self.preview.table
        self.preview_model.set_mapping(mapping, self._sample_kinds(mapping))
        self._show_dates(mapping)
        if inv.Target.NAME not in mapping.values() and inv.Target.SERIAL not in mapping.values():
            self.parsed = None
            found = ", ".join(f"“{h}”" for h in table.headers if h)
            self._report("Choose the column that holds each item's name (“Imports as: Name”), or its serial "
                         f"number; without one nothing can be imported. Columns in the file: {found}.", error=True)
            self.rejects_model.set_rejects([])
            self.kinds_label.clear()
            self._set_import(0)
            return
        orders = self.date_orders()

        def work() -> Any:
            if self._checker is not None:
                return self._checker(mapping, orders)
            assert self._rules is not None  # read before any row is checked
            return inv.rows_to_items(table.rows, table.line_numbers, mapping, self._kinds, self._rules,
                                     source=table.path.name, date_orders=orders)

        self._checks += 1
        asked = self._checks
        if table.row_count > BIG_TABLE:
            self._set_import(0)
            self._report(f"Checking {table.row_count:,} rows…", error=False)
            self._run(f"Checking {table.row_count:,} rows…", work, lambda report: self._checked(asked, report))
        else:
            self._checked(asked, work())

    def _checked(self, asked: int, report: Any) -> None:
        """Show what the import would do (the newest check only)."""
        if asked != self._checks:
            return
        self.parsed = report
        if isinstance(report, inv.ParsedRows):
            good, bad, empty = len(report.items), len(report.rejects), len(report.warnings)
            counts = f"{good:,} good row{'s' if good != 1 else ''}"
        else:
            good = report.imported + report.updated + report.unchanged
            bad, empty = report.rejected, report.warning_count
            counts = report.counts_text()
        self.rejects_model.set_rejects(report.rejects, report.warnings)
        self.rejects_view.setVisible(bool(bad or empty))
        kinds = report.kinds_text() if not isinstance(report, inv.ParsedRows) else ""
        self.kinds_label.setText(f"Device kinds: {kinds}." if kinds else "")
        if not good and not bad:
            self._report("The file has no rows to import.", error=True)
        elif bad:
            self._report(f"{counts}. {bad:,} of {good + bad:,} rows have problems and will not be imported"
                         + (f"; {empty:,} fields will be left empty" if empty else "")
                         + " (line numbers are the file's):", error=True)
        elif empty:
            self._report(f"{counts}. {empty:,} field{'s' if empty != 1 else ''} will be left empty "
                         "(line numbers are the file's):", error=False)
        else:
            self._report(f"All {good:,} rows are good: {counts}.", error=False)
        self._set_import(good if isinstance(report, inv.ParsedRows) else report.imported + report.updated,
                         unchanged=0 if isinstance(report, inv.ParsedRows) else report.unchanged)

    def _report(self, text: str, *, error: bool) -> None:
        self.report_label.setText(text)
        palette = self.report_label.palette()
        palette.setColor(self.report_label.foregroundRole(),
                         error_colour(palette) if error else self.palette().color(self.foregroundRole()))
        self.report_label.setPalette(palette)

    def _set_import(self, good: int, unchanged: int = 0) -> None:
        self.good_rows = good
        if good or not unchanged:
            self.import_button.setText(f"Import {good:,} good row{'s' if good != 1 else ''}")
        else:
            self.import_button.setText("Nothing new to import")
        self.import_button.setEnabled(good > 0)

    def accept(self) -> None:
        if self._recheck.isActive():
            self.check()
        if self.parsed is None or not self.good_rows:
            return
        super().accept()

"""Streaming Excel tables: the mechanics under the delivery workbook.

openpyxl's write-only mode keeps one row in memory at a time, so a 20,000-row inventory costs
little memory. It takes tables, data validations, column widths and frozen panes, with care:

* everything about a sheet except its rows (widths, freeze, validations, tables) is set before
  or beside the rows, and the table's ref must be known up front, so the row count is passed in;
* a write-only sheet cannot read its own header cells back, so each table gets its column names
  set explicitly (they must equal the header cells exactly) and its autofilter set by hand.

Text from typed or imported data goes through :func:`text_cell`: a value starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is stored as a string with Excel's quote prefix,
so a spreadsheet shows it as text and never runs it. Only :class:`Formula` values, which this
package builds itself, become formulas.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
TABLE_STYLE = "TableStyleMedium2"
DATE_FORMAT = "yyyy-mm-dd"
HOURS_FORMAT = "#,##0.00"
INT_FORMAT = "0"
PERCENT_FORMAT = "0.00%"
MAX_CELL_TEXT = 32767  # Excel's limit for one cell
LINE_HEIGHT = 15.0  # points per line of 11 pt text
MAX_ROW_HEIGHT = 409.0  # Excel's limit
TOP_ALIGN_MAX_ROWS = 2000
_SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "EUR": "€", "GBP": "£", "CHF": "CHF "}


def money_format(currency: str) -> str:
    """An Excel number format showing ``currency`` once per cell, two decimals, negatives with a minus."""
    symbol = _SYMBOLS.get(currency)
    if symbol is None:
        return f'#,##0.00 "{currency}";-#,##0.00 "{currency}"'
    return f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00'


class Fmt(StrEnum):
    TEXT = "text"
    WRAP = "wrap"  # long text: wrapped, top-aligned
    MONEY = "money"
    HOURS = "hours"
    INT = "int"
    DATE = "date"
    PERCENT = "percent"


@dataclass(frozen=True)
class Col:
    """One table column: its heading (exact, also the table column name), width and format."""

    header: str
    width: float = 14
    fmt: Fmt = Fmt.TEXT
    choices: tuple[str, ...] = ()  # a drop-down list of allowed values
    total: bool = False  # summed (SUBTOTAL 109, so filters apply) under the table


@dataclass(frozen=True)
class Formula:
    """A formula this package builds (never data). ``{Header}`` stands for that column's cell
    on the same row; ``{row}`` for the row number. ``value``: its result, when the exporter
    knows it, written as the cell's cached result (see :mod:`.xlsx_cache`)."""

    text: str
    value: Any = None


def text_lines(text: str, width: float) -> int:
    """About how many lines ``text`` wraps to in a column ``width`` characters wide."""
    per_line = max(1, int(width * 1.15))  # a width unit is one "0"; average text is narrower
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def row_height(lines: int) -> float | None:
    """A row height that shows ``lines`` lines (None: the default height does). Spreadsheet
    apps do not all fit a wrapped row's height on opening (LibreOffice keeps the default), so
    wrapped rows carry their height."""
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines) if lines > 1 else None


def needs_quote(text: str) -> bool:
    return text.startswith(DANGEROUS_STARTS)


def clean_text(text: str) -> str:
    """Drop the control characters an xlsx file cannot hold and cut to Excel's cell limit."""
    return _ILLEGAL.sub("", text)[:MAX_CELL_TEXT]


def text_cell(ws: Any, text: str, *, wrap: bool = False) -> Cell | str:
    """A text value that a spreadsheet will show and never run."""
    text = clean_text(text)
    if not needs_quote(text) and not wrap:
        return text
    cell = WriteOnlyCell(ws)
    cell.value = text
    cell.data_type = "s"  # even when it starts with "=": a string, not a formula
    if needs_quote(text):
        cell.quotePrefix = True
    if wrap:
        cell.alignment = _WRAP
    return cell


_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_BOLD = Font(bold=True)


class TableWriter:
    """Writes one sheet: a title-free header row, the data rows, then optional totals under it."""

    def __init__(self, wb: Workbook, title: str, table_name: str, columns: Sequence[Col], n_rows: int,
                 *, currency: str = "USD", col_offset: int = 0, setup: Callable[[Any], None] | None = None):
        if len({c.header for c in columns}) != len(columns):
            raise ValueError(f"duplicate column headings on {title}")
        self.ws = wb.create_sheet(title)
        self.title = title
        self.table_name = table_name
        self.columns = list(columns)
        self.n_rows = n_rows
        self.money = money_format(currency)
        self.letters = {c.header: get_column_letter(i) for i, c in enumerate(self.columns, 1)}
        self._row = 1
        self._formats = [self._number_format(c.fmt) for c in self.columns]
        self._wrap = [c.fmt is Fmt.WRAP for c in self.columns]
        self._wrap_widths = [(i, c.width) for i, c in enumerate(self.columns) if c.fmt is Fmt.WRAP]
        self._heights: dict[float, RowDimension] = {}
        # Beside wrapped text every cell reads from the top; on a large table (an inventory of
        # thousands of rows) plain text stays unstyled, since a styled cell costs per cell.
        self._top = bool(self._wrap_widths) and n_rows <= TOP_ALIGN_MAX_ROWS
        self._value_cells: dict[tuple[int, type], Cell] = {}
        self._text_cells: dict[tuple[int, bool, bool], Cell] = {}
        # Formula results known to the exporter (cell reference -> value), and each totalled
        # column's sum while every value in it is known.
        self.cached: dict[str, Any] = {}
        self._sums: dict[int, Decimal | None] = {i: Decimal(0) for i, c in enumerate(self.columns) if c.total}
        last_row = 1 + max(n_rows, 1)  # a table needs at least one data row
        self.last_row = last_row
        last_col = get_column_letter(len(self.columns))
        self.ref = f"A1:{last_col}{last_row}"
        ws = self.ws
        for i, c in enumerate(self.columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = c.width
        ws.freeze_panes = "A2"
        if setup is not None:
            setup(ws)  # print setup: a write-only sheet writes part of it with the first row
        for c in self.columns:
            # Excel caps an inline list at 255 characters; a longer vocabulary goes without.
            if c.choices and len(",".join(c.choices)) <= 250 and not any("," in x for x in c.choices):
                letter = self.letters[c.header]
                dv = DataValidation(
                    type="list", formula1='"' + ",".join(c.choices) + '"', allow_blank=True,
                    showErrorMessage=True, errorTitle=c.header,
                    error=f"Pick one of: {', '.join(c.choices)}.",
                )
                # Cover the rows the team may add under the table too.
                dv.add(f"{letter}2:{letter}{last_row + 500}")
                ws.data_validations.append(dv)
        table = Table(displayName=table_name, ref=self.ref)
        table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
        table.tableColumns = [TableColumn(id=i, name=c.header) for i, c in enumerate(self.columns, 1)]
        table.autoFilter = AutoFilter(ref=self.ref)
        ws.add_table(table)
        height = row_height(max(text_lines(c.header, c.width - 1) for c in self.columns))
        if height:
            ws.row_dimensions[1].height = height
        ws.append([self._header_cell(c.header) for c in self.columns])

    def _header_cell(self, text: str) -> Cell:
        cell = WriteOnlyCell(self.ws, value=text)
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def column_ref(self, header: str) -> str:
        """A structured reference to a whole data column, e.g. ``Tasks[Amount]``."""
        return f"{self.table_name}[{header}]"

    def column_range(self, header: str, *, sheet: bool = True) -> str:
        letter = self.letters[header]
        rng = f"${letter}$2:${letter}${self.last_row}"
        return f"{quote_sheetname(self.title)}!{rng}" if sheet else rng

    def append(self, values: Sequence[Any]) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.title}: {len(values)} values for {len(self.columns)} columns")
        self._row += 1
        for i, total in self._sums.items():
            v = values[i]
            v = v.value if isinstance(v, Formula) else v
            if total is not None and isinstance(v, (int, Decimal)) and not isinstance(v, bool):
                self._sums[i] = total + v
            elif v is not None:
                self._sums[i] = None  # unknown: leave the total to the spreadsheet
        if self._wrap_widths:
            lines = 1
            for i, w in self._wrap_widths:
                v = values[i]
                if isinstance(v, str) and (len(v) > w or "\n" in v):
                    lines = max(lines, text_lines(v, w))
            height = row_height(lines)
            if height:
                # One row-dimension object per height, shared by the rows that need it: creating
                # one per row costs more than the row itself on a 20,000-row inventory.
                dim = self._heights.get(height)
                if dim is None:
                    dim = self._heights[height] = RowDimension(self.ws, ht=height, customHeight=True)
                self.ws.row_dimensions[self._row] = dim
        cell = self._cell
        self.ws.append([cell(i, v) for i, v in enumerate(values)])

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for r in rows:
            self.append(r)

    # A write-only sheet writes each appended row out before ``append`` returns, so one styled
    # cell per column (and per kind of value) is reused row after row: its style is registered
    # once instead of once per cell, which is most of what styling costs in openpyxl.

    def _cell(self, i: int, value: Any) -> Any:
        if value is None:
            return None
        if type(value) is str:
            if self._wrap[i]:
                return self._text(i, value, True)
            # Plain text, the most common cell: clean_text and needs_quote inline.
            text = _ILLEGAL.sub("", value)
            if len(text) > MAX_CELL_TEXT:
                text = text[:MAX_CELL_TEXT]
            if text.startswith(DANGEROUS_STARTS) or self._top:
                return self._text(i, text, False)
            return text
        if isinstance(value, Formula):
            if value.value is not None:
                self.cached[f"{get_column_letter(i + 1)}{self._row}"] = value.value
            return self._styled(i, self._resolve(value.text, self._row))
        if isinstance(value, str):
            return self._text(i, value, self._wrap[i])
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, (int, Decimal, date, datetime)):
            return self._styled(i, value)
        return self._text(i, str(value), False)

    def _styled(self, i: int, value: Any) -> Any:
        """``value`` in column ``i``'s number format (as it is when the column has none)."""
        fmt = self._formats[i]
        if fmt is None:
            return value  # openpyxl's own cell: dates get its date format, as in a new cell
        key = (i, type(value))
        cell = self._value_cells.get(key)
        if cell is None:
            cell = self._value_cells[key] = WriteOnlyCell(self.ws)
            cell.number_format = fmt
            if self._top:
                cell.alignment = _TOP
        cell.value = value
        return cell

    def _text(self, i: int, text: str, wrap: bool) -> Any:
        """As :func:`text_cell`, with column ``i``'s reused cell when it needs a style."""
        text = clean_text(text)
        quote = needs_quote(text)
        if not quote and not wrap and not self._top:
            return text
        key = (i, quote, wrap)
        cell = self._text_cells.get(key)
        if cell is None:
            cell = self._text_cells[key] = WriteOnlyCell(self.ws)
            if quote:
                cell.quotePrefix = True
            if wrap:
                cell.alignment = _WRAP
            elif self._top:
                cell.alignment = _TOP
        cell.value = text
        cell.data_type = "s"  # even when it starts with "=": a string, not a formula
        return cell

    def _number_format(self, fmt: Fmt) -> str | None:
        return {Fmt.MONEY: self.money, Fmt.HOURS: HOURS_FORMAT, Fmt.INT: INT_FORMAT, Fmt.DATE: DATE_FORMAT,
                Fmt.PERCENT: PERCENT_FORMAT}.get(fmt)

    def _resolve(self, text: str, row: int) -> str:
        cells = {h: f"{letter}{row}" for h, letter in self.letters.items()}
        cells["row"] = str(row)
        return text.format_map(cells)

    def finish(self, *, total_label: str = "Total") -> int | None:
        """Pad an empty table with one blank row, then write the totals row (one blank row under
        the table, so rows the team adds grow the table, not the totals). Returns the totals row."""
        if self.n_rows == 0:
            self.ws.append([None] * len(self.columns))
            self._row += 1
        if self._row != self.last_row:
            raise ValueError(f"{self.title}: wrote {self._row - 1} rows, announced {self.n_rows}")
        if not any(c.total for c in self.columns):
            return None
        self.ws.append([])
        total_row = self.last_row + 2
        cells: list[Any] = []
        for i, c in enumerate(self.columns):
            if c.total:
                cell = WriteOnlyCell(self.ws, value=f"=SUBTOTAL(109,{self.column_ref(c.header)})")
                if self._sums.get(i) is not None:
                    self.cached[f"{get_column_letter(i + 1)}{total_row}"] = self._sums[i]
                cell.number_format = self._number_format(c.fmt) or "General"
                cell.font = _BOLD
                cells.append(cell)
            elif i == 0:
                label = WriteOnlyCell(self.ws, value=total_label)
                label.font = _BOLD
                cells.append(label)
            else:
                cells.append(None)
        self.ws.append(cells)
        return total_row


def cell_address(sheet_title: str, column_letter: str, row: int) -> str:
    return f"{quote_sheetname(sheet_title)}!${column_letter}${row}"

"""Reading inventory exports: CSV in whatever encoding, delimiter and line ending, and XLSX.

Returns text cells with their line (CSV) or row (XLSX) numbers, for
:func:`discovery_app.domain.inventory.rows_to_items` to check and convert.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

MAX_BYTES = 200 * 1024 * 1024  # an export larger than this is not an inventory
DELIMITERS = ",;\t|"


class ReadError(ValueError):
    """The file cannot be read as a table; the message names the file and why."""


@dataclass
class RawTable:
    path: Path
    headers: list[str]
    rows: list[list[object]]
    line_numbers: list[int]
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    line_ending: str = ""
    sheet: str = ""

    def preview(self, n: int = 10) -> list[list[object]]:
        return self.rows[:n]


def read_table(path: Path) -> RawTable:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"Cannot read {path}: {exc.strerror}.") from exc
    if size > MAX_BYTES:
        raise ReadError(f"{path.name} is {size // (1024 * 1024)} MB; inventory files over {MAX_BYTES // (1024 * 1024)} MB are refused.")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return read_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(f"{path.name} is an old Excel .xls file; save it as .xlsx or .csv and import that.")
    return read_csv(path)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Windows-1252 maps almost every byte; the five it leaves undefined become U+FFFD.
        return data.decode("cp1252", errors="replace"), "cp1252"


def _line_ending(text: str) -> str:
    if "\r\n" in text:
        return "CRLF"
    if "\r" in text:
        return "CR"
    return "LF"


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(f"{path.name} is not a text file (it contains binary data).")
    text, encoding = decode(data)
    if not text.strip():
        raise ReadError(f"{path.name} is empty.")
    ending = _line_ending(text)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[object]] = []
    lines: list[int] = []
    headers: list[str] | None = None
    start = 1
    try:
        for record in reader:
            if headers is None:
                if not any(c.strip() for c in record):
                    start = reader.line_num + 1
                    continue
                headers = [c.strip() for c in record]
                start = reader.line_num + 1
                continue
            rows.append(list(record))
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ReadError(f"{path.name}, line {reader.line_num}: {exc}") from exc
    if headers is None:
        raise ReadError(f"{path.name} has no header row.")
    return RawTable(path, headers, rows, lines, "csv", encoding, delimiter, ending)


def read_xlsx(path: Path) -> RawTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ReadError(f"{path.name} is not a readable Excel workbook ({exc}).") from exc
    try:
        sheet = max(wb.worksheets, key=lambda ws: ws.max_row or 0)
        rows: list[list[object]] = []
        lines: list[int] = []
        headers: list[str] | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [v if v is None or type(v) in _PLAIN else _cell(v) for v in values]
            if headers is None:
                if any(c not in (None, "") for c in cells):
                    headers = ["" if c is None else str(c).strip() for c in cells]
                continue
            rows.append(cells)
            lines.append(number)
        if headers is None:
            raise ReadError(f"{path.name} has no header row on sheet {sheet.title!r}.")
        while headers and headers[-1] == "":
            headers.pop()
        return RawTable(path, headers, rows, lines, "xlsx", sheet=sheet.title)
    finally:
        wb.close()


_PLAIN = frozenset((str, int, float, date))  # kept as they are (exact types: bool and datetime are not)


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, (date, int, float)) or value is None:
        return value
    return str(value)

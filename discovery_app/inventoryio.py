"""Reading inventory exports: CSV in whatever encoding, delimiter and line ending, and XLSX.

A file is read in two steps. :func:`read_table` looks at the whole file once, streaming: it finds
the encoding (UTF-8, UTF-16 with or without BOM, legacy 8-bit code pages such as Windows-1252
and Mac Roman), the delimiter and line endings, checks the structure (an unterminated quote is
reported at the line where it opens), counts the rows, keeps the first rows for the preview and
notes what each column's slash dates say about their order. :meth:`RawTable.iter_rows` then
streams the rows again for the import, so a 50 MB export never sits in memory whole.

XLSX files are zip archives: their declared sizes and compression ratios are checked with the
same limits the engagement archive uses (:mod:`discovery_app.export.untrusted`) before openpyxl
reads a byte, so a zip bomb is refused in milliseconds; row counts are capped as well.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from .domain.inventory import DateShape, ImportRules, RulesError
from .export.untrusted import xlsx_problems

MAX_BYTES = 200 * 1024 * 1024  # an export larger than this is not an inventory
MAX_ROWS = 200_000  # ten times the largest inventories seen; a file with more is not one
MAX_COLUMNS = 1000
SAMPLE_ROWS = 200
# A CSV record spanning more lines than this is a quote that opened and closed in the wrong place.
MAX_RECORD_LINES = 200
DELIMITERS = ",;\t|"
# Legacy 8-bit code pages tried when a file is not UTF-8 (the detector picks the likeliest).
LEGACY_ENCODINGS = ["cp1252", "mac_roman", "cp850", "iso8859_15"]
RULES_FILE = Path(__file__).with_name("data") / "inventory-import.yaml"


class ReadError(ValueError):
    """The file cannot be read as a table; the message names the file and why."""


@cache
def load_rules(path: Path = RULES_FILE) -> ImportRules:
    """The header synonyms and kind words shipped with the app (data/inventory-import.yaml)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return ImportRules.from_data(data)
    except (OSError, yaml.YAMLError, RulesError) as exc:
        raise ReadError(f"The inventory import rules ({path.name}) cannot be read: {exc}") from exc


@dataclass
class RawTable:
    path: Path
    headers: list[str]
    format: str  # "csv" or "xlsx"
    row_count: int = 0
    sample: list[list[object]] = field(default_factory=list)
    sample_lines: list[int] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    line_ending: str = ""
    sheet: str = ""
    nul_bytes: int = 0  # NUL characters removed from the text
    date_shapes: dict[int, DateShape] = field(default_factory=dict)  # column -> its slash dates
    _all: list[tuple[int, list[object]]] | None = None  # XLSX rows, kept (read once)

    def iter_rows(self) -> Iterator[tuple[int, list[object]]]:
        """(line or row number, cells) for every data row, streamed from the file (CSV)."""
        if self._all is not None:
            yield from self._all
        elif self.format == "csv":
            yield from _csv_records(self.path, self.encoding, self.delimiter, self.headers, scan=None)

    @property
    def rows(self) -> list[list[object]]:
        """Every row in memory (for small files and tests; imports stream :meth:`iter_rows`)."""
        return [r for _n, r in self.iter_rows()]

    @property
    def line_numbers(self) -> list[int]:
        return [n for n, _r in self.iter_rows()]

    def preview(self, n: int = 10) -> list[list[object]]:
        return self.sample[:n]

    def warnings(self) -> list[str]:
        out = []
        if self.nul_bytes:
            out.append(f"{self.nul_bytes:,} NUL byte{'s' if self.nul_bytes != 1 else ''} "
                       "(a sign of a damaged or binary file) removed from the text")
        return out


def read_table(path: Path) -> RawTable:
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ReadError(f"Cannot read {path}: {exc.strerror}.") from exc
    if size > MAX_BYTES:
        raise ReadError(f"{path.name} is {size // (1024 * 1024)} MB; inventory files over "
                        f"{MAX_BYTES // (1024 * 1024)} MB are refused.")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return read_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(f"{path.name} is an old Excel .xls file (or an encrypted workbook); save it as "
                        ".xlsx or .csv and import that.")
    return read_csv(path)


# ---- encodings ---------------------------------------------------------------------------------


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when most odd (even) bytes of the start are NUL: text in UTF-16."""
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.6 and zero_even < 0.1:
        return "utf-16-le"
    if zero_even > 0.6 and zero_odd < 0.1:
        return "utf-16-be"
    return None


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _legacy_encoding(sample: bytes) -> str:
    """The likeliest 8-bit code page of text that is not UTF-8.

    charset-normalizer measures how garbled each candidate's decoding reads; among the
    candidates that read about as cleanly as the best, the first in our order wins (Windows-1252
    first, the code page of almost every Western export; Mac Roman first when the file has the
    lone-CR line endings classic Mac OS wrote).
    """
    from charset_normalizer import from_bytes

    lone_cr = b"\r" in sample and b"\n" not in sample
    order = (["mac_roman"] + [e for e in LEGACY_ENCODINGS if e != "mac_roman"]) if lone_cr else LEGACY_ENCODINGS
    matches = list(from_bytes(sample, cp_isolation=order, threshold=0.5))
    if not matches:
        return order[0]
    least = min(m.chaos for m in matches)
    clean = {m.encoding for m in matches if m.chaos <= least + 0.01}
    return next((e for e in order if e in clean), matches[0].encoding)


def detect_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    if b"\x00" in head[:4096]:
        raise ReadError(f"{path.name} is not a text file (it contains binary data).")
    if _is_utf8(path):
        return "utf-8"
    return _legacy_encoding(head)


# ---- CSV ---------------------------------------------------------------------------------------


def _line_ending(text: str) -> str:
    if "\r\n" in text:
        return "CRLF"
    if "\r" in text:
        return "CR"
    return "LF"


def _delimiter(text: str) -> str:
    lines = text.splitlines()[:50]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


class _Lines:
    """The file's text lines (any line ending), with NUL characters removed and counted."""

    def __init__(self, path: Path, encoding: str) -> None:
        self.path, self.encoding = path, encoding
        self.nul = 0
        self.quotes = 0  # quote characters read so far: odd at the end means one never closed

    def __iter__(self) -> Iterator[str]:
        errors = "strict" if encoding_is_exact(self.encoding) else "replace"
        with self.path.open("r", encoding=self.encoding, errors=errors, newline="") as fh:
            for line in fh:
                if "\x00" in line:
                    self.nul += line.count("\x00")
                    line = line.replace("\x00", "")
                self.quotes += line.count('"')
                yield line


def encoding_is_exact(encoding: str) -> bool:
    return encoding.startswith(("utf-8", "utf-16"))


@dataclass
class _Scan:
    """What the first pass collects besides the rows it counts."""

    sample: list[list[object]] = field(default_factory=list)
    sample_lines: list[int] = field(default_factory=list)
    shapes: dict[int, DateShape] = field(default_factory=dict)
    count: int = 0
    nul: int = 0


def _csv_records(path: Path, encoding: str, delimiter: str, headers: list[str] | None,
                 scan: _Scan | None) -> Iterator[tuple[int, list[object]]]:
    """(start line, cells) of every record after the header row; raises :class:`ReadError`."""
    lines = _Lines(path, encoding)
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    seen_header = headers is not None and scan is None
    header_done = False
    last_start, last_record = 0, []
    last_quotes = quotes_before = 0  # quote characters in the last record, and before it
    try:
        for record in reader:
            end = reader.line_num
            if end - start >= MAX_RECORD_LINES:
                raise ReadError(f"{path.name}, line {start}: a quote opens here and the field runs over "
                                f"{end - start + 1:,} lines; a closing quote is probably missing.")
            if not header_done:
                quotes_before = lines.quotes
                # Blank lines, and the "#TYPE ..." line PowerShell's Export-Csv writes, come first.
                if not any(c.strip() for c in record) or (len(record) == 1 and record[0].startswith("#")):
                    start = end + 1
                    continue
                header_done = True
                start = end + 1
                if not seen_header and scan is not None:
                    scan.sample.append(record)  # type: ignore[arg-type]  # the caller pops it
                continue
            if scan is not None:
                scan.count += 1
                if len(scan.sample) <= SAMPLE_ROWS:
                    scan.sample.append(record)  # type: ignore[arg-type]
                    scan.sample_lines.append(start)
                for i, cell in enumerate(record):
                    if cell and cell[0].isdigit() and ("/" in cell or "-" in cell):
                        shape = scan.shapes.get(i)
                        if shape is None:
                            shape = scan.shapes[i] = DateShape()
                        shape.feed(cell)
            yield start, record  # type: ignore[misc]
            last_start, last_record = start, record
            last_quotes, quotes_before = lines.quotes - quotes_before, lines.quotes
            start = end + 1
        else:
            if scan is not None and last_quotes % 2 and any("\n" in c or "\r" in c for c in last_record):
                # The last record holds an odd number of quotes and a line break inside a field:
                # a quote opened there and never closed, and swallowed the rest of the file.
                raise ReadError(f"{path.name}, line {last_start}: a quote opens here and is never closed; "
                                "the rest of the file was read as one field.")
    except csv.Error as exc:
        raise ReadError(f"{path.name}, line {reader.line_num}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path.name} is not valid {encoding} text (byte {exc.start} of a chunk near "
                        f"line {reader.line_num}).") from exc
    finally:
        if scan is not None:
            scan.nul = lines.nul


def read_csv(path: Path) -> RawTable:
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
    except OSError as exc:
        raise ReadError(f"Cannot read {path}: {exc.strerror}.") from exc
    encoding = detect_encoding(path, head)
    text = head.decode(encoding, errors="replace")
    if encoding == "utf-8-sig" and text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\x00", "")
    if not text.strip():
        raise ReadError(f"{path.name} is empty.")
    ending = _line_ending(text)
    delimiter = _delimiter(text)
    scan = _Scan()
    for _ in _csv_records(path, encoding, delimiter, None, scan):
        pass
    if not scan.sample:
        raise ReadError(f"{path.name} has no header row.")
    headers = [str(c).strip().lstrip("\ufeff") for c in scan.sample.pop(0)]
    if len(headers) > MAX_COLUMNS:
        raise ReadError(f"{path.name} has {len(headers):,} columns; at most {MAX_COLUMNS:,} are read.")
    del scan.sample[SAMPLE_ROWS:]
    del scan.sample_lines[SAMPLE_ROWS:]
    return RawTable(path, headers, "csv", scan.count, scan.sample, scan.sample_lines, encoding, delimiter,
                    ending, nul_bytes=scan.nul, date_shapes=scan.shapes)


# ---- XLSX --------------------------------------------------------------------------------------


def check_xlsx_zip(path: Path, what: str = "workbook") -> None:
    """Refuse a workbook whose zip parts declare more than the limits (a zip bomb) or that is not
    a readable zip at all; nothing is inflated."""
    try:
        problems = xlsx_problems(path, max_rows=MAX_ROWS)
    except zipfile.BadZipFile:
        raise ReadError(f"{path.name} is not a readable Excel {what}: the file is damaged or truncated "
                        "(not a complete zip archive).") from None
    except OSError as exc:
        raise ReadError(f"Cannot read {path}: {exc.strerror}.") from exc
    if problems:
        raise ReadError(f"{path.name} is refused before reading: {problems[0]}"
                        + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "") + ".")


def read_xlsx(path: Path) -> RawTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError,
            TypeError, IndexError, SyntaxError) as exc:
        raise ReadError(f"{path.name} is not a readable Excel workbook ({type(exc).__name__}).") from None
    try:
        if not wb.worksheets:
            raise ReadError(f"{path.name} has no worksheet.")
        sheet = _inventory_sheet(wb.worksheets)
        sheet.reset_dimensions()  # never pad rows to a declared size: read what is there
        rows: list[tuple[int, list[object]]] = []
        headers: list[str] | None = None
        shapes: dict[int, DateShape] = {}
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise ReadError(f"{path.name} has more than {MAX_ROWS:,} rows on sheet {sheet.title!r}; "
                                f"inventory files may have at most {MAX_ROWS:,}, so the file is refused.")
            if len(values) > MAX_COLUMNS:
                values = values[:MAX_COLUMNS]
            cells = [v if v is None or type(v) in _PLAIN else _cell(v) for v in values]
            if headers is None:
                if any(c not in (None, "") for c in cells):
                    headers = ["" if c is None else str(c).strip() for c in cells]
                continue
            rows.append((number, cells))
            for i, c in enumerate(cells):
                if type(c) is str and c[:1].isdigit() and ("/" in c or "-" in c):
                    shapes.setdefault(i, DateShape()).feed(c)
        if headers is None:
            raise ReadError(f"{path.name} has no header row on sheet {sheet.title!r}.")
        while headers and headers[-1] == "":
            headers.pop()
        while rows and all(c in (None, "") for c in rows[-1][1]):
            rows.pop()  # trailing empty rows a spreadsheet keeps after deletions
        return RawTable(path, headers, "xlsx", len(rows), [r for _n, r in rows[:SAMPLE_ROWS]],
                        [n for n, _r in rows[:SAMPLE_ROWS]], sheet=sheet.title, date_shapes=shapes, _all=rows)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError, SyntaxError) as exc:
        raise ReadError(f"{path.name} is not a readable Excel workbook: a part is damaged "
                        f"({type(exc).__name__}).") from None
    finally:
        wb.close()


def _inventory_sheet(sheets: list) -> object:  # type: ignore[type-arg]
    """The sheet that looks most like an inventory: the most recognised headers in its first
    rows, then the most rows (a workbook with a cover sheet keeps its devices on another)."""
    from .domain.inventory import guess_mapping

    rules = load_rules()
    best, best_key = sheets[0], (-1, -1)
    for ws in sheets[:50]:
        score = 0
        for values in ws.iter_rows(max_row=10, max_col=MAX_COLUMNS, values_only=True):
            headers = ["" if v is None else str(v) for v in values]
            score = max(score, len(guess_mapping(headers, rules)))
        key = (score, _declared_rows(ws))
        if key > best_key:
            best, best_key = ws, key
    return best


def _declared_rows(ws: object) -> int:
    try:
        return int(ws.max_row or 0)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return 0


_PLAIN = frozenset((str, int, float, date))  # kept as they are (exact types: bool and datetime are not)


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, (date, int, float)) or value is None:
        return value
    return str(value)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in (for small in-memory files): see :func:`detect_encoding`."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        enc = _legacy_encoding(data[: 1 << 20])
        return data.decode(enc, errors="replace"), enc


"""Cached results for formula cells, so a viewer that does not recalculate shows totals.

openpyxl writes a formula with an empty result (``<f>…</f><v/>``); Excel and LibreOffice
recalculate on opening, but a previewer (a mail client, Quick Look, a web viewer, pandas) shows
the empty result: blanks where the totals are. The exporter knows each result already (the same
numbers the quote holds), so as openpyxl puts each sheet into the file this fills them in.

``values`` maps a sheet's title to ``{cell reference: value}``; numbers are written as numbers,
text as a formula string result (``t="str"``). Cells not named keep their empty result.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

_FORMULA_CELL = re.compile(r'<c r="([A-Z]{1,3}[0-9]+)"([^>]*)><f>([^<]*)</f><v\s*/>(</c>)')
_EXCEL_EPOCH = date(1899, 12, 30)


def _number(value: Any) -> str | None:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, Decimal)):
        return format(Decimal(value).normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return str((value - _EXCEL_EPOCH).days)
    return None


def fill(xml: str, values: Mapping[str, Any]) -> str:
    def put(m: re.Match[str]) -> str:
        ref, attrs, formula, end = m.groups()
        if ref not in values or values[ref] is None:
            return m.group(0)
        v = values[ref]
        number = _number(v)
        if number is not None:
            return f'<c r="{ref}"{attrs}><f>{formula}</f><v>{number}</v>{end}'
        return f'<c r="{ref}"{attrs} t="str"><f>{formula}</f><v>{escape(str(v))}</v>{end}'

    return _FORMULA_CELL.sub(put, xml)


class _CachingZip(zipfile.ZipFile):
    """The archive openpyxl writes into: a sheet part with known results gets them on its way in,
    so nothing is compressed twice."""

    def __init__(self, file: Any, wb: Any, values: Mapping[str, Mapping[str, Any]]):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._wb = wb
        self._values = values

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl numbers the sheet parts as it saves, so the part of a sheet is looked up here.
        title = next((ws.title for ws in self._wb.worksheets if ws.path[1:] == str(arcname)), None)
        values = self._values.get(title) if title is not None else None
        if not values:
            super().write(filename, arcname, *args, **kwargs)
            return
        xml = Path(filename).read_text(encoding="utf-8")
        self.writestr(str(arcname), fill(xml, values))


def save_with_cached_values(wb: Any, fh: BinaryIO, values: Mapping[str, Mapping[str, Any]]) -> None:
    """Save the (write-only) workbook ``wb`` to ``fh`` as openpyxl's ``save`` does, with the formula
    results in ``values`` (sheet title -> {cell: value}) written into their cells."""
    from openpyxl.writer.excel import ExcelWriter

    archive = _CachingZip(fh, wb, values)
    wb.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    ExcelWriter(wb, archive).save()

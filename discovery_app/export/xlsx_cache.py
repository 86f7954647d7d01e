"""Cached results for formula cells, so a viewer that does not recalculate shows totals.

openpyxl writes a formula with an empty result (``<f>…</f><v/>``); Excel and LibreOffice
recalculate on opening, but a previewer (a mail client, Quick Look, a web viewer, pandas) shows
the empty result: blanks where the totals are. The exporter knows each result already (the same
numbers the quote holds), so after openpyxl has written the file this fills them in.

``values`` maps a sheet's title to ``{cell reference: value}``; numbers are written as numbers,
text as a formula string result (``t="str"``). Cells not named keep their empty result.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FORMULA_CELL = re.compile(r'<c r="([A-Z]{1,3}[0-9]+)"([^>]*)><f>([^<]*)</f><v\s*/>(</c>)')
_EXCEL_EPOCH = date(1899, 12, 30)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the part holding it (``xl/worksheets/sheet3.xml``)."""
    wb = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    out = {}
    for sheet in wb.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out[sheet.get("name", "")] = part
    return out


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


def add_cached_values(data: bytes, values: Mapping[str, Mapping[str, Any]]) -> bytes:
    """The xlsx file ``data`` with the given formula results filled in."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {part: values[title] for title, part in sheet_parts(src).items() if values.get(title)}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename in parts:
                body = fill(body.decode("utf-8"), parts[info.filename]).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()

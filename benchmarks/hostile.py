"""Hostile files in the shapes seen in the wild, written without holding them in memory.

Used by the tests (small sizes) and by :mod:`benchmarks.hostile_import` (the real sizes: a
1.5 MB workbook whose one cell inflates to 1.5 GB; a 2.9 MB workbook with 20 million rows).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Devices" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
               '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>')
_SHEET_TAIL = "</sheetData></worksheet>"
CHUNK = 1 << 20


def _xlsx(path: Path, write_rows) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(_SHEET_HEAD.encode())
            write_rows(fh)
            fh.write(_SHEET_TAIL.encode())
    return path


def cell_bomb(path: Path, inflated_bytes: int) -> Path:
    """A workbook whose one cell holds ``inflated_bytes`` of text (it compresses about 1000:1)."""
    def rows(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
        block = b"A" * CHUNK
        left = inflated_bytes
        while left > 0:
            fh.write(block[: min(CHUNK, left)])
            left -= CHUNK
        fh.write(b"</t></is></c></row>")
    return _xlsx(path, rows)


def row_bomb(path: Path, rows_count: int, *, numbered: bool = False) -> Path:
    """A workbook with ``rows_count`` rows of one small cell each. Rows without an ``r``
    attribute (the shape seen in the wild) compress about 1000:1; ``numbered`` rows about 10:1."""
    def rows(fh) -> None:  # type: ignore[no-untyped-def]
        if numbered:
            for start in range(2, rows_count + 2, 20000):
                fh.write("".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>'
                                 for i in range(start, min(start + 20000, rows_count + 2))).encode())
            return
        block = b"<row><c><v>1</v></c></row>" * 20000
        left = rows_count
        while left > 0:
            fh.write(block if left >= 20000 else b"<row><c><v>1</v></c></row>" * left)
            left -= 20000
    return _xlsx(path, rows)

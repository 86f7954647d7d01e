"""Checks for files that come from outside: size limits and content types.

Attachments are evidence (photos, screenshots, PDFs, spreadsheets, text exports). Discovery only
ever stores them and writes them back out as bytes; it never runs, opens or interprets them. We
still refuse what has no business being evidence (programs and scripts) and anything whose bytes
contradict its declared type, so that a file named ``photo.png`` that is really a Windows program
is not handed on to a colleague as a photo.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.filenames import safe_file_name

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024

# Declared content type -> a check of the first bytes (None: any bytes that are not a program).
_OOXML = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "application/vnd.openxmlformats-officedocument.presentationml.presentation")
_SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "image/heic": None,
    "application/pdf": (b"%PDF-",),
    **dict.fromkeys(_OOXML, (b"PK\x03\x04",)),
    "text/plain": None,
    "text/csv": None,
    "application/json": None,
    "application/octet-stream": None,
}
ALLOWED_TYPES = frozenset(_SIGNATURES)

# Magic numbers of programs: Windows PE ("MZ"), ELF, Mach-O (both endians, fat), scripts.
_PROGRAMS = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
             b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
EXECUTABLE_EXTENSIONS = frozenset(
    "exe com scr pif bat cmd ps1 psm1 vbs vbe js jse wsf wsh hta msi msp dll cpl jar sh bash "
    "zsh command app lnk reg inf scf url desktop appimage deb rpm pkg dmg py pyw rb pl".split()
)


class UntrustedFileError(ValueError):
    """A file from outside is refused; the message says why, in words."""


def check_attachment(file_name: str, content_type: str, data: bytes,
                     *, max_bytes: int = MAX_ATTACHMENT_BYTES) -> str:
    """Check one attachment; returns its safe file name, or raises :class:`UntrustedFileError`."""
    name = safe_file_name(file_name)
    if len(data) > max_bytes:
        raise UntrustedFileError(
            f"{name} is {len(data) / 1048576:.1f} MB; attachments may be at most "
            f"{max_bytes / 1048576:.0f} MB."
        )
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext in EXECUTABLE_EXTENSIONS:
        raise UntrustedFileError(f"{name} is a program or script ('.{ext}'); Discovery does not accept those.")
    if data.startswith(_PROGRAMS):
        raise UntrustedFileError(f"{name} contains a program, whatever its name says; it was refused.")
    kind = content_type.split(";")[0].strip().lower()
    if kind not in _SIGNATURES:
        raise UntrustedFileError(f"{name} has the type {content_type!r}, which Discovery does not accept as evidence.")
    signatures = _SIGNATURES[kind]
    if signatures is not None and not data.startswith(signatures):
        raise UntrustedFileError(f"{name} says it is {kind} but its content is not.")
    return name


# ---- zip containers (engagement archives, XLSX workbooks) ---------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    """What a zip from outside may declare before any part is inflated."""

    part_bytes: int          # any one part, uncompressed
    total_bytes: int         # all parts, uncompressed
    parts: int               # number of parts
    ratio: int | None = None  # uncompressed / compressed, for parts over RATIO_FLOOR bytes


RATIO_FLOOR = 1024 * 1024  # small parts may compress as well as they like


def zip_problems(infos: Sequence[zipfile.ZipInfo], limits: ZipLimits) -> list[str]:
    """Why a zip's declared sizes pass the limits (a zip bomb), in words; empty when they do not.

    Reading a part never yields more than it declares (:mod:`zipfile` stops at the declared size
    and fails the CRC), so checking the central directory bounds what inflating can cost.
    """
    if len(infos) > limits.parts:
        return [f"it has {len(infos)} parts; at most {limits.parts} are allowed"]
    problems: list[str] = []
    declared = 0
    for info in infos:
        if info.file_size > limits.part_bytes:
            problems.append(f"{info.filename}: declares {info.file_size} bytes, over the "
                            f"{limits.part_bytes} byte limit")
        elif (limits.ratio and info.file_size > RATIO_FLOOR
              and info.file_size > limits.ratio * max(info.compress_size, 1)):
            problems.append(f"{info.filename}: would inflate {info.file_size // max(info.compress_size, 1):,} "
                            f"times ({info.file_size:,} bytes from {info.compress_size:,}); the limit is "
                            f"{limits.ratio}:1 (a zip bomb?)")
        declared += info.file_size
    if declared > limits.total_bytes:
        problems.append(f"its parts declare {declared} bytes in all, over the {limits.total_bytes} byte limit")
    return problems


# Workbooks from outside (inventory exports, edited delivery workbooks): a sheet of 50,000 rows
# is about 40 MB of XML and compresses 5-20 times; bombs declare gigabytes at 1000:1.
XLSX_MAX_ROWS = 1_048_576  # a worksheet's own limit
XLSX_LIMITS = ZipLimits(part_bytes=256 * 1024 * 1024, total_bytes=512 * 1024 * 1024, parts=5000, ratio=100)


def xlsx_problems(path: str | os.PathLike[str], limits: ZipLimits = XLSX_LIMITS,
                  max_rows: int = XLSX_MAX_ROWS) -> list[str]:
    """Why the workbook at ``path`` is refused before it is opened (empty: it may be read).

    Checks the declared sizes (:func:`zip_problems`), then counts the rows of each worksheet by
    streaming its XML (about 300 MB a second, in constant memory), so a sheet of millions of
    tiny rows is refused before a reader builds them. Raises :class:`zipfile.BadZipFile` when
    it is not a complete zip archive, OSError when it cannot be read.
    """
    with zipfile.ZipFile(path) as zf:
        problems = zip_problems(zf.infolist(), limits)
        if problems:
            return problems
        for info in zf.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                rows = _count_rows(zf, info, max_rows)
                if rows > max_rows:
                    return [f"{info.filename}: has more than {max_rows:,} rows; the limit is {max_rows:,}"]
    return []


_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _count_rows(zf: zipfile.ZipFile, info: zipfile.ZipInfo, stop: int) -> int:
    count = 0
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            count += len(_ROW.findall(data))
            tail = data[-16:]
            count -= len(_ROW.findall(tail))  # counted again with the next chunk
            if count > stop:
                break
    return count

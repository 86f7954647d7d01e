"""What an evidence file really is, judged by its bytes, not by its name.

A consultant attaches photos, PDFs, text notes and Office documents someone handed over. A name
says nothing: ``invoice.jpg`` may be a Windows program. So the kind comes from the first bytes
("magic numbers"), programs and scripts are refused whatever they are called, and the stored name
always ends with the extension of the detected kind, so opening it later with the system viewer
opens a viewer, never runs anything.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ..domain.filenames import safe_file_name
from .base import ServiceError

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
ACCEPTED_KINDS = "photos (JPEG, PNG, GIF, WebP, HEIC, TIFF), PDFs, text files and Word, Excel or PowerPoint documents"


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]  # the first is the canonical one
    label: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


PNG = FileKind("image/png", (".png",), "PNG image")
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg", ".jpe"), "JPEG image")
GIF = FileKind("image/gif", (".gif",), "GIF image")
WEBP = FileKind("image/webp", (".webp",), "WebP image")
HEIC = FileKind("image/heic", (".heic", ".heif"), "HEIC photo")
TIFF = FileKind("image/tiff", (".tif", ".tiff"), "TIFF image")
PDF = FileKind("application/pdf", (".pdf",), "PDF document")
TEXT = FileKind("text/plain", (".txt", ".log", ".md", ".text"), "text file")
CSV = FileKind("text/csv", (".csv",), "CSV file")
EMAIL = FileKind("message/rfc822", (".eml",), "e-mail message")
OOXML = {
    ".docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "Word document"),
    ".xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel workbook"),
    ".pptx": FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",), "PowerPoint presentation"),
}

_PREFIXES = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"%PDF-", PDF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
_PROGRAMS = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"#!", "a script"),
)
_SCRIPT_EXTENSIONS = {
    ".bat", ".cmd", ".com", ".exe", ".ps1", ".psm1", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".sh",
    ".msi", ".scr", ".hta", ".lnk", ".reg", ".jar", ".py", ".pl", ".app", ".dll", ".cpl", ".url",
}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"heif"}


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _is_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the 64 KiB boundary is still text.
            if encoding == "utf-8" and exc.start >= len(head) - 3 and len(data) > len(head):
                return True
            continue
        return True
    return False


def _ooxml(data: bytes, ext: str, shown: str) -> FileKind:
    kind = OOXML.get(ext)
    if kind is None:
        raise ServiceError(f"“{shown}” is a ZIP archive. Attach the files inside it one by one: {ACCEPTED_KINDS}.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as exc:
        raise ServiceError(f"“{shown}” is a damaged {kind.label}; it cannot be attached.") from exc
    if "[Content_Types].xml" not in names:
        raise ServiceError(f"“{shown}” is named like a {kind.label} but is a plain ZIP archive.")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ServiceError(f"“{shown}” contains macros; save it without macros and attach that copy.")
    return kind


def detect_kind(data: bytes, name: str) -> FileKind:
    """The kind of an evidence file from its bytes; a :class:`ServiceError` when it is not accepted."""
    shown = safe_file_name(name)
    ext = _extension(shown)
    for magic, what in _PROGRAMS:
        if data.startswith(magic):
            raise ServiceError(f"“{shown}” is {what}, not evidence; programs and scripts are never attached.")
    if ext in _SCRIPT_EXTENSIONS:
        raise ServiceError(f"“{shown}” is named like a program or script; those are never attached.")
    for magic, kind in _PREFIXES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return HEIC
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(data, ext, shown)
    if _is_text(data):
        if ext == ".csv":
            return CSV
        if ext == ".eml":
            return EMAIL
        return TEXT
    raise ServiceError(f"“{shown}” is not a kind of file Discovery keeps as evidence: {ACCEPTED_KINDS}.")


def stored_name(name: str, kind: FileKind) -> str:
    """A safe name ending with an extension of ``kind`` (``scan`` + PDF -> ``scan.pdf``)."""
    clean = safe_file_name(name)
    if _extension(clean) in kind.extensions:
        return clean
    return safe_file_name(name, max_chars=120 - len(kind.extensions[0])) + kind.extensions[0]

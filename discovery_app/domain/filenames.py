"""File names that come from outside (archives, imports, attachments) made safe to use.

A name from a file someone handed us is data, not a path: it may hold ``../``, an absolute path,
a drive letter, control characters, a Windows device name (``con.txt`` opens the console on
Windows) or be thousands of characters long. :func:`safe_file_name` keeps only the last path
component, cleaned so it is one harmless name on Windows, macOS and Linux.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 120
FALLBACK = "file"

_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")
}
_FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_file_name(name: str, *, max_chars: int = MAX_NAME_CHARS, fallback: str = FALLBACK) -> str:
    """One safe file name (never a path) from ``name``; ``fallback`` if nothing usable is left."""
    text = unicodedata.normalize("NFC", str(name))
    text = text.replace("\x00", "")
    text = _DRIVE.sub("", text)
    parts = [p for p in re.split(r"[\\/]+", text) if p not in ("", ".", "..")]
    text = parts[-1] if parts else ""
    text = _FORBIDDEN.sub("_", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    text = text.strip().rstrip(". ").lstrip(" ")
    if text.startswith("."):
        text = "_" + text[1:]  # no hidden files, no "..." tricks
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    if stem.split(".")[0].upper() in _RESERVED or text.upper() in _RESERVED:
        text = "_" + text
    if len(text) > max_chars:
        keep_ext = f".{ext}" if dot and 0 < len(ext) <= 16 else ""
        text = text[: max_chars - len(keep_ext)].rstrip(". ") + keep_ext
    return text or fallback

"""Checks for files that come from outside: size limits and content types.

Attachments are evidence (photos, screenshots, PDFs, spreadsheets, text exports). Discovery only
ever stores them and writes them back out as bytes; it never runs, opens or interprets them. We
still refuse what has no business being evidence (programs and scripts) and anything whose bytes
contradict its declared type, so that a file named ``photo.png`` that is really a Windows program
is not handed on to a colleague as a photo.
"""

from __future__ import annotations

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

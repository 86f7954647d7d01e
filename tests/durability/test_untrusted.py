"""Names and files from outside: sanitised before any use as a path, size- and type-checked."""

from __future__ import annotations

import pytest

from discovery_app.domain.filenames import MAX_NAME_CHARS, safe_file_name
from discovery_app.export.untrusted import UntrustedFileError, check_attachment


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\System32\\drivers\\etc\\hosts", "hosts"),
    ("C:\\x", "x"),
    ("C:x.txt", "x.txt"),
    ("/etc/shadow", "shadow"),
    ("\\\\server\\share\\report.pdf", "report.pdf"),
    ("con.txt", "_con.txt"),
    ("CON", "_CON"),
    ("lpt1.tar.gz", "_lpt1.tar.gz"),
    ("Aux", "_Aux"),
    ("console.txt", "console.txt"),
    ("photo\x00.png.exe", "photo.png.exe"),
    ("a\x00/../b", "b"),
    ("report<1>:v2?.pdf", "report_1__v2_.pdf"),
    ("line\nbreak\ttab.txt", "line_break_tab.txt"),
    ("trailing dots...", "trailing dots"),
    ("  spaced  ", "spaced"),
    (".bashrc", "_bashrc"),
    ("..", "file"),
    ("", "file"),
    ("\x00\x00", "file"),
    ("right\u202eexe.txt", "rightexe.txt"),  # the right-to-left override that hides extensions
    ("Büro-Übersicht.xlsx", "Büro-Übersicht.xlsx"),
])
def test_nasty_names_become_one_harmless_name(raw, expected):
    assert safe_file_name(raw) == expected


def test_very_long_names_are_cut_and_keep_their_extension():
    name = safe_file_name("a" * 5000 + ".png")
    assert len(name) == MAX_NAME_CHARS and name.endswith(".png")
    assert len(safe_file_name("é" * 1000)) == MAX_NAME_CHARS


@pytest.mark.parametrize("raw", ["../../etc/passwd", "C:\\x", "con.txt", "a\x00b", "/" * 300, "x" * 10_000,
                                 "..\\..\\..", "~/.ssh/id_rsa", "nul", "COM1.log"])
def test_a_safe_name_never_leaves_its_folder(tmp_path, raw):
    name = safe_file_name(raw)
    assert name and "/" not in name and "\\" not in name and "\x00" not in name and ":" not in name
    assert name not in (".", "..") and not name.startswith(".")
    target = (tmp_path / name).resolve()
    assert target.parent == tmp_path.resolve()
    target.write_bytes(b"ok")  # usable as a real file name here
    assert target.read_bytes() == b"ok"


def test_attachments_are_checked_for_size_and_content_type():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 10
    assert check_attachment("../closet.png", "image/png", png) == "closet.png"
    assert check_attachment("notes.txt", "text/plain", b"hello") == "notes.txt"
    with pytest.raises(UntrustedFileError, match="at most"):
        check_attachment("big.png", "image/png", png + b"\x00" * 2000, max_bytes=1000)
    with pytest.raises(UntrustedFileError, match="says it is image/png but its content is not"):
        check_attachment("fake.png", "image/png", b"%PDF-1.7")
    with pytest.raises(UntrustedFileError, match="contains a program"):
        check_attachment("photo.jpg", "image/jpeg", b"MZ\x90\x00rest")
    with pytest.raises(UntrustedFileError, match="contains a program"):
        check_attachment("notes.txt", "text/plain", b"#!/bin/sh\nrm -rf ~\n")
    with pytest.raises(UntrustedFileError, match="program or script"):
        check_attachment("setup.exe", "application/octet-stream", b"\x00\x01")
    with pytest.raises(UntrustedFileError, match="does not accept"):
        check_attachment("page.html", "text/html", b"<script>")

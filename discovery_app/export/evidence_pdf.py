"""The proposal's evidence-photos appendix: the photos the consultant left in, as thumbnails with
captions (the finding, the photo's caption or file name, its date), two to a row.

Images are read with reportlab's ``ImageReader`` (reportlab needs Pillow and hands back the Pillow
image it opened; Discovery declares no image library of its own). A photo is never embedded at
full size: it is scaled to about 150 dpi at its printed size, keeping its aspect, and a JPEG is
decoded already reduced (``draft``), so a 50-megapixel phone photo costs a few megabytes, not a
few hundred. A file that cannot be read, or one too large to decode safely, is shown as a box
with its name and a note; it never stops the proposal.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, Image, PageBreak, Table, TableStyle

from . import pdf_common as pc
from .pdf_common import esc, mm
from .report import EvidencePhoto, Report

#: The largest image decoded in full (pixels): a 24-megapixel PNG peaks about 100 MB above the
#: process (benchmarks/evidence_photos.py); a bigger non-JPEG is shown as a placeholder.
MAX_DECODE_PIXELS = 25_000_000
#: Pixels per printed point: 150 dpi / 72.
DENSITY = 150 / 72
THUMB_HEIGHT = 62 * mm
_EXIF_IFD = 0x8769
_DATE_TAKEN = 0x9003  # DateTimeOriginal, in the Exif IFD
_DATE_CHANGED = 0x0132  # DateTime, in the main IFD
_ORIENTATION = 0x0112
# EXIF orientation -> Pillow transpose method (ROTATE_180 = 3, ROTATE_270 = 4, ROTATE_90 = 2).
_TURN = {3: 3, 6: 4, 8: 2}


class Unreadable(Exception):
    """Why a photo cannot be shown, in words for the placeholder."""


def thumbnail(data: bytes | None, max_w: float, max_h: float) -> tuple[Image, date | None]:
    """A thumbnail flowable of at most ``max_w`` x ``max_h`` points, aspect kept, and the date the
    photo was taken (EXIF) when it says. Raises :class:`Unreadable` with the reason."""
    if not data:
        raise Unreadable("The file is missing from the store.")
    from reportlab.lib.utils import ImageReader

    try:
        reader = ImageReader(io.BytesIO(data))
        im: Any = reader._image  # type: ignore[attr-defined]  # the Pillow image reportlab opened (header only)
        iw, ih = reader.getSize()
    except Exception as exc:  # not an image reportlab (Pillow) can read, or damaged
        raise Unreadable("It could not be read as an image.") from exc
    if iw <= 0 or ih <= 0:
        raise Unreadable("It could not be read as an image.")
    taken = _taken(im)
    turn = _TURN.get(_orientation(im))
    if turn in (2, 4):
        iw, ih = ih, iw
    scale = min(max_w / iw, max_h / ih)
    w_pt, h_pt = iw * scale, ih * scale
    px = (max(1, math.ceil(w_pt * DENSITY)), max(1, math.ceil(h_pt * DENSITY)))
    try:
        if getattr(im, "format", None) == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale straight away: the full photo never sits in memory.
            im.draft("RGB", (px[1], px[0]) if turn in (2, 4) else px)
        elif iw * ih > MAX_DECODE_PIXELS:
            raise Unreadable(f"At {iw:,} × {ih:,} pixels it is too large to show; attach a smaller copy.")
        small = im.convert("RGB") if im.mode not in ("RGB", "L") else im  # reportlab's copy: ours to shrink
        if turn:
            small = small.transpose(turn)
        small.thumbnail(px)
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=85, optimize=True)
    except Unreadable:
        raise
    except Exception as exc:  # truncated or damaged pixel data
        raise Unreadable("It could not be read as an image.") from exc
    out.seek(0)
    return Image(out, width=w_pt, height=h_pt), taken


def _exif(im: Any) -> Any:
    try:
        return im.getexif()
    except Exception:
        return {}


def _orientation(im: Any) -> int:
    try:
        return int(_exif(im).get(_ORIENTATION, 1))
    except (TypeError, ValueError):
        return 1


def _taken(im: Any) -> date | None:
    exif = _exif(im)
    raw = None
    try:
        raw = exif.get_ifd(_EXIF_IFD).get(_DATE_TAKEN) if hasattr(exif, "get_ifd") else None
    except Exception:
        raw = None
    raw = raw or exif.get(_DATE_CHANGED)
    if not isinstance(raw, str):
        return None
    try:
        return datetime.strptime(raw.strip()[:19], "%Y:%m:%d %H:%M:%S").date()
    except ValueError:
        return None


def _placeholder(t: pc.Theme, photo: EvidencePhoto, why: str, width: float, height: float) -> Table:
    box = Table([[pc.Para(f"<b>{esc(photo.file_name)}</b><br/><font color='#5F6B7A'>{esc(why)} "
                          "It is not shown.</font>", t["cell"])]],
                colWidths=[width], rowHeights=[height])
    box.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pc.FONT), ("BOX", (0, 0), (-1, -1), 0.8, pc.RULE), ("BACKGROUND", (0, 0), (-1, -1), "#F4F6F8"),
                             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 8),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 8)]))
    return box


def _cell(r: Report, t: pc.Theme, photo: EvidencePhoto, width: float) -> list[Flowable]:
    try:
        image, taken = thumbnail(photo.read(), width, THUMB_HEIGHT)
        image.hAlign = "LEFT"
        picture: Flowable = image
    except Unreadable as why:
        picture, taken = _placeholder(t, photo, str(why), width, THUMB_HEIGHT * 0.6), None
    when = (f"Taken {r.day(taken)}" if taken
            else f"Discovery, {r.day(r.client.discovery_date)}" if r.client.discovery_date else "")
    caption = photo.caption or photo.file_name
    lines = [f"<b>Finding {photo.rank}: {esc(photo.finding)}</b>", esc(caption)]
    if photo.caption:
        lines.append(f"<font color='#5F6B7A'>{esc(photo.file_name)}</font>")
    if when:
        lines.append(f"<font color='#5F6B7A'>{esc(when)}</font>")
    return [picture, pc.spacer(2), pc.Para("<br/>".join(lines), t["figure"])]


def appendix(doc: pc.ClientDocument, r: Report, t: pc.Theme) -> list[Flowable]:
    """The appendix, or nothing when no photo is left in."""
    if not r.photos:
        return []
    gap = 8 * mm
    width = (t.width - gap) / 2
    out: list[Flowable] = [PageBreak(), doc.heading("Appendix: Evidence photos")]
    n = len(r.photos)
    out.append(pc.Para(esc(f"{'The photo' if n == 1 else f'The {n} photos'} we took during the discovery, by finding "
                           "in the order of section 4."), t["body"]))
    rows = []
    photos = list(r.photos)
    for i in range(0, len(photos), 2):
        pair = [_cell(r, t, p, width) for p in photos[i:i + 2]]
        rows.append(pair + [[]] * (2 - len(pair)))
    grid = Table(rows, colWidths=[width + gap, width], hAlign="LEFT")
    # FONTNAME: a table that names no font sets Helvetica on the page, which is then not embedded.
    grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pc.FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (0, -1), gap), ("RIGHTPADDING", (1, 0), (1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    out.append(CondPageBreak(THUMB_HEIGHT + 30 * mm))
    out.append(grid)
    return out

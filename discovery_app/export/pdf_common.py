"""What both client PDFs share: fonts, the type scale and colours, page templates with the footer
("Page X of Y", provider, document title, client, confidentiality line), tables that follow
STYLE.md, and the two figures (the 5x5 risk heat map and the plan timeline).

Everything is reportlab Platypus; nothing here knows an engagement, only the report model.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from .. import resources
from ..domain.wording import count
from .report import IMPACT_WORDS, LIKELIHOOD_WORDS, RISK_BANDS, Plan, Report

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
FONT_MONO = "DejaVuSansMono"

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B7A")
RULE = colors.HexColor("#CFD6DD")
SOFT = colors.HexColor("#F3F5F7")
WHITE = colors.white

# Colour-blind-safe ramp for the heat map, low to critical: lightness falls steadily from pale
# green to dark red, so the order survives grey-scale printing and red-green colour blindness.
BAND_COLOURS = {"Low": "#D9EFC2", "Medium": "#FCE49A", "High": "#F59E4C", "Critical": "#C2352B"}
BAND_TEXT = {"Low": INK, "Medium": INK, "High": INK, "Critical": WHITE}

MARGIN = 20 * mm
CELL_PADDING = 4  # left and right, in every house-style table
TIMELINE_MAX_TASKS = 60


# ---- fonts --------------------------------------------------------------------------------------


@cache
def register_fonts() -> None:
    """Register the shipped DejaVu family (embedded, subset) once per process."""
    files = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FONT_ITALIC: "DejaVuSans-Oblique.ttf",
             FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf", FONT_MONO: "DejaVuSansMono.ttf"}
    for name, file in files.items():
        pdfmetrics.registerFont(TTFont(name, str(resources.resource("fonts", file))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC)


# ---- theme --------------------------------------------------------------------------------------


def _on_accent(accent: colors.Color) -> colors.Color:
    """White or ink, whichever reads better on the accent (a pale brand colour gets dark text)."""
    lum = 0.2126 * accent.red + 0.7152 * accent.green + 0.0722 * accent.blue
    return WHITE if lum < 0.6 else INK


@dataclass
class Theme:
    accent: colors.Color
    on_accent: colors.Color
    pagesize: tuple[float, float]
    styles: dict[str, ParagraphStyle]

    @property
    def width(self) -> float:
        return self.pagesize[0] - 2 * MARGIN

    @property
    def height(self) -> float:
        return self.pagesize[1] - 2 * MARGIN - 10 * mm

    def __getitem__(self, name: str) -> ParagraphStyle:
        return self.styles[name]


def make_theme(report: Report) -> Theme:
    register_fonts()
    accent = colors.HexColor(report.provider.brand_colour)
    on = _on_accent(accent)
    # Headings in the accent unless it is too pale to read on white.
    heading_colour = accent if _on_accent(accent) == WHITE else INK

    def st(name: str, size: float, font: str = FONT, colour: colors.Color = INK, **kw: Any) -> ParagraphStyle:
        kw.setdefault("leading", round(size * 1.35, 1))
        return ParagraphStyle(name, fontName=font, fontSize=size, textColor=colour, **kw)

    styles = {
        "title": st("title", 22, FONT_BOLD, leading=28),
        "h1": st("h1", 15, FONT_BOLD, heading_colour, spaceBefore=14, spaceAfter=6, keepWithNext=1),
        "h2": st("h2", 11.5, FONT_BOLD, INK, spaceBefore=10, spaceAfter=4, keepWithNext=1),
        "h3": st("h3", 10, FONT_BOLD, INK, spaceBefore=6, spaceAfter=2, keepWithNext=1),
        "body": st("body", 10, spaceAfter=6),
        "lead": st("lead", 11.5, spaceAfter=8),
        "bullet": st("bullet", 10, leftIndent=12, bulletIndent=2, spaceAfter=3, bulletFontName=FONT),
        "muted": st("muted", 8.5, colour=MUTED, spaceAfter=4),
        "label": st("label", 8.5, FONT_BOLD, MUTED, spaceAfter=1),
        "cell": st("cell", 9),
        "cell_muted": st("cell_muted", 8, colour=MUTED),
        "cell_bold": st("cell_bold", 9, FONT_BOLD),
        "cell_right": st("cell_right", 9, alignment=TA_RIGHT),
        "cell_right_bold": st("cell_right_bold", 9, FONT_BOLD, alignment=TA_RIGHT),
        "cell_center": st("cell_center", 9, alignment=TA_CENTER),
        "head": st("head", 8.5, FONT_BOLD, on),
        "head_right": st("head_right", 8.5, FONT_BOLD, on, alignment=TA_RIGHT),
        "head_center": st("head_center", 8.5, FONT_BOLD, on, alignment=TA_CENTER),
        "figure": st("figure", 8.5, FONT_ITALIC, MUTED, spaceBefore=2, spaceAfter=10),
        "toc1": st("toc1", 10.5, leftIndent=0, spaceBefore=4),
        "toc2": st("toc2", 9, colour=MUTED, leftIndent=14),
    }
    size = A4 if report.provider.page_size == "A4" else LETTER
    return Theme(accent, on, size, styles)


def esc(text: object) -> str:
    """Text for a Paragraph: XML-escaped, newlines kept."""
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\n", "<br/>")


# ---- document template ------------------------------------------------------------------------


class Para(Paragraph):
    """A Paragraph that remembers its last wrap. A Table wraps each cell several times at the same
    width (row heights, again for what is left after every page break, then to draw it), and a
    KeepTogether block or a heading kept with the next flowable is wrapped before it is placed and
    again when it is; breaking the lines anew each time was the largest cost of the long tables."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        done = self._wrapped
        # reportlab drops blPara when a split finds no room (orphan control): wrap again then.
        if done is not None and done[0] == availWidth and "blPara" in self.__dict__:
            return done[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


class Heading(Para):
    """A heading that goes into the contents and the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str):
        super().__init__(esc(text), style)
        self.toc_text = text
        self.toc_level = level
        self.toc_key = key


def numbered_canvas(draw_page_number: Callable[[Any, int, int], None]) -> type[Canvas]:
    """A canvas class that holds its pages back until the end, so each can say "Page X of Y".

    ``canvas.later(fn)`` keeps ``fn(canvas)`` with the current page and runs it when that page is
    written at the end, once every page number is known: the contents page fills in its page
    numbers that way, and a heading's bookmark lands on the page it is really on (a bookmark made
    while the pages are held back would point at the first page)."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        # Canvas's own private state, which its stubs leave out.
        _annotationCount: int
        _pageNumber: int
        _startPage: Callable[[], None]

        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []
            self._later: list[Callable[[Any], None]] = []

        def later(self, fn: Callable[[Any], None]) -> None:
            self._later.append(fn)

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()
            self._later = []

        def save(self) -> None:
            total = len(self._saved)
            # Links are named by a counter in the canvas; a page's saved state has the count of its
            # own time, so carry the highest on, or a link added now would reuse a later name.
            links = self._annotationCount
            for state in self._saved:
                self.__dict__.update(state)
                self._annotationCount = links = max(links, self._annotationCount)
                for fn in self._later:
                    fn(self)
                links = self._annotationCount
                draw_page_number(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


class ClientDocument(BaseDocTemplate):
    """A cover page and body pages with the footer; headings feed the contents and outline.

    One layout pass: every heading is made (``heading``) before the layout starts, so the contents
    page knows its entries and their height in advance and only its page numbers wait for the end
    (see ``Contents``); "Page X of Y" waits in the canvas the same way."""

    def __init__(self, buffer: io.BytesIO, report: Report, theme: Theme, doc_title: str,
                 draw_cover: Callable[[Any, ClientDocument], None], *, password: str | None = None,
                 subject: str = "", draft: bool = False, internal: bool = False):
        encrypt = None
        if password:
            from reportlab.lib.pdfencrypt import StandardEncryption

            encrypt = StandardEncryption(password, canPrint=1, canModify=0, canCopy=1, canAnnotate=0, strength=128)
        super().__init__(
            buffer, pagesize=theme.pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN + 10 * mm, title=f"{doc_title}: {report.client.name}", author=report.provider.display_name,
            subject=subject, creator="Discovery", keywords=[report.proposal_number, report.client.name],
            encrypt=encrypt, allowSplitting=1, initialFontName=FONT, initialFontSize=10,
        )
        self.report = report
        self.theme = theme
        self.doc_title = doc_title
        self.draft = draft
        #: The provider's internal copy (costs, margins and approvals at the end): never sent.
        self.internal = internal
        self._heading_seq = 0
        self.toc_entries: list[tuple[int, str, str]] = []  # level, text, key; in the order made
        self.heading_pages: dict[str, int] = {}  # key -> page, filled during the layout
        # The footer's two lines are the same on every page: fit them once.
        r = report
        self._footer_left = _fit_text(f"{r.provider.display_name}  ·  {doc_title}  ·  {r.client.name}", FONT, 8,
                                      self.width - 30 * mm)
        conf = f"Confidential: prepared for {r.client.name}. Please do not share it without our permission."
        if draft:
            conf = "DRAFT, NOT FOR SIGNATURE. " + conf
        if internal:
            conf = (f"INTERNAL COPY, not for {r.client.name}: costs, margins and approvals are in the internal "
                    "record at the end.")
        self._footer_conf = _fit_text(conf, FONT, 8, self.width)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        def on_cover(c: Any, d: ClientDocument) -> None:
            draw_cover(c, d)
            self._footer(c, cover=True)

        self.addPageTemplates([
            PageTemplate("cover", [frame], onPage=on_cover),
            PageTemplate("body", [frame], onPage=lambda c, d: self._footer(c)),
        ])

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            key = flowable.toc_key
            self.heading_pages[key] = self.page
            self.canv.later(lambda c: c.bookmarkPage(key))  # type: ignore[attr-defined]  # canv is a numbered_canvas()
            self.canv.addOutlineEntry(flowable.toc_text, key, level=flowable.toc_level, closed=True)

    def _footer(self, canv: Any, cover: bool = False) -> None:
        canv.saveState()
        y = MARGIN - 2 * mm
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN, y + 11, self.pagesize[0] - MARGIN, y + 11)
        canv.setFont(FONT, 8)
        canv.setFillColor(INK)
        canv.drawString(MARGIN, y, self._footer_left)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN, y - 10, self._footer_conf)
        canv.restoreState()

    def page_number_drawer(self) -> Callable[[Any, int, int], None]:
        def draw(canv: Any, page: int, total: int) -> None:
            canv.saveState()
            canv.setFont(FONT, 8)
            canv.setFillColor(INK)
            canv.drawRightString(self.pagesize[0] - MARGIN, MARGIN - 2 * mm, f"Page {page} of {total}")
            canv.restoreState()

        return draw

    def heading(self, text: str, level: int = 0) -> Heading:
        self._heading_seq += 1
        style = self.theme["h1" if level == 0 else "h2"]
        key = f"h{self._heading_seq}"
        self.toc_entries.append((level, text, key))
        return Heading(text, style, level, key)

    def render(self, story: list[Flowable]) -> None:
        self.build(story, canvasmaker=numbered_canvas(self.page_number_drawer()))


def _fit_text(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class Contents(TableOfContents):
    """The contents page in one layout pass. Its entries are the document's headings, all known
    before the layout starts, so it takes the height it will have; where it is drawn it leaves a
    note with the canvas, which draws the entries (text, dots, page number, links) when the pages
    are written at the end and every heading's page is known. Page numbers never change the
    height: they are drawn after each entry's text, not wrapped with it."""

    # The Table that TableOfContents.wrap makes; Any, as its private _rowHeights and drawOn's _sW
    # used below are not in the stubs.
    _table: Any

    def __init__(self, doc: ClientDocument, entries: Sequence[tuple[int, str, str]] | None = None):
        theme = doc.theme
        super().__init__(
            levelStyles=[theme["toc1"], theme["toc2"]], dotsMinLevel=0,
            tableStyle=TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        self._doc = doc
        self._fixed = list(entries) if entries is not None else None
        self._pages: dict[str, int] | None = None
        self._avail = (0.0, 0.0)

    # reportlab's stubs fix every IndexingFlowable's answer at 1 (wait for a second pass); this
    # contents page fills its page numbers in at the end instead, so it answers 0.
    def isIndexing(self) -> int:  # type: ignore[override]
        return 0  # nothing to wait for: no second pass

    def _entries_now(self) -> list[tuple[int, str, str]]:
        return self._fixed if self._fixed is not None else list(self._doc.toc_entries)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        pages = self._pages or {}
        self._lastEntries = [(level, esc(text), pages.get(key, 0), key) for level, text, key in self._entries_now()]
        self._avail = (availWidth, availHeight)
        return super().wrap(availWidth, availHeight)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self]
        entries = self._entries_now()
        heights = self._table._rowHeights
        row = used = 0
        fit = 0
        for level, _text, _key in entries:
            rows = 2 if self.getLevelStyle(level).spaceBefore else 1
            h = sum(heights[row:row + rows])
            if used + h > availHeight:
                break
            used += h
            row += rows
            fit += 1
        if fit == 0:
            return []
        return [Contents(self._doc, entries[:fit]), Contents(self._doc, entries[fit:])]

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        avail = self._avail

        def draw(canv: Any) -> None:
            self._pages = self._doc.heading_pages
            self.wrapOn(canv, *avail)
            canv.saveState()
            self._table.drawOn(canv, x, y, _sW)
            canv.restoreState()

        canvas.later(draw)


def contents(doc: ClientDocument) -> Contents:
    return Contents(doc)


# ---- tables -------------------------------------------------------------------------------------


def table(
    theme: Theme,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    right: Sequence[int] = (),
    center: Sequence[int] = (),
    total_rows: Sequence[int] = (),
    section_rows: Sequence[int] = (),
    keep_rows_together: bool = False,
) -> Flowable:
    """A table in the house style. ``widths`` are fractions of the text block (they are scaled to
    sum to 1, so the table is never wider than the text block); strings wrap in their column
    (right-aligned in ``right`` columns); ``total_rows`` (indexes into ``rows``) are bold above a
    rule; ``section_rows`` span every column as a shaded sub-heading.

    A string that fits on one line is drawn as a plain table string in the cell's font, size,
    leading and colour (set below per row and column), which looks exactly like a one-line
    Paragraph and costs a fraction of one; only text that must wrap becomes a Paragraph."""
    total = sum(widths)
    col_w = [theme.width * w / total for w in widths]
    room = [w - 2 * CELL_PADDING for w in col_w]
    bold_rows = set(total_rows) | set(section_rows)

    def cell(i: int, value: Any, style: ParagraphStyle) -> Any:
        if isinstance(value, (Flowable, list)):
            return value
        text = "" if value is None else str(value)
        if "\n" not in text:
            line = " ".join(text.split())  # what a Paragraph would show
            if pdfmetrics.stringWidth(line, style.fontName, style.fontSize) <= room[i]:
                return line
        return Para(esc(text), style)

    head_styles = [theme["head_right" if i in right else "head_center" if i in center else "head"]
                   for i in range(len(header))]
    body_styles = [theme["cell_right" if i in right else "cell_center" if i in center else "cell"]
                   for i in range(len(header))]
    bold_styles = [theme["cell_right_bold" if i in right else "cell_bold"] for i in range(len(header))]
    data: list[list[Any]] = [[cell(i, h, head_styles[i]) for i, h in enumerate(header)]]
    for n, row in enumerate(rows):
        styles = bold_styles if n in bold_rows else body_styles
        data.append([cell(i, value, styles[i]) for i, value in enumerate(row)])
    head, body, bold = theme["head"], theme["cell"], theme["cell_bold"]
    cmds: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), theme.accent),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        # The plain-string cells: the same font, size, leading and colour as the Paragraph styles.
        ("FONTNAME", (0, 0), (-1, 0), head.fontName),
        ("FONTSIZE", (0, 0), (-1, 0), head.fontSize),
        ("LEADING", (0, 0), (-1, 0), head.leading),
        ("TEXTCOLOR", (0, 0), (-1, 0), head.textColor),
        ("FONTSIZE", (0, 1), (-1, -1), body.fontSize),
        ("LEADING", (0, 1), (-1, -1), body.leading),
        ("TEXTCOLOR", (0, 1), (-1, -1), body.textColor),
    ]
    for i in right:
        cmds.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
    for i in center:
        cmds.append(("ALIGN", (i, 0), (i, -1), "CENTER"))
    for n in sorted(bold_rows):
        cmds.append(("FONTNAME", (0, n + 1), (-1, n + 1), bold.fontName))
        for i in center:  # bold rows are left-aligned except in right-aligned columns
            cmds.append(("ALIGN", (i, n + 1), (i, n + 1), "LEFT"))
    for n in total_rows:
        cmds.append(("LINEABOVE", (0, n + 1), (-1, n + 1), 0.9, INK))
    for n in section_rows:
        cmds += [("SPAN", (0, n + 1), (-1, n + 1)), ("BACKGROUND", (0, n + 1), (-1, n + 1), SOFT)]
    t = Table(data, colWidths=col_w, repeatRows=1, style=TableStyle(cmds), hAlign="LEFT")
    return KeepTogether([t]) if keep_rows_together else t


def bullets(theme: Theme, items: Sequence[str], numbered: bool = False) -> list[Flowable]:
    out: list[Flowable] = []
    for n, item in enumerate(items, 1):
        out.append(Para(esc(item), theme["bullet"], bulletText=f"{n}." if numbered else "•"))
    return out


def logo_flowable(path: str, max_w: float, max_h: float) -> Image | None:
    """The provider logo scaled to fit, or the shipped placeholder; None when neither loads."""
    candidates = [Path(path)] if path else []
    try:
        candidates.append(resources.resource("icons", "discovery-256.png"))
    except resources.ResourceMissing:
        pass
    for p in candidates:
        try:
            from reportlab.lib.utils import ImageReader

            iw, ih = ImageReader(str(p)).getSize()
        except Exception:
            continue
        scale = min(max_w / iw, max_h / ih)
        return Image(str(p), width=iw * scale, height=ih * scale)
    return None


# ---- cover ------------------------------------------------------------------------------------


def draw_cover(canv: Any, doc: ClientDocument, kicker: str, title: str, facts: Sequence[tuple[str, str]]) -> None:
    """Logo and provider name, the accent band with the title and client, then the facts block."""
    theme, r = doc.theme, doc.report
    w, h = doc.pagesize
    canv.saveState()
    # Logo and provider name, top left.
    top = h - MARGIN
    logo = logo_flowable(r.provider.logo_path, 45 * mm, 16 * mm)
    x = MARGIN
    if logo is not None:
        logo.drawOn(canv, x, top - logo.drawHeight)
        x += logo.drawWidth + 5 * mm
    canv.setFillColor(INK)
    canv.setFont(FONT_BOLD, 13)
    canv.drawString(x, top - 7 * mm, _fit_text(r.provider.display_name, FONT_BOLD, 13, w - x - MARGIN))
    if r.provider.contact_line:
        # The whole contact line, wrapped at its " · " separators (never cut): up to four lines
        # fit above the band.
        contact = ParagraphStyle("pc", fontName=FONT, fontSize=8.5, leading=11, textColor=MUTED)
        text = " · ".join(esc(part) for part in r.provider.contact_line.split(" · "))
        para = Paragraph(text.replace(" · ", "&nbsp;· "), contact)
        _, ph = para.wrap(w - x - MARGIN, 4 * 11)
        para.drawOn(canv, x, top - 9.5 * mm - ph)
    # The band.
    band_top = h - 62 * mm
    band_h = 78 * mm
    canv.setFillColor(theme.accent)
    canv.rect(0, band_top - band_h, w, band_h, stroke=0, fill=1)
    on = theme.on_accent
    k = ParagraphStyle("k", fontName=FONT_BOLD, fontSize=10, leading=13, textColor=on)
    t = ParagraphStyle("t", fontName=FONT_BOLD, fontSize=24, leading=30, textColor=on)
    c = ParagraphStyle("c", fontName=FONT, fontSize=15, leading=20, textColor=on)
    y = band_top - 14 * mm
    for text, style, gap in ((kicker.upper(), k, 4 * mm), (title, t, 5 * mm), (f"for {r.client.name}", c, 0)):
        p = Paragraph(esc(text), style)
        _, ph = p.wrap(w - 2 * MARGIN, band_h)
        p.drawOn(canv, MARGIN, y - ph)
        y -= ph + gap
    # Facts, two columns of label over value.
    y = band_top - band_h - 14 * mm
    col_w = (w - 2 * MARGIN) / 2
    label = ParagraphStyle("l", fontName=FONT_BOLD, fontSize=8.5, leading=11, textColor=MUTED)
    value = ParagraphStyle("v", fontName=FONT, fontSize=11, leading=15, textColor=INK)
    for i, (lab, val) in enumerate(facts):
        cx = MARGIN + (i % 2) * col_w
        if i and i % 2 == 0:
            y -= 17 * mm
        for text, style, dy in ((lab.upper(), label, 0), (val, value, 4.5 * mm)):
            p = Paragraph(esc(text), style)
            _, ph = p.wrap(col_w - 6 * mm, 20 * mm)
            p.drawOn(canv, cx, y - dy - ph)
    marks = (["INTERNAL COPY: do not send; costs, margins and approvals at the end."]
             if doc.internal else []) + (["DRAFT: open items remain; not for signature."] if doc.draft else [])
    canv.setFillColor(colors.HexColor("#B42318"))
    canv.setFont(FONT_BOLD, 11)
    for i, text in enumerate(marks):
        canv.drawString(MARGIN, MARGIN + (14 + 6 * i) * mm, _fit_text(text, FONT_BOLD, 11, w - 2 * MARGIN))
    canv.restoreState()


# ---- figures ----------------------------------------------------------------------------------


def heat_map(theme: Theme, counts: Sequence[Sequence[int]], width: float | None = None, *,
             bands: Sequence[tuple[int, str]]) -> Drawing:
    """5x5: likelihood up (Rare at the bottom), impact across; each cell shaded by its band and
    showing its count; axis labels in words; a legend naming the bands and their scores.
    ``bands``: (lowest score, label), low first: the form's cut-offs (a report's ``risks.bands``),
    required so no document falls back to the shipped ones."""
    width = width or theme.width
    label_w = 34 * mm
    cell = min(22 * mm, (width - label_w - 50 * mm) / 5)
    grid_h = cell * 5
    bottom = 12 * mm
    height = grid_h + bottom + 6 * mm
    d = Drawing(width, height, initialFontName=FONT, initialFontSize=8)
    x0, y0 = label_w, bottom
    from .report import band_of

    for li in range(5):
        for ii in range(5):
            score = (li + 1) * (ii + 1)
            band = band_of(score, bands)
            n = counts[li][ii]
            x, y = x0 + ii * cell, y0 + li * cell
            d.add(_rect(x, y, cell, cell, fillColor=colors.HexColor(BAND_COLOURS[band]), strokeColor=WHITE,
                       strokeWidth=1.5))
            if n:
                d.add(String(x + cell / 2, y + cell / 2 - 5, str(n), fontName=FONT_BOLD, fontSize=13,
                             fillColor=BAND_TEXT[band], textAnchor="middle"))
    for li, word in enumerate(LIKELIHOOD_WORDS):
        d.add(String(x0 - 4, y0 + li * cell + cell / 2 - 3, word, fontName=FONT, fontSize=8, fillColor=INK,
                     textAnchor="end"))
    for ii, word in enumerate(IMPACT_WORDS):
        d.add(String(x0 + ii * cell + cell / 2, y0 - 11, word, fontName=FONT, fontSize=8, fillColor=INK,
                     textAnchor="middle"))
    d.add(String(x0 + 2.5 * cell, y0 - 24, "Impact →", fontName=FONT_BOLD, fontSize=8.5, fillColor=MUTED,
                 textAnchor="middle"))
    d.add(String(4, y0 + grid_h + 4, "Likelihood ↑", fontName=FONT_BOLD, fontSize=8.5, fillColor=MUTED))
    # Legend, right of the grid.
    lx = x0 + 5 * cell + 10 * mm
    ly = y0 + grid_h - 10
    ranges = _band_ranges(bands)
    for band in reversed([b for _, b in bands]):
        d.add(_rect(lx, ly - 2, 9, 9, fillColor=colors.HexColor(BAND_COLOURS[band]), strokeColor=RULE, strokeWidth=0.5))
        d.add(String(lx + 14, ly, f"{band} ({ranges[band]})", fontName=FONT, fontSize=8.5, fillColor=INK))
        ly -= 15
    d.add(String(lx, ly - 4, "Score = likelihood × impact", fontName=FONT_ITALIC, fontSize=8, fillColor=MUTED))
    return d


def _rect(x: float, y: float, width: float, height: float, **style: Any) -> Rect:
    """A ``Rect`` with its style keywords (fillColor, strokeColor, strokeWidth). types-reportlab
    annotates Rect's ``**kw`` as the keyword TypedDict itself rather than ``Unpack`` of it, so it
    refuses every keyword; this one call takes them as reportlab does."""
    return Rect(x, y, width, height, **style)


def _band_ranges(bands: Sequence[tuple[int, str]] = RISK_BANDS) -> dict[str, str]:
    out = {}
    from ..domain.risks import reachable_range

    for n, (lo, name) in enumerate(bands):
        hi = bands[n + 1][0] - 1 if n + 1 < len(bands) else 25
        out[name] = reachable_range(lo, hi)
    return out


def timeline(theme: Theme, plan: Plan, width: float | None = None, max_height: float | None = None) -> Drawing:
    """Weeks across, tasks down (one bar per task, coloured by phase shade); for a plan of more than
    TIMELINE_MAX_TASKS tasks, one bar per phase instead."""
    width = width or theme.width
    max_height = max_height or theme.height - 30 * mm
    by_phase = len(plan.tasks) > TIMELINE_MAX_TASKS
    rows: list[tuple[str, int, int, int]] = []  # label, start, end, phase index
    if by_phase:
        for i, p in enumerate(plan.phases):
            rows.append((f"{p.name} ({count(len(p.tasks), 'task')})", p.start_week, p.end_week, i))
    else:
        for i, p in enumerate(plan.phases):
            for t in p.tasks:
                rows.append((f"{t.number}. {t.title}", t.start_week, t.end_week, i))
    weeks = max(plan.weeks, 1)
    header = 14.0
    row_h = max(9.0, min(17.0, (max_height - header - 14) / max(len(rows), 1)))
    label_w = min(78 * mm, width * 0.45)
    height = header + row_h * len(rows) + 16
    d = Drawing(width, height, initialFontName=FONT, initialFontSize=8)
    grid_w = width - label_w
    wk = grid_w / weeks
    top = height - header
    shades = [theme.accent, _mix(theme.accent, 0.55), _mix(theme.accent, 0.3)]
    # Week columns and labels.
    step = max(1, round(weeks / 26 + 0.49))
    for w in range(weeks):
        x = label_w + w * wk
        if w % 2 == 1:
            d.add(_rect(x, 14, wk, top - 14, fillColor=SOFT, strokeColor=None))
        if w % step == 0:
            d.add(String(x + wk / 2, top + 4, f"W{w + 1}", fontName=FONT, fontSize=7.5, fillColor=MUTED,
                         textAnchor="middle"))
    font_size = 8 if row_h >= 10.5 else 7.5
    for n, (label, start, end, phase) in enumerate(rows):
        y = top - (n + 1) * row_h
        d.add(String(0, y + row_h / 2 - 3, _fit_text(label, FONT, font_size, label_w - 6), fontName=FONT,
                     fontSize=font_size, fillColor=INK))
        d.add(_rect(label_w + (start - 1) * wk + 1, y + row_h * 0.18, (end - start + 1) * wk - 2, row_h * 0.64,
                   fillColor=shades[phase % len(shades)], strokeColor=None))
        d.add(Line(0, y, width, y, strokeColor=RULE, strokeWidth=0.3))
    # Legend: phase shades with names, so colour is never the only carrier.
    x = 0
    for i, p in enumerate(plan.phases):
        d.add(_rect(x, 2, 8, 8, fillColor=shades[i % len(shades)], strokeColor=None))
        text = f"Phase {p.number}: {p.name}"
        d.add(String(x + 11, 3, text, fontName=FONT, fontSize=7.5, fillColor=INK))
        x += 16 + pdfmetrics.stringWidth(text, FONT, 7.5)
    return d


def _mix(c: colors.Color, t: float) -> colors.Color:
    """``c`` blended toward white: t=1 keeps c, t=0 is white."""
    return colors.Color(1 - (1 - c.red) * t, 1 - (1 - c.green) * t, 1 - (1 - c.blue) * t)


def key_figures(theme: Theme, figures: Sequence[tuple[str, str]]) -> Table:
    """A row of big numbers with small labels, e.g. the two prices on the summary page."""
    label = ParagraphStyle("kl", fontName=FONT_BOLD, fontSize=8, leading=10.5, textColor=MUTED)
    value = ParagraphStyle("kv", fontName=FONT_BOLD, fontSize=15, leading=19, textColor=INK)
    cells = [[Paragraph(esc(lab.upper()), label), Paragraph(esc(val), value)] for lab, val in figures]
    t = Table([cells], colWidths=[theme.width / len(figures)] * len(figures), hAlign="LEFT")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LINEABOVE", (0, 0), (-1, 0), 2, theme.accent),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
    ]))
    return t


def spacer(h: float = 4) -> Spacer:
    return Spacer(1, h * mm)


def hours_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


@cache
def _right(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(style.name + "_r", parent=style, alignment=TA_RIGHT)


def right_of(style: ParagraphStyle) -> ParagraphStyle:
    """The same style, right-aligned (cached per style)."""
    return _right(style)


def weeks_text(start: int, end: int) -> str:
    return f"Week {start}" if start == end else f"Weeks {start}–{end}"

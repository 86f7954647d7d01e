"""Print setup for a workbook sheet: what a delivery lead gets on paper or in a PDF.

Every sheet prints one page wide (as many pages tall as it needs), landscape when its columns
are wider than a portrait page holds, with its header row repeated on every page and a footer
naming the client, the sheet and the page ("Page 3 of 7"), on the provider's paper size.
"""

from __future__ import annotations

from typing import Any

#: Column widths (in characters) a portrait page shows legibly; wider sheets print landscape.
PORTRAIT_WIDTH = 110
PAPER = {"Letter": 1, "A4": 9}  # SpreadsheetML paperSize codes


def footer_text(text: str) -> str:
    """Text for a header/footer section: '&' starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


def set_print(ws: Any, *, client: str, widths: float, title_rows: str | None = "1:1",
              paper: str = "Letter") -> None:
    """Print setup for ``ws`` (a normal or write-only sheet, before its rows are written)."""
    ws.page_setup.orientation = "landscape" if widths > PORTRAIT_WIDTH else "portrait"
    ws.page_setup.paperSize = PAPER.get(paper, PAPER["Letter"])
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.75
    ws.page_margins.footer = 0.3
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = footer_text(client)
    ws.oddFooter.left.size = 8
    ws.oddFooter.center.text = "&A"  # the sheet's name
    ws.oddFooter.center.size = 8
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 8

"""The client PDFs are laid out in one pass: the contents page, the outline and "Page X of Y" are
filled in when the pages are written. These tests read the PDFs back with poppler and check what
the reader relies on: each contents entry names the page its section really starts on, each
bookmark opens that page, every footer counts the real total, and table text wraps inside its
column instead of running into the next one."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from discovery_app import resources
from discovery_app.demo import create_demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftohtml") is None,
                                reason="poppler-utils not installed")

ISSUED = date(2026, 11, 23)
LEADER = re.compile(r"^\s*(?P<title>\S.*?)\s*(?:\.\s*)+\s*(?P<page>\d+)\s*$")


def page_text(pdf: Path, n: int) -> str:
    out = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def contents_entries(pdf: Path, pages: range) -> list[tuple[str, int]]:
    """(title, page) for each dotted line of the contents pages, in order."""
    entries = []
    for n in pages:
        text = subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        for line in text.splitlines():
            m = LEADER.match(line)
            if m:
                entries.append((m["title"], int(m["page"])))
    return entries


def outline(pdf: Path) -> list[tuple[str, int]]:
    """(title, page) of every bookmark, in order, as poppler reads the PDF outline."""
    xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", "-q", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    import html

    return [(html.unescape(title), int(page)) for page, title in re.findall(r'<item page="(\d+)">(.*?)</item>', xml)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf_layout")
    service = Discovery.open(AppPaths.resolve(folder / "store.sqlite3"), forms_root=resources.forms_dir())
    try:
        eid = create_demo(service)
        proposal = service.documents.export_proposal(eid, folder / "proposal.pdf", issued_on=ISSUED)
        plan = service.documents.export_plan(eid, folder / "plan.pdf", issued_on=ISSUED)
        yield proposal, plan
    finally:
        service.close()


def test_contents_lists_every_section_with_the_page_it_starts_on(demo):
    proposal, _ = demo
    entries = contents_entries(proposal, range(2, 3))
    titles = [t for t, _ in entries]
    for section in ("1. Executive summary", "2. Scope by lane", "3. Responsibility matrix", "4. Findings",
                    "4.2 Risk heat map", "5. Stabilization plan summary", "6. Prices", "10. Acceptance"):
        assert section in titles
    pages = page_count(proposal)
    for title, page in entries:
        assert 3 <= page <= pages, (title, page)
        assert title in page_text(proposal, page), f"{title!r} is not on page {page}"
    numbers = [page for _, page in entries]
    assert numbers == sorted(numbers) and numbers[-1] > numbers[0]  # real pages, in reading order


def test_bookmarks_open_the_page_each_section_is_on(demo):
    proposal, plan = demo
    for pdf in (proposal, plan):
        marks = outline(pdf)
        assert len(marks) >= 5
        for title, page in marks:
            assert title in page_text(pdf, page), f"bookmark {title!r} points at page {page}"
        assert len({page for _, page in marks}) > 1
    # The contents page and the outline name the same sections on the same pages.
    assert contents_entries(proposal, range(2, 3)) == outline(proposal)


def test_every_footer_counts_the_real_total_in_a_long_plan(tmp_path):
    from test_pdf import _big_report  # beside this file; pytest puts its folder on sys.path

    from discovery_app.export.plan_pdf import render_plan

    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(render_plan(_big_report(120)))
    total = page_count(pdf)
    assert total > 8
    for n in range(1, total + 1):
        assert f"Page {n} of {total}" in page_text(pdf, n)


def test_a_contents_too_long_for_one_page_carries_on_with_the_right_pages(tmp_path):
    """Sixty sections: the contents takes two pages and every entry still names its real page."""
    from reportlab.platypus import NextPageTemplate, PageBreak
    from test_pdf import _big_report  # beside this file; pytest puts its folder on sys.path

    from discovery_app.export import pdf_common as pc

    report = _big_report(10)
    theme = pc.make_theme(report)
    buf = io.BytesIO()
    doc = pc.ClientDocument(buf, report, theme, "Test document", lambda c, d: None)
    story = [NextPageTemplate("body"), PageBreak(), pc.contents(doc), PageBreak()]
    for i in range(1, 61):
        story += [doc.heading(f"Section {i}", 0 if i % 3 == 1 else 1), pc.Para("Some text. " * 40, theme["body"])]
        if i % 4 == 0:
            story.append(PageBreak())
    doc.render(story)
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(buf.getvalue())
    entries = contents_entries(pdf, range(2, 4))
    assert [t for t, _ in entries] == [f"Section {i}" for i in range(1, 61)]
    for title, page in entries:
        assert re.search(rf"\b{title}\b", page_text(pdf, page)), (title, page)
    assert entries == outline(pdf)


def test_table_text_wraps_inside_its_column(demo):
    """A cell whose text fits is one line; one that does not wraps within the column width."""
    from test_pdf import _big_report  # beside this file; pytest puts its folder on sys.path

    from discovery_app.export import pdf_common as pc

    theme = pc.make_theme(_big_report(10))
    long = "Replace the unsupported firewall and renew the vendor subscriptions at every branch office"
    tab = pc.table(theme, ["#", "Task", "Owner"], [["1", "Short task", "Provider"], ["2", long, "Shared"]],
                   [0.1, 0.3, 0.6])
    width, height = tab.wrap(theme.width, theme.height)
    assert width <= theme.width + 0.01
    one_line = theme["cell"].leading + 3.5 + 4
    assert tab._rowHeights[1] == pytest.approx(one_line)
    assert tab._rowHeights[2] >= one_line + 2 * theme["cell"].leading  # three lines or more
    task_w = theme.width * 0.3 - 8
    for row in tab._cellvalues[1:]:
        cell = row[1] if isinstance(row[1], str) else row[1][0]  # a Table keeps a flowable cell as a tuple
        if isinstance(cell, str):
            assert pc.pdfmetrics.stringWidth(cell, pc.FONT, 9) <= task_w
        else:
            cell.wrap(task_w, theme.height)
            # Each line's spare room at its end: never negative, so no line is wider than the column.
            spare = [line.extraSpace if hasattr(line, "extraSpace") else line[0] for line in cell.blPara.lines]
            assert min(spare) >= -0.01

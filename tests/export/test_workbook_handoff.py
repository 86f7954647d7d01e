"""What the delivery lead needs from the workbook on day one: the discovery answers, who to call
and in what order, when each task and phase is planned (weeks and dates, the plan's own numbers),
a workbook that prints, and totals that show in a viewer that does not recalculate."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from discovery_app.demo import create_demo
from discovery_app.domain import calendar
from discovery_app.domain.handoff import shown_answers
from discovery_app.export import workbook as wbk
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery

START = date(2027, 1, 4)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("handoff")
    service = Discovery.open(AppPaths.resolve(folder / "store.sqlite3"))
    eid = create_demo(service)
    internal = service.handoff.export_workbook(eid, folder / "internal.xlsx", start=START).path
    client = service.handoff.export_workbook(eid, folder / "client.xlsx", client=True, start=START).path
    yield service, eid, internal, client
    service.close()


def rows_of(ws, header_row: int = 1) -> list[dict]:
    it = ws.iter_rows(min_row=header_row, values_only=True)
    headers = next(it)
    return [dict(zip(headers, r, strict=False)) for r in it if any(v not in (None, "") for v in r)]


def test_the_answers_sheet_holds_every_shown_question_as_the_client_answered_it(demo):
    service, eid, internal, _ = demo
    eng = service.engagements.get(eid)
    pkg = service.forms.of(eng)
    rows = rows_of(load_workbook(internal)[wbk.ANSWERS])
    expected = shown_answers(pkg.questionnaire, eng.answer_values(), {a.question_id: a.note for a in eng.answers})
    assert [r["Question ID"] for r in rows] == [a.question_id for a in expected]
    by_id = {r["Question ID"]: r for r in rows}
    assert by_id["industry"]["Answer"] == "Accounting and tax"  # the label, not the stored value
    assert by_id["industry"]["Section"] == pkg.questionnaire.sections[0].title
    assert by_id["lob_apps"]["Answer"].startswith("CCH Axcess Tax")
    assert by_id["internal_it_owner"]["Note"] == "Office Manager; about 40% of his week is IT."
    assert by_id["backup_offsite"]["Answer"] == "No"
    # Who gave each answer, as the consultant recorded it.
    assert by_id["backup_offsite"]["Said By"] == "Marcus Lee" and by_id["industry"]["Said By"] == "Elena Finch"
    assert "backup_immutable" not in by_id  # hidden: the off-site copy does not exist
    unanswered = [r for r in rows if r["Answer"] == wbk.NOT_ANSWERED]
    assert {r["Question ID"] for r in unanswered} == {a.question_id for a in expected if not a.answer}


def test_contacts_and_escalation_follow_the_engagement(demo):
    service, eid, internal, _ = demo
    eng = service.engagements.get(eid)
    ws = load_workbook(internal)[wbk.CONTACTS]
    cells = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    col_a = [r[0] if r else None for r in cells]
    at = col_a.index("Escalation order")
    steps = [(r[0], r[1]) for r in cells[at + 2: at + 5]]
    assert steps == [(1, "Marcus Lee (Office Manager)"), (2, "Elena Finch (Managing Partner)"),
                     (3, "David Harbor (Partner, Salem)")]
    at = col_a.index("Contacts")
    people = [tuple(r[:5]) for r in cells[at + 2: at + 2 + len(eng.contacts)]]
    assert people == [(c.name, c.role, c.email or None, c.phone or None, "Yes" if c.decision_maker else None)
                      for c in eng.contacts]
    at = col_a.index("Sites")
    assert [(r[0], r[1], r[2]) for r in cells[at + 2: at + 2 + len(eng.sites)]] == [
        (s.name, s.address, s.user_count) for s in eng.sites]
    at = col_a.index("Hours, after-hours and on-site support")
    after = {r[0]: r[1] for r in cells[at + 2:] if r and r[0]}
    assert after["Normal working hours and time zones"].startswith("Mon-Fri 7:30-18:00 Pacific")
    assert after["What do they expect outside the contracted hours?"] == (
        "Planned maintenance windows and defined emergencies only")


def test_every_task_and_phase_has_the_plans_weeks_and_their_dates(demo):
    service, eid, internal, client = demo
    report = service.documents.report(eid, client=True)
    plan = {t.uid: t for t in report.plan.tasks}
    for path in (internal, client):
        wb = load_workbook(path)
        rows = rows_of(wb[wbk.STABILIZATION])
        tasks = [r for r in rows if r.get(wbk.ID)]
        assert {r[wbk.ID] for r in tasks} == set(plan)
        for r in tasks:
            t = plan[r[wbk.ID]]
            assert (r[wbk.START_WEEK], r[wbk.END_WEEK]) == (t.start_week, t.end_week)  # the plan PDF's numbers
            assert r[wbk.START_DATE].date() == START + timedelta(days=7 * (t.start_week - 1))
            assert r[wbk.END_DATE].date() == START + timedelta(days=7 * (t.end_week - 1) + 4)
        phases = [r for r in rows_of(wb[wbk.PHASES]) if isinstance(r["No."], int)]
        assert [(r[wbk.PHASE], r[wbk.START_WEEK], r[wbk.END_WEEK]) for r in phases] == [
            (p.name, p.start_week, p.end_week) for p in report.plan.phases]
        for r, p in zip(phases, report.plan.phases, strict=True):
            assert (r[wbk.START_DATE].date(), r[wbk.END_DATE].date()) == calendar.span(START, p.start_week, p.end_week)
            assert Decimal(str(r[wbk.HOURS])) == p.hours and r["Tasks"] == len(p.tasks)


def test_the_start_date_defaults_to_the_monday_after_export(demo, tmp_path):
    service, eid, _, _ = demo
    path = service.handoff.export_workbook(eid, tmp_path / "default.xlsx").path
    first = next(r for r in rows_of(load_workbook(path)[wbk.PHASES]) if isinstance(r["No."], int))
    assert first[wbk.START_DATE].date() == calendar.next_monday(date.today())


def test_every_sheet_prints_one_page_wide_with_its_header_and_a_footer(demo):
    service, eid, internal, _ = demo
    eng = service.engagements.get(eid)
    wb = load_workbook(internal)
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ps.fitToWidth, ps.fitToHeight) == (1, 0), ws.title
        assert ws.oddFooter.left.text == eng.client_name.replace("&", "&&"), ws.title
        assert (ws.oddFooter.center.text, ws.oddFooter.right.text) == ("&A", "Page &P of &N"), ws.title
        if ws.title in wbk.TABLE_SHEETS:
            assert ws.print_title_rows == "$1:$1", ws.title
    assert wb[wbk.STABILIZATION].page_setup.orientation == "landscape"
    assert wb[wbk.SUMMARY].page_setup.orientation == "portrait"
    # The IDs are for the importer: the print area stops before them.
    assert wb[wbk.INVENTORY].print_area.endswith(f"$A$1:$L${len(eng.inventory) + 1 + 2}")


def test_formula_cells_carry_their_results_for_viewers_that_do_not_recalculate(demo):
    service, eid, internal, client = demo
    quote = service.offer.quote(eid)
    for path in (internal, client):
        formulas = load_workbook(path)
        values = load_workbook(path, data_only=True)
        blanks = [(ws.title, c.coordinate) for ws in formulas.worksheets for row in ws.iter_rows() for c in row
                  if isinstance(c.value, str) and c.value.startswith("=")
                  and values[ws.title][c.coordinate].value is None]
        assert blanks == []
        summary = {r[0]: r[1] for r in values[wbk.SUMMARY].iter_rows(values_only=True) if r and r[0]}
        assert Decimal(str(summary["Launch and stabilization fee"])) == quote.stabilization.net
        assert Decimal(str(summary["Monthly operations fee"])) == quote.monthly.net
        assert Decimal(str(summary["First year (fee + 12 x monthly)"])) == quote.first_year_total


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _soffice(profile: Path, *args: str) -> None:
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", *args],
                   check=True, capture_output=True, timeout=300)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
def test_libreoffice_recalculates_every_cached_result_to_the_same_value_and_prints_it(demo, tmp_path):
    """LibreOffice, told to recalculate on load, agrees with every cached result; its PDF has
    the footer on every page and far fewer pages than the unprepared workbook's 65."""
    _, _, internal, _ = demo
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" '
        'oor:op="fuse"><value>0</value></prop></item></oor:items>\n')
    out = tmp_path / "out"
    _soffice(profile, "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(internal))
    mine = load_workbook(internal, data_only=True)
    formulas = load_workbook(internal)
    theirs = load_workbook(out / internal.name, data_only=True)
    compared = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    a, b = mine[ws.title][c.coordinate].value, theirs[ws.title][c.coordinate].value
                    if isinstance(a, (int, float)):
                        assert abs(Decimal(str(a)) - Decimal(str(b))) < Decimal("0.000001"), (ws.title, c.coordinate)
                    else:
                        assert a == b, (ws.title, c.coordinate)
                    compared += 1
    assert compared > 100

    _soffice(profile, "--convert-to", "pdf", "--outdir", str(out), str(internal))
    pdf = out / (internal.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout if shutil.which("pdftotext") else ""
    pages = _pdf_pages(pdf)
    assert 10 <= pages <= 30
    if text:
        assert text.count("Harbor & Finch CPAs") >= pages
        for n in range(1, pages + 1):
            assert f"Page {n} of {pages}" in text
        for title in wbk.SHEETS:
            assert title in text


def _pdf_pages(pdf: Path) -> int:
    data = pdf.read_bytes()
    import re
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def test_cached_values_never_break_the_file(demo):
    _, _, internal, _ = demo
    with zipfile.ZipFile(internal) as z:
        assert z.testzip() is None

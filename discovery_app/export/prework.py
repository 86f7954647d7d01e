"""The client's pre-work workbook: written for the client to fill in Excel, LibreOffice or
Numbers, and read back whatever those programs did to it.

Layout: a "Start here" sheet (the provider's name and colour, the client's name, how to fill it
in, who filled it in), one sheet per section with the client's questions (question, answer cell,
required mark, the client's wording of each question and its help, "answer only if ..." in words), a "Sites and contacts" sheet, a hidden list
sheet the drop-downs read and a very hidden sheet with the ids that tie the file to its
engagement and form. Every sheet is protected; only the answer cells are unlocked. Nothing
internal is written: no fit scores, risks, prices or consultant notes.

Reading finds the header row and each column by its heading (a moved column still reads), the
question rows by their Question ID cells, and takes answers as Excel or LibreOffice leave them:
typed numbers, "1,250" as text, dates as serial numbers or typed text, trailing spaces, a
choice's label or its id. A file for another engagement, another form version, or whose question
ids were changed is refused with a message; an answer that cannot be read is listed with its
sheet, row and cell and left out, the others still import.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..domain import answers as answers_mod
from ..domain import locale_text
from ..domain import prework as pw
from ..domain.engagement import Contact, Site
from ..domain.forms import FormPackage, Question, QuestionType
from .atomic import write_atomic
from .untrusted import xlsx_problems
from .xlsx_print import footer_text, set_print

FORMAT = "discovery-prework-1"
START = "Start here"
PEOPLE = "Sites and contacts"
LISTS = "Lists"
META = "Discovery ids"
# Column headings of a section sheet (the reader finds them by these names).
NUM, QUESTION, ANSWER, REQUIRED, HELP, CONDITION, QID = (
    "#", "Question", "Your answer", "Required", "Help", "Answer only if", "Question ID")
SECTION_COLUMNS = (NUM, QUESTION, ANSWER, REQUIRED, HELP, CONDITION, QID)
SITE_COLUMNS = ("Site name", "Address", "People working there", "Notes")
CONTACT_COLUMNS = ("Contact name", "Role", "Email", "Phone", "Decision maker")
FILLED_BY, FILLED_ROLE, FILLED_ON = "Filled in by", "Their role", "Date"
BLANK_ROWS = 12  # empty rows offered for more sites and contacts
YES, NO = "Yes", "No"
MAX_PROBLEMS = 30

_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_ANSWER_FILL = PatternFill("solid", fgColor="FFF8DC")
_GREY_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(horizontal="left", vertical="top")
_UNLOCKED = Protection(locked=False)


class PreworkRefused(ValueError):
    """The file cannot be read back at all (not ours, another engagement or form, tampered,
    damaged); nothing was changed. The message says why."""


@dataclass(frozen=True)
class PreworkOut:
    """What the workbook carries, gathered by the service."""

    pkg: FormPackage
    client_name: str
    engagement_uid: str
    reference: str  # short id the client can quote ("HF-3F2A9C")
    provider_name: str
    provider_contact: str  # "Dana Whitfield, dana@provider.example, +1 ..."
    brand_colour: str  # "#RRGGBB"
    sites: Sequence[Site] = ()
    contacts: Sequence[Contact] = ()
    issued_on: date = field(default_factory=date.today)


# ---- writing ----------------------------------------------------------------------------------


def write_prework(data: PreworkOut, target: Path) -> Path:
    """Write the workbook to ``target`` completely or not at all."""

    def write(fh: BinaryIO) -> None:
        build(data).save(fh)

    return write_atomic(Path(target), write)


def _sheet_title(title: str, used: set[str]) -> str:
    bad = '[]:*?/\\'
    clean = "".join("-" if ch in bad else ch for ch in title).strip("' ")[:31] or "Questions"
    name, n = clean, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = clean[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # the client may widen columns and rows
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False


def build(data: PreworkOut) -> Workbook:
    pkg = data.pkg
    q = pkg.questionnaire
    brand = data.brand_colour.lstrip("#").upper() or "1F5FA8"
    band = PatternFill("solid", fgColor=brand)
    on_band = Font(bold=True, size=14, color=_ink_on(brand))
    wb = Workbook()
    wb.properties.title = f"Pre-work questionnaire - {data.client_name}"
    wb.properties.creator = data.provider_name or "Discovery"
    used = {START.casefold(), PEOPLE.casefold(), LISTS.casefold(), META.casefold()}

    # Start here
    ws: Any = wb.active
    ws.title = START
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 80
    ws["A1"] = data.provider_name or "Pre-work questionnaire"
    ws["A1"].font = on_band
    for col in "AB":
        ws[f"{col}1"].fill = band
    ws.row_dimensions[1].height = 28
    ws["A3"] = f"Pre-work questionnaire for {data.client_name}"
    ws["A3"].font = Font(bold=True, size=16)
    intro = (
        "Thank you for taking the time. Your answers let us spend the visit on what only a visit can "
        "show, rather than on facts you already know. Please fill in the yellow cells on each sheet "
        "(one sheet per topic) and on the Sites and contacts sheet, then send the file back to us. "
        "Skip anything you do not know: we will go through it together. Questions marked Required "
        "matter most. Some questions say when to answer them (\"Answer only if ...\"). "
        "Please keep the sheets and the Question ID column as they are: they tell us which answer "
        "belongs to which question."
    )
    ws["A5"] = intro
    ws.merge_cells("A5:B5")
    ws["A5"].alignment = _WRAP
    ws.row_dimensions[5].height = 110
    rows = [
        ("Your reference", data.reference),
        ("Sent", data.issued_on.isoformat()),
        ("Questions from", data.provider_contact or data.provider_name),
    ]
    r = 7
    for label, value in rows:
        ws.cell(row=r, column=1, value=label).font = Font(bold=True)
        ws.cell(row=r, column=2, value=value).alignment = _WRAP
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="About you").font = Font(bold=True, size=12)
    r += 1
    for label in (FILLED_BY, FILLED_ROLE, FILLED_ON):
        ws.cell(row=r, column=1, value=label).font = Font(bold=True)
        cell = ws.cell(row=r, column=2)
        cell.protection, cell.fill, cell.border = _UNLOCKED, _ANSWER_FILL, _BOX
        if label == FILLED_ON:
            cell.number_format = "yyyy-mm-dd"
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="Topics").font = Font(bold=True, size=12)
    r += 1
    sections = pw.client_sections(pkg)
    titles = [_sheet_title(cs.section.title, used) for cs in sections]
    for cs, title in zip(sections, titles, strict=True):
        required = sum(1 for qq in cs.questions if qq.required)
        n = len(cs.questions)
        ws.cell(row=r, column=1, value=title)
        ws.cell(row=r, column=2, value=f"{n} question{'s' if n != 1 else ''}"
                + (f", {required} required" if required else ""))
        r += 1
    ws.cell(row=r, column=1, value=PEOPLE)
    ws.cell(row=r, column=2, value="Your sites and the people we should know")
    _print(ws, data, None, 104)
    _protect(ws)

    lists = wb.create_sheet(LISTS)
    list_col = 0
    list_ranges: dict[str, str] = {}

    def list_range(qq: Question) -> str:
        nonlocal list_col
        if qq.choices in list_ranges:
            return list_ranges[qq.choices or ""]
        list_col += 1
        letter = get_column_letter(list_col)
        labels = [label for _, label in pw.choice_labels(q, qq)]
        for i, label in enumerate(labels, 1):
            lists.cell(row=i, column=list_col, value=label)
        ref = f"'{LISTS}'!${letter}$1:${letter}${len(labels)}"
        list_ranges[qq.choices or ""] = ref
        return ref

    for cs, title in zip(sections, titles, strict=True):
        _section_sheet(wb.create_sheet(title), cs, data, band, on_band, list_range)
    _people_sheet(wb.create_sheet(PEOPLE), data, band, on_band)

    lists.sheet_state = "hidden"
    _protect(lists)
    meta = wb.create_sheet(META)
    for i, (k, v) in enumerate((
        ("format", FORMAT), ("engagement", data.engagement_uid), ("reference", data.reference),
        ("form", pkg.key), ("form_hash", pkg.content_hash()), ("structure", pw.signature(pkg)),
        ("issued_on", data.issued_on.isoformat()),
    ), 1):
        meta.cell(row=i, column=1, value=k)
        meta.cell(row=i, column=2, value=v)
    meta.sheet_state = "veryHidden"
    _protect(meta)
    return wb


def _ink_on(hex_colour: str) -> str:
    try:
        r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "FFFFFF"
    return "1A1A1A" if (0.299 * r + 0.587 * g + 0.114 * b) > 160 else "FFFFFF"


def _print(ws: Any, data: PreworkOut, title_rows: str | None, widths: float) -> None:
    set_print(ws, client=data.client_name, widths=widths, title_rows=title_rows)
    ws.oddHeader.left.text = footer_text(data.provider_name)
    ws.oddHeader.left.size = 8


_WIDTHS = {NUM: 5, QUESTION: 48, ANSWER: 34, REQUIRED: 10, HELP: 64, CONDITION: 32, QID: 18}


def _section_sheet(ws: Worksheet, cs: pw.ClientSection, data: PreworkOut, band: PatternFill, on_band: Font,
                   list_range: Any) -> None:
    q = data.pkg.questionnaire
    for i, name in enumerate(SECTION_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS[name]
    ws.cell(row=1, column=1, value=f"{cs.section.title} - {data.client_name}").font = on_band
    for i in range(1, len(SECTION_COLUMNS) + 1):
        ws.cell(row=1, column=i).fill = band
    ws.row_dimensions[1].height = 26
    if cs.section.client_intro:  # the consultant's intro is written for the interview: never sent
        ws.cell(row=2, column=1, value=cs.section.client_intro).alignment = _WRAP
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(SECTION_COLUMNS) - 1)
        ws.row_dimensions[2].height = 30
    header = 4
    for i, name in enumerate(SECTION_COLUMNS, 1):
        c = ws.cell(row=header, column=i, value=name)
        c.font, c.fill, c.border = Font(bold=True), _GREY_FILL, _BOX
    ws.freeze_panes = f"A{header + 1}"
    col = {name: i for i, name in enumerate(SECTION_COLUMNS, 1)}
    validations: dict[str, DataValidation] = {}

    def validate(key: str, make: Any, cell: str) -> None:
        dv = validations.get(key)
        if dv is None:
            dv = make()
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            validations[key] = dv
        dv.add(cell)

    numbers = {qq.id: n for n, qq in enumerate(cs.questions, 1)}
    r = header + 1
    for n, qq in enumerate(cs.questions, 1):
        ws.cell(row=r, column=col[NUM], value=n).alignment = _TOP
        ws.cell(row=r, column=col[QUESTION], value=qq.client_label or qq.label).alignment = _WRAP
        ws.cell(row=r, column=col[REQUIRED], value="Required" if qq.required else "").alignment = _TOP
        ws.cell(row=r, column=col[HELP], value=qq.client_help or "").alignment = _WRAP
        condition = pw.condition_words(qq, q, numbers)
        ws.cell(row=r, column=col[CONDITION], value=condition).alignment = _WRAP
        qid_cell = ws.cell(row=r, column=col[QID], value=qq.id)
        qid_cell.font, qid_cell.alignment = Font(color="808080", size=8), _TOP
        answer = ws.cell(row=r, column=col[ANSWER])
        answer.border = _BOX
        answer.alignment = _WRAP
        lines = max(2, len(qq.client_help or "") // 85 + 1, len(qq.client_label or qq.label) // 42 + 1,
                    len(condition) // 28 + 1)
        ws.row_dimensions[r].height = min(15 * lines, 160)
        if qq.type is QuestionType.MULTI_CHOICE:
            answer.value = "Mark Yes beside each that applies:"
            answer.font = Font(italic=True, color="595959")
            answer.fill = _GREY_FILL
            for value, label in pw.choice_labels(q, qq):
                r += 1
                ws.cell(row=r, column=col[QUESTION], value=f"    {label}").alignment = _WRAP
                ws.row_dimensions[r].height = 15 * (len(label) // 40 + 1)
                ws.cell(row=r, column=col[QID], value=f"{qq.id}={value}").font = Font(color="808080", size=8)
                cell = ws.cell(row=r, column=col[ANSWER])
                cell.protection, cell.fill, cell.border = _UNLOCKED, _ANSWER_FILL, _BOX
                validate("yes_no", lambda: DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True,
                                                          error="Choose Yes or No.", errorTitle="Yes or No"),
                         cell.coordinate)
            r += 1
            continue
        answer.protection, answer.fill = _UNLOCKED, _ANSWER_FILL
        _validation(qq, answer.coordinate, validate, list_range)
        if qq.type is QuestionType.DATE:
            answer.number_format = "yyyy-mm-dd"
        elif qq.type is QuestionType.MONEY:
            answer.number_format = "#,##0.00"
        r += 1
    _print(ws, data, f"{header}:{header}", sum(_WIDTHS.values()))
    _protect(ws)


def _validation(qq: Question, coord: str, validate: Any, list_range: Any) -> None:
    t = qq.type
    if t is QuestionType.YES_NO:
        validate("yes_no", lambda: DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True,
                                                  error="Choose Yes or No.", errorTitle="Yes or No"), coord)
    elif t is QuestionType.SINGLE_CHOICE:
        ref = list_range(qq)
        validate(f"list:{ref}", lambda: DataValidation(type="list", formula1=f"={ref}", allow_blank=True,
                                                       error="Choose one of the answers in the list.",
                                                       errorTitle="Choose from the list"), coord)
    elif t in (QuestionType.INTEGER, QuestionType.RATING):
        lo = 1 if t is QuestionType.RATING else (int(qq.min) if qq.min is not None else -999999999)
        hi = 5 if t is QuestionType.RATING else (int(qq.max) if qq.max is not None else 999999999)
        validate(f"whole:{lo}:{hi}", lambda: DataValidation(
            type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True,
            error=f"Type a whole number from {lo} to {hi}.", errorTitle="A whole number"), coord)
    elif t in (QuestionType.DECIMAL, QuestionType.MONEY):
        lo_d = qq.min if qq.min is not None else Decimal(-999999999)
        hi_d = qq.max if qq.max is not None else Decimal(999999999999)
        validate(f"decimal:{lo_d}:{hi_d}", lambda: DataValidation(
            type="decimal", operator="between", formula1=str(lo_d), formula2=str(hi_d), allow_blank=True,
            error=f"Type a number from {lo_d} to {hi_d}.", errorTitle="A number"), coord)
    elif t is QuestionType.DATE:
        validate("date", lambda: DataValidation(
            type="date", operator="between", formula1="DATE(1990,1,1)", formula2="DATE(2100,12,31)", allow_blank=True,
            error="Type a date, for example 2026-03-15.", errorTitle="A date"), coord)
    elif t in (QuestionType.TEXT, QuestionType.LONG_TEXT):
        limit = 500 if t is QuestionType.TEXT else 20000
        validate(f"text:{limit}", lambda: DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True,
            error=f"At most {limit} characters, please.", errorTitle="Too long"), coord)


def _people_sheet(ws: Worksheet, data: PreworkOut, band: PatternFill, on_band: Font) -> None:
    widths = (30, 42, 30, 40, 16)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.cell(row=1, column=1, value=f"Sites and contacts - {data.client_name}").font = on_band
    for i in range(1, 6):
        ws.cell(row=1, column=i).fill = band
    ws.cell(row=2, column=1, value="Correct what we have and add what is missing: one row each.")
    ws.merge_cells("A2:E2")
    ws.row_dimensions[1].height = 26
    r = 4
    ws.cell(row=r, column=1, value="Sites").font = Font(bold=True, size=12)
    r += 1
    for i, name in enumerate(SITE_COLUMNS, 1):
        c = ws.cell(row=r, column=i, value=name)
        c.font, c.fill, c.border = Font(bold=True), _GREY_FILL, _BOX
    for site in [*data.sites, *([None] * BLANK_ROWS)]:
        r += 1
        values: tuple[Any, ...] = (site.name, site.address, site.user_count, site.notes) if site else (None,) * 4
        for i, v in enumerate(values, 1):
            c = ws.cell(row=r, column=i, value=v)
            c.protection, c.fill, c.border, c.alignment = _UNLOCKED, _ANSWER_FILL, _BOX, _WRAP
        if site:
            ws.row_dimensions[r].height = 15 * max(1, len(site.address) // 40 + 1, len(site.notes) // 38 + 1)
    users = DataValidation(type="whole", operator="between", formula1="0", formula2="1000000", allow_blank=True,
                           error="Type a whole number of people.", errorTitle="A number")
    ws.add_data_validation(users)
    users.add(f"C6:C{r}")
    r += 2
    ws.cell(row=r, column=1, value="Contacts").font = Font(bold=True, size=12)
    r += 1
    start = r + 1
    for i, name in enumerate(CONTACT_COLUMNS, 1):
        c = ws.cell(row=r, column=i, value=name)
        c.font, c.fill, c.border = Font(bold=True), _GREY_FILL, _BOX
    for contact in [*data.contacts, *([None] * BLANK_ROWS)]:
        r += 1
        values = ((contact.name, contact.role, contact.email, contact.phone, YES if contact.decision_maker else NO)
                  if contact else (None,) * 5)
        for i, v in enumerate(values, 1):
            c = ws.cell(row=r, column=i, value=v)
            c.protection, c.fill, c.border, c.alignment = _UNLOCKED, _ANSWER_FILL, _BOX, _WRAP
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, error="Choose Yes or No.")
    ws.add_data_validation(yes_no)
    yes_no.add(f"E{start}:E{r}")
    _print(ws, data, None, 144)
    _protect(ws)


# ---- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadAnswer:
    question_id: str
    value: Any  # the stored (normalised) form
    where: str  # "Security, row 7"


@dataclass
class PreworkIn:
    """What a returned workbook holds."""

    engagement_uid: str
    reference: str
    filled_by: str = ""
    filled_role: str = ""
    answers: list[ReadAnswer] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # answers that could not be read, with where


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()


def _find_header(ws: Worksheet, required: Sequence[str], *, start: int = 1, limit: int = 60) -> tuple[int, dict[str, int]] | None:
    """The first row at or after ``start`` holding every heading in ``required``, with each heading's column."""
    want = {h.casefold(): h for h in required}
    for r, row in enumerate(ws.iter_rows(min_row=start, max_row=start + limit, values_only=True), start):
        found = {}
        for c, v in enumerate(row, 1):
            key = _text(v).casefold()
            if key in want and want[key] not in found:
                found[want[key]] = c
        if len(found) == len(required):
            return r, found
    return None


def read_prework(path: Path, pkg: FormPackage, *, engagement_uid: str, locale: str | None = None) -> PreworkIn:
    """Read a returned pre-work workbook for the engagement ``engagement_uid`` run with ``pkg``.
    Raises :class:`PreworkRefused` when the whole file cannot be trusted."""
    path = Path(path)
    name = path.name
    try:
        problems = xlsx_problems(path)
    except FileNotFoundError:
        raise PreworkRefused(f"{name} does not exist.") from None
    except OSError as exc:
        raise PreworkRefused(f"{name} cannot be read: {exc.strerror or exc}.") from None
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise PreworkRefused(f"{name} is not an Excel workbook (.xlsx), or it is damaged.") from None
    if problems:
        raise PreworkRefused(f"{name} was refused: {'; '.join(problems)}.")
    try:
        wb = load_workbook(path, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise PreworkRefused(f"{name} is not an Excel workbook (.xlsx), or it is damaged.") from None
    if META not in wb.sheetnames:
        raise PreworkRefused(f"{name} is not a pre-work workbook written by Discovery (its ids sheet is missing). "
                             "Export the pre-work workbook again and send that one.")
    meta = {_text(r[0]): _text(r[1]) for r in wb[META].iter_rows(max_col=2, values_only=True) if r and r[0]}
    if meta.get("format") != FORMAT:
        raise PreworkRefused(f"{name} is not a pre-work workbook this version of Discovery reads.")
    if meta.get("engagement") != engagement_uid:
        raise PreworkRefused(f"{name} belongs to another engagement (reference {meta.get('reference') or 'unknown'}); "
                             "import it into that engagement. Nothing was changed.")
    if meta.get("form_hash") != pkg.content_hash():
        raise PreworkRefused(f"{name} was made with form {meta.get('form') or 'unknown'}, which differs from the form "
                             f"this engagement uses ({pkg.key}); export the pre-work workbook again. Nothing was changed.")
    if meta.get("structure") != pw.signature(pkg):
        raise PreworkRefused(f"{name} has been altered: its ids do not match the questions it was made with. "
                             "Nothing was changed.")
    out = PreworkIn(engagement_uid, meta.get("reference", ""))
    _read_start(wb, out)
    expected = pw.structure(pkg)
    seen = _read_sections(wb, pkg, out, locale)
    if seen != expected:
        missing = [x for x in expected if x not in seen]
        extra = [x for x in seen if x not in expected]
        detail = (f"question ids missing: {', '.join(missing[:5])}" if missing else
                  f"unknown question ids: {', '.join(extra[:5])}" if extra else "the questions are out of order")
        raise PreworkRefused(f"{name} has been altered ({detail}); the answers cannot be matched to their "
                             "questions safely. Nothing was changed.")
    _read_people(wb, out)
    return out


def _read_start(wb: Workbook, out: PreworkIn) -> None:
    if START not in wb.sheetnames:
        return
    ws = wb[START]
    for row in ws.iter_rows(max_col=4, values_only=True):
        labels = [_text(v) for v in row]
        for i, label in enumerate(labels[:-1]):
            if label == FILLED_BY:
                out.filled_by = labels[i + 1][:300]
            elif label == FILLED_ROLE:
                out.filled_role = labels[i + 1][:300]


def _read_sections(wb: Workbook, pkg: FormPackage, out: PreworkIn, locale: str | None) -> list[str]:
    q = pkg.questionnaire
    seen: list[str] = []
    multi: dict[str, list[str]] = {}
    multi_where: dict[str, str] = {}
    for ws in wb.worksheets:
        if ws.title in (START, PEOPLE, LISTS, META):
            continue
        found = _find_header(ws, (ANSWER, QID))
        if found is None:
            continue
        header, cols = found
        for r, row in enumerate(ws.iter_rows(min_row=header + 1, values_only=True), header + 1):
            qid_text = _text(row[cols[QID] - 1]) if len(row) >= cols[QID] else ""
            if not qid_text:
                continue
            seen.append(qid_text)
            raw = row[cols[ANSWER] - 1] if len(row) >= cols[ANSWER] else None
            where = f"{ws.title}, row {r}, {ANSWER} ({get_column_letter(cols[ANSWER])}{r})"
            qid, _, choice = qid_text.partition("=")
            question = q.question(qid)
            if question is None:
                continue
            if choice:
                multi.setdefault(qid, [])
                multi_where.setdefault(qid, f"{ws.title}, row {r}")
                text = _text(raw).casefold()
                if text in ("yes", "y", "x", "true", "1", "✓", "ja", "oui", "sí", "si"):
                    multi[qid].append(choice)
                elif text not in ("", "no", "n", "false", "0"):
                    out.problems.append(f"{where}: {_text(raw)!r} is not Yes or No; that choice was left out.")
                continue
            if question.type is QuestionType.MULTI_CHOICE:
                continue
            if raw is None or _text(raw) == "":
                continue
            try:
                value = read_value(question, raw, pkg, locale)
            except answers_mod.AnswerError as exc:
                out.problems.append(f"{where}: {exc}; not imported.")
                continue
            if value is not None:
                out.answers.append(ReadAnswer(qid, value, f"{ws.title}, row {r}"))
    for qid, chosen in multi.items():
        question = q.question(qid)
        if chosen and question is not None:
            out.answers.append(ReadAnswer(qid, answers_mod.normalise(question, chosen, q), multi_where[qid]))
    return seen


def read_value(question: Question, raw: Any, pkg: FormPackage, locale: str | None) -> Any:
    """One answer cell as the stored answer; raises AnswerError saying what is wrong."""
    q = pkg.questionnaire
    t = question.type
    if isinstance(raw, str):
        raw = raw.strip()
    if t is QuestionType.DATE:
        if isinstance(raw, datetime):
            return raw.date().isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            try:
                day = from_excel(raw)
            except (ValueError, OverflowError, TypeError):
                raise answers_mod.AnswerError(f"{raw!r} is not a date") from None
            return answers_mod.normalise(question, day.date() if isinstance(day, datetime) else day, q)
        text = _text(raw)
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        for loc in dict.fromkeys([locale or locale_text.DEFAULT_LOCALE, locale_text.DEFAULT_LOCALE]):
            try:
                return locale_text.parse_date(text, loc).isoformat()
            except locale_text.ReadError:
                continue
        raise answers_mod.AnswerError(f"“{text}” is not a date; type it as YYYY-MM-DD (for example 2026-03-15)")
    if t is QuestionType.YES_NO:
        text = _text(raw).casefold()
        if isinstance(raw, bool):
            return raw
        if text in ("yes", "y", "true", "1", "ja", "oui", "sí", "si"):
            return True
        if text in ("no", "n", "false", "0", "nein", "non"):
            return False
        raise answers_mod.AnswerError(f"“{_text(raw)}” is not Yes or No")
    if t is QuestionType.SINGLE_CHOICE:
        want = _text(raw).casefold()
        for value, label in pw.choice_labels(q, question):
            if want in (value.casefold(), label.casefold(), " ".join(label.split()).casefold()):
                return value
        raise answers_mod.AnswerError(f"“{_text(raw)}” is not one of the choices in the list")
    if t in (QuestionType.TEXT, QuestionType.LONG_TEXT):
        return answers_mod.normalise(question, _text(raw) if not isinstance(raw, str) else raw, q)
    # numbers: typed (int/float) or text such as "1,250" or "$12,500.00"
    if isinstance(raw, float):
        raw = Decimal(str(raw))
    if isinstance(raw, str):
        try:
            return answers_mod.normalise(question, raw, q)
        except answers_mod.AnswerError:
            if locale and locale != locale_text.DEFAULT_LOCALE:
                return answers_mod.normalise(question, raw, q, locale=locale)
            raise
    return answers_mod.normalise(question, raw, q)


def _read_people(wb: Workbook, out: PreworkIn) -> None:
    if PEOPLE not in wb.sheetnames:
        return
    ws = wb[PEOPLE]
    found = _find_header(ws, SITE_COLUMNS)
    contacts_at = _find_header(ws, CONTACT_COLUMNS)
    if found:
        header, cols = found
        last = contacts_at[0] - 1 if contacts_at and contacts_at[0] > header else None
        for r, row in enumerate(ws.iter_rows(min_row=header + 1, max_row=last, values_only=True), header + 1):
            def get(col: str, row: tuple[Any, ...] = row) -> Any:
                i = cols[col]
                return row[i - 1] if len(row) >= i else None

            name = _text(get(SITE_COLUMNS[0]))
            others = [_text(get(c)) for c in SITE_COLUMNS[1:]]
            if not name or (name == "Contacts" and not any(others)):
                continue
            users = get(SITE_COLUMNS[2])
            count: int | None = None
            if _text(users):
                try:
                    count = int(Decimal(_text(users).replace(",", "")))
                except ArithmeticError:
                    count = None
                if count is None or not 0 <= count <= 1_000_000:
                    out.problems.append(f"{PEOPLE}, row {r}, {SITE_COLUMNS[2]}: “{_text(users)}” is not a number of "
                                        "people; left empty.")
                    count = None
            out.sites.append(Site(name=name[:300], address=others[0][:20000], user_count=count, notes=others[2][:20000]))
    found = _find_header(ws, CONTACT_COLUMNS)
    if found:
        header, cols = found
        for r, row in enumerate(ws.iter_rows(min_row=header + 1, values_only=True), header + 1):
            def cell(col: str, row: tuple[Any, ...] = row) -> str:
                i = cols[col]
                return _text(row[i - 1])[:300] if len(row) >= i else ""

            name = cell(CONTACT_COLUMNS[0])
            if not name:
                continue
            try:
                out.contacts.append(Contact(name=name, role=cell(CONTACT_COLUMNS[1]), email=cell(CONTACT_COLUMNS[2]),
                                            phone=cell(CONTACT_COLUMNS[3]),
                                            decision_maker=cell(CONTACT_COLUMNS[4]).casefold() in ("yes", "y", "true")))
            except ValueError:
                out.problems.append(f"{PEOPLE}, row {r}: the contact could not be read; left out.")

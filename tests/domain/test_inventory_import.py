"""Reading RMM and asset-tool exports: encodings, delimiters, line endings, classes, dates, bad rows."""

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from discovery_app.domain.inventory import (
    Target,
    device_kind,
    guess_mapping,
    parse_date,
    rows_to_items,
)
from discovery_app.inventoryio import ReadError, load_rules, read_table

RULES = load_rules()

KINDS = ["workstation", "laptop", "server", "virtual_server", "network", "firewall", "printer", "mobile", "storage", "other"]

NINJA = [
    ["Display Name", "Device Class", "OS Name", "Serial Number", "Location", "Last Logged In User", "Warranty End"],
    ["PDX-WS01", "WINDOWS_WORKSTATION", "Windows 11 Pro", "5CG1234", "Portland", "CORP\\priya", "03/31/2027"],
    ["PDX-DC01", "WINDOWS_SERVER", "Windows Server 2019 Standard", "VMware-42 1a", "Portland", "", "2026-12-01"],
    ["PDX-SW01", "NMS_SWITCH", "", "SG12AB", "Portland", "", ""],
    ["Café-Laptop", "Laptop", "Windows 10 Pro", "CND987", "Salem", "José Núñez", "1/5/2026"],
]


def write_csv(path, rows, *, delimiter=",", newline="\n", encoding="utf-8", bom=False):
    text = newline.join(delimiter.join(_quote(c, delimiter) for c in r) for r in rows) + newline
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _quote(cell, delimiter):
    return f'"{cell}"' if (delimiter in cell or '"' in cell or "\n" in cell) else cell


def items_from(path):
    table = read_table(path)
    mapping = guess_mapping(table.headers, RULES)
    return table, rows_to_items(table.rows, table.line_numbers, mapping, KINDS, RULES, source=path.name)


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("cp1252", False, "cp1252")],
)
def test_encodings(tmp_path, encoding, bom, expected):
    table, parsed = items_from(write_csv(tmp_path / "x.csv", NINJA, encoding=encoding, bom=bom))
    assert table.encoding == expected
    assert table.headers[0] == "Display Name"  # no BOM left in the first header
    assert [i.name for i in parsed.items][-1] == "Café-Laptop"
    assert parsed.items[-1].owner == "José Núñez"


@pytest.mark.parametrize(("newline", "label"), [("\n", "LF"), ("\r\n", "CRLF"), ("\r", "CR")])
def test_line_endings(tmp_path, newline, label):
    table, parsed = items_from(write_csv(tmp_path / "x.csv", NINJA, newline=newline))
    assert table.line_ending == label
    assert len(parsed.items) == 4 and parsed.lines == [2, 3, 4, 5]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(tmp_path, delimiter):
    table, parsed = items_from(write_csv(tmp_path / "x.csv", NINJA, delimiter=delimiter))
    assert table.delimiter == delimiter
    assert [i.kind for i in parsed.items] == ["workstation", "server", "network", "laptop"]


def test_quoted_field_with_newline_keeps_line_numbers(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('Name,Notes\nA,"two\nlines"\nB,ok\n,missing name\n', encoding="utf-8")
    _table, parsed = items_from(path)
    assert parsed.items[0].notes == "two\nlines"
    assert parsed.lines == [2, 4]
    assert [(r.line, r.reason) for r in parsed.rejects] == [(5, "Name is empty")]


def test_headers_of_common_tools_are_recognised():
    mapping = guess_mapping(NINJA[0], RULES)
    assert [mapping[i] for i in range(7)] == [
        Target.NAME, Target.KIND, Target.OS, Target.SERIAL, Target.SITE, Target.OWNER, Target.WARRANTY_END]
    datto = guess_mapping(["Hostname", "Device Type", "Site Name", "Operating System", "Description"], RULES)
    assert set(datto.values()) == {Target.NAME, Target.KIND, Target.SITE, Target.OS, Target.NOTES}
    assert guess_mapping(["Device Name", "Device"], RULES) == {0: Target.NAME}


@pytest.mark.parametrize(
    ("value", "kind"),
    [("WINDOWS_SERVER", "server"), ("WINDOWS_WORKSTATION", "workstation"), ("NMS_SWITCH", "network"),
     ("NMS_FIREWALL", "firewall"), ("VMWARE_VM_GUEST", "virtual_server"), ("Desktop", "workstation"),
     ("Laptop", "laptop"), ("ESXi Host", "server"), ("Network Device", "network"), ("Printer", "printer"),
     ("iPhone", "mobile"), ("Toaster", None)],
)
def test_device_classes_map_to_our_kinds(value, kind):
    assert device_kind(value, KINDS, RULES) == kind


def test_unknown_class_falls_back_to_the_os_then_other():
    rows = [["A", "Toaster", "Windows Server 2022"], ["B", "Toaster", "Plan 9"], ["C", "", "macOS 14"]]
    parsed = rows_to_items(rows, [2, 3, 4], {0: Target.NAME, 1: Target.KIND, 2: Target.OS}, KINDS, RULES)
    assert [i.kind for i in parsed.items] == ["server", "other", "workstation"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2027-03-31", date(2027, 3, 31)), ("03/31/2027", date(2027, 3, 31)), ("3/1/27", date(2027, 3, 1)),
     ("31.03.2027", date(2027, 3, 31)), ("2027-03-31T10:15:00Z", date(2027, 3, 31)),
     ("2027-03-31T10:15:00.123+02:00", date(2027, 3, 31)), ("Mar 31, 2027", date(2027, 3, 31)),
     ("31-Mar-2027", date(2027, 3, 31)), ("03/31/2027 10:15 AM", date(2027, 3, 31)), ("", None)],
)
def test_dates_in_the_formats_tools_write(text, expected):
    assert parse_date(text) == expected


def test_day_first_columns_are_detected():
    rows = [["A", "05/04/2027"], ["B", "25/04/2027"]]
    parsed = rows_to_items(rows, [2, 3], {0: Target.NAME, 1: Target.WARRANTY_END}, KINDS, RULES)
    assert [i.warranty_end for i in parsed.items] == [date(2027, 4, 5), date(2027, 4, 25)]


def test_a_bad_optional_field_keeps_the_row_and_is_reported(tmp_path):
    rows = [*NINJA, ["PDX-WS09", "WINDOWS_WORKSTATION", "Windows 11", "1.23457E+11", "Portland", "", ""],
            ["PDX-WS10", "WINDOWS_WORKSTATION", "Windows 11", "ABC", "Portland", "", "someday"],
            ["1.23457E+11", "WINDOWS_WORKSTATION", "Windows 11", "XYZ", "Portland", "", ""]]
    _table, parsed = items_from(write_csv(tmp_path / "x.csv", rows))
    assert [i.name for i in parsed.items][-2:] == ["PDX-WS09", "PDX-WS10"]
    assert parsed.items[-2].serial == "" and parsed.items[-1].warranty_end is None
    sci, bad_date = parsed.warnings
    assert (sci.line, sci.target) == (6, Target.SERIAL) and "scientific notation" in sci.reason
    assert (bad_date.line, bad_date.target) == (7, Target.WARRANTY_END) and "not a date" in bad_date.reason
    # The name is required: a name a spreadsheet mangled rejects the row.
    (reject,) = parsed.rejects
    assert reject.line == 8 and reject.reason.startswith("Name") and "scientific notation" in reject.reason
    # No cell content in the messages: they reach terminals and logs.
    assert not any("someday" in w.reason or "1.23457E+11" in w.reason for w in parsed.warnings)
    assert "1.23457E+11" not in reject.reason


def test_a_date_repeated_on_many_rows_is_read_or_dropped_on_every_row():
    rows = [["A", "2027-03-31"], ["B", "someday"], ["C", "2027-03-31"], ["D", "someday"], ["E", "03/31/2027"]]
    parsed = rows_to_items(rows, [2, 3, 4, 5, 6], {0: Target.NAME, 1: Target.WARRANTY_END}, KINDS, RULES,
                           import_batch="batch-1")
    assert [(i.name, i.warranty_end) for i in parsed.items] == [
        ("A", date(2027, 3, 31)), ("B", None), ("C", date(2027, 3, 31)), ("D", None), ("E", date(2027, 3, 31))]
    assert [w.line for w in parsed.warnings] == [3, 5] and not parsed.rejects
    assert {i.import_batch for i in parsed.items} == {"batch-1"}


def test_xlsx_with_real_dates_and_a_number_serial(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Computer Name", "Type", "Serial", "Purchase Date"])
    ws.append(["PDX-WS01", "Desktop", "5CG1234", datetime(2021, 6, 1)])
    ws.append(["PDX-WS02", "Desktop", 1.2345678901234567e19, datetime(2022, 1, 15)])
    ws.append(["PDX-WS04", "Desktop", 123456789012, datetime(2022, 1, 15)])
    ws.append([None, None, None, None])
    ws.append(["PDX-WS03", "Laptop", 4711, "2023-02-01"])
    path = tmp_path / "assets.xlsx"
    wb.save(path)
    table, parsed = items_from(path)
    assert table.format == "xlsx"
    assert [i.name for i in parsed.items] == ["PDX-WS01", "PDX-WS02", "PDX-WS04", "PDX-WS03"]
    assert parsed.items[0].purchase_date == date(2021, 6, 1)
    assert parsed.items[1].serial == ""  # the digits were lost: the serial is dropped, the row kept
    assert parsed.items[2].serial == "123456789012"  # a long number a spreadsheet still holds exactly
    assert parsed.items[3].serial == "4711"
    assert parsed.lines == [2, 3, 4, 6]
    assert parsed.warnings[0].line == 3 and "scientific notation" in parsed.warnings[0].reason


def test_files_that_are_not_tables(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="empty.csv is empty"):
        read_table(empty)
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(ReadError, match="old Excel .xls"):
        read_table(xls)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(ReadError, match="not a text file"):
        read_table(binary)


def test_no_name_column_is_refused():
    with pytest.raises(ValueError, match="No column is mapped to Name"):
        rows_to_items([["x"]], [2], {0: Target.OS}, KINDS, RULES)

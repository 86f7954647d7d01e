"""Exports in the shapes real tools write (asset managers old and new, Active Directory, Intune,
a CMDB) and files that try to hurt us: each is read, or refused with a message naming the file,
line or limit, never a traceback."""

import zipfile
from datetime import date

import pytest

from benchmarks.hostile import cell_bomb, row_bomb
from discovery_app.domain.inventory import (
    DateOrder,
    KindFrom,
    MappingError,
    Target,
    check_mapping,
    guess_mapping,
    rows_to_items,
)
from discovery_app.inventoryio import ReadError, load_rules, read_table

RULES = load_rules()
KINDS = ["workstation", "laptop", "server", "virtual_server", "network", "firewall", "printer", "mobile", "storage", "other"]


def parse(path, **kw):
    table = read_table(path)
    mapping = guess_mapping(table.headers, RULES)
    return table, rows_to_items(table.rows, table.line_numbers, mapping, KINDS, RULES, source=path.name, **kw)


# ---- mapping real headers ----------------------------------------------------------------------


@pytest.mark.parametrize("header", ["item Name", "ITEM_NAME", "Item-Name", " Computer Name ", "DNSHostName", "Asset Name"])
def test_name_headers_in_any_case_spacing_and_punctuation(header):
    assert guess_mapping([header, "Serial"], RULES) == {0: Target.NAME, 1: Target.SERIAL}


def test_a_file_whose_only_identifier_is_the_serial_uses_it_as_the_name(tmp_path):
    path = tmp_path / "autopilot.csv"
    path.write_text("Device Serial Number,Windows Product ID,Hardware Hash,Model,Manufacturer\n"
                    "5CG1234XYZ,00330-1,T0Fb,Latitude 7420,Dell Inc.\n"
                    "PF2ABCDE,00330-2,T0Fc,ThinkPad T14 Gen 2,LENOVO\n", encoding="utf-8")
    table, parsed = parse(path)
    assert [(i.name, i.serial, i.kind, i.manufacturer) for i in parsed.items] == [
        ("5CG1234XYZ", "5CG1234XYZ", "laptop", "Dell Inc."), ("PF2ABCDE", "PF2ABCDE", "laptop", "LENOVO")]
    assert not parsed.rejects


def test_asset_manager_category_column_gives_the_kind_and_keeps_manufacturer_and_tag(tmp_path):
    path = tmp_path / "assets.csv"
    path.write_text(
        "Asset Tag,Item Name,Category,Manufacturer,Model No.,Serial,Checked Out To: Username,Location,Department\n"
        "A-0001,Reception PC,Desktop,HP,ProDesk 400 G7,CZC1,jdoe,Head office,Front desk\n"
        "A-0002,Sales laptop,Laptop,Lenovo,ThinkPad T14,PF2X,asmith,Head office,Sales\n"
        "A-0003,File server,Server,Dell,PowerEdge T440,7XK2,,Server room,IT\n"
        "A-0004,Office 365 E3,Software,Microsoft,,,,,\n", encoding="utf-8")
    _table, parsed = parse(path)
    devices = [i for i in parsed.items if i.category.value == "device"]
    assert [(i.name, i.kind) for i in devices] == [
        ("Reception PC", "workstation"), ("Sales laptop", "laptop"), ("File server", "server")]
    laptop = devices[1]
    assert (laptop.manufacturer, laptop.asset_tag, laptop.owner, laptop.department) == (
        "Lenovo", "A-0002", "asmith", "Sales")
    assert parsed.items[3].category.value == "application"  # "Software" in the category column
    assert parsed.kinds[("laptop", KindFrom.COLUMN)] == 1


@pytest.mark.parametrize(
    ("os_name", "model", "kind", "source"),
    [("Microsoft Windows Server 2019 Standard", "", "server", KindFrom.OS),
     ("Windows 11 Enterprise", "Latitude 5420", "laptop", KindFrom.MODEL),
     ("Windows 10 Pro", "OptiPlex 7090", "workstation", KindFrom.MODEL),
     ("Windows 10 Pro", "", "workstation", KindFrom.OS),
     ("Windows Server 2022", "VMware Virtual Platform", "server", KindFrom.OS),
     ("Ubuntu 22.04", "VMware Virtual Platform", "virtual_server", KindFrom.MODEL),
     ("iOS 17.2", "iPhone 14", "mobile", KindFrom.OS),
     ("", "", "other", KindFrom.NOTHING)],
)
def test_kinds_from_the_operating_system_and_model(os_name, model, kind, source):
    parsed = rows_to_items([["HOST", os_name, model]], [2], {0: Target.NAME, 1: Target.OS, 2: Target.MODEL},
                           KINDS, RULES)
    assert parsed.items[0].kind == kind
    assert list(parsed.kinds) == [(kind, source)]


def test_active_directory_export_maps_and_reads_its_dates(tmp_path):
    path = tmp_path / "adcomputers.csv"
    path.write_text(
        '#TYPE Microsoft.ActiveDirectory.Management.ADComputer\n'
        '"DistinguishedName","DNSHostName","Enabled","Name","OperatingSystem","OperatingSystemVersion",'
        '"LastLogonDate","SamAccountName"\n'
        '"CN=PDX-DC01,OU=Domain Controllers,DC=corp","PDX-DC01.corp.local","True","PDX-DC01",'
        '"Windows Server 2019 Standard","10.0 (17763)","3/14/2026 10:22:11 AM","PDX-DC01$"\n',
        encoding="utf-8")
    table = read_table(path)
    # The '#TYPE' line PowerShell writes is a one-cell line before the header.
    mapping = guess_mapping(table.headers, RULES)
    assert mapping.get(3) == Target.NAME and Target.OS in mapping.values()  # "Name" beats "DNSHostName"
    parsed = rows_to_items(table.rows, table.line_numbers, mapping, KINDS, RULES)
    assert parsed.items[0].kind == "server" and parsed.items[0].last_seen == date(2026, 3, 14)


def test_nothing_mapped_to_the_name_lists_headers_and_the_closest_fields():
    headers = ["Computr", "Where", "Seriall"]
    mapping = guess_mapping(headers, RULES)
    with pytest.raises(MappingError) as info:
        check_mapping(headers, mapping, RULES)
    text = str(info.value)
    assert "Headers found: 'Computr', 'Where', 'Seriall'" in text
    assert '--map "Computr=name"' in text


# ---- encodings and structure -------------------------------------------------------------------


def test_mac_roman_with_lone_cr_lines_reads_accents(tmp_path):
    path = tmp_path / "mac.csv"
    text = "Name\tSite\tOwner\rCafé-iMac\tZürich Büro\tJosé Núñez\rLaptop-2\tSão Paulo\tFrançoise\r"
    path.write_bytes(text.encode("mac_roman"))
    table, parsed = parse(path)
    assert (table.encoding, table.line_ending, table.delimiter) == ("mac_roman", "CR", "\t")
    assert [i.site for i in parsed.items] == ["Zürich Büro", "São Paulo"]
    assert all("\ufffd" not in i.owner for i in parsed.items)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_detected(tmp_path, codec):
    path = tmp_path / "intune.csv"
    path.write_bytes("Device name,Serial number\r\nCafé-PC,ABC1\r\n".encode(codec))
    table, parsed = parse(path)
    assert table.encoding == codec
    assert [(i.name, i.serial) for i in parsed.items] == [("Café-PC", "ABC1")]


def test_a_nul_byte_late_in_a_csv_is_removed_and_reported(tmp_path):
    path = tmp_path / "cmdb.csv"
    rows = "".join(f"HOST-{n},Site {n}\n" for n in range(500))
    path.write_bytes(("Name,Site\n" + rows + "HOST-X,Ba\x00d\n").encode("utf-8"))
    table, parsed = parse(path)
    assert table.nul_bytes == 1 and "NUL byte" in table.warnings()[0]
    assert parsed.items[-1].site == "Bad"


def test_months_of_warranty_drop_the_field_and_keep_the_row(tmp_path):
    path = tmp_path / "assets.csv"
    path.write_text("Name,Warranty,Purchase Date\nA,36,2024-01-01\nB,2027-05-01,2024-02-01\n", encoding="utf-8")
    _table, parsed = parse(path)
    assert [(i.name, i.warranty_end, i.purchase_date) for i in parsed.items] == [
        ("A", None, date(2024, 1, 1)), ("B", date(2027, 5, 1), date(2024, 2, 1))]
    (warning,) = parsed.warnings
    assert warning.line == 2 and warning.target is Target.WARRANTY_END and "months" in warning.reason


def test_an_unterminated_quote_is_reported_where_it_opens(tmp_path):
    path = tmp_path / "cmdb.csv"
    lines = ["Name,Owner,Site", 'PC-1,"Jane Doe,HQ'] + [f"PC-{n},Owner {n},HQ" for n in range(2, 49)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"cmdb\.csv, line 2: a quote opens here and is never closed"):
        read_table(path)


def test_a_quoted_multiline_last_field_is_not_mistaken_for_an_open_quote(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('Name,Notes\nA,"two\nlines"\n', encoding="utf-8")
    _table, parsed = parse(path)
    assert parsed.items[0].notes == "two\nlines"


def test_ambiguous_slash_dates_are_reported_and_the_order_can_be_chosen(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Name,Purchase Date\nA,05/04/2027\nB,06/03/2027\n", encoding="utf-8")
    table = read_table(path)
    shape = table.date_shapes[1]
    assert shape.ambiguous and shape.order() is DateOrder.MDY
    _t, mdy = parse(path)
    _t, dmy = parse(path, date_orders={Target.PURCHASE_DATE: DateOrder.DMY})
    assert mdy.items[0].purchase_date == date(2027, 5, 4)
    assert dmy.items[0].purchase_date == date(2027, 4, 5)


# ---- hostile workbooks -------------------------------------------------------------------------


def test_a_cell_that_inflates_a_thousand_fold_is_refused_naming_the_limit(tmp_path):
    bomb = cell_bomb(tmp_path / "bomb.xlsx", 64 * 1024 * 1024)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(ReadError, match=r"bomb\.xlsx is refused before reading: .*the limit is 100:1"):
        read_table(bomb)


def test_millions_of_rows_in_a_small_file_are_refused(tmp_path):
    bomb = row_bomb(tmp_path / "rows.xlsx", 2_000_000)
    with pytest.raises(ReadError, match=r"refused before reading: .*sheet1\.xml.*the limit is 100:1"):
        read_table(bomb)


def test_too_many_rows_are_refused_even_when_they_compress_modestly(tmp_path):
    rows = row_bomb(tmp_path / "rows.xlsx", 250_000, numbered=True)  # about 10:1, under the ratio limit
    with pytest.raises(ReadError, match=r"rows\.xlsx is refused before reading: .*more than 200,000 rows"):
        read_table(rows)


def test_a_truncated_workbook_and_random_bytes_are_refused(tmp_path):
    good = row_bomb(tmp_path / "good.xlsx", 50)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ReadError, match="damaged or truncated"):
        read_table(truncated)
    random_zip = tmp_path / "random.xlsx"
    random_zip.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    with pytest.raises(ReadError, match="random.xlsx is not a readable Excel"):
        read_table(random_zip)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("photo.jpg", b"\xff\xd8\xff" + bytes(100))
    with pytest.raises(ReadError, match="photos.xlsx is not a readable Excel workbook"):
        read_table(path)


def test_a_stray_inch_mark_is_not_taken_for_an_open_quote(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('Name,Notes\nA,12" screen\nB,"two\nlines"\n', encoding="utf-8")
    _table, parsed = parse(path)
    assert [i.notes for i in parsed.items] == ['12" screen', "two\nlines"]


def test_an_unterminated_quote_on_the_last_line_is_reported(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('Name,Notes\nA,"unfinished\n', encoding="utf-8")
    with pytest.raises(ReadError, match="line 2: a quote opens here and is never closed"):
        read_table(path)


def test_the_devices_sheet_is_found_behind_a_cover_sheet(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    for n in range(60):
        cover.append([f"Report line {n}"])
    devices = wb.create_sheet("Devices")
    devices.append(["Computer Name", "Serial Number", "Model"])
    devices.append(["PC-1", "S1", "OptiPlex 7090"])
    path = tmp_path / "report.xlsx"
    wb.save(path)
    table, parsed = parse(path)
    assert table.sheet == "Devices" and [i.name for i in parsed.items] == ["PC-1"]

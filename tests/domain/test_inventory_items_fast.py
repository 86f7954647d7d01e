"""The row converter builds its items without pydantic checking them a second time (issue 15's
speed work). Each item must be exactly what the validated model gives for the same values, and a
row the model refuses must still be refused, with the model's message naming the field."""

import uuid
from datetime import date, datetime

import pytest
from pydantic import ValidationError

from discovery_app.domain.engagement import InventoryCategory, InventoryItem
from discovery_app.domain.inventory import Reject, RowConverter, Target, random_uids, rows_to_items
from discovery_app.inventoryio import load_rules

RULES = load_rules()
KINDS = ["workstation", "laptop", "server", "virtual_server", "network", "firewall", "printer", "mobile", "storage", "other"]

# Every field a column can fill, in the order of the rows below.
COLUMNS = [Target.NAME, Target.KIND, Target.CATEGORY, Target.SITE, Target.DEPARTMENT, Target.OWNER, Target.OS,
           Target.MANUFACTURER, Target.MODEL, Target.SERIAL, Target.ASSET_TAG, Target.PURCHASE_DATE,
           Target.WARRANTY_END, Target.LAST_SEEN, Target.NOTES]
MAPPING = dict(enumerate(COLUMNS))


def row(**cells):
    return [cells.get(t.value) for t in COLUMNS]


# Rows in the shapes CSV and XLSX readers hand over: strings with spaces around them, Unicode,
# values at the model's limits and one past them, spreadsheet numbers and dates, other categories.
ROWS = [
    row(name="PDX-WS01", kind="WINDOWS_WORKSTATION", site=" Portland ", owner="CORP\\priya", os="Windows 11 Pro",
        model="Latitude 7420", serial="5CG1234", purchase_date="2024-01-31", warranty_end="03/31/2027",
        last_seen="2026-10-11 18:57:00"),
    row(name="Café-Laptop", owner="José Núñez", site="Zürich 🏥", notes="日本語のメモ\nsecond line",
        last_seen="2026-10-11T08:00:00Z"),
    row(name="N" * 300, site="S" * 300, notes="x" * 20000, kind="Server"),
    row(name="too-long-fields", site="S" * 301, notes="x" * 20001, owner="o" * 301),
    row(name=1234.0, serial=12345678901, asset_tag=1234.5, purchase_date=datetime(2023, 5, 1),
        warranty_end=date(2027, 1, 31), last_seen=datetime(2026, 10, 2, 13, 45)),
    row(name="from-model", model="PowerEdge R740", os="VMware ESXi"),
    row(name="Office 365 E3", category="Software", manufacturer="Microsoft"),
    row(name="Long kind licence", kind="k" * 400, category="Licence"),
    row(name="Unknown category", category="Spaceship", kind="Desktop"),
    row(name="Dates that are not dates", purchase_date="36", warranty_end="2026-02-30", last_seen="soon"),
    row(name=True, serial="ABC 123", asset_tag="1.2E+11"),
    row(name="  ", serial="SER-ONLY"),
    row(name="  ", serial="", site="Portland"),
    row(name="N" * 301),
    row(name="1.5E+11"),
    row(),
]


def convert(rows, **kw):
    return rows_to_items(rows, list(range(2, len(rows) + 2)), MAPPING, KINDS, RULES, source="export.csv",
                         import_batch="batch-1", **kw)


def validated(item: InventoryItem) -> InventoryItem:
    """The same item through the model's validation: the keyword arguments the converter gave."""
    return InventoryItem(**{f: getattr(item, f) for f in item.model_fields_set})


def test_each_item_is_what_the_validated_model_gives():
    parsed = convert(ROWS)
    assert len(parsed.items) == 12
    for item in parsed.items:
        again = validated(item)
        assert item.model_dump(exclude={"uid"}) == again.model_dump(exclude={"uid"})
        assert item.model_fields_set == again.model_fields_set
        assert list(item.__dict__) == list(InventoryItem.model_fields)  # the model's field order
        assert type(item.category) is InventoryCategory
        for f in ("purchase_date", "warranty_end", "last_seen"):
            assert getattr(item, f) is None or type(getattr(item, f)) is date
        for f, value in item.__dict__.items():
            if f not in ("category", "purchase_date", "warranty_end", "last_seen", "import_batch"):
                assert type(value) is str, f
        assert InventoryItem.model_validate(item.model_dump()) == item
    # What the rows above should give: values at the limit kept, one past it dropped with a warning.
    by_name = {i.name: i for i in parsed.items}
    assert by_name["N" * 300].site == "S" * 300 and len(by_name["N" * 300].notes) == 20000
    long = by_name["too-long-fields"]
    assert (long.site, long.notes, long.owner) == ("", "", "")
    assert by_name["1234"].serial == "12345678901" and by_name["1234"].asset_tag == ""
    assert by_name["1234"].purchase_date == date(2023, 5, 1) and by_name["1234"].last_seen == date(2026, 10, 2)
    assert by_name["PDX-WS01"].last_seen == date(2026, 10, 11) and by_name["PDX-WS01"].site == "Portland"
    assert by_name["Café-Laptop"].last_seen == date(2026, 10, 11)
    assert by_name["Long kind licence"].category is InventoryCategory.LICENCE and by_name["Long kind licence"].kind == ""
    assert by_name["SER-ONLY"].serial == "SER-ONLY"
    assert [r.line for r in parsed.rejects] == [14, 15, 16]


def test_items_behave_like_validated_ones_after_the_import():
    item = convert(ROWS[:1]).items[0]
    with pytest.raises(ValidationError):
        item.site = "S" * 301  # the model still checks every assignment
    item.site = "Salem"
    assert item.model_copy(update={"notes": "n"}).notes == "n"
    assert item == item.model_copy()


def test_every_item_gets_its_own_random_uid():
    items = convert(ROWS).items + convert(ROWS).items
    assert len({i.uid for i in items}) == len(items)
    made = [u for u, _ in zip(random_uids(batch=64), range(5000), strict=False)]
    assert len(set(made)) == 5000
    for u in made[:1000]:
        parsed = uuid.UUID(u)
        assert str(parsed) == u and parsed.version == 4 and parsed.variant == uuid.RFC_4122


def model_message(**values) -> str:
    with pytest.raises(ValidationError) as info:
        InventoryItem(**values)
    err = info.value.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


@pytest.mark.parametrize("field", [Target.NAME, Target.SITE, Target.NOTES, Target.SERIAL])
def test_text_that_is_not_valid_unicode_is_refused_with_the_models_message(field):
    # A lone surrogate half cannot be stored as UTF-8; no reader of ours makes one, but the
    # converter takes rows from anywhere (the GUI's dialog, other callers), and the model refuses it.
    cells = {"name": "PC-1", field.value: "bad\ud800text"}
    parsed = convert([row(**cells), row(name="PC-2")])
    assert [i.name for i in parsed.items] == ["PC-2"]
    assert [(r.line, r.reason) for r in parsed.rejects] == [(2, model_message(**cells))]
    assert parsed.rejects[0].reason.startswith(f"{field.value}: Input should be a valid string")


def test_a_kind_word_that_is_not_valid_unicode_is_refused_with_the_models_message():
    # A form without an "other" kind keeps the tool's word for a kind it does not know.
    conv = RowConverter({0: Target.NAME, 1: Target.KIND}, ["workstation"], RULES)
    got = conv.convert(["App", "Software\udcff"], 7)
    assert got == Reject(7, model_message(name="App", kind="Software\udcff", category="application"))
    assert isinstance(conv.convert(["PC", "Desktop"], 8), InventoryItem)


def test_what_every_item_carries_is_checked_once_and_refused_on_every_row():
    # A source name longer than the model allows: each row is refused as it was before.
    parsed = rows_to_items([["A"], ["B"]], [2, 3], {0: Target.NAME}, KINDS, RULES, source="f" * 301)
    assert parsed.items == []
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (2, model_message(name="A", source="f" * 301)), (3, model_message(name="B", source="f" * 301))]

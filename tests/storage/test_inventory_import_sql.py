"""An import writes its new items with the driver's executemany (issue 15's speed work): what it
stores must be byte for byte what the store's ordinary Core write stores for the same items."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from discovery_app.domain.engagement import InventoryCategory
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"

EXPORT = (
    "Hostname,Type,Item Category,Site,Owner,OS,Manufacturer,Model,Serial,Asset Tag,Department,"
    "Purchase Date,Warranty End,Last Seen,Notes\n"
    "FS01,Server,,Portland,CORP\\ops,Windows Server 2019,Dell,PowerEdge T440,7XK2,A-1,IT,"
    "2021-03-04,03/31/2027,2026-10-11 18:57:00,\"two\nlines\"\n"
    "Café-PC,Desktop,,Zürich 🏥,José Núñez,Windows 11 Pro,HP,ProDesk,CZC1,,Front desk,,,,\n"
    "Office 365,,Application,,,,Microsoft,,,,,,,,\n"
)

RAW_COLUMNS = ("category, kind, name, site, owner, os, model, serial, purchase_date, warranty_end, notes, "
               "manufacturer, asset_tag, department, last_seen")


@pytest.fixture
def service(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=FORMS)
    yield s
    s.close()


def raw_rows(service, eid: int) -> list[tuple]:
    """The stored rows as the database holds them, with the storage type of the two dates."""
    engine = service.store.engine
    typeof = "typeof" if engine.dialect.name == "sqlite" else "pg_typeof"
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            f"SELECT {RAW_COLUMNS}, CAST({typeof}(purchase_date) AS TEXT), CAST({typeof}(last_seen) AS TEXT) "
            "FROM inventory_item WHERE engagement_id = :e ORDER BY position"), {"e": eid})]


def test_imported_rows_are_stored_as_the_ordinary_write_stores_them(service, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    imported = service.engagements.create("Imported", form_key="mini")
    report = service.inventory.import_file(imported, path)
    assert report.counts_text() == "3 new, 0 updated, 0 unchanged"

    items = service.inventory.items(imported)
    assert [i.name for i in items] == ["FS01", "Café-PC", "Office 365"]
    fs01 = items[0]
    assert (fs01.purchase_date, fs01.warranty_end, fs01.last_seen) == (date(2021, 3, 4), date(2027, 3, 31),
                                                                         date(2026, 10, 11))
    assert fs01.notes == "two\nlines" and items[1].site == "Zürich 🏥" and items[1].owner == "José Núñez"
    assert items[2].category is InventoryCategory.APPLICATION
    assert all(i.import_batch == report.batch and i.source == "export.csv" for i in items)

    # The same items written by the store's ordinary (Core) path into another engagement.
    typed = service.engagements.create("Typed", form_key="mini")
    service.inventory.set_items(typed, items)
    assert raw_rows(service, imported) == raw_rows(service, typed)
    # Dates as ISO text in SQLite, as SQLAlchemy writes them; real dates on PostgreSQL.
    expected = ("text", "text") if service.store.engine.dialect.name == "sqlite" else ("date", "date")
    assert raw_rows(service, imported)[0][-2:] == expected


def test_a_re_import_after_the_fast_write_updates_instead_of_doubling(service, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    eid = service.engagements.create("Acme", form_key="mini")
    service.inventory.import_file(eid, path)
    again = service.inventory.import_file(eid, path)
    assert again.counts_text() == "0 new, 0 updated, 3 unchanged"
    assert len(service.inventory.items(eid)) == 3
    with service.store.engine.connect() as conn:
        positions = [p for (p,) in conn.execute(sa.text(
            "SELECT position FROM inventory_item WHERE engagement_id = :e ORDER BY position"), {"e": eid})]
    assert positions == [0, 1, 2]

"""Round trip: the delivery team edits the workbook's task sheet (status, actual hours, done date)
and the engagement records what delivery did against what was sold."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from discovery_app.demo import create_demo
from discovery_app.domain.engagement import DeliveryStatus
from discovery_app.domain.handoff import combined_status
from discovery_app.export import workbook as wbk
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError

D = DeliveryStatus


@pytest.mark.parametrize(("rows", "task"), [
    ([], D.NOT_STARTED),
    ([D.DONE, D.DONE], D.DONE),
    ([D.DONE, D.NOT_STARTED], D.IN_PROGRESS),
    ([D.IN_PROGRESS, D.BLOCKED], D.BLOCKED),
    ([D.NOT_STARTED, D.NOT_STARTED], D.NOT_STARTED),
])
def test_a_tasks_status_comes_from_its_role_rows(rows, task):
    assert combined_status(rows) is task


@pytest.fixture
def demo(tmp_path):
    service = Discovery.open(AppPaths.resolve(tmp_path / "store.sqlite3"))
    eid = create_demo(service)
    yield service, eid
    service.close()


def _task_rows(ws):
    headers = [c.value for c in ws[1]]
    col = {h: headers.index(h) + 1 for h in headers if h}
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col[wbk.ID]).value]
    return col, rows


def test_status_actual_hours_and_done_date_are_read_back_and_shown_again(demo, tmp_path):
    service, eid = demo
    path = tmp_path / "handoff.xlsx"
    service.handoff.export_workbook(eid, path, start=date(2027, 1, 4))
    wb = load_workbook(path)
    ws = wb[wbk.STABILIZATION]
    col, rows = _task_rows(ws)
    first_uid = ws.cell(rows[0], col[wbk.ID]).value
    first_rows = [r for r in rows if ws.cell(r, col[wbk.ID]).value == first_uid]
    assert len(first_rows) > 1  # one row per role: every one must be Done for the task to be done
    for n, r in enumerate(first_rows):
        assert ws.cell(r, col[wbk.STATUS]).value == "Not started"
        ws.cell(r, col[wbk.STATUS]).value = "Done"
        ws.cell(r, col[wbk.ACTUAL_HOURS]).value = 5 + n
        ws.cell(r, col[wbk.DONE_DATE]).value = datetime(2027, 1, 14 + n)
    other = next(r for r in rows if ws.cell(r, col[wbk.ID]).value != first_uid)
    other_uid = ws.cell(other, col[wbk.ID]).value
    ws.cell(other, col[wbk.STATUS]).value = "in progress"  # any case
    ws.cell(other, col[wbk.ACTUAL_HOURS]).value = "2.5"
    wb.save(path)

    diff = service.handoff.preview_workbook_changes(eid, path)
    text = "\n".join(diff.lines())
    assert "Status Not started -> Done" in text and "Status Not started -> In progress" in text
    assert f"Done Date (empty) -> 2027-01-{14 + len(first_rows) - 1:02d}" in text
    assert "Actual Hours (" in text
    columns, refused = service.handoff.review_workbook(eid, path)
    assert refused == []  # Status, Actual Hours and Done Date are read, not refused; planned dates unchanged
    service.handoff.apply_workbook_changes(eid, diff)

    items = {i.uid: i for i in service.engagements.get(eid).remediation}
    done = items[first_uid]
    assert done.delivery_status is DeliveryStatus.DONE
    assert done.done_on == date(2027, 1, 14 + len(first_rows) - 1)  # the last role's day
    assert sum(done.actual_hours.values()) == sum(Decimal(5 + n) for n in range(len(first_rows)))
    assert set(done.actual_hours) <= set(done.hours)
    assert items[other_uid].delivery_status is DeliveryStatus.IN_PROGRESS
    assert sum(items[other_uid].actual_hours.values()) == Decimal("2.5")
    assert items[other_uid].done_on is None

    # Exported again, the workbook shows what delivery reported, and reading it back changes nothing.
    again = tmp_path / "again.xlsx"
    service.handoff.export_workbook(eid, again, start=date(2027, 1, 4))
    ws = load_workbook(again)[wbk.STABILIZATION]
    col, rows = _task_rows(ws)
    mine = [r for r in rows if ws.cell(r, col[wbk.ID]).value == first_uid]
    assert {ws.cell(r, col[wbk.STATUS]).value for r in mine} == {"Done"}
    assert sorted(ws.cell(r, col[wbk.ACTUAL_HOURS]).value for r in mine) == [5 + n for n in range(len(mine))]
    assert service.handoff.preview_workbook_changes(eid, again).empty


def test_unreadable_delivery_cells_change_nothing_and_say_where(demo, tmp_path):
    service, eid = demo
    path = tmp_path / "handoff.xlsx"
    service.handoff.export_workbook(eid, path)
    wb = load_workbook(path)
    ws = wb[wbk.STABILIZATION]
    col, rows = _task_rows(ws)
    ws.cell(rows[0], col[wbk.STATUS]).value = "Nearly"
    ws.cell(rows[1], col[wbk.ACTUAL_HOURS]).value = "lots"
    ws.cell(rows[2], col[wbk.DONE_DATE]).value = "last Tuesday"
    wb.save(path)
    before = service.engagements.get(eid).remediation
    with pytest.raises(ServiceError) as err:
        service.handoff.preview_workbook_changes(eid, path)
    message = str(err.value)
    assert f"row {rows[0]}" in message and "'Nearly' is not one of Not started, In progress, Blocked, Done" in message
    assert f"row {rows[1]}" in message and "'lots' is not a number of hours" in message
    assert f"row {rows[2]}" in message and "'last Tuesday' is not a date" in message
    assert service.engagements.get(eid).remediation == before

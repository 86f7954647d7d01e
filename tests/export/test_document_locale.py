"""Documents under a German provider locale: money, dates and percents all written the German way."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from approval_signing import approve
from openpyxl import load_workbook

from discovery_app import resources
from discovery_app.demo import create_demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def flat_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    folder = tmp_path_factory.mktemp("de")
    service = Discovery.open(AppPaths.resolve(folder / "store.sqlite3"), forms_root=resources.forms_dir())
    service.settings.set("provider_profile", {"name": "Nordwind IT", "locale": "de_DE"})
    eid = create_demo(service)
    service.offer.set_discount(eid, Decimal("12.5"), "Mehrjahresvertrag")
    role = service.offer.quote(eid).discount.required_role or "ceo"
    approve(service, eid, name="Erika Muster", role=role, day=date(2026, 12, 1))
    proposal = service.documents.export_proposal(eid, folder / "angebot.pdf", issued_on=date(2026, 12, 4))
    result = service.handoff.export_workbook(eid, folder / "uebergabe.xlsx")
    yield service, eid, proposal, Path(getattr(result, "path", folder / "uebergabe.xlsx"))
    service.close()


def test_percentages_in_the_proposal_follow_the_locale(german):
    _s, _e, proposal, _w = german
    text = flat_text(proposal)
    assert "12,5 % discount" in text or "12,5\xa0% discount" in text
    assert "12.5%" not in text and "12.5 %" not in text
    assert "% contingency" in text and ",00 " in text  # money the German way too
    assert "4. Dezember 2026" in text  # the issue date as a German letter writes it


def test_percent_labels_in_the_workbook_follow_the_locale(german):
    _s, _e, _p, workbook = german
    wb = load_workbook(workbook)
    labels = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and (c.value.startswith("Discount ") or c.value.startswith("Contingency "))]
    assert any(label.replace("\xa0", " ") == "Discount 12,5 %" for label in labels), labels
    assert all("." not in label.split()[1] for label in labels if label.startswith("Contingency "))


def test_the_internal_workbook_records_who_approved_the_discount_verified(german):
    _s, _e, _p, workbook = german
    cells = [str(c.value) for ws in load_workbook(workbook).worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    approval = next(v for v in cells if v.startswith("Approved by Erika Muster"))
    assert "(CEO) on 2026-12-01, signature verified, key " in approval
    record = next(v for v in cells if v.startswith("Erika Muster, CEO, approved 12.5"))
    assert "signature verified" in record

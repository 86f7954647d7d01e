"""The proposal's internal copy: the client's pages, marked, with approvals, costs and margins at
the end; the client's proposal never carries them."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from approval_signing import approve

from discovery_app import resources
from discovery_app.demo import create_demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.storage import repository as repo

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

ISSUED = date(2026, 11, 23)


def text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def test_the_internal_copy_records_the_verified_approval_costs_and_margins_and_the_client_copy_does_not(tmp_path):
    service = Discovery.open(AppPaths.resolve(tmp_path / "store.sqlite3"), forms_root=resources.forms_dir())
    try:
        eid = create_demo(service)
        service.offer.set_discount(eid, "15", "Multi-year commitment")
        approve(service, eid, name="Ana Ruiz", role="ceo")
        client = service.documents.export_proposal(eid, tmp_path / "client.pdf", issued_on=ISSUED)
        sent = repo.header(service.store, eid)
        internal = service.documents.export_proposal(eid, tmp_path / "internal.pdf", issued_on=ISSUED, internal=True)
        quote = service.offer.quote(eid)
        # Exporting the internal copy is not sending a proposal: what was recorded as sent stays.
        after = repo.header(service.store, eid)
        assert (after.proposal_sha256, after.proposal_fingerprint) == (sent.proposal_sha256, sent.proposal_fingerprint)
    finally:
        service.close()

    mine, theirs = text(internal), text(client)
    assert "INTERNAL COPY: do not send" in mine and "INTERNAL COPY" not in theirs
    assert mine.count("INTERNAL COPY, not for Harbor & Finch CPAs") == pages(internal)  # every footer
    record = mine[mine.index("Internal record: approvals, costs and margins"):]
    assert "Discount: 15% (multi-year commitment)" in record
    assert "Status: Approved by Ana Ruiz (CEO) on" in record and "signature verified, key" in record
    assert "Ana Ruiz, CEO, approved 15%" in record
    assert f"{quote.stabilization.cost:,.2f}" in record and f"{quote.monthly.cost:,.2f}" in record
    assert "against a target margin of" in record
    for secret in ("Internal record", "Ana Ruiz", f"{quote.stabilization.cost:,.2f}", "target margin"):
        assert secret not in theirs
    # Page for page the client's proposal, then the record: the client pages cannot differ.
    assert pages(internal) == pages(client) + 1

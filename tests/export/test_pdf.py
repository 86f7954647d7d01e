"""The client PDFs read back with poppler: every section, every price as the pricing engine has it,
metadata, footers, fonts, no cost or margin in the proposal, password protection, safe writing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from discovery_app import resources
from discovery_app.demo import create_demo
from discovery_app.domain.assessment import assess
from discovery_app.domain.basis import Basis
from discovery_app.export import report as report_mod
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.storage import repository as repo

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

PROPOSAL_SECTIONS = [
    "Contents", "1. Executive summary", "How well co-managed IT fits you", "What we found", "Our offer",
    "2. Scope by lane", "Included in our service", "3. Responsibility matrix", "4. Findings",
    "4.1 Standards alignment", "4.2 Risk heat map", "4.3 Top risks", "What we saw", "Why it matters",
    "What we propose", "5. Stabilization plan summary", "6. Prices", "Roadmap options",
    "7. Assumptions and exclusions", "8. Changes to the scope", "9. Next steps", "10. Acceptance", "Signature",
]
ISSUED = date(2026, 11, 23)


def text_of(pdf: Path, *args: str) -> str:
    out = subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def info(pdf: Path, *args: str) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", *args, str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    service = Discovery.open(AppPaths.resolve(folder / "store.sqlite3"), forms_root=resources.forms_dir())
    service.settings.set("provider_profile", {"name": "Northwind Managed IT", "brand_colour": "#127C8A"})
    eid = create_demo(service)
    proposal = service.documents.export_proposal(eid, folder / "proposal.pdf", issued_on=ISSUED)
    plan = service.documents.export_plan(eid, folder / "plan.pdf", issued_on=ISSUED)
    yield service, eid, proposal, plan
    service.close()


def test_every_proposal_section_appears(demo):
    _, _, proposal, _ = demo
    text = flat(text_of(proposal))
    missing = [s for s in PROPOSAL_SECTIONS if s not in text]
    assert not missing


def test_the_proposal_prices_are_the_pricing_engines(demo):
    service, eid, proposal, _ = demo
    quote = service.offer.quote(eid)
    text = flat(text_of(proposal))
    money = lambda a: report_mod.format_money(a, quote.currency, "en_US")  # noqa: E731
    amount = lambda a: report_mod.format_amount(a, "en_US")  # noqa: E731
    # The two headline prices, with the currency symbol, on the summary, cover and price pages.
    assert text.count(money(quote.stabilization_fee)) >= 3
    assert text.count(money(quote.monthly_fee)) >= 3
    assert money(quote.first_year_total) in text
    assert money(quote.roadmap_total) in text
    for p in quote.roadmap:
        assert amount(p.price) in text
    s, m = quote.stabilization, quote.monthly
    for value in (s.gross, s.discount, s.credit, m.discount, *(lf.amount for lf in m.lanes),
                  *(sc.amount for sc in m.surcharges)):
        assert amount(value) in text, value
    # And the fixed-fee arithmetic the client sees adds up.
    assert s.gross - s.discount - s.credit == quote.stabilization_fee


def test_the_client_proposal_has_no_cost_or_margin(demo):
    service, eid, proposal, _ = demo
    quote = service.offer.quote(eid)
    text = flat(text_of(proposal)).casefold()
    assert "margin" not in text
    assert "cost rate" not in text
    for cost in (quote.stabilization.cost, quote.monthly.cost, quote.first_year_cost, quote.margins.first_year.money):
        assert report_mod.format_amount(cost, "en_US") not in text
    internal = service.documents.report(eid, client=False)
    assert internal.internal is not None and internal.internal.margin_first_year == quote.margins.first_year.percent
    assert service.documents.report(eid).internal is None


def test_metadata_pages_and_footer_on_every_page(demo):
    _, _, proposal, plan = demo
    for pdf, title in ((proposal, "Fixed-fee proposal"), (plan, "Stabilization plan")):
        meta = info(pdf)
        assert meta["Title"] == f"{title}: Harbor & Finch CPAs"
        assert meta["Author"] == "Northwind Managed IT"
        assert "Harbor & Finch CPAs" in meta["Subject"]
        assert "letter" in meta["Page size"]
        pages = int(meta["Pages"])
        assert pages >= (10 if pdf == proposal else 4)
        for n in range(1, pages + 1):
            page = flat(text_of(pdf, "-f", str(n), "-l", str(n)))
            assert f"Page {n} of {pages}" in page
            assert "Confidential: prepared for Harbor & Finch CPAs" in page
            assert f"Northwind Managed IT · {title} · Harbor & Finch CPAs" in page


def test_plan_lists_every_task_with_owner_hours_and_totals(demo):
    service, eid, _, plan = demo
    report = service.documents.report(eid)
    text = flat(text_of(plan))
    for section in ("1. Overview", "Effort by role", "2. Timeline", "3. Tasks by phase", "Figure 1"):
        assert section in text
    for task in report.plan.tasks:
        # pdftotext may read the owner column between the lines of a wrapped title.
        words = r"\s+(?:(?:Provider|Internal IT|Shared)\s+)?".join(re.escape(w) for w in task.title.split())
        assert re.search(words, text), task.title
        assert "Done when: " + " ".join(task.definition_of_done.split()[:3]) in text
    for name, hours in report.plan.hours_by_role:
        assert f"{name} {report_mod.format_hours(hours)}" in text
    assert f"Total {report_mod.format_hours(report.plan.total_hours)}" in text
    assert "$" not in text  # the plan carries no prices


def test_plan_order_respects_dependencies(demo):
    service, eid, _, _ = demo
    plan = service.documents.report(eid).plan
    for task in plan.tasks:
        assert all(dep < task.number for dep in task.depends_on)
        assert task.start_week >= max((plan.tasks[d - 1].end_week + 1 for d in task.depends_on), default=1)


def test_accented_client_name_prints_with_embedded_fonts_on_a4(tmp_path):
    service = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=resources.forms_dir())
    try:
        service.settings.set("provider_profile", {"page_size": "A4"})
        eid = create_demo(service)
        name = "Zahnärzte Müller & Łukasz Sp. z o.o."
        service.interview.update(eid, client_name=name)
        pdf = service.documents.export_proposal(eid, tmp_path / "p.pdf")
    finally:
        service.close()
    text = flat(text_of(pdf))
    assert f"for {name}" in text
    assert f"Your IT Partner · Fixed-fee proposal · {name}" in text  # the default provider name
    assert "a4" in info(pdf)["Page size"].casefold()
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines() if "DejaVu" in line]
    assert rows and all(" yes " in line for line in rows)  # embedded
    assert "Helvetica" not in fonts


def test_password_protected_proposal_needs_the_password(demo, tmp_path):
    service, eid, _, _ = demo
    pdf = service.documents.export_proposal(eid, tmp_path / "locked.pdf", password="s3cret-Łódź")
    failed = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    assert failed.returncode != 0
    assert "Encrypted:       yes" in subprocess.run(["pdfinfo", "-upw", "s3cret-Łódź", str(pdf)],
                                                    capture_output=True, text=True, check=True).stdout


def test_blockers_stop_the_proposal_but_not_the_plan(tmp_path):
    service = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=resources.forms_dir())
    try:
        eid = create_demo(service)
        target = tmp_path / "proposal.pdf"
        service.documents.export_proposal(eid, target)
        before = target.read_bytes()
        rows = list(service.engagements.get(eid).responsibilities)
        rows[0] = rows[0].model_copy(update={"raci": {"provider": "R", "internal": "I"}})
        repo.replace_children(service.store, eid, "responsibilities", rows)
        blockers = service.assessments.check(eid).blocker_messages()
        assert len(blockers) == 1 and "no party is Accountable" in blockers[0]
        with pytest.raises(ServiceError, match="no party is Accountable"):
            service.documents.export_proposal(eid, target)
        assert target.read_bytes() == before  # the earlier file is untouched
        draft = service.documents.export_proposal(eid, tmp_path / "draft.pdf", draft=True)
        assert "DRAFT" in text_of(draft)
        assert service.documents.export_plan(eid, tmp_path / "plan.pdf").exists()
    finally:
        service.close()


def test_read_only_folder_gives_a_clear_message_and_keeps_the_old_file(demo, tmp_path, monkeypatch):
    """Simulated (the suite may run as root, which ignores folder permissions)."""
    import errno

    from discovery_app.export import atomic

    service, eid, _, _ = demo
    target = tmp_path / "proposal.pdf"
    target.write_bytes(b"earlier")

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)
    with pytest.raises(ServiceError, match="read-only"):
        service.documents.export_proposal(eid, target)
    assert target.read_bytes() == b"earlier"


def test_locked_target_gives_a_clear_message_and_keeps_the_old_file(demo, tmp_path, monkeypatch):
    """Windows: a PDF open in a viewer cannot be replaced."""
    from discovery_app.export import atomic

    service, eid, _, _ = demo
    target = tmp_path / "proposal.pdf"
    target.write_bytes(b"earlier")

    def locked(src, dst):
        raise PermissionError(32, "The process cannot access the file")

    monkeypatch.setattr(atomic.os, "replace", locked)
    monkeypatch.setattr(atomic.time, "sleep", lambda s: None)
    with pytest.raises(ServiceError, match="open in another program"):
        service.documents.export_proposal(eid, target)
    assert target.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["proposal.pdf"]


def test_write_failure_keeps_the_old_file(demo, tmp_path, monkeypatch):
    """A full disk (simulated: the write fails half way) leaves the earlier file as it was."""
    import errno

    from discovery_app.export import atomic

    service, eid, _, _ = demo
    target = tmp_path / "proposal.pdf"
    target.write_bytes(b"earlier")
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(ServiceError, match="disk is full"):
        service.documents.export_proposal(eid, target)
    monkeypatch.setattr(atomic.os, "fsync", real_fsync)
    assert target.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["proposal.pdf"]  # no temporary file left


def _big_report(n_tasks: int) -> report_mod.Report:
    from discovery_app.demo import build_demo
    from discovery_app.domain.engagement import RemediationItem
    from discovery_app.formsio import load_package

    loaded = load_package(resources.forms_dir() / "co-managed-discovery")
    pkg = getattr(loaded, "package", loaded)
    eng, _ = build_demo(pkg)
    first = eng.remediation[0]
    stab = [i for i in eng.remediation if i.phase.value == "stabilization"]
    extra = [RemediationItem(title=f"Task {i}", hours={"engineer": Decimal(4 + i % 9)}, depends_on=[first.uid],
                             definition_of_done="Done and documented.") for i in range(max(0, n_tasks - len(stab)))]
    items = [*stab, *extra][:n_tasks]
    eng = eng.model_copy(update={"remediation": items})
    return report_mod.build_report(eng, pkg, assess(Basis.of(eng), pkg))


def test_timeline_text_says_it_is_summarised(tmp_path):
    from discovery_app.export.plan_pdf import render_plan

    report = _big_report(70)
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(render_plan(report))
    text = flat(text_of(pdf))
    assert "70 tasks, so the timeline shows one bar per phase" in text
    assert re.search(r"Page 1 of \d+", text)


def test_the_evidence_photos_appendix_shows_the_photos_left_in(demo, tmp_path):
    """Thumbnails with finding, caption and date; a photo left out is absent; a damaged file is a
    named placeholder, not a failed proposal. Runs on a copy of the demo store."""
    import io

    from PIL import Image

    service, eid, _, _ = demo
    with service.store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(service.store.path, tmp_path / "copy.sqlite3")
    copy = Discovery.open(AppPaths.resolve(tmp_path / "copy.sqlite3"), forms_root=resources.forms_dir())
    risks = copy.findings.risks(eid)
    exif = Image.Exif()
    exif[0x0132] = "2026:11:18 10:42:00"
    jpeg = io.BytesIO()
    Image.new("RGB", (4000, 3000), (90, 120, 160)).save(jpeg, "JPEG", exif=exif)
    copy.findings.attach_bytes(eid, risks[1].uid, "IMG_4412.jpg", jpeg.getvalue(), "Patch panel with unlabelled cables")
    broken = io.BytesIO()
    Image.new("RGB", (80, 60)).save(broken, "JPEG")
    copy.findings.attach_bytes(eid, risks[1].uid, "label.jpg", broken.getvalue()[:200] + b"\0" * 500, "Firewall label")
    demo_photo = next(a for a in copy.findings.attachments(eid) if a.file_name == "server-closet-backup-disk.png")
    copy.findings.set_in_proposal(eid, demo_photo.uid, False)
    pdf = copy.documents.export_proposal(eid, tmp_path / "proposal.pdf", issued_on=ISSUED)
    copy.close()
    text = flat(text_of(pdf))
    appendix = text[text.rindex("Appendix: Evidence photos"):]  # the appendix itself, not its line in Contents
    assert "The 2 photos we took during the discovery" in appendix
    assert f": {risks[1].title}" in appendix and "Patch panel with unlabelled cables" in appendix
    assert "Taken November 18, 2026" in appendix  # the photo's own date (EXIF)
    assert "label.jpg It could not be read as an image. It is not shown." in appendix
    assert demo_photo.note not in appendix  # left out
    assert len(Path(pdf).read_bytes()) < 2_000_000  # a 12-megapixel photo goes in as a thumbnail

"""A complete, realistic sample engagement: a 45-person accounting firm with two sites.

Filled in enough that every screen and every export has real content. Answers go through the
same checks as a consultant's typing, so the demo fails loudly if the form and it drift apart.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .domain import plan as plan_mod
from .domain.answers import normalise
from .domain.engagement import (
    Answer,
    Attachment,
    Contact,
    Engagement,
    ExceptionDecision,
    InventoryCategory,
    InventoryItem,
    PricingInputs,
    Priority,
    RemediationItem,
    ResponsibilityAssignment,
    Risk,
    Site,
    StandardAssessment,
    StandardStatus,
    TimeEntry,
)
from .domain.forms import FormPackage, Lane, Party, Phase

if TYPE_CHECKING:
    from .services import Discovery

DEMO_FORM = "co-managed-discovery"
CLIENT = "Harbor & Finch CPAs"
#: The demo client's sites, main office first (the engagement's Site records below use the same names).
DEMO_SITES = ("Portland", "Salem")

ANSWERS: dict[str, Any] = {
    "industry": "accounting",
    "employee_count": 45,
    "it_user_count": 43,
    "site_count": 2,
    "site_details": "Main office in Portland (32 staff, server closet, 1 Gbps fibre). Branch in "
    "Salem (13 staff, cable broadband, site-to-site VPN to Portland).",
    "business_hours": "Mon-Fri 7:30-18:00 Pacific; Saturdays 9:00-14:00 from February to April 15",
    "has_internal_it": True,
    "internal_it_owner": "Marcus Lee",
    "internal_it_headcount": 1,
    "monthly_ticket_volume": 60,
    "user_satisfaction": 2,
    "coverage_need": "extended",
    "after_hours_expectation": "planned_and_emergencies",
    "onsite_need": "occasional_dispatch",
    "server_count": 3,
    "hypervisor": "hyper_v",
    "workstation_age_years": "5.5",
    "unsupported_os": True,
    "current_rmm": "previous_provider",
    "patching_process": "manual",
    "documentation_state": "fragments",
    "mfa_coverage": "email_only",
    "endpoint_protection": "antivirus_only",
    "security_training": "onboarding_only",
    "past_incident": True,
    "incident_details": "March 2025: a partner's mailbox was taken over by phishing and used to "
    "send fake invoices to 12 clients. Found by a client's phone call after two days.",
    "cyber_insurance": True,
    "insurance_controls": "Renewal questionnaire asks for MFA on all remote access and email, EDR "
    "on every endpoint, and offline or immutable backups.",
    "backup_tool": "Windows Server Backup to a USB disk, swapped weekly by Marcus",
    "backup_offsite": False,
    "offsite_gap": "The second USB disk goes home with Marcus on Fridays; nothing else leaves the "
    "building. The tax-software database is not included in the backup job.",
    "saas_backup": False,
    "last_restore_test": "2023-09-14",
    "rto_hours": "8",
    "dr_plan": "none",
    "regulations": ["glba", "ccpa_cpra"],
    "m365_plan": "m365_business_basic_standard",
    "lob_apps": "CCH Axcess Tax and Document, QuickBooks Desktop Accountant, Adobe Acrobat Pro, "
    "SmartVault client portal.",
    "incumbent_msp": True,
    "incumbent_notice_days": 30,
    "contract_renewal_date": "2027-01-31",
    "annual_it_budget": "96000",
    "monthly_outside_spend": "1850",
    "stabilization_funding": "budgeted",
    "owner_joins_governance": True,
    "adopt_standard_tools": "full",
    "review_cadence": "quarterly",
    "change_approver": "Elena Finch, Managing Partner",
    "escalation_contacts": "1. Marcus Lee (Office Manager)  2. Elena Finch (Managing Partner)  "
    "3. David Harbor (Partner, Salem)",
    "success_in_90_days": "No more Monday-morning outages, MFA everywhere before tax season, "
    "backups that leave the building and a restore we have watched work.",
}

# Who answered which part of the interview (by questionnaire section).
SAID_BY = {"client_profile": "Elena Finch", "service_desk": "Marcus Lee", "infrastructure": "Marcus Lee",
           "security": "Marcus Lee", "backup_continuity": "Marcus Lee", "compliance": "Elena Finch",
           "budget": "Elena Finch", "governance": "Elena Finch"}


def _section_of(questionnaire: Any, qid: str) -> str:
    return next((s.id for s in questionnaire.sections if any(x.id == qid for x in s.questions)), "")


NOTES = {
    "internal_it_owner": "Office Manager; about 40% of his week is IT.",
    "user_satisfaction": "Staff say tickets 'disappear' with the current provider.",
    "backup_offsite": "Seen: one USB disk in the server closet, labelled 'Week B'.",
    "mfa_coverage": "MFA on Microsoft 365 mailboxes only; VPN and CCH logins are password only.",
}

# What the walk-through found per standards category (by id); a category not listed is aligned
# on the provider's standard product.
STANDARDS_FOUND: dict[str, tuple[StandardStatus, str, ExceptionDecision | None, str]] = {
    "rmm": (StandardStatus.EXCEPTION, "Previous provider's RMM (agent on 38 of 58 devices)",
            ExceptionDecision.REMEDIATE, "Replace during onboarding; the incumbent removes its agent at exit."),
    "psa": (StandardStatus.MISSING, "", None, "Requests arrive by email and hallway conversations."),
    "patching": (StandardStatus.EXCEPTION, "Manual Windows Update, monthly at best", ExceptionDecision.REMEDIATE,
                 "Six machines are two or more cumulative updates behind."),
    "documentation": (StandardStatus.MISSING, "", None, "Passwords and network notes live in Marcus's notebook."),
    "endpoint_protection": (StandardStatus.EXCEPTION, "Consumer antivirus, three different brands",
                            ExceptionDecision.REMEDIATE, "Two subscriptions have expired."),
    "mdr": (StandardStatus.MISSING, "", None, "Nobody watches alerts outside office hours."),
    "mfa": (StandardStatus.EXCEPTION, "Microsoft 365 mailboxes only", ExceptionDecision.REMEDIATE,
            "VPN and the tax software take passwords only."),
    "password_manager": (StandardStatus.EXCEPTION, "Shared spreadsheet of passwords", ExceptionDecision.REMEDIATE, ""),
    "security_awareness": (StandardStatus.MISSING, "", None, "Training at onboarding only."),
    "backup": (StandardStatus.EXCEPTION, "Windows Server Backup to USB disks", ExceptionDecision.REMEDIATE,
               "No copy leaves the building; the tax database is not in the job."),
    "saas_backup": (StandardStatus.MISSING, "", None, "Microsoft 365 mail and files have no backup."),
    "firewall": (StandardStatus.EXCEPTION, "SonicWall TZ370 and TZ270 (support until 2027)",
                 ExceptionDecision.EXCEPTION_LANE, "The client keeps them until the support contract ends."),
    "wifi": (StandardStatus.EXCEPTION, "Ubiquiti in Portland; a consumer router in Salem", ExceptionDecision.REMEDIATE, ""),
    "dns_filtering": (StandardStatus.MISSING, "", None, ""),
}


def _standard_plan(pkg: FormPackage) -> list[StandardAssessment]:
    """Assess every category of the form as the walk-through found it."""
    out = []
    for cat in pkg.standards:
        status, tool, decision, note = STANDARDS_FOUND.get(
            cat.id, (StandardStatus.ALIGNED, cat.standard_products[0], None, ""))
        out.append(StandardAssessment(category_id=cat.id, current_tool=tool, status=status, decision=decision, notes=note))
    return out


def _inventory(rng: random.Random) -> list[InventoryItem]:
    items: list[InventoryItem] = []
    today = date(2026, 11, 23)
    staff = [
        "Elena Finch", "David Harbor", "Marcus Lee", "Priya Raman", "Tom O'Connell", "Sofia Álvarez",
        "Jürgen Weiß", "Aisha Bello", "Kenji Watanabe", "Grace Kim", "Liam Murphy", "Noor Haddad",
    ]
    for n in range(1, 44):
        site = "Portland" if n <= 31 else "Salem"
        laptop = n % 3 == 0
        age = rng.randint(1, 8)
        bought = today - timedelta(days=365 * age + rng.randint(0, 300))
        os_name = "Windows 10 Pro 22H2" if age >= 6 else "Windows 11 Pro 23H2"
        items.append(InventoryItem(
            category=InventoryCategory.DEVICE,
            kind="laptop" if laptop else "workstation",
            name=f"{'PDX' if site == 'Portland' else 'SLM'}-{'LT' if laptop else 'WS'}{n:02d}",
            site=site,
            owner=staff[n % len(staff)],
            os=os_name,
            model="Dell Latitude 5440" if laptop else "Dell OptiPlex 7010",
            serial=f"{rng.randint(1000000, 9999999):X}",
            purchase_date=bought,
            warranty_end=bought + timedelta(days=365 * 3),
            source="RMM export (previous provider)",
        ))
    servers = [
        ("PDX-HV01", "server", "Windows Server 2019 Datacenter", "Dell PowerEdge T440", date(2019, 6, 3), "Hyper-V host"),
        ("PDX-DC01", "virtual_server", "Windows Server 2016 Standard", "Hyper-V VM", date(2019, 6, 10), "Domain controller, DNS, DHCP"),
        ("PDX-APP01", "virtual_server", "Windows Server 2019 Standard", "Hyper-V VM", date(2020, 1, 15), "CCH Axcess workstation server, QuickBooks files"),
        ("PDX-NAS01", "storage", "Synology DSM 7.1", "Synology DS920+", date(2020, 2, 2), "Scans and archive; no snapshots"),
    ]
    for name, kind, os_name, model, bought, note in servers:
        items.append(InventoryItem(
            category=InventoryCategory.DEVICE, kind=kind, name=name, site="Portland", owner="Marcus Lee",
            os=os_name, model=model, serial=f"{rng.randint(1000000, 9999999):X}", purchase_date=bought,
            warranty_end=bought + timedelta(days=365 * 5), notes=note, source="Walk-through",
        ))
    network = [
        ("PDX-FW01", "firewall", "Portland", "SonicWall TZ370", "SonicOS 7.0.1"),
        ("SLM-FW01", "firewall", "Salem", "SonicWall TZ270", "SonicOS 6.5.4"),
        ("PDX-SW01", "network", "Portland", "HPE Aruba 2530-48G", ""),
        ("PDX-SW02", "network", "Portland", "Netgear GS724T", ""),
        ("SLM-SW01", "network", "Salem", "Netgear GS116", ""),
        ("PDX-AP01", "network", "Portland", "Ubiquiti U6-Lite", ""),
        ("PDX-AP02", "network", "Portland", "Ubiquiti U6-Lite", ""),
        ("SLM-AP01", "network", "Salem", "Consumer router in AP mode", ""),
        ("PDX-MFP01", "printer", "Portland", "Ricoh IM C3000", ""),
        ("PDX-MFP02", "printer", "Portland", "Ricoh IM C2500", ""),
        ("SLM-MFP01", "printer", "Salem", "Brother MFC-L8900CDW", ""),
    ]
    for name, kind, site, model, os_name in network:
        items.append(InventoryItem(
            category=InventoryCategory.DEVICE, kind=kind, name=name, site=site, owner="Marcus Lee",
            model=model, os=os_name, source="Walk-through",
        ))
    for n, who in enumerate(["Elena Finch", "David Harbor", "Priya Raman", "Marcus Lee"], 1):
        items.append(InventoryItem(
            category=InventoryCategory.DEVICE, kind="mobile", name=f"Phone {n:02d}", owner=who,
            model="iPhone 15", os="iOS 18", notes="Company-paid; no MDM", source="Interview",
        ))
    for name, notes in [
        ("CCH Axcess Tax", "43 seats, cloud with a local workstation component"),
        ("QuickBooks Desktop Accountant 2023", "Files on PDX-APP01; version out of support in 2026"),
        ("Adobe Acrobat Pro", "Named-user licences"),
    ]:
        items.append(InventoryItem(category=InventoryCategory.APPLICATION, name=name, notes=notes, source="Interview"))
    for name, notes in [
        ("Microsoft 365 Business Standard", "45 licences, 3 unassigned"),
        ("SmartVault", "Client document portal"),
        ("Zoom Workplace", "10 licences on a partner's personal card"),
    ]:
        items.append(InventoryItem(category=InventoryCategory.CLOUD_SERVICE, name=name, notes=notes, source="Interview"))
    for name, notes in [
        ("Cascade Networks (incumbent MSP)", "30-day notice; month-to-month"),
        ("Ziply Fiber", "Portland internet, 1 Gbps"),
        ("Comcast Business", "Salem internet, 300 Mbps"),
        ("Ricoh USA", "Copier lease to 2027-08"),
    ]:
        items.append(InventoryItem(category=InventoryCategory.VENDOR, name=name, notes=notes, source="Interview"))
    items.append(InventoryItem(category=InventoryCategory.LICENCE, name="Windows Server 2019 Datacenter (2 x 8 cores)",
                               notes="Licence key on a sticky note in the closet", source="Walk-through"))
    return items


# Evidence seen on site, by risk-library id (the risks the demo records are the library's
# highest-scoring ones, plus one of each other category).
EVIDENCE: dict[str, str] = {
    "rdp_exposed": "PDX-FW01 forwards port 3389 to PDX-APP01 so the partners can work from home; "
    "the firewall log shows login attempts from abroad every night.",
    "edr_missing": "Three antivirus brands across 12 sampled machines; two subscriptions have expired.",
    "mfa_not_enforced": "Admin portal: 12 of 45 mailboxes have MFA registered; the VPN takes passwords only.",
    "restores_untested": "Marcus recalls one restore test, in September 2023; nothing was written down.",
    "patching_unmanaged": "Six workstations are two or more cumulative updates behind.",
    "unsupported_operating_systems": "PDX-DC01 runs Windows Server 2016; 14 PCs still run Windows 10.",
    "stale_accounts": "Four accounts of staff who left in 2025 can still sign in.",
    "insurance_attestation_gap": "The renewal form says MFA is everywhere; it is on email only.",
}
ONBOARDING_HOURS = {"project_manager": "4", "senior_engineer": "6", "engineer": "10", "technician": "8"}


def _risks_and_remediation(pkg: FormPackage, inventory: list[InventoryItem]) -> tuple[list[Risk], list[RemediationItem]]:
    library = pkg.risk_library.risks
    # A realistic selection: the highest-scoring library risks first, plus a spread of categories.
    ranked = sorted(library, key=lambda r: (-(r.likelihood * r.impact), r.id))
    chosen = ranked[:10]
    for r in library:
        if len(chosen) >= 14:
            break
        # This firm has a named internal IT owner, so that governance finding would not be true.
        if r.id == "no_internal_owner":
            continue
        if r not in chosen and r.category not in {c.category for c in chosen}:
            chosen.append(r)
    servers = [i.uid for i in inventory if i.kind in ("server", "virtual_server")]
    old_pcs = [i.uid for i in inventory if i.os.startswith("Windows 10")][:6]
    risks: list[Risk] = []
    items: list[RemediationItem] = []
    for n, tpl in enumerate(chosen):
        linked = servers if tpl.category.value == "continuity" else old_pcs if tpl.category.value == "lifecycle" else []
        risk = Risk(
            template_id=tpl.id, title=tpl.title, category=tpl.category,
            likelihood=min(5, tpl.likelihood + (1 if n < 2 else 0)), impact=tpl.impact,
            description=tpl.description, why_it_matters=tpl.why_it_matters,
            evidence=EVIDENCE.get(tpl.id, ""),
            standard_category=tpl.standard_category, linked_inventory=linked,
        )
        risks.append(risk)
        rem = tpl.remediation
        score = risk.score
        priority = Priority.CRITICAL if score >= 20 else Priority.HIGH if score >= 12 else Priority.MEDIUM if score >= 6 else Priority.LOW
        items.append(RemediationItem(
            title=rem.title, risk_uid=risk.uid, standard_category=tpl.standard_category,
            hours={role: Decimal(h) for role, h in rem.hours.items()}, priority=priority, owner=rem.owner,
            phase=rem.phase, definition_of_done=rem.definition_of_done,
        ))
    # The onboarding work everything else depends on: agents and documentation first.
    onboarding = RemediationItem(
        title="Onboard every device to the standard RMM and document the baseline", standard_category="rmm",
        hours={role: Decimal(h) for role, h in ONBOARDING_HOURS.items() if pkg.pricing.role(role)},
        priority=Priority.CRITICAL, owner=Party.PROVIDER,
        definition_of_done="All 58 devices report to the RMM; network diagram, admin accounts and "
        "vendor contacts are in the documentation platform and reviewed with Marcus.",
    )
    # Every standards gap the risks do not cover gets its own item: the proposal says each is
    # replaced, so the plan must carry the work. Nice-to-have areas go to the roadmap.
    covered = {i.standard_category for i in [onboarding, *items] if i.standard_category}
    assessments = _standard_plan(pkg)
    for s in plan_mod.suggest([], [], pkg.standards, assessments, [onboarding, *items], sites=DEMO_SITES):
        if s.standard_category in covered:
            continue
        phase = Phase.ROADMAP if s.standard_category in ROADMAP_GAPS else Phase.STABILIZATION
        items.append(s.to_item(phase=phase))
    for item in items:
        if item.phase.value == "stabilization":
            item.depends_on = [onboarding.uid]
    return risks, [onboarding, *items]


# Standards gaps the demo client takes as roadmap projects rather than in the fixed fee.
ROADMAP_GAPS = frozenset({"wifi", "dns_filtering", "password_manager"})


def _responsibilities(pkg: FormPackage) -> list[ResponsibilityAssignment]:
    out = []
    for fn in pkg.responsibilities.functions:
        raci = {p.value: letters for p, letters in fn.raci.items()}
        out.append(ResponsibilityAssignment(function_id=fn.id, name=fn.name, lane=fn.lane, raci=raci))
    out.append(ResponsibilityAssignment(
        function_id="copier_fleet", name="Copier and scanner fleet", lane=Lane.RUN, custom=True,
        raci={"provider": "C", "internal": "A", "Ricoh USA": "R"},
        notes="Ricoh services the copiers under the lease; we handle scan-to-folder settings.",
    ))
    return out


def build_demo(pkg: FormPackage) -> tuple[Engagement, dict[str, bytes]]:
    rng = random.Random(45)
    q = pkg.questionnaire
    answers = []
    for qid, raw in ANSWERS.items():
        question = q.question(qid)
        if question is None:
            raise ValueError(f"demo answer for {qid!r}, which {pkg.key} does not ask")
        answers.append(Answer(question_id=qid, value=normalise(question, raw, q), note=NOTES.get(qid, ""),
                              said_by=SAID_BY.get(_section_of(q, qid), "")))
    inventory = _inventory(rng)
    risks, remediation = _risks_and_remediation(pkg, inventory)
    photo = _demo_photo()
    # The backup disk's photo is evidence for the continuity finding, not for whichever risk ranks first.
    backup_risk = next((r for r in risks if r.category.value == "continuity"), risks[0])
    attachments = [Attachment(
        file_name="server-closet-backup-disk.png", content_type="image/png",
        sha256=hashlib.sha256(photo).hexdigest(), size=len(photo), risk_uid=backup_risk.uid,
        note="The only backup disk, on top of the Hyper-V host.",
    )]
    created = datetime(2026, 11, 17, 16, 5, tzinfo=UTC)
    eng = Engagement(
        client_name=CLIENT,
        consultant="Dana Whitfield",
        internal_it_owner="Marcus Lee",
        industry="Accounting and tax",  # the label of the industry answer (the one value)
        discovery_date=date(2026, 11, 18),
        created_at=created,
        updated_at=created,
        form_id=pkg.id,
        form_version=pkg.version,
        form_hash=pkg.content_hash(),
        notes="Tax season starts in late January: stabilization must finish by January 15.",
        sites=[
            Site(name="Portland", address="1420 SW Alder St, Suite 300, Portland, OR 97205", user_count=31,
                 notes="Server closet shares a room with the kitchen's water heater."),
            Site(name="Salem", address="233 Commercial St NE, Salem, OR 97301", user_count=12),
        ],
        contacts=[
            Contact(name="Elena Finch", role="Managing Partner", email="efinch@harborfinch.example", decision_maker=True),
            Contact(name="Marcus Lee", role="Office Manager and internal IT owner", email="mlee@harborfinch.example",
                    phone="+1 503 555 0142"),
            Contact(name="David Harbor", role="Partner, Salem office", email="dharbor@harborfinch.example"),
        ],
        answers=answers,
        inventory=inventory,
        standards=_standard_plan(pkg),
        risks=risks,
        remediation=remediation,
        responsibilities=_responsibilities(pkg),
        pricing=PricingInputs(discount_percent=Decimal("5"),
                              discount_reason="Signed before December 15", credit_discovery_fee=True),
        attachments=attachments,
        time_log=[
            TimeEntry(started_at=datetime(2026, 11, 18, 16, 0, tzinfo=UTC), ended_at=datetime(2026, 11, 18, 18, 40, tzinfo=UTC),
                      note="On-site walk-through, Portland"),
            TimeEntry(started_at=datetime(2026, 11, 19, 17, 0, tzinfo=UTC), ended_at=datetime(2026, 11, 19, 18, 15, tzinfo=UTC),
                      note="Salem visit and partner interview"),
        ],
    )
    return eng, {attachments[0].uid: photo}


def _demo_photo() -> bytes:
    """A small valid PNG (a grey square) standing in for an evidence photo."""
    import struct
    import zlib

    width = height = 16
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def create_demo(service: Discovery) -> int:
    pkg = service.forms.get(DEMO_FORM)
    eng, blobs = build_demo(pkg)
    now = datetime.now(UTC)
    eng = eng.model_copy(update={"updated_at": now})
    return service.engagements.save_new(eng, pkg, blobs)

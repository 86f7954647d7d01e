"""The demo's second act: the same client a year earlier, accepted and delivered, and its
re-assessment a year later, so the roadmap, acceptance, change-order and progress pages and
documents all have real content (``discovery-app demo --baseline``).

Everything after the year-earlier engagement is saved goes through the service's features, as a
consultant would do it, so its rules apply (the form's checks, revisions, the freeze): options
(one edited in place), an accepted risk, a roadmap move, the proposal exported (its fingerprints
kept), the signature, delivery read back, change orders, then the re-assessment with what changed
in the year and most carried records confirmed.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .demo import DEMO_FORM, build_demo
from .domain.engagement import (
    DeliveryStatus,
    Priority,
    RemediationItem,
    Risk,
    RiskTreatment,
    StandardStatus,
)
from .domain.forms import Lane, Phase, RiskCategory

if TYPE_CHECKING:
    from .services import Discovery

YEAR = timedelta(days=364)  # same weekday a year later
SIGNED_ON = date(2025, 12, 10)
REASSESSED_ON = date(2026, 11, 18)
# Tasks still open a year later (by risk template or standards category), and how they stand.
STILL_OPEN = {"single_person_dependency": DeliveryStatus.IN_PROGRESS, "insurance_attestation_gap": DeliveryStatus.BLOCKED}


def create_baseline_demo(service: Discovery) -> tuple[int, int]:
    """The accepted engagement (a year ago, delivered) and its re-assessment; their ids."""
    pkg = service.forms.get(DEMO_FORM)
    eng, blobs = build_demo(pkg)
    # The only step not through a feature of the service: the demo's discovery happened a year
    # ago, so its dates are moved back before it is saved (a consultant cannot type the past).
    back = lambda d: d - YEAR  # noqa: E731
    eng.discovery_date = back(eng.discovery_date) if eng.discovery_date else None
    eng.created_at = eng.updated_at = eng.created_at - YEAR
    eng.time_log = [t.model_copy(update={"started_at": t.started_at - YEAR,
                                         "ended_at": t.ended_at - YEAR if t.ended_at else None}) for t in eng.time_log]
    eng.notes = "Signed in December; stabilization ran January to March. Re-assessed a year later."
    eid = service.engagements.save_new(eng, pkg, blobs)

    # From here on, what a consultant does in the app, with its rules.
    service.offer.set_discount_reason(eid, "Signed before December 15, 2025")
    # The client accepts the vendor-records risk instead of paying to treat it.
    vendor = next(r for r in service.findings.risks(eid) if r.template_id == "vendor_records_missing")
    service.findings.update_risk(eid, vendor.uid, treatment=RiskTreatment.ACCEPTED)
    for item in service.findings.remediation_items(eid):
        if item.risk_uid == vendor.uid:
            service.findings.update_remediation_item(eid, item.uid, accepted=False)
    base = service.offer.pricing_inputs(eid)
    b = service.baseline
    b.add_option(eid, "Business hours", base.model_copy(update={"coverage": "business_hours"}),
                 "Support Monday to Friday, 8:00 to 18:00.")
    b.add_option(eid, "Extended hours", base.model_copy(update={"coverage": "extended"}),
                 "Adds early mornings, evenings and tax-season Saturdays.")
    b.add_option(eid, "Run only", base.model_copy(update={"coverage": "extended"}),
                 "We run the environment; change and governance stay with you.")
    # The third option was first saved from the pricing page as it stood, then narrowed in place.
    b.edit_option(eid, 3, pricing=base.model_copy(update={"coverage": "extended", "lanes_run_by_provider": [Lane.RUN]}))
    b.accept_risk(eid, vendor.uid, owner="Marcus Lee", approved_by="Elena Finch", approved_on=SIGNED_ON,
                  rationale="Fewer than a dozen IT vendors; renewals are already in the finance calendar.",
                  compensating_controls="Partners approve every new vendor; the office manager reviews renewals monthly.",
                  review_on=date(2026, 6, 30))
    wifi_uid = next(i.uid for i in eng.remediation if i.standard_category == "wifi" and i.phase is Phase.ROADMAP)
    wifi = next(i for i in b.roadmap(eid, SIGNED_ON).items if i.key == f"project:{wifi_uid}")
    b.move_roadmap_item(eid, wifi.key, "2026-Q4")  # after tax season and the summer

    with tempfile.TemporaryDirectory(prefix="discovery-demo-") as tmp:
        proposal = Path(tmp) / "proposal.pdf"
        service.documents.export_proposal(eid, proposal, issued_on=SIGNED_ON - timedelta(days=7))
        # The demo's "signed" copy is the PDF that was sent, as an e-signature service returns it.
        b.accept(eid, option=2, signed_by="Elena Finch", title="Managing Partner", signed_on=SIGNED_ON,
                 signed_file=proposal)

    # Delivery read back from the workbook: most of the plan done, two tasks still open.
    done_on = date(2026, 1, 12)
    risks = {r.uid: r.template_id for r in service.engagements.get(eid).risks}
    updates = {}
    for n, item in enumerate(i for i in service.engagements.get(eid).remediation
                             if i.accepted and i.phase is Phase.STABILIZATION):
        status = STILL_OPEN.get(risks.get(item.risk_uid or "", "") or "", DeliveryStatus.DONE)
        spent = {role: (h * Decimal("1.1") if n % 3 == 0 else h * Decimal("0.9")).quantize(Decimal("0.5"))
                 for role, h in item.hours.items()} if status is DeliveryStatus.DONE else \
            {role: (h / 2).quantize(Decimal("0.5")) for role, h in item.hours.items()}
        updates[item.uid] = (status, spent, done_on + timedelta(days=4 * n) if status is DeliveryStatus.DONE else None)
    b.report_delivery(eid, updates)

    b.add_change_order(eid, title="Bring the new Eugene office onto the standard",
                       reason="The firm opened a third office in March 2026 with six staff.",
                       hours={"engineer": Decimal("14"), "technician": Decimal("8")},
                       monthly_change=Decimal("310.00"), requested_on=date(2026, 2, 16))
    b.approve_change_order(eid, 1, approved_by="Elena Finch", title="Managing Partner", approved_on=date(2026, 2, 20))
    b.add_change_order(eid, title="Move the document archive to SharePoint",
                       reason="The scanned-client-files share is full and backs up slowly.",
                       hours={"senior_engineer": Decimal("10"), "engineer": Decimal("16")},
                       requested_on=date(2026, 10, 27))

    new_id = b.reassess(eid, today=REASSESSED_ON)
    _a_year_later(service, new_id)
    return eid, new_id


def _a_year_later(service: Discovery, eid: int) -> None:
    """What the re-assessment found, entered as a consultant would: the fixed risks lower or gone,
    the standards met, one new risk, a few answers changed, next year's roadmap, and most carried
    records confirmed (twelve inventory records still wait)."""
    f = service.findings
    closed = {"rdp_exposed", "edr_missing", "mfa_not_enforced", "stale_accounts", "restores_untested"}
    reduced = {"patching_unmanaged": (2, 3), "weak_email_protection": (2, 3), "unsupported_operating_systems": (2, 4),
               "no_change_control": (2, 2), "local_admin_rights": (3, 4)}
    for r in f.risks(eid):
        if r.template_id in closed:
            f.delete_risk(eid, r.uid)
        elif r.template_id in reduced:
            lik, imp = reduced[r.template_id]
            f.update_risk(eid, r.uid, likelihood=lik, impact=imp)
    shadow = f.add_risk(eid, Risk(
        title="Client files shared through personal cloud accounts", category=RiskCategory.SECURITY,
        likelihood=4, impact=4, description="Three staff share large client files through personal Dropbox accounts.",
        why_it_matters="Client tax records leave the firm's control and its retention policy.",
        evidence="Seen on two laptops in Salem; confirmed by Marcus Lee."))
    met = {"rmm", "patching", "endpoint_protection", "mdr", "mfa", "backup", "saas_backup", "psa",
           "documentation", "security_awareness"}
    for s in service.standards.view(eid).assessments.values():
        if s.category_id in met:
            service.standards.set_assessment(eid, s.category_id, status=StandardStatus.ALIGNED, clear_decision=True)
    changed = {"employee_count": 51, "it_user_count": 49, "site_count": 3, "monthly_ticket_volume": 38,
               "user_satisfaction": 4}
    for qid, value in changed.items():
        service.interview.set_answer(eid, qid, value)
        service.interview.set_answer_said_by(eid, qid, "Marcus Lee")
    admin = next(r.uid for r in f.risks(eid) if r.template_id == "local_admin_rights")
    for item in (
        RemediationItem(title="Remove local admin rights and set up an elevation process", risk_uid=admin,
                        standard_category="device_management",
                        hours={"engineer": Decimal("18"), "technician": Decimal("6")}, phase=Phase.ROADMAP,
                        definition_of_done="No user is a local administrator; elevation requests are logged and "
                                           "approved."),
        RemediationItem(title="Bring file sharing into Microsoft 365 and block personal cloud storage",
                        risk_uid=shadow.uid, hours={"engineer": Decimal("16"), "technician": Decimal("4")},
                        phase=Phase.ROADMAP, priority=Priority.HIGH,
                        definition_of_done="Client files are shared from SharePoint only; personal cloud sites are "
                                           "blocked on managed devices."),
        RemediationItem(title="Install Cisco Meraki MR access points at both sites", standard_category="wifi",
                        hours={"engineer": Decimal("12")}, phase=Phase.ROADMAP,
                        definition_of_done="Every site's wireless runs on the standard access points."),
    ):
        f.add_remediation_item(eid, item)
    b = service.baseline
    for kind in ("answer", "standard", "risk"):
        b.confirm_kind(eid, kind)
    waiting = [k for k in service.engagements.header(eid).to_confirm if k.startswith("inventory:")]
    b.confirm(eid, waiting[12:])

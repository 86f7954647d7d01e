"""Task titles from the form's templates, and hardware/licence lines priced apart from labour."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from discovery_app.domain import plan, tasks
from discovery_app.domain.basis import Basis
from discovery_app.domain.engagement import (
    Engagement,
    ExceptionDecision,
    InventoryCategory,
    InventoryItem,
    PricingInputs,
    RemediationItem,
    Risk,
    Site,
    StandardAssessment,
    StandardStatus,
)
from discovery_app.domain.forms import Phase, RiskCategory
from discovery_app.domain.pricing import PASS_THROUGH_MONTHLY, PASS_THROUGH_ONE_OFF, build_quote
from discovery_app.formsio import load_package

ROOT = Path(__file__).parents[2]
SHIPPED = load_package(ROOT / "forms" / "co-managed-discovery").package
MINI = load_package(ROOT / "tests" / "fixtures" / "forms" / "mini").package
D = Decimal
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CAT = {c.id: c for c in SHIPPED.standards}
TPL = {t.id: t for t in SHIPPED.risk_library.risks}


def test_gap_titles_read_as_a_person_writes_them():
    three = tasks.TaskContext(("Head office", "Warehouse", "Branch"), {"wifi": "Ubiquiti UniFi"})
    assert tasks.gap_title(CAT["security_awareness"], True, three) == \
        "Start KnowBe4 Security Awareness Training with monthly phishing tests"
    assert tasks.gap_title(CAT["wifi"], False, three) == \
        "Replace Ubiquiti UniFi with Cisco Meraki MR access points at all 3 sites"
    # An exception without a recorded tool reads as the missing case, never "Replace the current tool".
    assert tasks.gap_title(CAT["switching"], False, tasks.TaskContext(("Head office",))) == \
        "Install Cisco Meraki MS switches at Head office"
    assert tasks.render("Fix {sites} and {site}", tasks.TaskContext(), None) == "Fix every site and the main site"
    assert tasks.risk_title(TPL["single_internet_link"], CAT["firewall"], three) == \
        "Add a second internet line with automatic failover at Head office"


def test_a_form_without_templates_keeps_todays_titles():
    cat = CAT["wifi"].model_copy(update={"task_titles": None})
    assert tasks.gap_title(cat, False, tasks.TaskContext()) == "Move Wireless to Cisco Meraki MR"
    assert tasks.gap_title(cat, True, tasks.TaskContext()) == "Put Wireless in place on Cisco Meraki MR"
    tpl = TPL["mfa_not_enforced"].model_copy(update={"task_title": None})
    assert tasks.risk_title(tpl, CAT["mfa"], tasks.TaskContext()) == tpl.remediation.title


@pytest.mark.parametrize(("template", "words"), [
    ("Move to {product}", "unknown placeholder {product}"),
    ("Move to {option", "unbalanced braces"),
    ("Move to {}", "unknown placeholder {}"),
    ("Move to {option:>9}", "takes no format"),
])
def test_bad_templates_are_named(template, words):
    assert words in (tasks.template_problem(template) or "")
    assert tasks.template_problem("Replace {current} with {option} at {sites}") is None


def _engagement() -> Engagement:
    risk = Risk(template_id="no_offsite_backup", title="No off-site copy", category=RiskCategory.SECURITY,
                likelihood=3, impact=5, standard_category="backup")
    items = [
        RemediationItem(title="Wi-Fi", standard_category="wifi", hours={"engineer": D(4)}, phase=Phase.STABILIZATION),
        RemediationItem(title="Wi-Fi again", standard_category="wifi", hours={"engineer": D(1)}, phase=Phase.STABILIZATION),
        RemediationItem(title="Cloud copy", risk_uid=risk.uid, standard_category="backup", hours={"engineer": D(2)},
                        phase=Phase.STABILIZATION),
        RemediationItem(title="Training", standard_category="security_awareness", hours={"technician": D(2)},
                        phase=Phase.STABILIZATION),
        RemediationItem(title="Later", standard_category="password_manager", hours={"engineer": D(2)},
                        phase=Phase.ROADMAP),
    ]
    standards = [
        StandardAssessment(category_id="wifi", status=StandardStatus.EXCEPTION, current_tool="UniFi",
                           decision=ExceptionDecision.REMEDIATE),
        StandardAssessment(category_id="security_awareness", status=StandardStatus.MISSING),
        StandardAssessment(category_id="password_manager", status=StandardStatus.MISSING),
    ]
    inventory = [InventoryItem(category=InventoryCategory.DEVICE, kind=k, name=f"{k}-{i}")
                 for k, n in (("server", 2), ("virtual_server", 3), ("workstation", 40)) for i in range(n)]
    return Engagement(client_name="Test", created_at=NOW, updated_at=NOW, form_id=SHIPPED.id,
                      form_version=SHIPPED.version, form_hash="sha256:test", risks=[risk], remediation=items,
                      standards=standards, inventory=inventory,
                      sites=[Site(name="Head office"), Site(name="Warehouse")],
                      pricing=PricingInputs(user_count_override=50))


def test_cost_lines_are_priced_apart_from_labour_and_counted_once():
    eng = _engagement()
    q = build_quote(Basis.of(eng), SHIPPED, "en_US")
    plain = build_quote(Basis.of(eng), SHIPPED.model_copy(update={
        "standards": [c.model_copy(update={"cost_line": None}) for c in SHIPPED.standards],
        "risk_library": SHIPPED.risk_library.model_copy(update={
            "risks": [t.model_copy(update={"cost_line": None}) for t in SHIPPED.risk_library.risks]})}), "en_US")
    pt = q.pass_through
    # Wi-Fi: 3 access points per site x 2 sites at 950.00, once however many Wi-Fi tasks.
    wifi = next(ln for ln in pt.one_off if ln.source == "standard:wifi")
    assert (wifi.quantity, wifi.amount, wifi.basis) == (6, D("5700.00"), "3 per site × 2 sites")
    # The risk's own line (per server, physical and virtual) wins over its category's appliance.
    cloud = next(ln for ln in pt.monthly if ln.item_title == "Cloud copy")
    assert (cloud.source, cloud.quantity, cloud.amount) == ("risk:no_offsite_backup", 5, D("225.00"))
    training = next(ln for ln in pt.monthly if ln.source == "standard:security_awareness")
    assert (training.quantity, training.amount) == (50, D("125.00"))  # per user: the priced user count
    assert not any(ln.source == "standard:password_manager" for ln in pt.lines)  # roadmap: not in the plan's fee
    assert pt.one_off_total == D("5700.00") and pt.monthly_total == D("350.00")
    # Labour is untouched; the lines sit in their own sections, which add up.
    assert (q.stabilization_fee, q.monthly_fee, q.first_year_total) == \
        (plain.stabilization_fee, plain.monthly_fee, plain.first_year_total)
    totals = q.section_totals()
    for section in (PASS_THROUGH_ONE_OFF, PASS_THROUGH_MONTHLY):
        assert sum(ln.amount for ln in q.lines() if ln.section == section) == totals[section]
    js = q.to_json_dict()["pass_through"]
    assert (js["one_off_total"], js["monthly_total"]) == ("5700.00", "350.00")
    assert {ln["billing"] for ln in js["lines"]} == {"one_off", "monthly"}


def test_suggested_titles_use_the_templates_and_the_sites():
    eng = _engagement()
    got = plan.suggest([], [], SHIPPED.standards, eng.standards, [], sites=["Head office", "Warehouse"])
    assert [s.title for s in got] == ["Roll out Keeper Business to every user and vault the shared credentials",
                                      "Start KnowBe4 Security Awareness Training with monthly phishing tests",
                                      "Replace UniFi with Cisco Meraki MR access points at both sites"]


def test_an_older_form_without_templates_or_cost_lines_still_prices():
    eng = _engagement()
    items = [i.model_copy(update={"hours": {"engineer": D(1)}}) for i in eng.remediation]
    eng = eng.model_copy(update={"form_id": MINI.id, "form_version": MINI.version, "remediation": items})
    q = build_quote(Basis.of(eng), MINI, "en_US")
    assert q.pass_through.lines == () and "pass_through:one_off" not in q.section_totals()

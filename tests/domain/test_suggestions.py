"""Findings that suggest themselves: the shipped form's rules over the demo and over generated
inventories, the lifecycle table, the replacement plan, and what ``forms check`` refuses."""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from discovery_app import formsio
from discovery_app.demo import build_demo
from discovery_app.domain import lifecycle
from discovery_app.domain.engagement import InventoryCategory, InventoryItem
from discovery_app.domain.suggestions import suggest

SHIPPED = Path(__file__).parents[2] / "forms" / "co-managed-discovery"
TODAY = date(2026, 12, 3)


@pytest.fixture(scope="module")
def pkg():
    result = formsio.load_package(SHIPPED)
    assert result.ok, result.errors
    return result.package


def device(name, kind="workstation", os="", bought=None, warranty=None, source="NinjaOne RMM export"):
    return InventoryItem(category=InventoryCategory.DEVICE, kind=kind, name=name, os=os, purchase_date=bought,
                         warranty_end=warranty, source=source)


def by_key(found):
    return {s.key: s for s in found}


@pytest.mark.parametrize(("os_text", "name", "end"), [
    ("Microsoft Windows 10 Pro 22H2", "Windows 10", date(2025, 10, 14)),
    ("Windows 10 Enterprise LTSC 2021", "Windows 10 Enterprise LTSC 2021", date(2027, 1, 12)),
    ("Windows Server 2012 R2 Standard", "Windows Server 2012 R2", date(2023, 10, 10)),
    ("Microsoft Windows Server 2016 Datacenter", "Windows Server 2016", date(2027, 1, 12)),
    ("macOS 12.7.4 Monterey", "macOS 12 Monterey", date(2024, 7, 29)),
    ("Windows 11 Pro 24H2", "Windows 11 24H2", date(2026, 10, 13)),
])
def test_the_lifecycle_table_knows_the_vendors_dates(pkg, os_text, name, end):
    entry = lifecycle.os_entry(pkg.lifecycle, os_text)
    assert entry is not None and entry.name == name and entry.end_of_support == end
    assert entry.source.startswith("https://")


@pytest.mark.parametrize("os_text", ["Ubuntu 24.04 LTS", "Windows 11 Pro", "", "iOS 18", "Windows 100"])
def test_an_unknown_or_vague_os_matches_no_row(pkg, os_text):
    assert lifecycle.os_entry(pkg.lifecycle, os_text) is None


def test_every_lifecycle_row_names_its_source(pkg):
    assert len(pkg.lifecycle.operating_systems) >= 20
    assert all(e.source.startswith("https://") for e in pkg.lifecycle.operating_systems)


def test_generated_inventory_says_how_many_devices_run_an_unsupported_os(pkg):
    rng = random.Random(7)
    items = [device(f"WS{n:03d}", kind=rng.choice(["workstation", "laptop"]), os="Windows 10 Pro 22H2") for n in range(23)]
    items += [device(f"NEW{n:03d}", os="Windows 11 Pro 24H2") for n in range(40)]
    items += [device("FS01", kind="server", os="Windows Server 2012 R2 Standard")]
    items += [InventoryItem(category=InventoryCategory.APPLICATION, name="Windows 10 licence sheet", os="Windows 10")]
    # a year earlier only Windows 10 and Server 2012 R2 were past support
    s = by_key(suggest(pkg, {}, items, [], [], date(2025, 12, 1)))["risk:unsupported_operating_systems"]
    assert s.triggers[0].startswith("23 devices run Windows 10, past end of support since 2025-10-14: ")
    assert s.triggers[1] == "1 server runs Windows Server 2012 R2, past end of support since 2023-10-10: FS01"
    assert len(s.triggers) == 2 and len(s.device_uids) == 24  # the application row is not a device
    # Windows 11 24H2 (Home and Pro) left support on 2026-10-13: the biggest group comes first
    now = by_key(suggest(pkg, {}, items, [], [], TODAY))["risk:unsupported_operating_systems"]
    assert now.triggers[0].startswith("40 workstations run Windows 11 24H2, past end of support since 2026-10-13")
    assert len(now.device_uids) == 64


def test_age_warranty_and_rmm_rules_count_only_the_devices_that_qualify(pkg):
    old = TODAY - timedelta(days=365 * 7)
    items = [device(f"WS{n}", bought=old) for n in range(4)] + [device("WS9", bought=TODAY - timedelta(days=400))]
    items += [device("HV01", kind="server", bought=old, warranty=TODAY - timedelta(days=30), source="Walk-through"),
              device("NAS01", kind="storage", bought=TODAY - timedelta(days=900), warranty=TODAY + timedelta(days=60)),
              device("SW01", kind="network", source="Walk-through")]
    found = by_key(suggest(pkg, {"current_rmm": "other_rmm"}, items, [], [], TODAY))
    assert found["risk:aging_workstations"].triggers[0].startswith("4 workstations: older than 5 years: WS0, WS1, WS2, WS3")
    servers = found["risk:servers_out_of_warranty"]
    assert servers.rules == ("servers_warranty", "servers_old")  # two rules, one suggestion
    assert servers.triggers[0] == "2 devices: warranty ended (1) or ends within 6 months: HV01, NAS01"
    assert servers.triggers[1].startswith("1 server: older than 6 years: HV01")
    rmm = found["risk:devices_unmanaged"]
    assert rmm.triggers[0] == "1 server: not in the RMM export: HV01"  # the switch has no agent to miss
    # no RMM at all is another rule of the same risk, triggered by the answer alone
    none = by_key(suggest(pkg, {"current_rmm": "none"}, items, [], [], TODAY))["risk:devices_unmanaged"]
    assert none.rules == ("no_rmm",) and none.device_uids == ()


def test_three_old_workstations_are_a_fleet_two_are_not(pkg):
    old = TODAY - timedelta(days=365 * 6)
    two = [device(f"WS{n}", bought=old) for n in range(2)]
    assert "risk:aging_workstations" not in by_key(suggest(pkg, {}, two, [], [], TODAY))
    assert "risk:aging_workstations" in by_key(suggest(pkg, {}, [*two, device("WS3", bought=old)], [], [], TODAY))


def test_answers_raise_their_risks_and_say_which_answer(pkg):
    found = by_key(suggest(pkg, {"mfa_coverage": "email_only", "backup_offsite": False}, [], [], [], TODAY))
    assert found["risk:mfa_not_enforced"].triggers == ("Multi-factor authentication (MFA) coverage: All users on email only",)
    assert found["risk:no_offsite_backup"].triggers == (
        "Is a copy of the backups kept off-site, out of reach of production credentials?: No",)
    # restore never tested: the backup questions were answered and no date was given
    assert "risk:restores_untested" in found
    assert "risk:mfa_not_enforced" not in by_key(suggest(pkg, {"mfa_coverage": "everywhere"}, [], [], [], TODAY))
    assert suggest(pkg, {}, [], [], [], TODAY) == []  # nothing answered, nothing suggested


def test_a_hidden_question_counts_as_unanswered(pkg):
    # backup_immutable is asked only when there is an off-site copy
    hidden = by_key(suggest(pkg, {"backup_offsite": False, "backup_immutable": False}, [], [], [], TODAY))
    assert "risk:backups_deletable" not in hidden
    shown = by_key(suggest(pkg, {"backup_offsite": True, "backup_immutable": False}, [], [], [], TODAY))
    assert "risk:backups_deletable" in shown


def test_money_answers_compare_as_numbers(pkg):
    assert "risk:no_it_budget_plan" in by_key(suggest(pkg, {"annual_it_budget": "0.00"}, [], [], [], TODAY))
    assert "risk:no_it_budget_plan" not in by_key(suggest(pkg, {"annual_it_budget": "12000.00"}, [], [], [], TODAY))


def test_standards_gaps_are_suggested_until_the_category_is_assessed(pkg):
    found = by_key(suggest(pkg, {"saas_backup": False}, [], [], [], TODAY))
    assert found["standard:saas_backup"].title == "Standards gap: " + next(c.name for c in pkg.standards if c.id == "saas_backup")


def test_the_demo_suggests_what_the_register_lacks(pkg):
    eng, _ = build_demo(pkg)
    found = by_key(suggest(pkg, eng.answer_values(), eng.inventory, eng.risks, eng.standards, TODAY))
    in_register = {r.template_id for r in eng.risks}
    assert not any(s.risk in in_register for s in found.values())
    # the demo's walk-through found old servers and a fleet of old PCs, and only the RMM export
    # lists the workstations
    old_pcs = [i for i in eng.inventory if i.kind in ("workstation", "laptop") and i.purchase_date
               and (TODAY - i.purchase_date).days / 365.25 > 5]
    assert found["risk:aging_workstations"].triggers[0].startswith(f"{len(old_pcs)} devices: older than 5 years")
    assert set(found["risk:aging_workstations"].device_uids) == {i.uid for i in old_pcs}
    assert "PDX-HV01" in found["risk:servers_out_of_warranty"].triggers[0]
    assert found["risk:no_offsite_backup"].triggers
    # with an empty register the OS rule counts the demo's Windows 10 machines
    win10 = [i for i in eng.inventory if i.os.startswith("Windows 10")]
    bare = by_key(suggest(pkg, eng.answer_values(), eng.inventory, [], [], TODAY))
    assert any(t.startswith(f"{len(win10)} devices run Windows 10, past end of support since 2025-10-14")
               for t in bare["risk:unsupported_operating_systems"].triggers)


def test_dismissed_suggestions_are_marked_with_their_reason(pkg):
    found = suggest(pkg, {"backup_offsite": False}, [], [], [], TODAY, {"risk:no_offsite_backup": "Client accepts it"})
    s = by_key(found)["risk:no_offsite_backup"]
    assert s.dismissed and s.dismiss_reason == "Client accepts it"


def test_replacement_plan_counts_and_prices_per_quarter(pkg):
    items = [device(f"WS{n}", bought=date(2021, 2, 1)) for n in range(3)]  # 5 years: due 2026-02 -> overdue
    items += [device(f"LT{n}", kind="laptop", bought=date(2023, 5, 10)) for n in range(2)]  # 4 years: 2027 Q2
    items += [device("HV01", kind="server", warranty=date(2027, 8, 1))]  # no purchase date: warranty
    items += [device("PH01", kind="mobile", bought=date(2015, 1, 1))]  # phones are not in the plan
    items += [device("WS-far", bought=date(2026, 1, 1))]  # due 2031: beyond 8 quarters
    plan = lifecycle.replacement_plan(items, pkg.lifecycle, pkg.pricing, TODAY)
    rows = [(r.quarter, r.kind, r.count, r.overdue, r.total) for r in plan]
    assert rows == [
        ("2026 Q4", "workstation", 3, 3, Decimal("4050.00")),
        ("2027 Q2", "laptop", 2, 0, Decimal("3300.00")),
        ("2027 Q3", "server", 1, 0, Decimal("9500.00")),
    ]


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "form"
    shutil.copytree(SHIPPED, folder)
    return folder


def _errors(folder: Path) -> list[str]:
    return [str(e) for e in formsio.load_package(folder).errors]


def test_forms_check_catches_a_rule_naming_an_unknown_question(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "suggestions.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "when: backup_offsite == false", "when: backup_offsite_copy == false"), encoding="utf-8")
    errors = _errors(folder)
    assert len(errors) == 1
    assert errors[0].startswith("suggestions.yaml:")
    assert "suggestion_rules[" in errors[0] and ".when" in errors[0]
    assert "'backup_offsite_copy', which is neither a question nor an inventory aggregate" in errors[0]


def test_forms_check_catches_an_unknown_select_field_risk_and_kind(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "suggestions.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("select: {kinds: [firewall], older_than_years: 6}", "select: {kinds: [firewall], age_years: 6}")
    path.write_text(text, encoding="utf-8")
    errors = _errors(folder)
    assert any("select.age_years: unknown field" in e for e in errors), errors
    folder2 = _copy(tmp_path / "b")
    path = folder2 / "suggestions.yaml"
    text = path.read_text(encoding="utf-8").replace("risk: no_dr_plan", "risk: no_dr_plan_at_all")
    text = text.replace("kinds: [server, storage], older_than_years", "kinds: [server, toaster], older_than_years")
    path.write_text(text, encoding="utf-8")
    errors = _errors(folder2)
    assert any("risk 'no_dr_plan_at_all' is not in the risk library" in e for e in errors), errors
    assert any("device kind 'toaster' is not in device_kinds" in e for e in errors), errors


def test_forms_check_catches_devices_without_a_select_and_a_bad_pattern(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "suggestions.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "when: saas_backup == false\n\n  - id: saas_backup_gap", "when: saas_backup == false and devices > 3\n\n  - id: saas_backup_gap"),
        encoding="utf-8")
    life = folder / "lifecycle.yaml"
    life.write_text(life.read_text(encoding="utf-8").replace("match: ['windows 8\\.1']", "match: ['windows (8\\.1']"),
                    encoding="utf-8")
    errors = _errors(folder)
    assert any("names 'devices', but the rule has no 'select'" in e for e in errors), errors
    assert any(e.startswith("lifecycle.yaml:") and "not a valid regular expression" in e for e in errors), errors


def test_a_package_without_rules_or_lifecycle_still_loads(tmp_path):
    folder = _copy(tmp_path)
    (folder / "suggestions.yaml").unlink()
    (folder / "lifecycle.yaml").unlink()
    result = formsio.load_package(folder)
    assert result.ok
    assert suggest(result.package, {"backup_offsite": False}, [], [], [], TODAY) == []
    assert "suggestion_rules" not in result.package.canonical_json()

"""The responsibility matrix: exactly one Accountable party per function, party columns, and
who owns how much of each lane."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from discovery_app.demo import build_demo
from discovery_app.domain.engagement import ResponsibilityAssignment
from discovery_app.domain.forms import Lane
from discovery_app.domain.matrix import (
    build_matrix,
    check_row,
    lane_summary,
    matrix_issues,
    parties,
)
from discovery_app.formsio import load_package

D = Decimal


def row(fid: str, lane: Lane = Lane.RUN, accepted: bool = False, **raci: str) -> ResponsibilityAssignment:
    return ResponsibilityAssignment(function_id=fid, name=fid.replace("_", " ").capitalize(), lane=lane,
                                    raci=raci, accepted_as_is=accepted)


def third(fid: str, lane: Lane = Lane.RUN, **raci: str) -> ResponsibilityAssignment:
    # third parties have names that are not identifiers
    return ResponsibilityAssignment(function_id=fid, name=fid, lane=lane,
                                    raci={k.replace("_", " "): v for k, v in raci.items()})


def test_exactly_one_accountable_is_fine():
    assert matrix_issues([row("help_desk", provider="RA", internal="I")]) == []
    assert not check_row(row("help_desk", provider="RA", internal="I")).defective


def test_no_accountable_party_is_flagged_by_name():
    issues = matrix_issues([row("backup_monitoring", provider="R", internal="CI")])
    assert issues == ["Backup monitoring (run lane): no party is Accountable; exactly one party must be Accountable."]


def test_two_accountable_parties_are_flagged_with_their_names():
    issues = matrix_issues([row("vendor_management", Lane.GOVERN, provider="RA", internal="A")])
    assert len(issues) == 1
    assert issues[0].startswith("Vendor management (govern lane): 2 parties are Accountable (Provider, Internal IT)")


def test_an_empty_row_has_no_accountable_party():
    assert "no party is Accountable" in matrix_issues([row("budgeting", Lane.GOVERN)])[0]


def test_accepted_as_is_silences_the_flag_but_keeps_the_defect_visible():
    r = row("shared_thing", provider="A", internal="A", accepted=True)
    assert matrix_issues([r]) == []
    check = check_row(r)
    assert check.defective and check.accepted and not check.flagged
    assert check.accountable == ("provider", "internal")


def test_a_third_party_can_be_the_accountable_one():
    assert matrix_issues([third("Copiers", provider="C", internal="R", Ricoh_USA="A")]) == []
    assert "Ricoh USA" in matrix_issues([third("Copiers", Ricoh_USA="A", internal="A")])[0]


def test_columns_are_provider_internal_then_every_named_third_party():
    rows = [third("Copiers", Ricoh_USA="R", internal="A"), third("Phones", zayo="R", provider="A"),
            third("Lines", Ricoh_USA="I", provider="A"), row("x", provider="A")]
    assert parties(rows) == ["provider", "internal", "Ricoh USA", "zayo"]
    assert parties([]) == ["provider", "internal"]


def test_lane_summary_counts_and_shares():
    rows = [
        row("a", provider="RA", internal="I"),
        row("b", provider="R", internal="A"),
        row("c", provider="RA"),
        third("d", internal="A", Ricoh_USA="R"),
        row("e", Lane.GOVERN, provider="C", internal="RA"),
    ]
    run, change, govern = lane_summary(rows)
    assert (run.lane, run.functions) == (Lane.RUN, 4)
    p, i, ricoh = run.shares
    assert (p.party, p.accountable, p.responsible) == ("provider", 2, 3)
    assert (p.accountable_percent, p.responsible_percent) == (D("50.00"), D("75.00"))
    assert (i.accountable, i.accountable_percent, i.responsible) == (2, D("50.00"), 0)
    assert (ricoh.party, ricoh.accountable, ricoh.responsible, ricoh.responsible_percent) == ("Ricoh USA", 0, 1, D("25.00"))
    assert change.functions == 0 and all(s.accountable_percent == D("0.00") for s in change.shares)
    assert govern.share("internal").accountable_percent == D("100.00")
    assert govern.share("provider").accountable == 0


def test_shares_are_rounded_to_two_decimals():
    rows = [row("a", provider="A"), row("b", internal="A"), row("c", internal="A")]
    run = lane_summary(rows)[0]
    assert run.share("provider").accountable_percent == D("33.33")
    assert run.share("internal").accountable_percent == D("66.67")


def test_report_blocks_only_while_a_flag_is_open():
    rows = [row("a", provider="RA"), row("b", Lane.CHANGE, provider="R")]
    report = build_matrix(rows)
    assert report.blocking and report.issues == tuple(matrix_issues(rows))
    assert [r.function_id for r in report.rows if r.flagged] == ["b"]
    assert [r.function_id for r in report.rows_in(Lane.CHANGE)] == ["b"]
    fixed = [rows[0], rows[1].model_copy(update={"raci": {"provider": "RA"}})]
    assert not build_matrix(fixed).blocking


def test_the_demo_matrix_is_clean_and_has_the_copier_vendor():
    pkg = load_package(Path(__file__).parents[2] / "forms" / "co-managed-discovery").package
    eng, _ = build_demo(pkg)
    report = build_matrix(eng.responsibilities)
    assert report.issues == ()
    assert report.parties == ("provider", "internal", "Ricoh USA")
    assert sum(lane.functions for lane in report.lanes) == len(eng.responsibilities)
    for lane in report.lanes:
        assert sum(s.accountable for s in lane.shares) == lane.functions  # exactly one A each

"""Remediation suggestions, plan order, dependency loops and hours per role."""

from decimal import Decimal

from discovery_app.domain import plan
from discovery_app.domain.engagement import (
    ExceptionDecision,
    Priority,
    RemediationItem,
    Risk,
    StandardAssessment,
    StandardStatus,
)
from discovery_app.domain.forms import (
    Party,
    Phase,
    RiskCategory,
    RiskTemplate,
    StandardCategory,
    SuggestedRemediation,
)

D = Decimal


def item(title, priority=Priority.MEDIUM, deps=(), phase=Phase.STABILIZATION, hours=None, uid=None, **kw):
    return RemediationItem(
        uid=uid or title, title=title, priority=priority, depends_on=list(deps), phase=phase,
        hours=hours or {}, **kw,
    )


def titles(p):
    return [s.item.title for s in p.steps]


# ---- order ---------------------------------------------------------------------------------

def test_dependencies_come_first_then_priority_then_title():
    items = [
        item("Zeta low", Priority.LOW),
        item("Alpha medium", Priority.MEDIUM),
        item("Critical but waits", Priority.CRITICAL, deps=["Onboard"]),
        item("Onboard", Priority.LOW),
        item("beta medium", Priority.MEDIUM),
        item("High", Priority.HIGH),
    ]
    p = plan.build_plan(items)
    # Numbered by phase: Onboard (others depend on it) opens phase 1; the critical and high items
    # make phase 2 in dependency order (High is ready first); the rest is phase 3.
    assert titles(p) == ["Onboard", "High", "Critical but waits", "Alpha medium", "beta medium", "Zeta low"]
    assert [s.number for s in p.steps] == [1, 2, 3, 4, 5, 6]
    assert [s.phase for s in p.steps] == [1, 2, 2, 3, 3, 3]
    waits = {s.item.title: s.wave for s in p.steps}
    assert waits["Critical but waits"] == 2 and waits["Onboard"] == 1
    assert p.cycles == ()


def test_every_item_follows_everything_it_depends_on():
    items = [item("D", deps=["B", "C"]), item("C", deps=["A"]), item("B", deps=["A"]), item("A", Priority.LOW)]
    order = titles(plan.build_plan(items))
    for it in items:
        for dep in it.depends_on:
            assert order.index(dep) < order.index(it.title)
    assert order == ["A", "B", "C", "D"]


def test_roadmap_and_unaccepted_items_stay_out_of_the_stabilization_plan():
    items = [
        item("Now"),
        item("Later", phase=Phase.ROADMAP, hours={"engineer": D("40")}),
        item("Suggested only", accepted=False),
        item("Waits for roadmap", deps=["Later"]),
    ]
    p = plan.build_plan(items)
    assert titles(p) == ["Now", "Waits for roadmap"]
    assert [i.title for i in p.roadmap] == ["Later"]
    assert p.outside_dependencies == (("Waits for roadmap", "Later"),)
    assert p.roadmap_hours == {"engineer": D("40")}


# ---- cycles --------------------------------------------------------------------------------

def test_a_cycle_is_found_and_names_its_items():
    items = [
        item("Firewall", deps=["Backup"]),
        item("Backup", deps=["MFA"]),
        item("MFA", deps=["Firewall"]),
        item("Docs"),
        item("Self", deps=["Self"]),
    ]
    cycles = plan.find_cycles(items)
    assert cycles == [["Backup", "MFA", "Firewall"], ["Self"]]
    titles_by_uid = {i.uid: i.title for i in items}
    assert plan.describe_cycle(cycles[0], titles_by_uid) == "“Backup” → “MFA” → “Firewall” → “Backup”"
    p = plan.build_plan(items)
    assert titles(p)[0] == "Docs"
    assert {s.item.title for s in p.steps if s.in_cycle} == {"Firewall", "Backup", "MFA", "Self"}
    assert len(p.cycles) == 2


def test_cycle_if_names_the_loop_a_new_dependency_would_close():
    items = [item("A", deps=["B"]), item("B", deps=["C"]), item("C"), item("D")]
    assert plan.cycle_if(items, "C", ["A"]) == ["C", "A", "B"]
    assert plan.cycle_if(items, "C", ["C"]) == ["C"]
    assert plan.cycle_if(items, "C", ["D"]) is None
    assert plan.cycle_if(items, "D", ["A", "C"]) is None


def test_two_separate_loops_are_both_reported():
    items = [item("A", deps=["B"]), item("B", deps=["A"]), item("X", deps=["Y"]), item("Y", deps=["X"])]
    assert plan.find_cycles(items) == [["A", "B"], ["X", "Y"]]


# ---- hours ---------------------------------------------------------------------------------

def test_hours_per_role_in_the_forms_order_with_every_role():
    items = [
        item("A", hours={"engineer": D("8"), "technician": D("2.5")}),
        item("B", hours={"engineer": D("4.25"), "auditor": D("1")}),
        item("C", phase=Phase.ROADMAP, hours={"engineer": D("100")}),
    ]
    p = plan.build_plan(items, role_order=["project_manager", "engineer", "technician"])
    assert p.hours == {"project_manager": D("0"), "engineer": D("12.25"), "technician": D("2.5"), "auditor": D("1")}
    assert list(p.hours) == ["project_manager", "engineer", "technician", "auditor"]
    assert p.total_hours == D("15.75")


# ---- suggestions ---------------------------------------------------------------------------

TEMPLATE = RiskTemplate(
    id="no_mfa", title="No MFA", category=RiskCategory.SECURITY, likelihood=4, impact=5,
    description="d", standard_category="mfa",
    remediation=SuggestedRemediation(title="Enforce MFA", hours={"engineer": D("6")}, phase=Phase.STABILIZATION,
                                     owner=Party.SHARED, definition_of_done="Every account has MFA."),
)
CATS = [
    StandardCategory(id="mfa", name="MFA", standard_products=["Entra"], exception_surcharge=D("0")),
    StandardCategory(id="backup", name="Backup", standard_products=["Datto"], exception_surcharge=D("0"),
                     remediation_hours={"engineer": D("4"), "technician": D("2")}),
    StandardCategory(id="rmm", name="RMM", standard_products=["NinjaOne"], exception_surcharge=D("0")),
    StandardCategory(id="psa", name="PSA", standard_products=["Halo"], exception_surcharge=D("0")),
]


def test_suggestions_from_risks_and_standards_gaps():
    risk = Risk(template_id="no_mfa", title="No MFA here", category=RiskCategory.SECURITY, likelihood=2, impact=5,
                standard_category="mfa")
    own = Risk(title="Written by hand", category=RiskCategory.OPERATIONS, likelihood=3, impact=3)
    assessments = [
        StandardAssessment(category_id="mfa", status=StandardStatus.MISSING),  # covered by the risk's item
        StandardAssessment(category_id="backup", status=StandardStatus.EXCEPTION, current_tool="USB disks",
                           decision=ExceptionDecision.REMEDIATE),
        StandardAssessment(category_id="rmm", status=StandardStatus.EXCEPTION, decision=ExceptionDecision.EXCEPTION_LANE),
        StandardAssessment(category_id="psa", status=StandardStatus.MISSING),
    ]
    got = plan.suggest([risk, own], [TEMPLATE], CATS, assessments, [])
    assert [s.key for s in got] == [f"risk:{risk.uid}", "standard:backup", "standard:psa"]
    first = got[0]
    assert (first.title, first.owner, first.priority, dict(first.hours)) == (
        "Enforce MFA", Party.SHARED, Priority.HIGH, {"engineer": D("6")})  # 2 x 5 = 10: high
    backup = got[1]
    assert backup.title == "Move Backup to Datto"
    assert backup.source == "Standards exception to remediate: Backup (now: USB disks)"
    assert dict(backup.hours) == {"engineer": D("4"), "technician": D("2")}
    assert got[2].title == "Put PSA in place on Halo"
    made = backup.to_item(title="Move backups to Datto", owner=Party.SHARED)
    assert (made.title, made.owner, made.standard_category, made.accepted) == ("Move backups to Datto", Party.SHARED, "backup", True)


def test_covered_risks_and_categories_are_not_suggested_again():
    risk = Risk(template_id="no_mfa", title="No MFA", category=RiskCategory.SECURITY, likelihood=4, impact=5)
    assessments = [StandardAssessment(category_id="psa", status=StandardStatus.MISSING)]
    existing = [item("Enforce MFA", risk_uid=risk.uid), item("Halo", standard_category="psa")]
    assert plan.suggest([risk], [TEMPLATE], CATS, assessments, existing) == []


# ---- the schedule: weeks ----------------------------------------------------------------------

def test_a_critical_task_starts_the_week_after_its_dependency_even_when_the_plan_is_full():
    h = {"engineer": D(16)}  # one week each
    items = [item(f"Medium {n}", Priority.MEDIUM, hours={"engineer": D(48)}) for n in range(6)]
    items += [item("Base", Priority.LOW, hours=h), item("Critical fix", Priority.CRITICAL, deps=["Base"], hours=h)]
    p = plan.build_plan(items)
    base, crit = p.step("Base"), p.step("Critical fix")
    assert (base.start_week, base.end_week) == (1, 1)
    # Week 2 is not taken by the medium tasks that were ready earlier: critical work goes first.
    assert crit.start_week == base.end_week + 1 == 2
    for w in range(1, p.weeks + 1):
        assert sum(1 for s in p.steps if s.start_week <= w <= s.end_week) <= plan.PARALLEL_TASKS


def test_weeks_follow_hours_and_dependencies():
    items = [item("A", hours={"engineer": D(40)}), item("B", deps=["A"], hours={"engineer": D(1)})]
    p = plan.build_plan(items)
    a, b = p.step("A"), p.step("B")
    assert (a.start_week, a.end_week) == (1, 3)  # 40 h at 16 h a week
    assert (b.start_week, b.end_week) == (4, 4)
    assert p.weeks == 4


def test_items_in_a_loop_still_get_weeks():
    items = [item("A", deps=["B"], hours={"e": D(8)}), item("B", deps=["A"], hours={"e": D(8)})]
    p = plan.build_plan(items)
    assert all(s.in_cycle and s.start_week >= 1 for s in p.steps)

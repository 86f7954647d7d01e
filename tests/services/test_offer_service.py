"""The offer's use cases: the responsibility matrix and the pricing inputs, validated and saved."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from approval_signing import approve, approver

from discovery_app.demo import create_demo
from discovery_app.domain import pricing as pricing_mod
from discovery_app.domain.forms import Lane
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.services.offer import normalise_letters

FIXTURE_FORMS = Path(__file__).parents[1] / "fixtures" / "forms"
SHIPPED_FORMS = Path(__file__).parents[2] / "forms"


@pytest.fixture
def service(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "s.sqlite3"), forms_root=FIXTURE_FORMS)
    yield s
    s.close()


@pytest.fixture
def eid(service):
    e = service.engagements.create("Acme", form_key="mini")
    assert service.offer.ensure_responsibilities(e) is True
    return e


@pytest.fixture
def demo(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "d.sqlite3"), forms_root=SHIPPED_FORMS)
    yield s, create_demo(s)
    s.close()


def cell(service, eid, fid, party):
    return next(r for r in service.offer.responsibilities(eid) if r.function_id == fid).raci.get(party)


# ---- responsibility matrix ---------------------------------------------------------------------


def test_a_new_engagement_gets_the_forms_template_once(service):
    e = service.engagements.create("Acme", form_key="mini")
    assert service.offer.responsibilities(e) == []
    assert service.offer.ensure_responsibilities(e) is True
    rows = service.offer.responsibilities(e)
    assert [(r.function_id, r.lane, r.raci) for r in rows] == [
        ("helpdesk", Lane.RUN, {"provider": "RA", "internal": "CI"}),
        ("budget", Lane.GOVERN, {"provider": "C", "internal": "RA"}),
    ]
    service.offer.set_raci(e, "budget", "internal", "R")
    assert service.offer.ensure_responsibilities(e) is False  # never overwrites edits
    assert cell(service, e, "budget", "internal") == "R"


def test_letters_are_normalised_and_flags_follow_the_accountable_count(service, eid):
    assert service.offer.set_raci(eid, "helpdesk", "internal", " a, c ") == "AC"
    assert cell(service, eid, "helpdesk", "internal") == "AC"
    (issue,) = service.offer.matrix(eid).issues
    assert "Help-desk intake" in issue and "2 parties are Accountable" in issue
    service.offer.set_raci(eid, "helpdesk", "internal", "c")
    assert service.offer.matrix(eid).issues == ()
    assert normalise_letters("iCaRr") == "RACI"


@pytest.mark.parametrize("letters", ["X", "RAX", "1", "Resp"])
def test_bad_letters_are_refused_and_nothing_changes(service, eid, letters):
    with pytest.raises(ServiceError, match="only the letters R, A, C and I"):
        service.offer.set_raci(eid, "helpdesk", "provider", letters)
    assert cell(service, eid, "helpdesk", "provider") == "RA"


def test_unknown_function_or_column_is_refused(service, eid):
    with pytest.raises(ServiceError, match="no function 'nope'"):
        service.offer.set_raci(eid, "nope", "provider", "R")
    with pytest.raises(ServiceError, match="add the third party first"):
        service.offer.set_raci(eid, "helpdesk", "Ricoh", "R")


def test_custom_functions_are_added_to_their_lane_and_only_they_can_be_removed(service, eid):
    fid = service.offer.add_custom_function(eid, "  Copier fleet ", "run")
    rows = service.offer.responsibilities(eid)
    assert [r.function_id for r in rows] == ["helpdesk", fid, "budget"]
    new = rows[1]
    assert (new.name, new.lane, new.custom, new.raci) == ("Copier fleet", Lane.RUN, True, {"provider": "", "internal": ""})
    assert any("Copier fleet" in i and "no party is Accountable" in i for i in service.offer.matrix(eid).issues)
    with pytest.raises(ServiceError, match="already has a function called"):
        service.offer.add_custom_function(eid, "copier FLEET", "change")
    with pytest.raises(ServiceError, match="Give the function a name"):
        service.offer.add_custom_function(eid, "  ", "run")
    with pytest.raises(ServiceError, match="lane must be run, change or govern"):
        service.offer.add_custom_function(eid, "Printers", "later")
    with pytest.raises(ServiceError, match="cannot be removed"):
        service.offer.remove_custom_function(eid, "helpdesk")
    service.offer.remove_custom_function(eid, fid)
    assert [r.function_id for r in service.offer.responsibilities(eid)] == ["helpdesk", "budget"]


def test_third_party_columns_are_added_renamed_and_removed(service, eid):
    assert service.offer.add_third_party(eid, " Ricoh USA ") == "Ricoh USA"
    assert service.offer.matrix(eid).parties == ("provider", "internal", "Ricoh USA")
    service.offer.set_raci(eid, "helpdesk", "Ricoh USA", "I")
    for taken in ("ricoh usa", "Provider", "Internal IT", ""):
        with pytest.raises(ServiceError):
            service.offer.add_third_party(eid, taken)
    service.offer.rename_third_party(eid, "Ricoh USA", "Ricoh")
    assert service.offer.matrix(eid).parties == ("provider", "internal", "Ricoh")
    assert cell(service, eid, "helpdesk", "Ricoh") == "I"
    with pytest.raises(ServiceError, match="no third-party column"):
        service.offer.remove_third_party(eid, "provider")
    service.offer.remove_third_party(eid, "Ricoh")
    assert service.offer.matrix(eid).parties == ("provider", "internal")
    assert cell(service, eid, "helpdesk", "Ricoh") is None


def test_accept_as_is_needs_a_note_and_a_defect_and_lifts_the_block(service, eid):
    service.offer.set_raci(eid, "budget", "internal", "R")  # no Accountable
    assert service.offer.matrix(eid).blocking
    with pytest.raises(ServiceError, match="Say why"):
        service.offer.accept_as_is(eid, "budget", "  ")
    with pytest.raises(ServiceError, match="nothing to accept"):
        service.offer.accept_as_is(eid, "helpdesk", "fine")
    service.offer.accept_as_is(eid, "budget", "Partners decide the budget together")
    report = service.offer.matrix(eid)
    assert not report.blocking
    assert [r.accepted for r in report.rows] == [False, True]
    service.offer.accept_as_is(eid, "budget", "", accepted=False)
    assert service.offer.matrix(eid).blocking
    # Fixing a row drops its acceptance, so a later defect is flagged again.
    service.offer.accept_as_is(eid, "budget", "for now")
    service.offer.set_raci(eid, "budget", "internal", "RA")
    service.offer.set_raci(eid, "budget", "internal", "R")
    assert service.offer.matrix(eid).blocking


# ---- pricing inputs ------------------------------------------------------------------------------


def test_coverage_changes_the_monthly_fee_and_unknown_coverage_is_refused(demo):
    service, eid = demo
    before = service.offer.quote(eid).monthly_fee
    service.offer.set_coverage(eid, "round_the_clock")
    after = service.offer.quote(eid)
    assert after.monthly.coverage.id == "round_the_clock" and after.monthly_fee > before
    with pytest.raises(ServiceError, match="not one of the form's coverage levels"):
        service.offer.set_coverage(eid, "weekends")
    assert service.offer.pricing_inputs(eid).coverage == "round_the_clock"


def test_lanes_run_by_the_provider_drive_the_monthly_lanes(demo):
    service, eid = demo
    service.offer.set_lanes_run(eid, ["govern", Lane.RUN])
    assert service.offer.pricing_inputs(eid).lanes_run_by_provider == [Lane.RUN, Lane.GOVERN]
    assert [lf.lane for lf in service.offer.quote(eid).monthly.lanes] == [Lane.RUN, Lane.GOVERN]
    with pytest.raises(ServiceError, match="lane must be"):
        service.offer.set_lanes_run(eid, ["run", "sideways"])


def test_count_overrides_are_set_and_cleared(demo):
    service, eid = demo
    derived = service.offer.quote(eid).counts.users.derived
    service.offer.set_user_count_override(eid, "60")
    users = service.offer.quote(eid).counts.users
    assert (users.value, users.overridden, users.derived) == (60, True, derived)
    service.offer.set_user_count_override(eid, "")
    assert service.offer.quote(eid).counts.users.value == derived
    service.offer.set_device_count_override(eid, "server", 5)
    assert service.offer.quote(eid).counts.devices["server"].value == 5
    service.offer.set_device_count_override(eid, "server", None)
    assert not service.offer.quote(eid).counts.devices["server"].overridden
    with pytest.raises(ServiceError, match="whole number"):
        service.offer.set_user_count_override(eid, "lots")
    with pytest.raises(ServiceError, match="between 0"):
        service.offer.set_device_count_override(eid, "server", -1)
    with pytest.raises(ServiceError, match="not a device kind"):
        service.offer.set_device_count_override(eid, "toaster", 3)


def test_a_discount_above_the_free_level_blocks_until_a_signed_approval_covers_it(demo):
    service, eid = demo
    assert service.offer.set_discount(eid, "15 %", "Multi-year commitment") == Decimal("15.00")
    quote = service.offer.quote(eid)
    assert quote.discount.required_role == "ceo"
    assert quote.blocking and "needs a signed approval by the CEO" in quote.blocking[0]
    assert service.offer.pricing_inputs(eid).discount_reason == "Multi-year commitment"
    approve(service, eid, name="Ana Ruiz", role="ceo")
    quote = service.offer.quote(eid)
    assert quote.blocking == [] and quote.discount.approval.approver == "Ana Ruiz"
    assert not any("discount" in b.message for b in service.assessments.check(eid).blockers)
    service.offer.set_discount(eid, "14")  # any change to the priced engagement voids it
    assert "The engagement changed after the approval: the discount is now 14" in service.offer.quote(eid).blocking[0]
    (check,) = service.approvals.checks(eid)
    assert not check.verified and "Ask for a new approval" in check.problem
    service.approvals.remove(eid, check.record.uid)
    assert service.approvals.records(eid) == []


def test_signed_approvals_refused_in_words(demo, tmp_path):
    service, eid = demo
    service.offer.set_discount(eid, "15")
    consultant = service.engagements.get(eid).consultant
    with pytest.raises(ServiceError, match="cannot approve their own discount"):
        approve(service, eid, name=consultant, role="ceo")
    with pytest.raises(ServiceError, match="needs the CEO; Rosa Diaz is service leader and may approve up to 10%"):
        approve(service, eid, name="Rosa Diaz", role="service_leader")
    request = service.approvals.request(eid, tmp_path / "request.json")
    with pytest.raises(ServiceError, match="not signed yet"):
        service.approvals.add(eid, request)
    service.offer.set_discount(eid, "4")
    with pytest.raises(ServiceError, match="needs no approval"):
        service.approvals.request(eid, tmp_path / "again.json")
    with pytest.raises(ServiceError, match="not a role of the approval matrix; the forms name service_leader, ceo"):
        service.approvals.add_approver("Fay", "finance", approver()[0].public_key, signer=approver()[1])
    assert service.approvals.records(eid) == []


def test_the_practice_list_of_approvers_add_and_remove(demo):
    service, _ = demo
    person, key = approver("Ana Ruiz", "ceo")
    service.approvals.add_approver(" Ana Ruiz ", "CEO", person.public_key, valid_to=date(2027, 6, 30), signer=key)
    (listed,) = service.approvals.approvers()
    assert (listed.name, listed.role, listed.valid_to) == ("Ana Ruiz", "ceo", date(2027, 6, 30))
    with pytest.raises(ServiceError, match="already listed for Ana Ruiz"):
        service.approvals.add_approver("Someone Else", "ceo", person.public_key, signer=key)
    with pytest.raises(ServiceError, match="public key"):
        service.approvals.add_approver("Bad Key", "ceo", "ed25519:AAAA", signer=key)
    with pytest.raises(ServiceError, match="the last approver who counts"):
        service.approvals.remove_approver("Ana Ruiz", signer=key)
    lead, _ = approver("Sam Lee", "service_leader")
    service.approvals.add_approver(lead.name, lead.role, lead.public_key, signer=key)
    assert [a.name for a in service.approvals.remove_approver(lead.fingerprint[:9], signer=key)] == ["Sam Lee"]
    assert [a.name for a in service.approvals.approvers()] == ["Ana Ruiz"]


@pytest.mark.parametrize("bad, message", [
    ("-1", "between 0 and 100"), ("101", "between 0 and 100"), ("ten", "number of percent"), ("1.234", "two decimals"),
])
def test_bad_discounts_are_refused(demo, bad, message):
    service, eid = demo
    with pytest.raises(ServiceError, match=message):
        service.offer.set_discount(eid, bad)
    assert service.offer.pricing_inputs(eid).discount_percent == Decimal("5")


def test_credit_of_the_discovery_fee_comes_off_the_fixed_fee(demo):
    service, eid = demo
    service.offer.set_credit_discovery_fee(eid, False)
    without = service.offer.quote(eid).stabilization
    service.offer.set_credit_discovery_fee(eid, True)
    with_credit = service.offer.quote(eid).stabilization
    assert without.credit == 0 and with_credit.credit == Decimal("4500.00")
    assert with_credit.net == without.net - Decimal("4500.00")


def test_snapshots_restore_for_undo(demo):
    service, eid = demo
    inputs, approvals, rows = service.offer.pricing_inputs(eid), service.offer.discount_approvals(eid), service.offer.responsibilities(eid)
    service.offer.set_discount(eid, "12")
    service.offer.add_third_party(eid, "Acme Telecom")
    service.offer.set_pricing_inputs(eid, inputs)
    service.offer.set_discount_approvals(eid, approvals)
    service.offer.set_responsibilities(eid, rows)
    assert (service.offer.pricing_inputs(eid), service.offer.discount_approvals(eid), service.offer.responsibilities(eid)) == (inputs, approvals, rows)
    assert isinstance(service.offer.quote(eid), pricing_mod.Quote)


def test_an_option_is_approved_on_its_own_figures(demo):
    service, eid = demo
    inputs = service.offer.pricing_inputs(eid).model_copy(update={"discount_percent": Decimal("15")})
    service.baseline.add_option(eid, "Three-year term", inputs)
    (before,) = service.baseline.priced_options(eid)
    assert any("needs a signed approval by the CEO" in i.message for i in before.readiness)
    approval = approve(service, eid, option=1)
    assert approval.option == 1
    (after,) = service.baseline.priced_options(eid)
    assert not any("discount" in i.message for i in after.readiness if i.blocks), [i.message for i in after.readiness]
    assert service.offer.quote(eid).blocking == []  # the page's own 5 % needs none
    (check,) = service.approvals.checks(eid)
    assert check.verified and check.statement.option_label == "Three-year term"

"""Approvals nobody can forge: a signed statement over exactly what is approved, checked against
the practice's approvers, the approval matrix and the engagement's figures as priced now."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from approval_signing import approver, signed
from test_pricing import engagement, form, item

from discovery_app.domain import approvals as ap
from discovery_app.domain.basis import Basis
from discovery_app.domain.engagement import DiscountApproval, PricingInputs
from discovery_app.domain.pricing import build_quote, current_statement

DAY = date(2026, 11, 20)
LEVELS = form().pricing.discount_approvals  # up to 5 %: nobody; 10 %: service leader; 20 %: CEO
CEO, CEO_KEY = approver("Ana Ruiz", "ceo")


def priced(percent: str, *approvals: ap.SignedApproval, approvers=(CEO,), consultant="Pat Lead", **pricing):
    eng = engagement(uid="eng-1", remediation=[item("Deploy EDR", engineer="12", pm="2.5")], consultant=consultant,
                     pricing=PricingInputs(discount_percent=D(percent), **pricing), signed_approvals=list(approvals))
    return eng, build_quote(Basis.of(eng, approvers), form())


def statement_of(percent: str = "15", **pricing) -> ap.ApprovalStatement:
    eng, q = priced(percent, **pricing)
    return current_statement(eng, q.currency, q.stabilization, q.monthly, day=DAY, requested_by="Pat Lead")


def quote_with(record: ap.SignedApproval, percent: str = "15", **kw):
    eng, _ = priced(percent)
    eng.signed_approvals = [record]
    return build_quote(Basis.of(eng, kw.pop("approvers", (CEO,))), form())


def test_a_valid_signature_clears_the_discount_and_names_who_approved():
    stmt = statement_of("15")
    q = quote_with(signed(stmt, CEO_KEY))
    assert q.discount.approved and q.blocking == []
    a = q.discount.approval
    assert (a.approver, a.role, a.approved_on, a.fingerprint) == ("Ana Ruiz", "ceo", DAY, CEO.fingerprint)
    assert q.discount.to_json_dict()["approval_verified"] is True


def test_the_signed_bytes_are_canonical_sorted_json_with_decimals_as_text():
    stmt = statement_of("15")
    text = stmt.canonical_bytes().decode()
    assert text.startswith('{"currency":"USD","date":"2026-11-20","discount_fixed":')
    assert f'"fixed_fee":"{stmt.fixed_fee}"' in text and " " not in text.replace("Pat Lead", "")


def _refusal(record: ap.SignedApproval, **kw) -> str:
    q = quote_with(record, **kw)
    assert not q.discount.approved
    (check,) = q.discount.checks
    assert not check.verified and check.problem in q.blocking[0]
    return check.problem


def test_a_tampered_fee_is_refused():
    stmt = statement_of("15")
    problem = _refusal(signed(stmt, CEO_KEY, fixed_fee=stmt.fixed_fee + 1000))
    assert "does not match Ana Ruiz's key" in problem and "changed after it was signed" in problem


def test_a_wrong_key_is_refused():
    stmt = statement_of("15")
    _, other_key = approver("Ana Ruiz", "ceo")
    record = signed(stmt, other_key).model_copy(update={"public_key": CEO.public_key})
    assert "does not match Ana Ruiz's key" in _refusal(record)


def test_an_unknown_approver_is_refused():
    stmt = statement_of("15")
    stranger, key = approver("Sam Stranger", "ceo")
    problem = _refusal(signed(stmt, key))
    assert "not on the practice's list of approvers" in problem and stranger.fingerprint in problem


def test_an_expired_role_is_refused():
    former, key = approver("Old Boss", "ceo", valid_to=date(2026, 6, 30))
    problem = _refusal(signed(statement_of("15"), key), approvers=(former,))
    assert problem == "Old Boss's role as CEO expired on 2026-06-30; the approval is dated 2026-11-20."


def test_a_role_below_the_matrix_is_refused_and_a_higher_one_may_approve_less():
    leader, key = approver("Rosa Diaz", "service_leader")
    problem = _refusal(signed(statement_of("15"), key), approvers=(leader,))
    assert problem == "A 15% discount needs the CEO; Rosa Diaz is service leader and may approve up to 10%."
    q = quote_with(signed(statement_of("8"), CEO_KEY), percent="8")
    assert q.discount.approved and q.discount.approval.approver == "Ana Ruiz"


def test_the_consultant_cannot_approve_their_own_discount():
    me, key = approver("Pat Lead", "ceo")
    problem = _refusal(signed(statement_of("15"), key), approvers=(me,))
    assert problem == "Pat Lead is the consultant on this engagement and cannot approve their own discount."


def test_any_change_to_the_priced_engagement_voids_the_approval():
    record = signed(statement_of("15"), CEO_KEY)
    eng, q = priced("15", record, credit_discovery_fee=True)  # the fixed fee moved after signing
    assert not q.discount.approved
    assert "The engagement changed after the approval: the fixed fee is now" in q.blocking[0]
    assert "Ask for a new approval." in q.blocking[0]
    _, q = priced("12", record)
    assert "the discount is now 12%, the approval covers 15%" in q.blocking[0]


def test_a_role_typed_as_text_clears_nothing():
    eng, _ = priced("15")
    eng.discount_approvals = [DiscountApproval(percent=D("20"), approver="Pat Lead", role="CEO", approved_on=DAY)]
    q = build_quote(Basis.of(eng, (CEO,)), form())
    assert not q.discount.approved and q.discount.typed
    assert "typed by hand are not verified and clear nothing" in q.blocking[0]


def test_an_approver_listed_only_in_the_form_package_counts():
    pkg = form().model_copy(update={"approvers": [CEO]})
    eng, _ = priced("15")
    eng.signed_approvals = [signed(statement_of("15"), CEO_KEY)]
    assert build_quote(Basis.of(eng), pkg).discount.approved
    assert not build_quote(Basis.of(eng), form()).discount.approved


@pytest.mark.parametrize(("text", "message"), [
    ("ssh-ed25519 AAAA", "starts with 'ed25519:'"), ("ed25519:???", "not valid base64"),
    ("ed25519:AAAA", "has 32 bytes; this one has 3"),
])
def test_a_bad_public_key_is_named(text, message):
    with pytest.raises(ap.ApprovalError, match=message):
        ap.parse_public_key(text)

"""Records a re-assessment carried from its baseline: what is still to confirm, how it is counted
and worded, and what confirming takes away. Pure domain."""

from __future__ import annotations

import pytest

from discovery_app import resources
from discovery_app.demo import build_demo
from discovery_app.domain import carried
from discovery_app.domain.assessment import Severity, assess
from discovery_app.domain.basis import Basis
from discovery_app.formsio import load_package

PKG = load_package(resources.forms_dir() / "co-managed-discovery").package
assert PKG is not None


@pytest.fixture
def eng():
    e = build_demo(PKG)[0]
    e.to_confirm = ([f"answer:{a.question_id}" for a in e.answers[:3]] + [f"inventory:{i.uid}" for i in e.inventory[:2]]
                    + [f"risk:{r.uid}" for r in e.risks[:2]] + ["risk:gone-since", "nonsense"])
    return e


def test_what_is_still_to_confirm_leaves_out_records_removed_since(eng):
    c = carried.still_to_confirm(eng)
    assert c.total == 7 and len(c.of(carried.Kind.RISK)) == 2  # not the removed risk, not the bad key
    assert c.words() == "3 answers, 2 inventory records, 2 risks"
    eng.inventory = eng.inventory[1:]
    assert len(carried.still_to_confirm(eng).of(carried.Kind.INVENTORY)) == 1
    # Read without its inventory (an assessment's basis), inventory marks count as they are.
    basis = Basis.of(eng)
    assert len(carried.still_to_confirm(basis.engagement, inventory_loaded=False).of(carried.Kind.INVENTORY)) == 2


def test_confirming_takes_only_keys_that_wait(eng):
    first = eng.to_confirm[0]
    assert carried.after_confirming(eng.to_confirm, [first]) == eng.to_confirm[1:]
    assert carried.after_confirming(eng.to_confirm, None) == []
    with pytest.raises(carried.CarriedError, match="is not waiting"):
        carried.after_confirming(eng.to_confirm, [first, f"risk:{eng.risks[5].uid}"])
    with pytest.raises(carried.CarriedError, match="names no carried record"):
        carried.after_confirming(eng.to_confirm, ["device:1"])


def test_labels_name_each_record_in_words(eng):
    named = carried.labels(eng, PKG)
    q = PKG.questionnaire.question(eng.answers[0].question_id)
    assert named[f"answer:{q.id}"] == f"Answer: {q.label}"
    assert named[f"risk:{eng.risks[0].uid}"] == f"Risk: {eng.risks[0].title}"
    assert "risk:gone-since" not in named


def test_a_reassessment_carries_its_risk_acceptances_to_confirm():
    from datetime import UTC, date, datetime

    from discovery_app.domain import baseline as bl
    from discovery_app.domain.engagement import Acceptance, RiskAcceptance

    e = build_demo(PKG)[0]
    risk = e.risks[0]
    e.risk_acceptances = [RiskAcceptance(risk_uid=risk.uid, owner="Marcus Lee", rationale="Retires in June",
                                         review_on=date(2026, 6, 30), approved_by="Elena Finch")]
    e.acceptance = Acceptance(option=0, signed_by="Elena Finch", title="Partner", signed_on=date(2026, 1, 5),
                              proposal_sha256="a" * 64)
    later = bl.reassess(e, date(2027, 1, 5), datetime(2027, 1, 5, tzinfo=UTC))
    c = carried.still_to_confirm(later)
    assert c.of(carried.Kind.ACCEPTANCE) == (risk.uid,)
    assert carried.labels(later, PKG)[f"acceptance:{risk.uid}"] == f"Risk acceptance: {risk.title}"


def test_the_readiness_warns_on_each_page_that_holds_carried_records(eng):
    items = [i for i in assess(Basis.of(eng), PKG).readiness.items if i.code == "carried.to_confirm"]
    assert all(i.severity is Severity.WARNING for i in items)  # the proposal is not blocked by them
    by_page = {i.where.page: i.message for i in items}
    assert by_page["risks"] == "2 risks carried over from the baseline still to confirm on Risks."
    assert by_page["inventory"].startswith("2 inventory records carried over")
    assert sum(int(m.split()[0]) for p, m in by_page.items() if p.startswith("q:")) == 3
    eng.to_confirm = []
    assert not [i for i in assess(Basis.of(eng), PKG).readiness.items if i.code == "carried.to_confirm"]

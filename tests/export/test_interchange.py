"""The JSON engagement format: lossless both ways, and a bad file writes nothing."""

import base64
import hashlib
import json
import string
from datetime import UTC
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discovery_app.domain.answers import normalise
from discovery_app.domain.engagement import (
    Answer,
    Attachment,
    Contact,
    DiscountApproval,
    Engagement,
    InventoryItem,
    PricingInputs,
    RemediationItem,
    ResponsibilityAssignment,
    Risk,
    Site,
    StandardAssessment,
    TimeEntry,
)
from discovery_app.domain.forms import QuestionType
from discovery_app.export.interchange import InterchangeError
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.storage import repository as repo

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"


def open_service(folder: Path) -> Discovery:
    return Discovery.open(AppPaths.resolve(folder / "s.sqlite3"), forms_root=FORMS)


# ---- strategies -----------------------------------------------------------------------------

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
name = text.filter(lambda s: s.strip() != "").map(lambda s: s[:300])
dates = st.dates()
when = st.datetimes(timezones=st.just(UTC))
hours = st.decimals(min_value=0, max_value=999, places=2, allow_nan=False, allow_infinity=False)


def answer_values(form):
    q = form.questionnaire
    per_type = {
        QuestionType.INTEGER: st.integers(1, 100000),
        QuestionType.YES_NO: st.booleans(),
        QuestionType.TEXT: name.map(lambda s: s[:500]),
        QuestionType.LONG_TEXT: text,
        QuestionType.MONEY: st.decimals(0, 10**9, places=2, allow_nan=False),
        QuestionType.DECIMAL: st.decimals(-1000, 1000, places=3, allow_nan=False),
        QuestionType.DATE: dates,
        QuestionType.RATING: st.integers(1, 5),
    }

    def for_question(question):
        if question.type is QuestionType.SINGLE_CHOICE:
            return st.sampled_from([c.value for c in q.choice_list(question.choices).choices])
        if question.type is QuestionType.MULTI_CHOICE:
            return st.lists(st.sampled_from([c.value for c in q.choice_list(question.choices).choices]), min_size=1)
        return per_type[question.type]

    chosen = st.lists(st.sampled_from(q.questions()), unique_by=lambda x: x.id)
    return chosen.flatmap(
        lambda qs: st.tuples(*[for_question(x).map(lambda v, x=x: Answer(question_id=x.id, value=normalise(x, v, q), note="")) for x in qs])
    ).map(list)


@st.composite
def engagements(draw, form):
    inventory = draw(st.lists(st.builds(
        InventoryItem, name=name, kind=st.sampled_from(form.device_kinds), site=text, owner=text, os=text,
        serial=st.text(string.ascii_uppercase + string.digits, max_size=12), purchase_date=st.none() | dates,
        warranty_end=st.none() | dates, notes=text,
    ), max_size=5))
    inv_uids = [i.uid for i in inventory]
    categories = [c.id for c in form.standards]
    risks = draw(st.lists(st.builds(
        Risk, title=name, category=st.sampled_from(["security", "continuity", "compliance"]),
        likelihood=st.integers(1, 5), impact=st.integers(1, 5), description=text, evidence=text,
        standard_category=st.none() | st.sampled_from(categories),
        linked_inventory=st.lists(st.sampled_from(inv_uids), unique=True) if inv_uids else st.just([]),
    ), max_size=4))
    risk_uids = [r.uid for r in risks]
    remediation: list[RemediationItem] = []
    for _ in range(draw(st.integers(0, 4))):
        earlier = [r.uid for r in remediation]
        remediation.append(draw(st.builds(
            RemediationItem, title=name, hours=st.dictionaries(st.sampled_from(["engineer", "project_manager"]), hours),
            risk_uid=st.none() | st.sampled_from(risk_uids) if risk_uids else st.none(),
            depends_on=st.lists(st.sampled_from(earlier), unique=True) if earlier else st.just([]),
            priority=st.sampled_from(["critical", "high", "medium", "low"]),
            owner=st.sampled_from(["provider", "internal", "shared"]),
            phase=st.sampled_from(["stabilization", "roadmap"]), definition_of_done=text, accepted=st.booleans(),
        )))
    # Evidence files pass the same content check on import as from an archive: JPEG data starts
    # with the JPEG signature.
    blobs = [b"\xff\xd8\xff" + b for b in draw(st.lists(st.binary(max_size=64), max_size=2))]
    attachments = [
        Attachment(file_name=f"photo{i}.jpg", content_type="image/jpeg", sha256=hashlib.sha256(b).hexdigest(),
                   size=len(b), risk_uid=risk_uids[0] if risk_uids else None)
        for i, b in enumerate(blobs)
    ]
    created = draw(when)
    eng = Engagement(
        client_name=draw(name), consultant=draw(text), internal_it_owner=draw(text), industry=draw(text),
        discovery_date=draw(st.none() | dates), created_at=created, updated_at=draw(when), archived=draw(st.booleans()),
        status=draw(st.sampled_from(["draft", "in_review", "proposal_sent", "accepted", "declined"])),
        form_id=form.id, form_version=form.version, form_hash=form.content_hash(), notes=draw(text),
        sites=draw(st.lists(st.builds(Site, name=name, address=text, user_count=st.none() | st.integers(0, 5000)), max_size=3)),
        contacts=draw(st.lists(st.builds(Contact, name=name, role=text, email=text, decision_maker=st.booleans()), max_size=3)),
        answers=draw(answer_values(form)),
        inventory=inventory,
        standards=[StandardAssessment(category_id=c, current_tool=draw(text),
                                      status=draw(st.sampled_from(["aligned", "exception", "missing", "not_applicable"])),
                                      decision=draw(st.none() | st.sampled_from(["exception_lane", "remediate"])))
                   for c in draw(st.lists(st.sampled_from(categories), unique=True))],
        risks=risks,
        remediation=remediation,
        responsibilities=draw(st.lists(st.builds(
            ResponsibilityAssignment, function_id=st.sampled_from(["helpdesk", "budget", "custom_1"]), name=name,
            lane=st.sampled_from(["run", "change", "govern"]),
            raci=st.dictionaries(st.sampled_from(["provider", "internal", "Acme Telecom"]), st.sampled_from(["R", "A", "RA", "CI", ""])),
        ), max_size=3)),
        pricing=draw(st.builds(PricingInputs, discount_percent=st.decimals(0, 100, places=2, allow_nan=False),
                               user_count_override=st.none() | st.integers(0, 1000),
                               device_count_overrides=st.dictionaries(st.sampled_from(form.device_kinds), st.integers(0, 500)),
                               credit_discovery_fee=st.booleans(), discount_reason=text)),
        discount_approvals=draw(st.lists(st.builds(DiscountApproval, percent=st.decimals(0, 100, places=2, allow_nan=False),
                                                   approver=name, role=name, approved_on=dates), max_size=2)),
        attachments=attachments,
        time_log=draw(st.lists(st.builds(TimeEntry, started_at=when, ended_at=st.none() | when, note=text), max_size=3)),
    )
    return eng, {a.uid: b for a, b in zip(attachments, blobs, strict=True)}


# ---- round trip -----------------------------------------------------------------------------

def test_export_then_import_is_lossless(tmp_path):
    source = open_service(tmp_path / "a")
    target = open_service(tmp_path / "b")
    form = source.forms.get("mini")
    out = tmp_path / "out"
    out.mkdir()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(engagements(form))
    def round_trip(case):
        eng, blobs = case
        eid = source.engagements.save_new(eng, form, blobs)
        exported = source.engagements.get(eid)
        path = source.engagements.export_json(eid, out / "e.json")
        new_id = target.engagements.import_json(path)
        imported = target.engagements.get(new_id)
        assert imported.model_dump(exclude={"id"}) == exported.model_dump(exclude={"id"})
        assert repo.attachment_data(target.store, new_id) == blobs
        # And the file it exports again says the same thing.
        again = target.engagements.export_json(new_id, out / "again.json")
        first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (path, again))
        assert first["engagement"] == second["engagement"]
        assert first["form"] == second["form"] and first["attachments"] == second["attachments"]

    round_trip()


# ---- bad files ------------------------------------------------------------------------------

@pytest.fixture
def exported(tmp_path):
    service = open_service(tmp_path / "a")
    eid = service.engagements.create("Acme Dental", form_key="mini")
    service.interview.set_answer(eid, "employee_count", 45)
    eng = service.engagements.get(eid)
    risk = Risk(title="No MFA", category="security", likelihood=4, impact=5)
    repo.replace_children(service.store, eid, "risks", [risk])
    repo.replace_children(service.store, eid, "remediation", [RemediationItem(title="MFA", risk_uid=risk.uid)])
    assert eng.id == eid
    path = service.engagements.export_json(eid, tmp_path / "acme.json")
    return service, path


def import_fails(service, path, *fragments):
    before = repo.count_engagements(service.store)
    with pytest.raises(InterchangeError) as info:
        service.engagements.import_json(path)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message
    assert repo.count_engagements(service.store) == before
    return message


def rewrite(path, change):
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_not_json_names_line_and_column(exported, tmp_path):
    service, path = exported
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "format": "discovery-engagement",\n  oops\n}', encoding="utf-8")
    import_fails(service, bad, "line 3, column 3")


def test_wrong_value_names_its_json_path(exported):
    service, path = exported
    rewrite(path, lambda d: d["engagement"]["risks"][0].update(likelihood=7))
    import_fails(service, path, "$.engagement.risks[0].likelihood", "less than or equal to 5")


def test_unknown_field_is_refused(exported):
    service, path = exported
    rewrite(path, lambda d: d["engagement"]["sites"].append({"name": "HQ", "colour": "blue"}))
    import_fails(service, path, "$.engagement.sites[0].colour: unknown field")


def test_answer_that_breaks_the_form_is_refused(exported):
    service, path = exported
    rewrite(path, lambda d: d["engagement"]["answers"][0].update(value=0))
    import_fails(service, path, "$.engagement.answers[0].value: must be at least 1")


def test_changed_form_copy_is_detected(exported):
    service, path = exported
    rewrite(path, lambda d: d["form"].update(title="Edited after export"))
    import_fails(service, path, "$.engagement.form_hash", "form copy was changed")


def test_a_dangling_link_an_older_version_left_is_dropped_and_reported_not_refused(exported):
    service, path = exported

    def damage(d):
        d["engagement"]["remediation"][0].update(risk_uid="nope")
        d["engagement"]["risks"][0]["linked_inventory"] = ["no-such-device"]

    rewrite(path, damage)
    eid = service.engagements.import_json(path)
    eng = service.engagements.get(eid)
    assert eng.remediation[0].risk_uid is None
    assert eng.risks[0].linked_inventory == []
    assert len(service.repairs) == 2
    assert any("dropped 1 link to inventory items" in note for note in service.repairs)


def test_tampered_attachment_is_refused(exported):
    service, path = exported
    digest = hashlib.sha256(b"photo").hexdigest()

    def change(d):
        d["engagement"]["attachments"] = [{"uid": "a1", "file_name": "x.jpg", "sha256": digest, "size": 5}]
        d["attachments"] = {"a1": "cGhvdG8h"}  # "photo!"

    rewrite(path, change)
    import_fails(service, path, "$.attachments.a1: content does not match")


def test_a_program_posing_as_evidence_is_refused(exported):
    """The same content check as archives: a consistent hash does not make a program a photo."""
    service, path = exported
    program = b"MZ\x90\x00" + b"\x00" * 60  # a Windows executable's first bytes

    def change(d):
        d["engagement"]["attachments"] = [{
            "uid": "a1", "file_name": "server-room.jpg", "content_type": "image/jpeg",
            "sha256": hashlib.sha256(program).hexdigest(), "size": len(program)}]
        d["attachments"] = {"a1": base64.b64encode(program).decode("ascii")}

    rewrite(path, change)
    import_fails(service, path, "$.attachments.a1: server-room.jpg contains a program")


def test_newer_format_version_says_update(exported):
    service, path = exported
    rewrite(path, lambda d: d.update(format_version=99))
    import_fails(service, path, "newer than this app reads")


def test_importing_the_same_file_twice_keeps_both(exported):
    service, path = exported
    first = service.engagements.import_json(path)
    second = service.engagements.import_json(path)
    assert first != second
    assert service.engagements.get(first).uid != service.engagements.get(second).uid
    assert service.engagements.get(second).client_name == "Acme Dental"


def test_export_leaves_an_earlier_file_intact_when_it_fails(exported, tmp_path):
    service, path = exported
    before = path.read_bytes()
    with pytest.raises(Exception, match="There is no engagement 999"):
        service.engagements.export_json(999, path)
    assert path.read_bytes() == before


def test_money_is_written_as_decimal_strings(exported):
    _service, path = exported
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["engagement"]["pricing"]["discount_percent"] == "0"
    assert Decimal(doc["engagement"]["pricing"]["discount_percent"]) == 0
    assert doc["format"] == "discovery-engagement" and doc["format_version"] == 1



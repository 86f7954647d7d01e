"""The approvers list as a signed change log: only entries endorsed by an approver who counts
count; a changed entry, a stranger's signature, an entry typed into the settings clear nothing;
roots in the form package start the log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from approval_signing import approver
from test_pricing import form

from discovery_app.domain import authority as au

LEVELS = form().pricing.discount_approvals  # up to 5 %: nobody; 10 %: service leader; 20 %: CEO
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CEO, CEO_KEY = approver("Ana Ruiz", "ceo")
LEAD, LEAD_KEY = approver("Sam Lee", "service_leader")
OTHER, OTHER_KEY = approver("Bo Chen", "service_leader")


def log_of(*steps, roots=()):
    """Append each (action, approver, signing key) as the service does; the raw stored entries."""
    raw: list[dict] = []
    for i, (action, who, key) in enumerate(steps):
        after = au.replay(raw, roots=roots, levels=LEVELS)
        change = au.new_change(action, who, key=key, at=AT + timedelta(minutes=i), after=after)
        raw.append(change.model_dump(mode="json"))
    return raw


def names(replay: au.Replay) -> list[str]:
    return [a.name for a in replay.counting]


def test_the_first_approver_is_trusted_on_first_use_then_endorses_the_next():
    raw = log_of(("add", CEO, CEO_KEY), ("add", LEAD, CEO_KEY))
    r = au.replay(raw, levels=LEVELS)
    assert names(r) == ["Ana Ruiz", "Sam Lee"] and all(e.counts for e in r.entries)
    assert [e.signer for e in r.entries] == ["Ana Ruiz", "Ana Ruiz"]


def test_a_tampered_entry_voids_itself_and_every_later_entry():
    raw = log_of(("add", CEO, CEO_KEY), ("add", LEAD, CEO_KEY), ("add", OTHER, CEO_KEY))
    raw[1]["role"] = "ceo"  # promoted after signing
    r = au.replay(raw, levels=LEVELS)
    assert names(r) == ["Ana Ruiz"]
    assert "changed after it was signed" in r.entries[1].reason
    assert "does not follow the last entry that counts" in r.entries[2].reason


def test_a_stranger_cannot_add_themselves_once_the_log_has_started():
    raw = log_of(("add", CEO, CEO_KEY))
    raw += log_of(("add", OTHER, OTHER_KEY))  # self-signed, as if first: it is not first
    raw[1]["previous"] = au.replay(raw[:1], levels=LEVELS).last_digest
    raw[1] = au.sign_change(au.ApproverChange.model_validate(raw[1]), OTHER_KEY).model_dump(mode="json")
    r = au.replay(raw, levels=LEVELS)
    assert names(r) == ["Ana Ruiz"] and not r.entries[1].counts
    assert "not the key of an approver who counts" in r.entries[1].reason
    (shown,) = r.not_counted()
    assert shown.approver.name == "Bo Chen" and not shown.counts


def test_an_entry_typed_into_the_settings_is_shown_but_counts_for_nothing():
    raw = log_of(("add", CEO, CEO_KEY))
    raw.append({"action": "add", "name": "Eve", "role": "ceo", "public_key": OTHER.public_key})
    r = au.replay(raw, levels=LEVELS)
    assert names(r) == ["Ana Ruiz"] and r.entries[1].reason == "The entry does not read as a signed change."
    listed = au.listing(r, [OTHER.model_copy(update={"name": "Eve"})])
    assert [(x.approver.name, x.counts, x.source) for x in listed] == [("Ana Ruiz", True, "log"),
                                                                       ("Eve", False, "settings")]
    assert "approves nothing" in listed[1].reason


def test_a_service_leader_cannot_add_or_remove_a_ceo():
    raw = log_of(("add", CEO, CEO_KEY), ("add", LEAD, CEO_KEY))
    boss, boss_key = approver("Kim Park", "ceo")
    raw += [au.new_change("add", boss, key=LEAD_KEY, at=AT + timedelta(hours=1),
                          after=au.replay(raw, levels=LEVELS)).model_dump(mode="json")]
    r = au.replay(raw, levels=LEVELS)
    assert names(r) == ["Ana Ruiz", "Sam Lee"]
    assert r.entries[2].reason == "Sam Lee is service leader and cannot add or remove a CEO."
    # A later, properly endorsed entry still counts: it links to the last entry that counts.
    raw = raw[:2] + log_of(("add", OTHER, CEO_KEY))[-1:]
    raw[2] = au.new_change("add", OTHER, key=LEAD_KEY, at=AT + timedelta(hours=2),
                           after=au.replay(raw[:2], levels=LEVELS)).model_dump(mode="json")
    assert names(au.replay(raw, levels=LEVELS)) == ["Ana Ruiz", "Sam Lee", "Bo Chen"]


def test_removing_takes_an_approver_off_and_a_removed_approver_signs_nothing_after():
    raw = log_of(("add", CEO, CEO_KEY), ("add", LEAD, CEO_KEY), ("remove", LEAD, CEO_KEY))
    r = au.replay(raw, levels=LEVELS)
    assert names(r) == ["Ana Ruiz"]
    raw.append(au.new_change("add", OTHER, key=LEAD_KEY, at=AT + timedelta(hours=1), after=r).model_dump(mode="json"))
    assert not au.replay(raw, levels=LEVELS).entries[-1].counts


def test_roots_from_the_form_package_start_the_log_and_nobody_else_can():
    roots = [CEO]
    self_started = log_of(("add", LEAD, LEAD_KEY), roots=roots)
    r = au.replay(self_started, roots=roots, levels=LEVELS)
    assert names(r) == ["Ana Ruiz"] and "Only an approver listed in the form package" in r.entries[0].reason
    by_root = log_of(("add", LEAD, CEO_KEY), roots=roots)
    assert names(au.replay(by_root, roots=roots, levels=LEVELS)) == ["Ana Ruiz", "Sam Lee"]
    removing_root = log_of(("add", LEAD, CEO_KEY), ("remove", CEO, CEO_KEY), roots=roots)
    assert "form package" in au.replay(removing_root, roots=roots, levels=LEVELS).entries[1].reason


def test_a_signer_outside_their_valid_dates_does_not_count():
    ceo, key = approver("Ana Ruiz", "ceo", valid_to=date(2026, 1, 31))
    raw = log_of(("add", ceo, key), ("add", LEAD, key))
    r = au.replay(raw, levels=LEVELS)
    assert not r.entries[0].counts and names(r) == []


def test_a_break_record_holds_only_with_a_counting_approvers_untouched_signature():
    record = au.sign_break(au.CheckoutBreak(engagement_uid="eng-1", checkout="t1", holder="pat on laptop",
                                            broken_at=AT, broken_by="Ana Ruiz", role="ceo",
                                            signer_key=CEO.public_key), CEO_KEY)
    assert au.check_break(record, [CEO]) == ""
    assert "not the key of an approver" in au.check_break(record, [LEAD])
    changed = record.model_copy(update={"holder": "someone else"})
    assert "changed after it was signed" in au.check_break(changed, [CEO])
    assert au.manager([CEO, LEAD], LEAD_KEY, AT.date()) == LEAD and au.manager([CEO], OTHER_KEY, AT.date()) is None

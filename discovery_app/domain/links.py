"""Links between an engagement's records, and their repair.

Records point at each other by uid: a risk at inventory items, a remediation item at its risk
and at the items it depends on, an attachment at its risk. The service removes every link to a
record in the same transaction that removes the record, so links never dangle; an engagement
written by an older version may still hold some. :func:`repair` drops them and says what it
dropped, so such an engagement opens (from the store, a JSON file or an archive) instead of being
refused whole.
"""

from __future__ import annotations

from .engagement import Engagement


def repair(eng: Engagement) -> tuple[Engagement, list[str]]:
    """The engagement without dangling links, and one sentence per link dropped (no client text
    beyond record titles the consultant typed)."""
    inventory = {i.uid for i in eng.inventory}
    risks = {r.uid for r in eng.risks}
    items = {i.uid for i in eng.remediation}
    notes: list[str] = []
    new_risks = []
    for r in eng.risks:
        kept = [u for u in r.linked_inventory if u in inventory]
        if len(kept) != len(r.linked_inventory):
            n = len(r.linked_inventory) - len(kept)
            notes.append(f"Risk “{r.title}”: dropped {n} link{'s' if n != 1 else ''} to inventory items that no longer exist.")
            r = r.model_copy(update={"linked_inventory": kept})
        new_risks.append(r)
    new_items = []
    for i in eng.remediation:
        update: dict[str, object] = {}
        if i.risk_uid and i.risk_uid not in risks:
            update["risk_uid"] = None
            notes.append(f"Remediation item “{i.title}”: dropped its link to a risk that no longer exists.")
        deps = [d for d in i.depends_on if d in items and d != i.uid]
        if len(deps) != len(i.depends_on):
            update["depends_on"] = deps
            notes.append(f"Remediation item “{i.title}”: dropped dependencies on items that no longer exist.")
        new_items.append(i.model_copy(update=update) if update else i)
    new_attachments = []
    for a in eng.attachments:
        if a.risk_uid and a.risk_uid not in risks:
            notes.append(f"Attachment “{a.file_name}”: its risk no longer exists; it is kept with the engagement.")
            a = a.model_copy(update={"risk_uid": None})
        new_attachments.append(a)
    if not notes:
        return eng, []
    return eng.model_copy(update={"risks": new_risks, "remediation": new_items, "attachments": new_attachments}), notes

"""One assessment, one truth: risk treatments, coverage that follows its answer, no dangling links.

- ``ix_inventory_item_kinds``: the inventory's counts per kind come from the index alone.
- ``risk.treatment``: how a risk no remediation item fixes is treated (accepted, tracked).
- ``pricing_input.coverage`` may be NULL: pricing then follows the questionnaire's coverage
  answer. A stored coverage equal to that answer becomes NULL (the price does not change); any
  other stays as the consultant's override, which the readiness check now shows.
- Links an older version left dangling (a risk pointing at a deleted inventory item, an item at a
  deleted risk or dependency, an attachment at a deleted risk) are dropped.

Revision ID: 0003_one_truth
Revises: 0002_inventory_import_batch
Create Date: 2026-12-03
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003_one_truth"
down_revision = "0002_inventory_import_batch"
branch_labels = None
depends_on = None

COVERAGE_QUESTION = "coverage_need"  # what the shipped forms bind the coverage fact to


def _list(value):
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return list(value) if isinstance(value, list) else []


def upgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("treatment", sa.String(length=20), nullable=True))
    with op.batch_alter_table("pricing_input", schema=None) as batch_op:
        batch_op.alter_column("coverage", existing_type=sa.String(length=64), nullable=True)
    with op.batch_alter_table("inventory_item", schema=None) as batch_op:
        batch_op.create_index("ix_inventory_item_kinds", ["engagement_id", "category", "kind"], unique=False)

    conn = op.get_bind()
    # Coverage that only repeats the answer follows the answer from now on.
    answers = {
        eid: value for eid, value in conn.execute(
            sa.text("SELECT engagement_id, value FROM answer WHERE question_id = :q"), {"q": COVERAGE_QUESTION})
    }
    for pid, eid, coverage in conn.execute(sa.text("SELECT id, engagement_id, coverage FROM pricing_input")).all():
        answer = answers.get(eid)
        if isinstance(answer, str) and answer.startswith('"'):
            answer = json.loads(answer)
        if coverage is not None and coverage == answer:
            conn.execute(sa.text("UPDATE pricing_input SET coverage = NULL WHERE id = :id"), {"id": pid})

    # Dangling links.
    def uids(table: str) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for eid, uid in conn.execute(sa.text(f"SELECT engagement_id, uid FROM {table}")):
            out.setdefault(eid, set()).add(uid)
        return out

    inventory, risks, items = uids("inventory_item"), uids("risk"), uids("remediation_item")
    for rid, eid, linked in conn.execute(sa.text("SELECT id, engagement_id, linked_inventory FROM risk")).all():
        current = _list(linked)
        kept = [u for u in current if u in inventory.get(eid, set())]
        if kept != current:
            conn.execute(sa.text("UPDATE risk SET linked_inventory = :v WHERE id = :id"),
                         {"v": json.dumps(kept), "id": rid})
    for iid, eid, risk_uid, deps in conn.execute(
            sa.text("SELECT id, engagement_id, risk_uid, depends_on FROM remediation_item")).all():
        if risk_uid and risk_uid not in risks.get(eid, set()):
            conn.execute(sa.text("UPDATE remediation_item SET risk_uid = NULL WHERE id = :id"), {"id": iid})
        current = _list(deps)
        kept = [d for d in current if d in items.get(eid, set())]
        if kept != current:
            conn.execute(sa.text("UPDATE remediation_item SET depends_on = :v WHERE id = :id"),
                         {"v": json.dumps(kept), "id": iid})
    for aid, eid, risk_uid in conn.execute(sa.text("SELECT id, engagement_id, risk_uid FROM attachment")).all():
        if risk_uid and risk_uid not in risks.get(eid, set()):
            conn.execute(sa.text("UPDATE attachment SET risk_uid = NULL WHERE id = :id"), {"id": aid})


def downgrade() -> None:
    with op.batch_alter_table("inventory_item", schema=None) as batch_op:
        batch_op.drop_index("ix_inventory_item_kinds")
    op.execute("UPDATE pricing_input SET coverage = 'business_hours' WHERE coverage IS NULL")
    with op.batch_alter_table("pricing_input", schema=None) as batch_op:
        batch_op.alter_column("coverage", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_column("treatment")

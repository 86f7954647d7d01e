"""The client's pre-work answers waiting for confirmation and the dismissed suggested findings
become records of their engagement, so they travel with its JSON file and archive and go when
it is deleted (they were kept in the settings, keyed by the engagement's uid).

Revision ID: 0007_engagement_marks
Revises: 0006_answer_said_by
Create Date: 2026-12-03
"""

import json
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0007_engagement_marks"
down_revision = "0006_answer_said_by"
branch_labels = None
depends_on = None

TO_CONFIRM = "prework.to_confirm."
DISMISSED = "suggestions.dismissed."


def _day(text: object) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return date.today()


def upgrade() -> None:
    op.create_table(
        "client_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("imported_on", sa.Date(), nullable=False),
        sa.Column("differs", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("client_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_answer_engagement_id"), ["engagement_id"], unique=False)
    op.create_table(
        "dismissed_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("dismissed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dismissed_suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dismissed_suggestion_engagement_id"), ["engagement_id"], unique=False)

    # Move what the settings held onto the engagements (an engagement that is gone drops it).
    conn = op.get_bind()
    ids: dict[str, int] = {uid: eid for uid, eid in conn.execute(sa.text("SELECT uid, id FROM engagement")).all()}
    client_answer = sa.table("client_answer", sa.column("engagement_id"), sa.column("position"),
                             sa.column("question_id"), sa.column("value", sa.JSON), sa.column("by"),
                             sa.column("imported_on", sa.Date), sa.column("differs"))
    dismissed = sa.table("dismissed_suggestion", sa.column("engagement_id"), sa.column("position"),
                         sa.column("key"), sa.column("reason"), sa.column("dismissed_on", sa.Date))
    rows = conn.execute(sa.text("SELECT key, value FROM setting WHERE key LIKE :a OR key LIKE :b"),
                        {"a": TO_CONFIRM + "%", "b": DISMISSED + "%"}).all()
    for key, raw in rows:
        value = json.loads(raw) if isinstance(raw, str) else raw
        prefix = TO_CONFIRM if key.startswith(TO_CONFIRM) else DISMISSED
        eid = ids.get(key[len(prefix):])
        if eid is not None and isinstance(value, dict):
            items = [(k, v) for k, v in value.items() if isinstance(k, str) and isinstance(v, dict)]
            if prefix == TO_CONFIRM and items:
                op.bulk_insert(client_answer, [
                    {"engagement_id": eid, "position": i, "question_id": k[:64], "value": v.get("value"),
                     "by": str(v.get("by", "")), "imported_on": _day(v.get("on")), "differs": bool(v.get("differs"))}
                    for i, (k, v) in enumerate(items)])
            elif prefix == DISMISSED and items:
                op.bulk_insert(dismissed, [
                    {"engagement_id": eid, "position": i, "key": k[:200], "reason": str(v.get("reason", ""))[:500],
                     "dismissed_on": _day(v.get("on"))}
                    for i, (k, v) in enumerate(items)])
        conn.execute(sa.text("DELETE FROM setting WHERE key = :k"), {"k": key})


def downgrade() -> None:
    with op.batch_alter_table("dismissed_suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dismissed_suggestion_engagement_id"))
    op.drop_table("dismissed_suggestion")
    with op.batch_alter_table("client_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_answer_engagement_id"))
    op.drop_table("client_answer")

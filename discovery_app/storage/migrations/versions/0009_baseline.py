"""From proposal to signed baseline: pricing options, accepted risks, roadmap placements, change
orders and the acceptance (whose presence freezes the engagement); the engagement remembers the
baseline it re-assesses, the fingerprint of the proposal sent and the records still to confirm.

Revision ID: 0009_baseline
Revises: 0008_revisions
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_baseline"
down_revision = "0008_revisions"
branch_labels = None
depends_on = None


def _child(name: str, *columns: sa.Column, unique_engagement: bool = False) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        *([sa.UniqueConstraint("engagement_id")] if unique_engagement else []),
    )
    if not unique_engagement:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{name}_engagement_id"), ["engagement_id"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("baseline_of", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("proposal_sha256", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("to_confirm", sa.JSON(), nullable=True))
    op.execute("UPDATE engagement SET to_confirm = '[]' WHERE to_confirm IS NULL")
    _child("pricing_option",
           sa.Column("position", sa.Integer(), nullable=False),
           sa.Column("number", sa.Integer(), nullable=False),
           sa.Column("label", sa.String(length=300), nullable=False),
           sa.Column("note", sa.String(), nullable=False),
           sa.Column("pricing", sa.JSON(), nullable=True))
    _child("risk_acceptance",
           sa.Column("position", sa.Integer(), nullable=False),
           sa.Column("risk_uid", sa.String(length=40), nullable=False),
           sa.Column("owner", sa.String(length=300), nullable=False),
           sa.Column("rationale", sa.String(), nullable=False),
           sa.Column("compensating_controls", sa.String(), nullable=False),
           sa.Column("review_on", sa.Date(), nullable=False),
           sa.Column("approved_by", sa.String(length=300), nullable=False),
           sa.Column("approved_on", sa.Date(), nullable=True))
    _child("roadmap_placement",
           sa.Column("position", sa.Integer(), nullable=False),
           sa.Column("key", sa.String(length=80), nullable=False),
           sa.Column("quarter", sa.String(length=7), nullable=False))
    _child("change_order",
           sa.Column("position", sa.Integer(), nullable=False),
           sa.Column("uid", sa.String(length=40), nullable=False),
           sa.Column("number", sa.Integer(), nullable=False),
           sa.Column("title", sa.String(length=300), nullable=False),
           sa.Column("reason", sa.String(), nullable=False),
           sa.Column("hours", sa.JSON(), nullable=True),
           sa.Column("monthly_change", sa.String(length=40), nullable=False),
           sa.Column("requested_on", sa.Date(), nullable=False),
           sa.Column("status", sa.String(length=20), nullable=False),
           sa.Column("approved_by", sa.String(length=300), nullable=False),
           sa.Column("approved_title", sa.String(length=300), nullable=False),
           sa.Column("approved_on", sa.Date(), nullable=True))
    _child("acceptance",
           sa.Column("option", sa.Integer(), nullable=False),
           sa.Column("signed_by", sa.String(length=300), nullable=False),
           sa.Column("title", sa.String(length=300), nullable=False),
           sa.Column("signed_on", sa.Date(), nullable=False),
           sa.Column("document_uid", sa.String(length=40), nullable=True),
           sa.Column("proposal_sha256", sa.String(length=64), nullable=False),
           sa.Column("baseline", sa.JSON(), nullable=True),
           unique_engagement=True)


def downgrade() -> None:
    for name in ("acceptance", "change_order", "roadmap_placement", "risk_acceptance", "pricing_option"):
        op.drop_table(name)
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_column("to_confirm")
        batch_op.drop_column("proposal_sha256")
        batch_op.drop_column("baseline_of")

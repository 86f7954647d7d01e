"""Signed discount approvals: the statement exactly as the approver signed it (JSON), the Ed25519
signature and public key, who was listed for that key when it was added, and when it was checked.
The approvals typed by hand (``discount_approval``) stay as they were: shown as unverified, they
no longer clear a discount.

Revision ID: 0010_signed_approvals
Revises: 0009_baseline
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_signed_approvals"
down_revision = "0009_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signed_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=40), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=True),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.String(length=200), nullable=False),
        sa.Column("approver", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("signed_approval", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signed_approval_engagement_id"), ["engagement_id"], unique=False)


def downgrade() -> None:
    op.drop_table("signed_approval")

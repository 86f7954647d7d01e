"""Laptops that go offline: the checkout marks.

In the shared store a row says an engagement is checked out to a laptop (by whom, when, to which
laptop store, at which revision, with the fingerprint of each section at that moment); in the
laptop's store a row says a local engagement is a copy of a shared one. Plain portable DDL: the
same script runs on PostgreSQL.

Revision ID: 0011_checkouts
Revises: 0010_signed_approvals
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_checkouts"
down_revision = "0010_signed_approvals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("engagement_uid", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("base", sa.JSON(), nullable=True),
        sa.Column("ended_by", sa.String(length=300), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("checkout", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkout_engagement_id"), ["engagement_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("checkout", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkout_engagement_id"))
    op.drop_table("checkout")

"""Engagements carry a revision and a log of what each write changed, so a save made against a
stale picture (a second window, a command, later a colleague in team mode) is refused, not lost.

Revision ID: 0008_revisions
Revises: 0007_engagement_marks
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_revisions"
down_revision = "0007_engagement_marks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id", ondelete="CASCADE"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("session", sa.String(length=40), nullable=False),
        sa.Column("who", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_change_log_revision", "change_log", ["engagement_id", "revision"])


def downgrade() -> None:
    op.drop_index("ix_change_log_revision", table_name="change_log")
    op.drop_table("change_log")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_column("revision")

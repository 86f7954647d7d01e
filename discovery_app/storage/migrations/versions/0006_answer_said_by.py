"""Answers remember who gave them, for the delivery team and the re-assessment.

Revision ID: 0006_answer_said_by
Revises: 0005_delivery_progress
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_answer_said_by"
down_revision = "0005_delivery_progress"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("said_by", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("said_by")

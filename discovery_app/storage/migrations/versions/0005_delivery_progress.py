"""Remediation items record what delivery did against what was sold: the delivery status, the
actual hours per role and the day the task was done, read back from the delivery workbook.

Revision ID: 0005_delivery_progress
Revises: 0004_inventory_identity
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_delivery_progress"
down_revision = "0004_inventory_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("remediation_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_status", sa.String(), nullable=False, server_default="not_started"))
        batch_op.add_column(sa.Column("actual_hours", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("done_on", sa.Date(), nullable=True))
    op.execute("UPDATE remediation_item SET actual_hours = '{}' WHERE actual_hours IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("remediation_item", schema=None) as batch_op:
        batch_op.drop_column("done_on")
        batch_op.drop_column("actual_hours")
        batch_op.drop_column("delivery_status")

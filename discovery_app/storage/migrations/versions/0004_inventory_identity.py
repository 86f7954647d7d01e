"""Inventory items keep the manufacturer, the client's asset tag, the department and when the
device was last seen, as the asset tools export them.

Revision ID: 0004_inventory_identity
Revises: 0003_one_truth
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_inventory_identity"
down_revision = "0003_one_truth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inventory_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manufacturer", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("asset_tag", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("department", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("last_seen", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inventory_item", schema=None) as batch_op:
        batch_op.drop_column("last_seen")
        batch_op.drop_column("department")
        batch_op.drop_column("asset_tag")
        batch_op.drop_column("manufacturer")

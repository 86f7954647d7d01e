"""Inventory items remember which import brought them in, so an import can be undone whole.

Revision ID: 0002_inventory_import_batch
Revises: 0001_initial
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_inventory_import_batch"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inventory_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_batch", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_inventory_item_import_batch"), ["import_batch"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inventory_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_item_import_batch"))
        batch_op.drop_column("import_batch")

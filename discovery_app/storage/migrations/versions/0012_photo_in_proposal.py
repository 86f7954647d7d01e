"""Each evidence file says whether it goes in the proposal's evidence-photos appendix: on for the
photos already attached (images), off for every other file (a PDF or a log is never a photo).

Revision ID: 0012_photo_in_proposal
Revises: 0011_checkouts
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_photo_in_proposal"
down_revision = "0011_checkouts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_proposal", sa.Boolean(), nullable=False, server_default=sa.true()))
    attachment = sa.table("attachment", sa.column("content_type", sa.String()), sa.column("in_proposal", sa.Boolean()))
    op.execute(attachment.update().where(sa.not_(attachment.c.content_type.like("image/%"))).values(in_proposal=False))


def downgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("in_proposal")

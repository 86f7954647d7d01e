"""The engagement remembers what its last exported client proposal said (a content fingerprint of
the report model) and the issue date it was exported with, so acceptance can tell whether the
engagement still says what the client signed (see export/fingerprint.py).

Revision ID: 0013_proposal_fingerprint
Revises: 0012_photo_in_proposal
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_proposal_fingerprint"
down_revision = "0012_photo_in_proposal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_fingerprint", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("proposal_issued_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_column("proposal_issued_on")
        batch_op.drop_column("proposal_fingerprint")

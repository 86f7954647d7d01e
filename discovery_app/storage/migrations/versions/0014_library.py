"""The practice library: form packages (with their rates, risk texts, task templates and terms)
published into the store, each version kept whole (the text of its part files) so any store or
laptop can rebuild it without the folder it came from. Plain portable DDL: the same script runs
on PostgreSQL.

Revision ID: 0014_library
Revises: 0013_proposal_fingerprint
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_library"
down_revision = "0013_proposal_fingerprint"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "library_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("published_by", sa.String(length=300), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_by", sa.String(length=300), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("package_id", "version", name="uq_library_package_version"),
    )


def downgrade() -> None:
    op.drop_table("library_package")

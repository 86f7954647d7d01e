"""Alembic environment: run migrations on the connection the app hands over.

Batch mode is on so column changes work on SQLite (which cannot ALTER most things in place)
and stay plain ALTERs on PostgreSQL.
"""

from alembic import context
from sqlmodel import SQLModel

from discovery_app.storage import tables  # noqa: F401  (registers the tables)

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

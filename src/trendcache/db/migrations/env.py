"""Alembic environment: always given a live connection by trendcache.db.migrate."""

from alembic import context

from trendcache.db import accounts  # noqa: F401  (its tables join Base.metadata)
from trendcache.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `trendcache migrate`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

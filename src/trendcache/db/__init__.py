"""Storage: SQLAlchemy models, engine set-up for SQLite and PostgreSQL, and migrations."""

import trendcache.db.accounts  # noqa: F401  (its tables join Base.metadata)
from trendcache.db import alerts, follows, history  # noqa: F401  (their tables join Base.metadata)
from trendcache.db.database import Database

__all__ = ["Database"]

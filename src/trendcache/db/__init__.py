"""Storage: SQLAlchemy models, engine set-up for SQLite and PostgreSQL, and migrations."""

from trendcache.db.database import Database

__all__ = ["Database"]

"""Apply Alembic migrations from code, so `serve` and `worker` bring the schema up to date.

Several processes may start at once; the upgrade runs under a lock (a PostgreSQL advisory
lock, or a file lock beside the SQLite file) so exactly one of them migrates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from filelock import FileLock
from sqlalchemy import Connection, text

from trendcache.db.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_MIGRATION_LOCK = 0x7472656E64  # "trend": any constant shared by all processes


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    with _migration_lock(database), database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


@contextmanager
def _migration_lock(database: Database) -> Iterator[None]:
    if database.is_sqlite:
        path = database.url.database
        if not path or path == ":memory:":
            yield
            return
        with FileLock(f"{path}.migrate.lock"):
            yield
        return
    with database.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
            connection.commit()

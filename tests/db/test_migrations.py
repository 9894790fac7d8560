from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from trendcache.db import Database
from trendcache.db.migrate import alembic_config, upgrade
from trendcache.db.models import Base


def test_migrations_match_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent_and_downgrade_clears_everything(sqlite_database: Database) -> None:
    upgrade(sqlite_database)
    with sqlite_database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert inspect(sqlite_database.engine).get_table_names() == ["alembic_version"]
    upgrade(sqlite_database)
    assert "cache_data" in inspect(sqlite_database.engine).get_table_names()


def test_sqlite_runs_in_wal_mode(sqlite_database: Database) -> None:
    with sqlite_database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"

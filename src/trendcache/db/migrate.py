"""Apply Alembic migrations from code, so `serve` and `worker` bring the schema up to date.

Several processes may start at once; the upgrade runs under a lock (a PostgreSQL advisory
lock, or a file lock beside the SQLite file) so exactly one of them migrates. Migrations
change the schema only: the data steps an upgrade calls for (`pipeline/data_steps`) run
after it, decided from the revision the upgrade started at, which it records.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from filelock import FileLock
from sqlalchemy import Connection, insert, select, text

from trendcache.db.database import Database
from trendcache.db.errors import SchemaAhead
from trendcache.db.models import StateEntry

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_MIGRATION_LOCK = 0x7472656E64  # "trend": any constant shared by all processes
UPGRADED_FROM = "schema.upgraded_from"  # a `state` entry, until the data steps settle it


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """The schema at `revision`, in one transaction, under the migration lock."""
    with migration_lock(database), database.engine.begin() as connection:
        upgrade_schema(connection, revision)


def upgrade_schema(connection: Connection, revision: str = "head") -> None:
    """Upgrade in the caller's transaction (the caller holds `migration_lock`).

    Upgrading a database that had a schema records, in the same transaction, the revision
    it came from (`UPGRADED_FROM`; an older one already recorded stays): whoever upgrades,
    the data steps owed for the revisions crossed are decided from it, even if the process
    dies before they run.
    """
    before = MigrationContext.configure(connection).get_current_revision()
    if before is not None and not _known(before):
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        raise SchemaAhead(before, str(head))
    command.upgrade(alembic_config(connection), revision)
    after = MigrationContext.configure(connection).get_current_revision()
    if before is None or before == after:
        return
    recorded = select(StateEntry.name).where(StateEntry.name == UPGRADED_FROM)
    if connection.scalar(recorded) is None:
        entry = {"name": UPGRADED_FROM, "value": {"revision": before}}
        connection.execute(insert(StateEntry).values(entry))


def _known(revision: str) -> bool:
    try:
        return bool(ScriptDirectory.from_config(alembic_config()).get_revisions(revision))
    except CommandError:  # "Can't locate revision": one of a newer release
        return False


def schema_revisions(database: Database) -> tuple[str | None, str]:
    """The database's schema revision (None before the first migration) and the code's head."""
    with database.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations have one head"
    return current, head


def has_revision(current: str | None, revision: str) -> bool:
    """Whether a database at `current` has `revision` applied (it is `current` or older)."""
    if current is None:
        return False
    scripts = ScriptDirectory.from_config(alembic_config())
    return any(script.revision == revision for script in scripts.iterate_revisions(current, "base"))


@contextmanager
def migration_lock(database: Database) -> Iterator[None]:
    """Held by one process at a time: the one bringing the database up to date."""
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

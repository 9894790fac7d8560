from datetime import timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Integer, String, column, insert, inspect, select, table

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.migrate import UPGRADED_FROM, alembic_config, upgrade
from trendcache.db.models import Base, EnrichmentState, StateEntry
from trendcache.db.types import UTCDateTime
from trendcache.pipeline.data_steps.prepare import prepare_database


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


def upgraded_from(database: Database) -> object:
    with database.session() as session:
        return session.scalar(select(StateEntry.value).where(StateEntry.name == UPGRADED_FROM))


def test_an_upgrade_records_the_oldest_revision_it_came_from(database: Database) -> None:
    """The data steps owed are decided from it, whoever upgraded; a new schema records none."""
    assert upgraded_from(database) is None
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0006")
    upgrade(database, "0008")
    assert upgraded_from(database) == {"revision": "0006"}
    upgrade(database)
    assert upgraded_from(database) == {"revision": "0006"}


def test_match_levels_migration_keeps_every_match_and_asks_again(database: Database) -> None:
    """0009 and its data step: stored matches named a release (or nothing); every decided
    album comes due, so the matcher of two levels re-decides it, while a pending album's turn
    stays as it was. The migration alone changes no row."""
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0008")
    now = utcnow()
    later = now + timedelta(days=3650)
    rows = [
        ("matched", "rel", "grp", later),  # a release-level match, due in ten years
        ("needs_review", None, None, later),
        ("no_match", None, None, later),
        ("pending", None, None, later),
    ]
    state = table(
        "enrichment_state",
        column("album_id", String),
        column("status", String),
        column("attempts", Integer),
        column("release_mbid", String),
        column("release_group_mbid", String),
        column("next_attempt_at", UTCDateTime()),
        column("queued_at", UTCDateTime()),
        column("updated_at", UTCDateTime()),
    )
    with database.engine.begin() as connection:
        connection.execute(
            insert(state),
            [
                {"album_id": status, "status": status, "attempts": 1, "release_mbid": release,
                 "release_group_mbid": group, "next_attempt_at": due, "queued_at": now,
                 "updated_at": now}
                for status, release, group, due in rows
            ],
        )  # fmt: skip
    upgrade(database)
    with database.session() as session:
        found = {row.album_id: row for row in session.scalars(select(EnrichmentState))}
    assert {(row.level, row.next_attempt_at) for row in found.values()} == {(None, later)}
    assert prepare_database(database) == ["match_levels"]
    with database.session() as session:
        found = {row.album_id: row for row in session.scalars(select(EnrichmentState))}
    assert {key: (row.status, row.level) for key, row in found.items()} == {
        "matched": ("matched", "release"),
        "needs_review": ("needs_review", None),
        "no_match": ("no_match", None),
        "pending": ("pending", None),
    }
    assert found["matched"].release_mbid == "rel"
    asked_again = utcnow()
    for decided in ("matched", "needs_review", "no_match"):
        assert found[decided].next_attempt_at <= asked_again, decided
    assert found["pending"].next_attempt_at == later
    assert {row.updated_at for row in found.values()} == {now}  # no match itself changed

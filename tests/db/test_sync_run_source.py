"""0010: every sync run names its source; the runs from before sources were Spotify's."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Integer, String, column, insert, select, table
from sqlalchemy.exc import IntegrityError

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.migrate import alembic_config, upgrade
from trendcache.db.models import SyncRun
from trendcache.db.types import UTCDateTime

sync_runs = table(  # as 0009 left it: every column but the source
    "sync_runs",
    column("key", String),
    column("trigger", String),
    column("status", String),
    column("requests", Integer),
    column("albums", Integer),
    column("hydrated", Integer),
    column("started_at", UTCDateTime()),
)
OLD_RUN = {
    "key": "spotify_new_releases:US",
    "trigger": "schedule",
    "status": "ok",
    "requests": 3,
    "albums": 1,
    "hydrated": 1,
}


def test_runs_from_before_sources_become_spotifys(database: Database) -> None:
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0009")
        connection.execute(insert(sync_runs).values(**OLD_RUN, started_at=utcnow()))
    upgrade(database)
    with database.session() as session:
        [run] = session.scalars(select(SyncRun))
    assert (run.source, run.key, run.status, run.requests) == ("spotify", OLD_RUN["key"], "ok", 3)


def test_a_run_without_its_source_is_refused(database: Database) -> None:
    """The default that named the old runs is gone: no run is taken for Spotify's unasked."""
    with pytest.raises(IntegrityError), database.engine.begin() as connection:
        connection.execute(insert(sync_runs).values(**OLD_RUN, started_at=utcnow()))

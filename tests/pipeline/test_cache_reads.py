"""The reads the web makes through the domain: sync errors are told apart by source."""

from __future__ import annotations

from trendcache.db import Database
from trendcache.db.models import SyncRun
from trendcache.pipeline.cache_reads import last_sync_error


def test_the_last_sync_error_is_each_sources_own(database: Database) -> None:
    with database.writer() as session:
        session.add(SyncRun(source="spotify", key="k", trigger="cli", status="failed", error="a"))
        session.add(SyncRun(source="spotify", key="k", trigger="cli", status="ok"))
        session.add(SyncRun(source="charts", key="c", trigger="cli", status="failed", error="b"))
    assert last_sync_error(database, "spotify") is None  # its newest run went well
    assert last_sync_error(database, "charts") == "b"
    assert last_sync_error(database, "nothing") is None

"""Reads of the cache and the sync log for the read path and the metrics.

The web asks these instead of writing its own queries: cached rows by key, each key's age
and whether its last refresh failed, and the last sync error. Writing the cache is
the rooms' business (`sync/store.py`, `enrichment/store.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from trendcache.db import Database
from trendcache.db.models import CacheData, SyncRun


@dataclass(frozen=True)
class CachedKey:
    key: str
    fetched_at: datetime
    expires: datetime
    failing: bool  # its last refresh failed: older data is served


def cached_rows(database: Database, keys: Iterable[str]) -> dict[str, CacheData]:
    """The cached rows of `keys` that exist, by key (detached: read them freely)."""
    with database.session() as session:
        rows = session.scalars(select(CacheData).where(CacheData.key.in_(list(keys))))
        return {row.key: row for row in rows}


def cached_row(database: Database, key: str) -> CacheData | None:
    return cached_rows(database, [key]).get(key)


def updated_at(database: Database, key: str) -> datetime | None:
    """When `key`'s row was last written (one primary-key probe); None while it has none."""
    with database.session() as session:
        return session.scalar(select(CacheData.updated_at).where(CacheData.key == key))


def cached_keys(database: Database) -> list[CachedKey]:
    """Every cached key with its age and health, without reading the documents."""
    with database.session() as session:
        rows = session.execute(
            select(CacheData.key, CacheData.fetched_at, CacheData.expires, CacheData.error)
        ).all()
    return [
        CachedKey(key, fetched_at, expires, error is not None)
        for key, fetched_at, expires, error in rows
    ]


def last_sync_error(database: Database, source: str) -> str | None:
    """The error of the source's most recent sync, if it had one."""
    with database.session() as session:
        return session.scalar(
            select(SyncRun.error)
            .where(SyncRun.source == source)
            .order_by(SyncRun.id.desc())
            .limit(1)
        )

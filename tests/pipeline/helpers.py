"""Small helpers for pipeline tests: reading and ageing what a sync wrote."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import AlbumAppearance, CacheData, EnrichmentState, SyncRun


def cache_row(database: Database, key: str) -> CacheData | None:
    with database.session() as session:
        return session.scalar(select(CacheData).where(CacheData.key == key))


def make_stale(database: Database) -> None:
    """Age every cache row past its expiry, as if CACHE_DURATION_HOURS had passed."""
    with database.writer() as session:
        session.execute(update(CacheData).values(expires=utcnow() - timedelta(seconds=1)))


def count(database: Database, model: Any, *where: Any) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def appearances(database: Database) -> list[AlbumAppearance]:
    with database.session() as session:
        return list(session.scalars(select(AlbumAppearance).order_by(AlbumAppearance.position)))


def runs(database: Database) -> list[SyncRun]:
    with database.session() as session:
        return list(session.scalars(select(SyncRun).order_by(SyncRun.id)))


def pending_enrichment(database: Database) -> set[str]:
    with database.session() as session:
        return set(
            session.scalars(
                select(EnrichmentState.album_id).where(EnrichmentState.status == "pending")
            )
        )

"""Writing a sync's result: everything in one transaction, so readers see all of it or none.

Every source's listings are written alike (`write_listings`); `write_spotify_fetch` is
Spotify's own part: album facts, full albums and artists, enrichment jobs, trending views.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trendcache.clock import utcnow
from trendcache.db.models import (
    CacheData,
    EnrichmentState,
    SpotifyAlbum,
    SpotifyArtist,
)
from trendcache.db.upsert import upsert
from trendcache.pipeline.enrichment.store import refresh_seed_metadata
from trendcache.pipeline.history.recording import record_albums, record_listing
from trendcache.pipeline.keys import trending_key
from trendcache.pipeline.sync.fetch import FetchResult
from trendcache.pipeline.sync.source import Listing
from trendcache.pipeline.sync.trending import build_views

CACHE_UPDATE = ("data", "expires", "fetched_at", "updated_at", "error", "error_at")


def put_cache(
    session: Session, key: str, data: dict[str, Any], now: datetime, expires: datetime
) -> None:
    """The seed's `cacheData.upsert`; `metadata` (MusicBrainz state) is left as it was."""
    row = {"key": key, "data": data, "expires": expires, "fetched_at": now, "updated_at": now}
    upsert(session, CacheData, [{**row, "error": None, "error_at": None}], ["key"], CACHE_UPDATE)


def write_listings(
    session: Session, listings: list[Listing], now: datetime, expires: datetime
) -> None:
    """Any source's listings: each cached under its key and recorded as a history snapshot."""
    for listing in listings:
        put_cache(session, listing.key, listing.document, now, expires)
    for listing in listings:
        record_listing(session, listing.name, listing.market, listing.items, now)


def write_spotify_fetch(
    session: Session, result: FetchResult, markets: list[str], now: datetime, expires: datetime
) -> list[str]:
    """Spotify's part of a sync, after its listings: album facts, full albums and artists,
    enrichment jobs and the trending views of every one of `markets` (a sync of some of
    them rebuilds the rest from their stored listings); return albums newly queued."""
    record_albums(
        session, (item for listing in result.listings for item in listing.items), result.albums, now
    )
    upsert(
        session,
        SpotifyAlbum,
        [{"id": i, "data": d, "fetched_at": now} for i, d in result.albums.items()],
        ["id"],
        ("data", "fetched_at"),
    )
    upsert(
        session,
        SpotifyArtist,
        [{"id": i, "data": d, "fetched_at": now} for i, d in result.artists.items()],
        ["id"],
        ("data", "fetched_at"),
    )
    album_ids = list(dict.fromkeys(a for x in result.listings for a in x.album_ids))
    queued = _queue_enrichment(session, album_ids, now)
    session.flush()
    listings = {listing.market: listing.items for listing in result.listings}
    # A sync of some markets: the views read every market's listing as stored now.
    complete = listings if set(listings) == set(markets) else None
    views = {
        trending_key(scope): view
        for scope, view in build_views(session, markets, result.tier, now, complete).items()
    }
    for key, view in sorted(views.items()):  # in key order, as refresh_seed_metadata locks them
        put_cache(session, key, view, now, expires)
    refresh_seed_metadata(session, views)  # albums already matched show their ids at once
    return queued


def _queue_enrichment(session: Session, album_ids: list[str], now: datetime) -> list[str]:
    known = set(
        session.scalars(
            select(EnrichmentState.album_id).where(EnrichmentState.album_id.in_(album_ids))
        )
    )
    fresh = [album_id for album_id in album_ids if album_id not in known]
    upsert(
        session,
        EnrichmentState,
        [
            {
                "album_id": a,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "queued_at": now,
                "updated_at": now,
            }
            for a in fresh
        ],
        ["album_id"],
    )
    return fresh


def record_failure(session: Session, keys: list[str], message: str) -> None:
    """Keep serving what we have, flagged with why it could not be refreshed."""
    session.execute(
        update(CacheData).where(CacheData.key.in_(keys)).values(error=message, error_at=utcnow())
    )

"""The listings most pipeline tests store without a sync (tests/pipeline/listings.py) are
exactly what a sync over HTTP stores: cache, details, history and queue alike, on a first
sync and on a later day's, when only what is new is fetched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.fixtures.app import ServicesFactory
from tests.fixtures.database import sqlite_url
from tests.pipeline.helpers import make_stale, runs
from tests.pipeline.listings import store_listings
from trendcache.db import Database
from trendcache.db.history import Album, AlbumArtist, Artist, Snapshot
from trendcache.db.migrate import upgrade
from trendcache.db.models import (
    AlbumAppearance,
    CacheData,
    EnrichmentState,
    SpotifyAlbum,
    SpotifyArtist,
)
from trendcache.emulators.spotify import SpotifyEmulator

MARKETS = ("US", "GB")


def contents(database: Database) -> dict[str, Any]:
    """What a sync leaves behind, without ids the database picks."""
    with database.session() as session:
        return {
            "cache": {
                r.key: (r.data, r.fetched_at, r.expires) for r in session.scalars(select(CacheData))
            },
            "albums": {r.id: (r.data, r.fetched_at) for r in session.scalars(select(SpotifyAlbum))},
            "artists": {
                r.id: (r.data, r.fetched_at) for r in session.scalars(select(SpotifyArtist))
            },
            "queued": sorted(
                (r.album_id, r.status, r.queued_at)
                for r in session.scalars(select(EnrichmentState))
            ),
            "snapshots": sorted(
                (s.source_key, s.market, s.albums, s.fetched_at)
                for s in session.scalars(select(Snapshot))
            ),
            "appearances": sorted(
                (a.market, a.position, a.album_id, a.seen_at)
                for a in session.scalars(select(AlbumAppearance))
            ),
            "history": sorted(
                (a.id, a.name, a.label, a.upc, a.first_seen_at, a.last_seen_at)
                for a in session.scalars(select(Album))
            ),
            "credits": sorted(
                (c.album_id, c.position, c.artist_id) for c in session.scalars(select(AlbumArtist))
            ),
            "artist names": sorted((a.id, a.name) for a in session.scalars(select(Artist))),
        }


def test_stored_listings_are_what_a_sync_stores(
    make_services: ServicesFactory,
    database: Database,
    tmp_path: Path,
    spotify_emulator: SpotifyEmulator,
) -> None:
    services = make_services(database, spotify_markets=",".join(MARKETS))
    (tmp_path / "stored").mkdir()
    stored = Database(sqlite_url(tmp_path / "stored"))
    upgrade(stored)
    try:
        for day in range(2):
            if day:
                spotify_emulator.advance(days=2)  # some albums new, some known already
                make_stale(database)
            assert services.syncer.sync("schedule").error is None
            synced_at = runs(database)[-1].finished_at
            store_listings(stored, spotify_emulator, MARKETS, at=synced_at)
            synced, written = contents(database), contents(stored)
            assert synced["albums"] and synced["artists"] and synced["snapshots"]
            for part, rows in synced.items():
                assert written[part] == rows, (day, part)
    finally:
        stored.dispose()

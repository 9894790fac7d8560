"""An old database: a history written as syncs write it, with the schema then taken back
to an older revision, as an older trendcache left it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import select

from trendcache.db import Database
from trendcache.db.history import AlbumDebut, AlbumSpan, AlbumTotal, ArtistTotal
from trendcache.db.migrate import alembic_config
from trendcache.pipeline.history.recording import record_albums, record_listing
from trendcache.pipeline.keys import NEW_RELEASES

ROLLUPS = (AlbumSpan, AlbumDebut, AlbumTotal, ArtistTotal)
START = datetime.fromisoformat("2026-11-20T00:00:00+00:00")


def album(n: int) -> dict[str, Any]:
    """A listed album as Spotify's simplified album JSON; some share artists, some a guest."""
    artists = [{"id": f"artist{n % 3}", "name": f"Artist {n % 3}"}]
    if n % 4 == 0:
        artists.append({"id": "guest", "name": "Guest"})
    return {
        "id": f"album{n}",
        "name": f"Album {n}",
        "album_type": "album",
        "release_date": "2026-11-01",
        "release_date_precision": "day",
        "total_tracks": 9,
        "images": [],
        "external_urls": {"spotify": f"https://open.spotify.com/album/album{n}"},
        "artists": artists,
    }


def write_history(database: Database) -> None:
    """Three weeks of syncs in two markets: charts of four drawn from eight albums, so
    albums leave and come back, at times that cross days and blocks."""
    items = [album(n) for n in range(8)]
    rng = random.Random(9)
    with database.writer() as session:
        for day in range(21):
            for market in ("SE", "DK"):
                chart = rng.sample(items, 4)
                at = START + timedelta(days=day, hours=rng.choice((0, 12, 23)))
                record_listing(session, NEW_RELEASES, market, chart, at)
                record_albums(session, chart, {}, at)


def rollups(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    with database.session() as session:
        return {
            model.__tablename__: sorted(
                tuple(row) for row in session.execute(select(model.__table__))
            )
            for model in ROLLUPS
        }


def downgrade(database: Database, revision: str) -> None:
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)

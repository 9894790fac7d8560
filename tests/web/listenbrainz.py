"""ListenBrainz data for web tests, written as the ListenBrainz sync writes it: its served view
(`listenbrainz_view`, with `put_cache`), its listings in the history (`record_listing`,
`record_albums`), and a Spotify album joined to a release group (enrichment matched it)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from trendcache.clock import utcnow
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.history.joined import mbid_album_id
from trendcache.pipeline.history.recording import record_albums, record_listing
from trendcache.pipeline.keys import LISTENBRAINZ_TOP, LISTENBRAINZ_VIEW, WORLDWIDE
from trendcache.pipeline.sync.store import put_cache
from trendcache.services import Services

CAA = "http://127.0.0.1:9/caa"  # a cover URL's base: never fetched by TestClient tests


def group(n: int) -> str:
    """A release group MBID, the same for the same `n`."""
    return str(uuid.UUID(int=0x5EED_0000_0000_4000_8000_0000_0000_0000 + n))


def lb_item(
    n: int,
    *,
    name: str | None = None,
    listens: int | None = 1000,
    covers: str = CAA,
    release_date: str | None = "2026-11-27",
) -> dict[str, Any]:
    """A contract item (Spotify-simplified-album-shaped) for release group `group(n)`."""
    rg = group(n)
    artist = str(uuid.UUID(int=0xA7_0000_0000_4000_8000_0000_0000_0000 + n))
    release = str(uuid.UUID(int=0xBE_0000_0000_4000_8000_0000_0000_0000 + n))
    return {
        "id": mbid_album_id(rg),
        "name": name or f"Listened {n}",
        "album_type": "album",
        "release_date": release_date,
        "release_date_precision": "day" if release_date else None,
        "total_tracks": None,
        "images": [{"url": f"{covers}/release/{release}/front-250", "height": 250, "width": 250}],
        "external_urls": {"musicbrainz": f"https://musicbrainz.org/release-group/{rg}"},
        "artists": [
            {
                "id": mbid_album_id(artist),
                "name": f"Artist {n}",
                "external_urls": {"musicbrainz": f"https://musicbrainz.org/artist/{artist}"},
            }
        ],
        "release_group_mbid": rg,
        "release_mbid": release,
        "listen_count": listens,
    }


def write_view(
    services: Services,
    top: list[dict[str, Any]],
    fresh: list[dict[str, Any]] | None = None,
    at: datetime | None = None,
) -> None:
    at = at or utcnow()
    view = {
        "fetched_at": at.isoformat(),
        "range": {"name": "this_week", "from_ts": 0, "to_ts": 0},
        "top": [{**item, "position": i} for i, item in enumerate(top, start=1)],
        "fresh": [{**item, "position": i} for i, item in enumerate(fresh or [], start=1)],
    }
    with services.database.writer() as session:
        put_cache(session, LISTENBRAINZ_VIEW, view, at, at + timedelta(hours=6))


def record_top(services: Services, items: list[dict[str, Any]], at: datetime) -> None:
    """One snapshot of the ListenBrainz top, as the sync records it."""
    with services.database.writer() as session:
        record_albums(session, items, {}, at)
        record_listing(session, LISTENBRAINZ_TOP, WORLDWIDE, items, at)


def join(services: Services, spotify_id: str, release_group: str) -> None:
    """MusicBrainz enrichment matched `spotify_id` to `release_group`."""
    with services.database.writer() as session:
        state = session.scalar(
            select(EnrichmentState).where(EnrichmentState.album_id == spotify_id)
        )
        if state is None:
            state = EnrichmentState(album_id=spotify_id)
            session.add(state)
        state.status = "matched"
        state.level = "release_group"
        state.release_group_mbid = release_group
        state.updated_at = utcnow()

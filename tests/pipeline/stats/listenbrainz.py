"""ListenBrainz history for the statistics' tests, written through the real history path:
items in the shape the ListenBrainz sync lists (Spotify-simplified, `mb-<release group>`
ids, Cover Art Archive covers), stored with `record_albums` and `record_listing`, and
Spotify albums matched to a release group as enrichment leaves them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update

from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.history.joined import mbid_album_id
from trendcache.pipeline.history.recording import record_albums, record_listing
from trendcache.pipeline.keys import WORLDWIDE

CAA = "https://coverartarchive.org"


def group(n: int) -> str:
    """A release group MBID, distinct per `n`."""
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def lb_item(
    n: int, name: str | None = None, artist: str = "Listener Favourite", caa: str = CAA
) -> dict[str, Any]:
    """Release group `n` as the ListenBrainz sync lists it; its cover under `caa` (a
    browser test gives a loopback one: no test reaches the internet)."""
    rg, release, artist_mbid = group(n), group(1000 + n), group(2000 + n)
    return {
        "id": mbid_album_id(rg),
        "name": name or f"Release group {n}",
        "album_type": "album",
        "release_date": "2020-01-03",
        "release_date_precision": "day",
        "total_tracks": None,
        "images": [{"url": f"{caa}/release/{release}/front-250", "height": 250, "width": 250}],
        "external_urls": {"musicbrainz": f"https://musicbrainz.org/release-group/{rg}"},
        "artists": [
            {
                "id": f"mb-{artist_mbid}",
                "name": artist,
                "external_urls": {"musicbrainz": f"https://musicbrainz.org/artist/{artist_mbid}"},
            }
        ],
        "release_group_mbid": rg,
        "release_mbid": release,
        "listen_count": 1000 - n,
    }


def record_lb(database: Database, listing: str, items: list[dict[str, Any]], at: datetime) -> None:
    """One ListenBrainz snapshot (worldwide), as its sync writes it."""
    with database.writer() as session:
        record_albums(session, items, {}, at)
        record_listing(session, listing, WORLDWIDE, items, at)


def match(database: Database, album_id: str, n: int) -> None:
    """Enrichment matched the Spotify album `album_id` to release group `n`."""
    with database.writer() as session:
        found = session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.album_id == album_id)
            .values(status="matched", level="release_group", release_group_mbid=group(n))
        )
        if not found.rowcount:  # type: ignore[attr-defined]
            session.add(
                EnrichmentState(
                    album_id=album_id,
                    status="matched",
                    level="release_group",
                    release_group_mbid=group(n),
                )
            )

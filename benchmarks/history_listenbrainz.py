"""A ListenBrainz top for benchmarks/history_scale.py's synthetic history: one worldwide
snapshot of 100 release groups a day over the same days, written through the sync's own
history path (`record_albums`, `record_listing`), a tenth of the top changing every day.

Two in five of the top's release groups are those of Spotify albums the history charted
(their enrichment state matched to it), entering the top one to six weeks after Spotify
first listed them, so the statistics' "On both" has a join to make every window.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from trendcache.db import Database
from trendcache.db.history import AlbumChart
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.history.joined import mbid_album_id
from trendcache.pipeline.history.recording import record_albums, record_listing
from trendcache.pipeline.keys import LISTENBRAINZ_TOP, NEW_RELEASES, WORLDWIDE

TOP = 100
TURNOVER = 10  # release groups replaced a day


def group_mbid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def item(n: int) -> dict[str, Any]:
    rg = group_mbid(n)
    return {
        "id": mbid_album_id(rg),
        "name": f"Release group {n}",
        "album_type": "album",
        "images": [{"url": f"https://coverartarchive.org/release/{rg}/front-250"}],
        "artists": [{"id": f"mb-{group_mbid(10**6 + n % 500)}", "name": f"Artist {n % 500}"}],
    }


def add_listenbrainz_top(database: Database, end: datetime, days: int, seed: int = 5) -> int:
    """Write the top's daily snapshots over `days` days up to `end`; how many matched."""
    rng = random.Random(seed)
    with database.session() as session:
        firsts = session.execute(
            select(AlbumChart.album_id, AlbumChart.first_seen_at).where(
                AlbumChart.source == NEW_RELEASES
            )
        ).all()
    first_seen: dict[str, datetime] = {}
    for album_id, at in firsts:
        first_seen[album_id] = min(at, first_seen.get(album_id, at))
    start = end - timedelta(days=days)
    # Spotify albums the top will list, by the day it lists them first.
    due: dict[int, list[str]] = {}
    for album_id, at in first_seen.items():
        if rng.random() < 0.15:
            day = (at - start).days + rng.randint(7, 42)
            if day < days:
                due.setdefault(day, []).append(album_id)
    matched: dict[str, int] = {}
    next_group = 1
    top: list[int] = []
    for day in range(days):
        for _ in range(min(TURNOVER, len(top))):
            top.pop(rng.randrange(len(top)))
        for album_id in due.get(day, []):
            matched[album_id] = next_group
            top.insert(rng.randrange(len(top) + 1), next_group)
            next_group += 1
        while len(top) < TOP:
            top.insert(rng.randrange(len(top) + 1), next_group)
            next_group += 1
        top = top[:TOP]
        items = [item(n) for n in top]
        at = start + timedelta(days=day, hours=12)
        with database.writer() as session:
            record_albums(session, items, {}, at)
            record_listing(session, LISTENBRAINZ_TOP, WORLDWIDE, items, at)
    with database.writer() as session:
        for album_id, n in matched.items():
            session.execute(
                update(EnrichmentState)
                .where(EnrichmentState.album_id == album_id)
                .values(status="matched", level="release_group", release_group_mbid=group_mbid(n))
            )
    return len(matched)

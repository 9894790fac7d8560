"""Writing ListenBrainz's own part of a sync, after its listings: the albums and artists it
lists (`mb-` ids) and the one view it serves, `listenbrainz_view`.

The chart names no release date or type; an album the fresh releases described before
keeps what they said rather than losing it to the chart's silence. While ListenBrainz has
not computed the week's chart (its 204), the last chart stays served and counts as fresh
until the next sync, which asks again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trendcache.db.history import Album
from trendcache.db.models import CacheData
from trendcache.pipeline.history.recording import record_albums
from trendcache.pipeline.keys import (
    LISTENBRAINZ_FRESH,
    LISTENBRAINZ_TOP,
    listenbrainz_key,
    listenbrainz_view_key,
)
from trendcache.pipeline.sync.listenbrainz_items import Item
from trendcache.pipeline.sync.source import Fetched
from trendcache.pipeline.sync.store import put_cache

KEPT = ("album_type", "release_date", "release_date_precision")


@dataclass
class ListenBrainzFetched(Fetched):
    """Both listings (the chart's missing while ListenBrainz has not computed it) and the
    period the chart covers."""

    chart_range: dict[str, Any] = field(default_factory=dict)
    chart_missing: bool = False


def write_listenbrainz_fetch(
    session: Session, fetched: ListenBrainzFetched, now: datetime, expires: datetime
) -> None:
    listings = {listing.name: listing.items for listing in fetched.listings}
    keep_known_facts(session, [item for items in listings.values() for item in items])
    # The fresh releases first: where both list an album, theirs is the fuller item.
    items = sorted(fetched.listings, key=lambda listing: listing.name != LISTENBRAINZ_FRESH)
    record_albums(session, (item for listing in items for item in listing.items), {}, now)
    previous = session.scalar(
        select(CacheData.data).where(CacheData.key == listenbrainz_view_key())
    )
    chart_range, top = fetched.chart_range, listings.get(LISTENBRAINZ_TOP)
    if fetched.chart_missing:
        top, chart_range = keep_last_chart(session, previous, chart_range, now, expires)
    view = {
        "fetched_at": now.isoformat(),
        "range": chart_range,
        "top": positioned(top or []),
        "fresh": positioned(listings.get(LISTENBRAINZ_FRESH) or []),
    }
    put_cache(session, listenbrainz_view_key(), view, now, expires)


def keep_known_facts(session: Session, items: list[Item]) -> None:
    """Give items without a release date the date and type their album row has."""
    unknown = sorted({item["id"] for item in items if item["release_date"] is None})
    if not unknown:
        return
    rows = session.execute(
        select(Album.id, *(getattr(Album, column) for column in KEPT)).where(
            Album.id.in_(unknown), Album.release_date.is_not(None)
        )
    )
    known = {row.id: row for row in rows}
    for item in items:
        row = known.get(item["id"])
        if row is not None and item["release_date"] is None:
            item.update({column: getattr(row, column) for column in KEPT})


def keep_last_chart(
    session: Session,
    previous: dict[str, Any] | None,
    chart_range: dict[str, Any],
    now: datetime,
    expires: datetime,
) -> tuple[list[Item], dict[str, Any]]:
    """The chart ListenBrainz has not computed yet: the last one stays served (and its key
    fresh until `expires`); the first time, an empty chart says so."""
    key = listenbrainz_key(LISTENBRAINZ_TOP)
    touched = session.execute(
        update(CacheData).where(CacheData.key == key).values(expires=expires, updated_at=now)
    )
    if not touched.rowcount:  # type: ignore[attr-defined]
        put_cache(
            session, key, {"payload": None, "not_computed": chart_range["name"]}, now, expires
        )
    if previous is None:
        return [], chart_range
    top = [{k: v for k, v in item.items() if k != "position"} for item in previous.get("top", [])]
    return top, previous.get("range") or chart_range


def positioned(items: list[Item]) -> list[Item]:
    return [{**item, "position": position} for position, item in enumerate(items, start=1)]

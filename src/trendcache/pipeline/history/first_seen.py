"""When albums first appeared in some listings: what a feed of new releases dates them by.

A release date says when a label released an album; a reader of a feed of new releases
wants to know when it turned up here, in this market's listing. Each album's run per
listing (`AlbumChart`, kept current snapshot by snapshot and true to the appearances after
a backfill) holds its first sighting, so the answer is one primary-key probe per album and
listing, however long the history.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trendcache.db.history import AlbumChart


def first_seen(
    session: Session,
    album_ids: Collection[str],
    sources: Collection[str],
    markets: Collection[str],
) -> dict[str, datetime]:
    """Album id → its earliest sighting in any of these sources and markets; albums the
    history does not know in them are absent."""
    if not album_ids or not sources or not markets:
        return {}
    rows = session.execute(
        select(AlbumChart.album_id, func.min(AlbumChart.first_seen_at))
        .where(
            AlbumChart.album_id.in_(album_ids),
            AlbumChart.source.in_(sources),
            AlbumChart.market.in_(markets),
        )
        .group_by(AlbumChart.album_id)
    ).all()
    return dict(rows)

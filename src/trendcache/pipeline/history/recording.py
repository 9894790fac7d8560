"""The sync's history write: a snapshot per listing, its appearances, albums and artists,
and the charts, days and rollups they move, all in the sync's own transaction.

Every statement is bounded by the listing's size: rows are found by primary key or by the
listing's own snapshot, never by scanning the history, so a sync takes as long on a
database holding years of history as on an empty one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from trendcache.db.history import Album, AlbumArtist, AlbumChart, AlbumDay, Artist, Snapshot
from trendcache.db.models import AlbumAppearance, new_id
from trendcache.db.upsert import upsert
from trendcache.pipeline.history.charting import Row, advance_chart, advance_day, first_positions
from trendcache.pipeline.history.rollups import record_rollups
from trendcache.pipeline.views import pick_image

ALBUM_LISTED = (
    "name",
    "album_type",
    "release_date",
    "release_date_precision",
    "total_tracks",
    "image",
    "spotify_url",
    "last_seen_at",
    "updated_at",
)
CHART_COLUMNS = tuple(c.name for c in AlbumChart.__table__.columns if not c.primary_key)


def record_listing(
    session: Session,
    source: str,
    market: str,
    items: list[dict[str, Any]],
    at: datetime,
) -> int:
    """Write one listing (Spotify's simplified albums, in order) as a snapshot; its id."""
    snapshot_id = add_snapshot(session, source, market, at, len(items))
    positions = first_positions([item["id"] for item in items])
    if not positions:
        return snapshot_id
    session.execute(
        insert(cast(Table, AlbumAppearance.__table__)),  # Core: no ORM bulk overhead
        [
            {
                "id": new_id(),
                "album_id": album_id,
                "source": source,
                "market": market,
                "position": position,
                "seen_at": at,
                "snapshot_id": snapshot_id,
            }
            for album_id, position in positions
        ],
    )
    previous_id = previous_snapshot(session, source, market, at)
    new_here = advance(session, source, market, snapshot_id, previous_id, at, positions)
    credits = {item["id"]: [artist["id"] for artist in item.get("artists") or []] for item in items}
    record_rollups(session, source, market, at, positions, credits, new_here)
    return snapshot_id


def add_snapshot(session: Session, source: str, market: str, at: datetime, albums: int) -> int:
    statement = (
        insert(Snapshot)
        .values(source_key=f"{source}:{market}", source=source, market=market)
        .values(fetched_at=at, albums=albums)
        .returning(Snapshot.id)
    )
    return int(session.execute(statement).scalar_one())


def previous_snapshot(session: Session, source: str, market: str, at: datetime) -> int | None:
    """The listing's snapshot just before `at` (one index probe)."""
    return session.scalar(
        select(Snapshot.id)
        .where(Snapshot.source == source, Snapshot.market == market, Snapshot.fetched_at < at)
        .order_by(Snapshot.fetched_at.desc())
        .limit(1)
    )


def advance(
    session: Session,
    source: str,
    market: str,
    snapshot_id: int,
    previous_id: int | None,
    at: datetime,
    positions: list[tuple[str, int]],
) -> set[str]:
    """Move the charts and days of the albums in one snapshot; those charted here first."""
    if not positions:
        return set()
    album_ids = [album_id for album_id, _ in positions]
    charts = {
        row["album_id"]: row
        for row in _rows(
            session,
            AlbumChart,
            AlbumChart.album_id.in_(album_ids),
            AlbumChart.source == source,
            AlbumChart.market == market,
        )
    }
    day = at.date()
    days = {
        row["album_id"]: row
        for row in _rows(
            session,
            AlbumDay,
            AlbumDay.day == day,
            AlbumDay.album_id.in_(album_ids),
            AlbumDay.source == source,
            AlbumDay.market == market,
        )
    }
    new_charts, new_days = [], []
    for album_id, position in positions:
        key = (album_id, source, market)
        new_charts.append(
            advance_chart(charts.get(album_id), key, snapshot_id, previous_id, at, position)
        )
        new_days.append(advance_day(days.get(album_id), (day, *key), position))
    upsert(session, AlbumChart, new_charts, ["album_id", "source", "market"], CHART_COLUMNS)
    upsert(
        session,
        AlbumDay,
        new_days,
        ["day", "album_id", "source", "market"],
        ("appearances", "best_position"),
    )
    return {album_id for album_id, _ in positions if album_id not in charts}


def _rows(session: Session, model: Any, *where: Any) -> list[Row]:
    result = session.execute(select(model.__table__).where(*where))
    return [dict(row._mapping) for row in result]


def record_albums(
    session: Session,
    items: Iterable[dict[str, Any]],
    details: Mapping[str, dict[str, Any]],
    at: datetime,
    *,
    refresh: bool = True,
) -> None:
    """Upsert albums, artists and credits from listed items, label and UPC from `details`
    (full albums), kept from before for albums without. `refresh=False` only adds what is
    missing (the backfill: what a sync wrote is newer than any cached JSON)."""
    albums: dict[str, Row] = {}
    artists: dict[str, Row] = {}
    credits: list[Row] = []
    for item in items:
        if item["id"] in albums:
            continue
        albums[item["id"]] = album_row(item, details.get(item["id"]), at)
        for position, artist in enumerate(item["artists"], start=1):
            artists[artist["id"]] = {
                "id": artist["id"],
                "name": artist["name"],
                "spotify_url": (artist.get("external_urls") or {}).get("spotify"),
                "updated_at": at,
            }
            credits.append(
                {"album_id": item["id"], "position": position, "artist_id": artist["id"]}
            )
    detailed = [row for album_id, row in albums.items() if album_id in details]
    plain = [row for album_id, row in albums.items() if album_id not in details]
    upsert(session, Album, plain, ["id"], ALBUM_LISTED if refresh else ())
    upsert(session, Album, detailed, ["id"], (*ALBUM_LISTED, "label", "upc") if refresh else ())
    artist_update = ("name", "spotify_url", "updated_at") if refresh else ()
    upsert(session, Artist, list(artists.values()), ["id"], artist_update)
    upsert(
        session, AlbumArtist, credits, ["album_id", "position"], ("artist_id",) if refresh else ()
    )


def album_row(item: dict[str, Any], detail: dict[str, Any] | None, at: datetime) -> Row:
    detail = detail or {}
    return {
        "id": item["id"],
        "name": item["name"],
        "album_type": item.get("album_type"),
        "release_date": item.get("release_date"),
        "release_date_precision": item.get("release_date_precision"),
        "total_tracks": item.get("total_tracks"),
        "label": detail.get("label"),
        "upc": (detail.get("external_ids") or {}).get("upc"),
        "image": pick_image(item.get("images") or []),
        "spotify_url": (item.get("external_urls") or {}).get("spotify"),
        "first_seen_at": at,
        "last_seen_at": at,
        "updated_at": at,
    }

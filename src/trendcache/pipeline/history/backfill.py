"""`trendcache backfill`: the history tables from what was stored before they existed.

The seed's "parse JSON into AlbumAppearance records", made idempotent:

1. appearances written before snapshots existed are grouped by listing and moment into
   snapshots (found again, never duplicated, on a second run);
2. every cached new-releases listing whose moment has no snapshot yet is parsed into one,
   with its appearances;
3. albums, artists and credits missing from the history are added from the cached
   listings and the full albums (what a sync wrote stays: it is newer);
4. the per-album charts and days are rebuilt from every appearance, with the same rules
   the sync applies snapshot by snapshot, then the rollups from them, and albums'
   first and last sightings.

It runs in one transaction: killed half-way it leaves nothing behind, and run again it
finds the same work. A second run changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from trendcache.db import Database
from trendcache.db.history import Album, AlbumChart, AlbumDay, Snapshot
from trendcache.db.models import AlbumAppearance, CacheData, SpotifyAlbum, new_id
from trendcache.pipeline.history.charting import Row, advance_chart, advance_day, first_positions
from trendcache.pipeline.history.recording import add_snapshot, record_albums
from trendcache.pipeline.history.rollups import rebuild_rollups
from trendcache.pipeline.keys import NEW_RELEASES

Progress = Callable[[str, int], None]  # (stage, items done in it)
INSERT_CHUNK = 5_000


@dataclass
class BackfillReport:
    attached: int = 0  # appearances given a snapshot
    snapshots_from_appearances: int = 0
    snapshots_from_cache: int = 0
    appearances_from_cache: int = 0
    albums_added: int = 0
    charts: int = 0
    days: int = 0
    spans: int = 0
    debuts: int = 0
    totals: int = 0


def backfill(database: Database, on_progress: Progress | None = None) -> BackfillReport:
    report = BackfillReport()
    progress = on_progress or (lambda stage, done: None)
    with database.writer() as session:
        _attach_orphans(session, report, progress)
        _parse_cached_listings(session, report, progress)
        _add_missing_albums(session, report, progress)
        _rebuild_charts(session, report, progress)
    return report


def _find_or_add_snapshot(
    session: Session, source: str, market: str, at: datetime, albums: int
) -> tuple[int, bool]:
    found = session.scalar(
        select(Snapshot.id).where(
            Snapshot.source_key == f"{source}:{market}", Snapshot.fetched_at == at
        )
    )
    if found is not None:
        return int(found), False
    return add_snapshot(session, source, market, at, albums), True


def _attach_orphans(session: Session, report: BackfillReport, progress: Progress) -> None:
    groups = session.execute(
        select(
            AlbumAppearance.source,
            AlbumAppearance.market,
            AlbumAppearance.seen_at,
            func.count(),
        )
        .where(AlbumAppearance.snapshot_id.is_(None))
        .group_by(AlbumAppearance.source, AlbumAppearance.market, AlbumAppearance.seen_at)
    ).all()
    for source, market, seen_at, albums in groups:
        snapshot_id, added = _find_or_add_snapshot(session, source, market, seen_at, albums)
        report.snapshots_from_appearances += added
        attached = session.execute(
            update(AlbumAppearance)
            .where(
                AlbumAppearance.snapshot_id.is_(None),
                AlbumAppearance.source == source,
                AlbumAppearance.market == market,
                AlbumAppearance.seen_at == seen_at,
            )
            .values(snapshot_id=snapshot_id)
        )
        report.attached += attached.rowcount  # type: ignore[attr-defined]
        progress("attach", albums)


def _cached_listings(session: Session) -> Iterator[tuple[str, datetime, list[dict[str, Any]]]]:
    """(market, fetched at, items) of every cached new-releases listing."""
    rows = session.execute(
        select(CacheData.key, CacheData.fetched_at, CacheData.data).where(
            CacheData.key.like(f"{NEW_RELEASES}:%")
        )
    )
    for key, fetched_at, data in rows:
        items = ((data or {}).get("albums") or {}).get("items") or []
        yield key.split(":", 1)[1], fetched_at, [item for item in items if item.get("id")]


def _parse_cached_listings(session: Session, report: BackfillReport, progress: Progress) -> None:
    for market, fetched_at, items in list(_cached_listings(session)):
        snapshot_id, added = _find_or_add_snapshot(
            session, NEW_RELEASES, market, fetched_at, len(items)
        )
        if not added:
            continue
        report.snapshots_from_cache += 1
        rows = [
            {
                "id": new_id(),
                "album_id": album_id,
                "source": NEW_RELEASES,
                "market": market,
                "position": position,
                "seen_at": fetched_at,
                "snapshot_id": snapshot_id,
            }
            for album_id, position in first_positions([item["id"] for item in items])
        ]
        if rows:
            session.execute(insert(AlbumAppearance), rows)
        report.appearances_from_cache += len(rows)
        progress("parse", len(rows))


def _add_missing_albums(session: Session, report: BackfillReport, progress: Progress) -> None:
    listed: dict[str, tuple[dict[str, Any], datetime]] = {}
    for _, fetched_at, items in _cached_listings(session):
        for item in items:
            listed.setdefault(item["id"], (item, fetched_at))
    known = set(session.scalars(select(Album.id)))
    seen = set(session.scalars(select(AlbumAppearance.album_id).distinct()))
    wanted = (set(listed) | seen) - known
    details: dict[str, tuple[dict[str, Any], datetime]] = {
        album_id: (data, fetched_at)
        for album_id, data, fetched_at in session.execute(
            select(SpotifyAlbum.id, SpotifyAlbum.data, SpotifyAlbum.fetched_at).where(
                SpotifyAlbum.id.in_(wanted)
            )
        )
    }
    # A cached listing's item where there is one, else the full album (the same fields);
    # an album known by neither (its details were never fetched) cannot be described.
    by_moment: dict[datetime, list[dict[str, Any]]] = defaultdict(list)
    for album_id in sorted(wanted):
        if found := listed.get(album_id) or details.get(album_id):
            item, at = found
            by_moment[at].append(item)
    full = {album_id: data for album_id, (data, _) in details.items()}
    for at, items in by_moment.items():
        record_albums(session, items, full, at, refresh=False)
        report.albums_added += len(items)
    progress("albums", report.albums_added)


def _rebuild_charts(session: Session, report: BackfillReport, progress: Progress) -> None:
    """Charts and days from scratch, every listing's snapshots in order of time."""
    previous: dict[int, int | None] = {}
    last: dict[tuple[str, str], int] = {}
    order = (Snapshot.source, Snapshot.market, Snapshot.fetched_at, Snapshot.id)
    for snapshot_id, source, market in session.execute(
        select(Snapshot.id, Snapshot.source, Snapshot.market).order_by(*order)
    ):
        previous[snapshot_id] = last.get((source, market))
        last[(source, market)] = snapshot_id
    charts: dict[tuple[str, str, str], Row] = {}
    days: dict[tuple[Any, str, str, str], Row] = {}
    appearances = session.execute(
        select(
            Snapshot.id,
            Snapshot.source,
            Snapshot.market,
            Snapshot.fetched_at,
            AlbumAppearance.album_id,
            AlbumAppearance.position,
        )
        .join(Snapshot, Snapshot.id == AlbumAppearance.snapshot_id)
        .where(AlbumAppearance.position.is_not(None))
        .order_by(Snapshot.fetched_at, Snapshot.id, AlbumAppearance.position)
        .execution_options(yield_per=INSERT_CHUNK)
    )
    for done, (snapshot_id, source, market, at, album_id, position) in enumerate(appearances, 1):
        assert position is not None  # selected so
        key = (album_id, source, market)
        charts[key] = advance_chart(
            charts.get(key), key, snapshot_id, previous[snapshot_id], at, position
        )
        day_key = (at.date(), *key)
        days[day_key] = advance_day(days.get(day_key), day_key, position)
        if done % INSERT_CHUNK == 0:
            progress("charts", INSERT_CHUNK)
    session.execute(delete(AlbumChart))
    session.execute(delete(AlbumDay))
    for model, rows in ((AlbumChart, list(charts.values())), (AlbumDay, list(days.values()))):
        for start in range(0, len(rows), INSERT_CHUNK):
            session.execute(insert(model), rows[start : start + INSERT_CHUNK])
    report.charts, report.days = len(charts), len(days)
    rollups = rebuild_rollups(session)
    report.spans, report.debuts = len(rollups.spans), len(rollups.debuts)
    report.totals = len(rollups.totals) + len(rollups.artists)
    _update_sightings(session)


def _update_sightings(session: Session) -> None:
    """Albums' first and last sightings: the earliest and latest over their charts."""
    first = (
        select(func.min(AlbumChart.first_seen_at))
        .where(AlbumChart.album_id == Album.id)
        .scalar_subquery()
    )
    last = (
        select(func.max(AlbumChart.last_seen_at))
        .where(AlbumChart.album_id == Album.id)
        .scalar_subquery()
    )
    charted = select(AlbumChart.album_id).where(AlbumChart.album_id == Album.id).exists()
    session.execute(
        update(Album)
        .where(charted)
        .values(first_seen_at=first, last_seen_at=last, updated_at=Album.updated_at)
    )

"""An album's trending history: the album, and per listing (source and market) its run in
figures, its positions over time and the snapshots it missed.

Read on request, so every statement is driven by an index and reads a bounded number of
rows however long the history (see `read_album_history` for the statements). The figures
come whole from `AlbumChart`, which each snapshot keeps current; only the series is read
from the appearances, at most `max_points` per listing, newest first.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Select, except_, literal, select, union_all
from sqlalchemy.orm import Session

from trendcache.db.history import Album, AlbumArtist, AlbumChart, Artist, Snapshot
from trendcache.db.models import AlbumAppearance, EnrichmentState
from trendcache.pipeline.enrichment.store import match_summary
from trendcache.pipeline.history.album_history_types import (
    AlbumHistory,
    ChartHistory,
    Credit,
    Gap,
    Listing,
    Point,
)

MAX_POINTS = 2000  # per listing: more than a chart can draw; 500 days of 6-hourly syncs


def read_album_history(
    session: Session,
    album_id: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    max_points: int = MAX_POINTS,
) -> AlbumHistory | None:
    """The album's history, None for an album trendcache never recorded.

    `since` and `until` (inclusive) bound the points. The statements, whatever the size:
    the album with its enrichment state (primary keys); its credits (album_artists' key
    prefix, then artists' key); its charts (album_charts' key prefix), each with its
    listing's latest snapshot (one probe of snapshots (source, market, fetched_at)); its
    points (one bounded range of album_appearances (album_id, source, market, seen_at) per
    listing, in one statement); and only when it re-entered a listing, the snapshots of
    that listing it missed between its first and last point (snapshots (source, market,
    fetched_at) except its appearances, both index-only ranges), for its gaps.
    """
    found = session.execute(
        select(Album, EnrichmentState)
        .outerjoin(EnrichmentState, EnrichmentState.album_id == Album.id)
        .where(Album.id == album_id)
    ).one_or_none()
    if found is None:
        return None
    album, state = found
    charts = session.execute(_charts(album_id)).all()
    listings = [(chart.source, chart.market) for chart in charts]
    newest = _read_points(session, album_id, listings, since, until, max_points + 1)
    series = {listing: _latest(points, max_points) for listing, points in newest.items()}
    reentered = [(chart.source, chart.market) for chart in charts if chart.runs > 1]
    gaps = _read_gaps(session, album_id, {key: series[key][0] for key in reentered})
    histories = []
    for chart in charts:
        listing = (chart.source, chart.market)
        shown, truncated = series[listing]
        listed = chart.last_snapshot_id == chart.latest_snapshot_id
        histories.append(
            ChartHistory(
                source=chart.source,
                market=chart.market,
                first_seen_at=chart.first_seen_at,
                last_seen_at=chart.last_seen_at,
                last_position=chart.last_position,
                peak_position=chart.peak_position,
                peak_at=chart.peak_at,
                snapshots=chart.snapshots,
                listed=listed,
                current_streak=chart.streak if listed else 0,
                reentries=chart.runs - 1,
                points=shown,
                truncated=truncated,
                gaps=gaps.get(listing, []),
            )
        )
    tried = state is not None and state.status != "pending"
    return AlbumHistory(
        album=album,
        artists=_read_credits(session, album_id),
        musicbrainz=match_summary(state) if tried else None,
        charts=histories,
    )


def _charts(album_id: str) -> Select[Any]:
    latest = (
        select(Snapshot.id)
        .where(Snapshot.source == AlbumChart.source, Snapshot.market == AlbumChart.market)
        .order_by(Snapshot.fetched_at.desc())
        .limit(1)
        .correlate(AlbumChart)
        .scalar_subquery()
    )
    return (
        select(AlbumChart.__table__, latest.label("latest_snapshot_id"))
        .where(AlbumChart.album_id == album_id)
        .order_by(AlbumChart.source, AlbumChart.market)
    )


def _read_points(
    session: Session,
    album_id: str,
    listings: list[Listing],
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> dict[Listing, list[Point]]:
    """Per listing, its latest `limit` points in the window, newest first."""
    window = []
    if since is not None:
        window.append(AlbumAppearance.seen_at >= since)
    if until is not None:
        window.append(AlbumAppearance.seen_at <= until)
    parts = [
        select(
            literal(index).label("listing"),
            AlbumAppearance.seen_at,
            AlbumAppearance.position,
            AlbumAppearance.snapshot_id,
        )
        .where(
            AlbumAppearance.album_id == album_id,
            AlbumAppearance.source == source,
            AlbumAppearance.market == market,
            *window,
        )
        .order_by(AlbumAppearance.seen_at.desc())
        .limit(limit)
        for index, (source, market) in enumerate(listings)
    ]
    found: list[list[Point]] = [[] for _ in listings]
    for index, seen_at, position, snapshot_id in session.execute(_union(parts)).all():
        found[index].append(Point(seen_at, position, snapshot_id))
    for points in found:  # a union keeps no order: sort (already in order, O(n))
        points.sort(key=lambda point: point.seen_at, reverse=True)
    return dict(zip(listings, found, strict=True))


def _latest(newest_first: list[Point], max_points: int) -> tuple[list[Point], bool]:
    """The latest `max_points`, oldest first, and whether any were left out."""
    return newest_first[:max_points][::-1], len(newest_first) > max_points


def _read_gaps(
    session: Session, album_id: str, shown: dict[Listing, list[Point]]
) -> dict[Listing, list[Gap]]:
    """Per listing, the runs of its snapshots between the first and the last shown point
    that did not list the album.

    The database returns only the snapshots it missed (the listing's snapshot times
    except the album's appearance times, two index-only ranges); since every appearance
    in that range is a shown point, the missed snapshots between the same two points are
    one gap.
    """
    listings = [listing for listing, points in shown.items() if len(points) > 1]
    parts = []
    for index, (source, market) in enumerate(listings):
        first, last = shown[(source, market)][0].seen_at, shown[(source, market)][-1].seen_at
        missed = except_(
            select(Snapshot.fetched_at.label("at")).where(
                Snapshot.source == source,
                Snapshot.market == market,
                Snapshot.fetched_at > first,
                Snapshot.fetched_at < last,
            ),
            select(AlbumAppearance.seen_at).where(
                AlbumAppearance.album_id == album_id,
                AlbumAppearance.source == source,
                AlbumAppearance.market == market,
                AlbumAppearance.seen_at > first,
                AlbumAppearance.seen_at < last,
            ),
        ).subquery()
        parts.append(select(literal(index).label("listing"), missed.c.at))
    missed_at: list[list[datetime]] = [[] for _ in listings]
    if parts:
        for index, at in session.execute(_union(parts)).all():
            missed_at[index].append(at)
    return {
        listing: group_gaps(shown[listing], sorted(times))
        for listing, times in zip(listings, missed_at, strict=True)
        if times
    }


def group_gaps(points: Sequence[Point], missed: Sequence[datetime]) -> list[Gap]:
    """Missed snapshot times (oldest first) as gaps: those between the same two
    consecutive points are one."""
    times = [point.seen_at for point in points]
    runs: dict[int, list[datetime]] = {}
    for at in missed:
        runs.setdefault(bisect_right(times, at), []).append(at)
    return [Gap(run[0], run[-1], len(run)) for _, run in sorted(runs.items())]


def _read_credits(session: Session, album_id: str) -> list[Credit]:
    rows = session.execute(
        select(Artist.id, Artist.name, Artist.spotify_url)
        .join(AlbumArtist, AlbumArtist.artist_id == Artist.id)
        .where(AlbumArtist.album_id == album_id)
        .order_by(AlbumArtist.position)
    )
    return [Credit(row.id, row.name, row.spotify_url) for row in rows]


def _union(parts: Sequence[Select[*tuple[Any, ...]]]) -> Executable:
    """One statement of several ordered, limited selects (each wrapped, as SQLite needs)."""
    if len(parts) == 1:
        return parts[0]
    return union_all(*(part.subquery().select() for part in parts))

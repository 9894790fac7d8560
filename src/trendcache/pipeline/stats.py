"""Trending statistics over a window of the history (see `stats_window` for the window).

- **New entries**: albums whose first appearance in scope (the source and market filters;
  across all of them when unfiltered) falls in the window, newest first, each with the
  market and position it debuted at (its best, when it debuted in several markets at once).
- **Climbers and fallers**: for each listing (a source in a market) in scope, its last two
  snapshots in the window compared; an album in both that moved up or down. **Entered**
  and **left**: in the later snapshot only, or in the earlier only.
- **Longest running**: albums by the number of snapshots they appeared in over the
  window's UTC days (summed over the markets in scope), with their best position.
- **Top artists**: artists by the appearances of their albums over the window's days.
- **Market overlap**: for each pair of markets, the albums of each market's latest
  snapshot in the window: how many both list, and the Jaccard similarity (shared ÷ either).
- **Enrichment coverage**: the albums that appeared over the window's days, by MusicBrainz
  enrichment status, and the share matched.

Longest running, top artists and coverage read the per-day table, so they count whole UTC
days: a window from 14:00 includes that day's earlier snapshots too. The rest are exact to
the moment.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from trendcache.db import Database
from trendcache.db.types import utcnow
from trendcache.pipeline import stats_queries as q
from trendcache.pipeline.album_facts import AlbumFacts
from trendcache.pipeline.enrichment_status import STATUSES
from trendcache.pipeline.snapshot_listings import SnapshotListings
from trendcache.pipeline.stats_days import read_days
from trendcache.pipeline.stats_types import (
    NOT_QUEUED,
    ArtistRun,
    Comparison,
    Counted,
    Coverage,
    DaySummary,
    LongRunner,
    MarketOverlap,
    Move,
    NewEntry,
    TrendingStats,
)
from trendcache.pipeline.stats_window import StatsWindow


class RawMove(NamedTuple):
    """A move before its album is labelled (only the shown ones are)."""

    source: str
    market: str
    album_id: str
    before: int | None
    after: int | None


@dataclass
class StatsMemory:
    """What the computations keep between requests, per process: the albums' facts
    (`album_facts`) and the snapshots' listings (`snapshot_listings`)."""

    facts: AlbumFacts = field(default_factory=AlbumFacts)
    listings: SnapshotListings = field(default_factory=SnapshotListings)


def compute_stats(
    database: Database, window: StatsWindow, memory: StatsMemory | None = None
) -> TrendingStats:
    """Every statistic for `window`.

    The pass over the window's days (the costliest read) runs on a second connection while
    this one reads the entries and snapshots: both databases answer them in parallel (on
    PostgreSQL as on SQLite, whose driver lets go of the GIL while it reads). Like any two
    reads, they may straddle a sync; the cache keys the result by the stamp read first, so
    such a result is replaced on the next request.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stats-days") as pool:
        memory = memory or StatsMemory()
        pending = pool.submit(_read_days, database, window, memory.facts)
        with database.session() as session:
            return _compute(session, window, memory.listings, pending)


def _read_days(database: Database, window: StatsWindow, facts: AlbumFacts) -> DaySummary:
    with database.session() as session:
        return read_days(session, window, facts)


def _compute(
    session: Session, window: StatsWindow, listings: SnapshotListings, pending: Future[DaySummary]
) -> TrendingStats:
    stamp = q.read_stamp(session)
    entry_count, debuts = q.new_entries(session, window)
    snapshots = q.window_snapshots(session, window)
    comparisons = compare_pairs(snapshots, window)
    latest = [s for s in snapshots if s.rank == 1]
    wanted = {s.id for s in latest} | {c.previous_id for c in comparisons}
    positions = listings.get(session, wanted)
    moves = [move for c in comparisons for move in movements(c, positions)]
    climbers, fallers, entered, left = rank_moves(moves, window.limit)
    days = pending.result()
    shown = [*climbers[1], *fallers[1], *entered[1], *left[1]]
    album_ids = {d.album_id for d in debuts} | {m.album_id for m in shown}
    albums = q.album_labels(session, album_ids | {t.album_id for t in days.longest})
    artists = q.artist_labels(session, {t.artist_id for t in days.top_artists})

    def counted_moves(found: tuple[int, list[RawMove]]) -> Counted[Move]:
        count, shown = found
        items = (Move(albums[m.album_id], m.source, m.market, m.before, m.after) for m in shown)
        return Counted(count, tuple(items))

    return TrendingStats(
        window=window,
        latest_snapshot_id=stamp[0],
        computed_at=utcnow(),
        new_entries=Counted(
            entry_count,
            tuple(
                NewEntry(albums[d.album_id], d.source, d.market, d.position, d.first_seen_at)
                for d in debuts
            ),
        ),
        comparisons=tuple(comparisons),
        climbers=counted_moves(climbers),
        fallers=counted_moves(fallers),
        entered=counted_moves(entered),
        left=counted_moves(left),
        longest_running=Counted(
            days.albums,
            tuple(
                LongRunner(albums[t.album_id], t.appearances, t.best_position, t.markets)
                for t in days.longest
            ),
        ),
        artists=Counted(
            days.artists,
            tuple(
                ArtistRun(artists[t.artist_id], t.appearances, t.albums) for t in days.top_artists
            ),
        ),
        overlap=tuple(overlaps(latest, positions, window)),
        enrichment=coverage_of(days.statuses),
    )


def compare_pairs(snapshots: Iterable[q.WindowSnapshot], window: StatsWindow) -> list[Comparison]:
    """The listings in scope with two snapshots in the window, by source and market."""
    by_listing: dict[tuple[str, str], dict[int, q.WindowSnapshot]] = {}
    for snapshot in snapshots:
        if window.market and snapshot.market != window.market:
            continue
        by_listing.setdefault((snapshot.source, snapshot.market), {})[snapshot.rank] = snapshot
    found = []
    for (source, market), ranks in sorted(by_listing.items()):
        if 2 in ranks:
            before, after = ranks[2], ranks[1]
            found.append(
                Comparison(source, market, before.id, before.fetched_at, after.id, after.fetched_at)
            )
    return found


def movements(comparison: Comparison, positions: dict[int, dict[str, int | None]]) -> list[RawMove]:
    """Every album of either snapshot, with its position before and after (None: absent)."""
    before, after = positions[comparison.previous_id], positions[comparison.latest_id]
    source, market = comparison.source, comparison.market
    moved = [
        RawMove(source, market, album_id, position, after.get(album_id))
        for album_id, position in before.items()
    ]
    moved.extend(
        RawMove(source, market, album_id, None, position)
        for album_id, position in after.items()
        if album_id not in before
    )
    return moved


Ranked = tuple[int, list[RawMove]]  # how many, and the first few


def rank_moves(moves: list[RawMove], limit: int) -> tuple[Ranked, Ranked, Ranked, Ranked]:
    """Climbers (most places gained first), fallers (most lost), entered (highest first)
    and left (highest before first), each then by position, market, source and album (a
    stable order); one pass sorts each move into its list by a plain tuple key."""
    climbers: list[tuple[Any, ...]] = []
    fallers: list[tuple[Any, ...]] = []
    entered: list[tuple[Any, ...]] = []
    left: list[tuple[Any, ...]] = []
    for move in moves:
        source, market, album_id, before, after = move
        if before is None:
            entered.append((after or 0, market, source, album_id, move))
        elif after is None:
            left.append((before, market, source, album_id, move))
        elif before > after:
            climbers.append((after - before, after, market, source, album_id, move))
        elif before < after:
            fallers.append((before - after, after, market, source, album_id, move))

    def first(keys: list[tuple[Any, ...]]) -> Ranked:
        return len(keys), [key[-1] for key in heapq.nsmallest(limit, keys)]

    return first(climbers), first(fallers), first(entered), first(left)


def overlaps(
    latest: list[q.WindowSnapshot],
    positions: dict[int, dict[str, int | None]],
    window: StatsWindow,
) -> list[MarketOverlap]:
    """Each pair of markets of a source (with the picked market, when one is), compared by
    the albums of their latest snapshots in the window."""
    found: list[MarketOverlap] = []
    by_source: dict[str, dict[str, set[str]]] = {}
    for snapshot in latest:
        albums = set(positions[snapshot.id])
        by_source.setdefault(snapshot.source, {})[snapshot.market] = albums
    for source, markets in sorted(by_source.items()):
        for a, b in combinations(sorted(markets), 2):
            if window.market and window.market not in (a, b):
                continue
            shared = len(markets[a] & markets[b])
            found.append(MarketOverlap(source, a, b, len(markets[a]), len(markets[b]), shared))
    return found


def coverage_of(counts: Mapping[str, int]) -> Coverage:
    return Coverage({name: int(counts.get(name, 0)) for name in (*STATUSES, NOT_QUEUED)})

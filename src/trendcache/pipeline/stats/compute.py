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
- **On both**: albums that charted in Spotify's new releases and the ListenBrainz top over
  the window's days, one album through its MusicBrainz release group, with when each source
  first listed it and which led, by how much (widest gap first; see `both`).

Sources: without a `source`, every one (Spotify's new releases, the ListenBrainz top and
fresh releases); a `market` keeps ListenBrainz's worldwide listings (market `XW`), which
chart everywhere.

Longest running, top artists and coverage read the per-day table, so they count whole UTC
days: a window from 14:00 includes that day's earlier snapshots too. The rest are exact to
the moment.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from itertools import combinations
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.pipeline.enrichment.status import COVERAGE_STATUSES
from trendcache.pipeline.stats import queries as q
from trendcache.pipeline.stats.both import BothRow, read_both
from trendcache.pipeline.stats.days import read_days
from trendcache.pipeline.stats.memory import StatsMemory
from trendcache.pipeline.stats.mirror import AlbumMirror
from trendcache.pipeline.stats.queries import Positions
from trendcache.pipeline.stats.results import (
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
    OnBoth,
    TrendingStats,
)
from trendcache.pipeline.stats.window import StatsWindow


class RawMove(NamedTuple):
    """A move before its album is labelled (only the shown ones are)."""

    source: str
    market: str
    album_id: str
    before: int | None
    after: int | None


def compute_stats(
    database: Database, window: StatsWindow, memory: StatsMemory | None = None
) -> TrendingStats:
    """Every statistic for `window`.

    The pass over the window's days (the costliest read) and "on both" each run on a
    connection of their own while this one reads the entries and snapshots: the databases
    answer them in parallel (on PostgreSQL as on SQLite, whose driver lets go of the GIL
    while it reads). Like any concurrent reads, they may straddle a sync; the cache keys the
    result by the stamp read first, so such a result is replaced on the next request.
    """
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="stats-days") as pool:
        memory = memory or StatsMemory()
        days = pool.submit(_read_days, database, window, memory.facts)
        both = pool.submit(_read_both, database, window)
        with database.session() as session:
            return _compute(session, window, memory, days, both)


Both = tuple[int, list[BothRow]]


def _read_days(database: Database, window: StatsWindow, facts: AlbumMirror) -> DaySummary:
    with database.session() as session:
        return read_days(session, window, facts)


def _read_both(database: Database, window: StatsWindow) -> Both:
    with database.session() as session:
        return read_both(session, window)


def _compute(
    session: Session,
    window: StatsWindow,
    memory: StatsMemory,
    pending: Future[DaySummary],
    pending_both: Future[Both],
) -> TrendingStats:
    stamp = q.read_stamp(session)
    entry_count, debuts = q.new_entries(session, window)
    snapshots = q.window_snapshots(session, window)
    comparisons = compare_pairs(snapshots, window)
    latest = [s for s in snapshots if s.rank == 1]
    wanted = {s.id for s in latest} | {c.previous_id for c in comparisons}
    positions = memory.listings.get(session, wanted)
    moves: list[ListingMoves] = [
        memory.moves.get(c, partial(listing_moves, c, positions)) for c in comparisons
    ]
    climbers, fallers, entered, left = rank_moves(moves, window.limit)
    days = pending.result()
    both_count, both = pending_both.result()
    shown = [*climbers[1], *fallers[1], *entered[1], *left[1]]
    album_ids = {d.album_id for d in debuts} | {m.album_id for m in shown}
    album_ids |= {t.album_id for t in days.longest}
    album_ids |= {a for b in both for a in (b.spotify_id, b.release_group_id)}
    albums = q.album_labels(session, album_ids)
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
        on_both=Counted(
            both_count,
            tuple(
                OnBoth(
                    albums[b.spotify_id],
                    albums[b.release_group_id],
                    b.spotify_first_seen_at,
                    b.listenbrainz_first_seen_at,
                )
                for b in both
            ),
        ),
    )


def compare_pairs(snapshots: Iterable[q.WindowSnapshot], window: StatsWindow) -> list[Comparison]:
    """The listings in scope with two snapshots in the window, by source and market."""
    by_listing: dict[tuple[str, str], dict[int, q.WindowSnapshot]] = {}
    for snapshot in snapshots:
        if window.markets and snapshot.market not in window.markets:
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


Key = tuple[Any, ...]  # a move's ranking key, the move itself last
ListingMoves = tuple[list[Key], list[Key], list[Key], list[Key]]  # each sorted
Ranked = tuple[int, list[RawMove]]  # how many, and the first few


def listing_moves(comparison: Comparison, positions: Positions) -> ListingMoves:
    """One listing's climbers (most places gained first), fallers (most lost), entered
    (highest first) and left (highest before first), each then by position, market, source
    and album (a stable order), as sorted plain-tuple keys. Two snapshots never change, so
    a process keeps these by comparison (`StatsMemory.moves`)."""
    before, after = positions[comparison.previous_id], positions[comparison.latest_id]
    source, market = comparison.source, comparison.market
    climbers: list[Key] = []
    fallers: list[Key] = []
    entered: list[Key] = []
    left: list[Key] = []
    for album_id, was in before.items():
        now = after.get(album_id)
        move = RawMove(source, market, album_id, was, now)
        if was is None:
            entered.append((now or 0, market, source, album_id, move))
        elif now is None:
            left.append((was, market, source, album_id, move))
        elif was > now:
            climbers.append((now - was, now, market, source, album_id, move))
        elif was < now:
            fallers.append((was - now, now, market, source, album_id, move))
    for album_id, now in after.items():
        if album_id not in before:
            move = RawMove(source, market, album_id, None, now)
            entered.append((now or 0, market, source, album_id, move))
    for keys in (climbers, fallers, entered, left):
        keys.sort()
    return climbers, fallers, entered, left


def rank_moves(listings: list[ListingMoves], limit: int) -> tuple[Ranked, Ranked, Ranked, Ranked]:
    """The listings' moves together: how many of each kind, and the first `limit`."""

    def first(kind: int) -> Ranked:
        count = sum(len(moves[kind]) for moves in listings)
        top = heapq.nsmallest(limit, (k for moves in listings for k in moves[kind][:limit]))
        return count, [key[-1] for key in top]

    return first(0), first(1), first(2), first(3)


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
    return Coverage({name: int(counts.get(name, 0)) for name in (*COVERAGE_STATUSES, NOT_QUEUED)})

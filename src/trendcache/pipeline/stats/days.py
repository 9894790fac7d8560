"""The day-granular statistics, ranked from one read of the window's blocks of days.

Over the whole history, the all-time totals answer (`stats_totals`). Otherwise `day_rows`
splits the window's days into aligned blocks (`rollup_rules.split_days`: a few days and weeks
at each end, blocks of 28, 112 and 448 days between) and reads each block's rows once,
summed per album; longest running, top artists and enrichment coverage are all ranked here
from those rows and the albums' facts (status and artists, mirrored by `mirror`). A
block's rows are its albums, not its days' listings, so a year costs little more than a
month: the read follows the number of albums that charted, not the window's length.

Over all markets the blocks are the all-markets spans (`*`); in one market (with the
worldwide listings, two: `StatsWindow.markets`), its spans and, for single days, its
`album_days`.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, func, select, union_all
from sqlalchemy.orm import Session

from trendcache.db.history import AlbumDay, AlbumSpan, Snapshot
from trendcache.pipeline.history.rollup_rules import ALL, split_days
from trendcache.pipeline.keys import WORLDWIDE
from trendcache.pipeline.stats.mirror import AlbumMirror, Fact
from trendcache.pipeline.stats.results import NOT_QUEUED, AlbumCount, ArtistCount, DaySummary
from trendcache.pipeline.stats.totals import read_totals
from trendcache.pipeline.stats.window import WORLDWIDE_SOURCES, StatsWindow

DayRow = tuple[str, int, int]  # an album over the window's days: id, appearances, best
NO_FACT = Fact(None, ())
Blocks = dict[int, list[date]]
DAYS_BY_MARKET = (
    "ix_album_days_source_market_day"  # span → the starts of the window's blocks of that span
)


def history_days(session: Session) -> tuple[date, date] | None:
    """The first and last day holding history (two index probes), if any."""
    first = select(func.min(AlbumDay.day)).scalar_subquery()
    last = select(func.max(AlbumDay.day)).scalar_subquery()
    oldest, newest = session.execute(select(first, last)).one()
    return None if oldest is None or newest is None else (oldest, newest)


def charted_sources(session: Session, sources: Sequence[str]) -> list[str]:
    """Which of `sources` have any snapshot (one index probe each, in one statement): a
    deployment with one source has one, whatever else the statistics know of."""
    if len(sources) == 1:
        return list(sources)
    probes = [exists().where(Snapshot.source == source) for source in sources]
    found = session.execute(select(*probes)).one()
    return [source for source, charted in zip(sources, found, strict=True) if charted]


def window_blocks(window: StatsWindow, history: tuple[date, date]) -> Blocks:
    """The window's days that hold history, as blocks by span."""
    blocks: Blocks = defaultdict(list)
    first, last = max(history[0], window.first_day), min(history[1], window.last_day)
    for span, start in split_days(first, last):
        blocks[span].append(start)
    return dict(blocks)


def block_reads(
    window: StatsWindow, blocks: Blocks, albums: Collection[str] | None = None
) -> list[Select[str, str, int, int]]:
    """A statement per span: (album, market, appearances, best position) of its blocks.

    `albums`: only theirs, each market's own rows (for counting markets); else the window's
    scope, from the all-markets rows when no market is picked.
    """
    reads = []
    for span, starts in sorted(blocks.items()):
        if span == 1 and (window.market or albums is not None):
            day = AlbumDay
            where: list[ColumnElement[bool]] = [
                day.day.in_(starts),
                day.source.in_(window.sources),
            ]
            if window.markets:
                where.append(day.market.in_(window.markets))
            if albums is not None:
                where.append(day.album_id.in_(albums))
            columns = (day.album_id, day.market, day.appearances, day.best_position)
            read = select(*columns).where(*where)
            if window.market:  # SQLite's planner, without statistics, would take `day` alone
                read = read.with_hint(day, f"INDEXED BY {DAYS_BY_MARKET}", "sqlite")
            reads.append(read)
            continue
        spans = AlbumSpan
        where = [spans.span == span, spans.start.in_(starts)]
        if albums is not None:
            where += [spans.album_id.in_(albums), spans.market != ALL]
        else:
            where.append(spans.market.in_(window.markets or (ALL,)))
        if window.source:
            where.append(spans.source == window.source)
        columns = (spans.album_id, spans.market, spans.appearances, spans.best_position)
        reads.append(select(*columns).where(*where))
    return reads


def day_rows(session: Session, window: StatsWindow, blocks: Blocks) -> Sequence[DayRow]:
    """Each album of the window's blocks with its appearances and best position: one read
    per span of blocks, grouped by album in the database."""
    reads = block_reads(window, blocks)
    if not reads:
        return []
    rows = union_all(*reads).subquery()
    per_album = select(
        rows.c.album_id, func.sum(rows.c.appearances), func.min(rows.c.best_position)
    ).group_by(rows.c.album_id)
    return session.connection().execute(per_album).all()  # Core rows: a DayRow each


def markets_of(
    session: Session, window: StatsWindow, blocks: Blocks, albums: Collection[str]
) -> dict[str, int]:
    """In how many markets each of `albums` appeared over the window's blocks."""
    if window.market:
        return dict.fromkeys(albums, 1)
    reads = block_reads(window, blocks, albums) if albums else []
    if not reads:
        return {}
    rows = union_all(*reads).subquery()
    found = session.connection().execute(select(rows.c.album_id, rows.c.market).distinct())
    return Counter(album_id for album_id, _ in found)


def summarise_days(rows: Iterable[DayRow], facts: Mapping[str, Fact], limit: int) -> DaySummary:
    """One pass over the albums; only the first `limit` of each ranking are sorted (by
    plain tuples: the ranking keys compare natively, with no key function per item)."""
    longest_keys: list[tuple[int, int, str]] = []  # -appearances, best, album
    statuses: list[str | None] = []
    artist_runs: defaultdict[str, int] = defaultdict(int)
    artist_albums: defaultdict[str, int] = defaultdict(int)
    for album_id, appearances, best in rows:
        longest_keys.append((-appearances, best, album_id))
        status, artist_ids = facts.get(album_id) or NO_FACT
        statuses.append(status)
        for artist_id in artist_ids:
            artist_runs[artist_id] += appearances
            artist_albums[artist_id] += 1
    longest = heapq.nsmallest(limit, longest_keys)
    artists = heapq.nsmallest(limit, ((-n, a) for a, n in artist_runs.items()))
    counts: Counter[str] = Counter()
    for status, count in Counter(statuses).items():
        counts[status or NOT_QUEUED] += count
    return DaySummary(
        albums=len(longest_keys),
        longest=[AlbumCount(a, -n, best) for n, best, a in longest],
        artists=len(artist_runs),
        top_artists=[ArtistCount(a, -n, artist_albums[a]) for n, a in artists],
        statuses=counts,
    )


def read_days(session: Session, window: StatsWindow, facts: AlbumMirror) -> DaySummary:
    """The day-granular statistics of `window`, its longest runners with their markets:
    from the all-time totals when the window holds the whole history and one source in
    scope has any, else from the window's blocks."""
    history = history_days(session)
    if history is None:
        return summarise_days([], {}, window.limit)
    if window.first_day <= history[0] and window.last_day >= history[1]:
        sources = charted_sources(session, window.sources)
        if len(sources) == 1:  # the totals are per source, and per market or all
            source, market = sources[0], window.market
            if market and source in WORLDWIDE_SOURCES:
                market = WORLDWIDE  # where it lists, whatever market is picked
            return read_totals(session, window, source, market, facts)
    blocks = window_blocks(window, history)
    rows = day_rows(session, window, blocks)
    known = facts.of(session, [album_id for album_id, _, _ in rows])
    summary = summarise_days(rows, known, window.limit)
    markets = markets_of(session, window, blocks, [t.album_id for t in summary.longest])
    longest = [replace(t, markets=markets.get(t.album_id, 0)) for t in summary.longest]
    return replace(summary, longest=longest)

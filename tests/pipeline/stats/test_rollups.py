"""The statistics read from rollups (spans, debuts, totals) agree with the appearances.

A year and a half of history is written with the sync's own `record_listing`, from the
albums of the Spotify emulator's listing stored as a sync stores it: charts that drift from
day to day in two markets, so windows of any length cross blocks of every span. For many
windows, aligned or not, over every market or one, each statistic the rollups serve is
compared with the same statistic counted straight from the appearances and the credits.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.pipeline.listings import listed_items
from trendcache.db import Database
from trendcache.db.history import AlbumArtist
from trendcache.db.models import AlbumAppearance, EnrichmentState
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.enrichment.status import LEVELS, STATUSES
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.history.rollup_rules import SPANS
from trendcache.pipeline.keys import NEW_RELEASES
from trendcache.pipeline.stats.compute import compute_stats
from trendcache.pipeline.stats.days import history_days, window_blocks
from trendcache.pipeline.stats.results import NOT_QUEUED, TrendingStats
from trendcache.pipeline.stats.window import StatsWindow, make_window

# A Saturday, two days before a 448-day block starts (2019-01-28): blocks of every span fit.
START = datetime.fromisoformat("2019-01-26T00:00:00+00:00")
DAYS = 540
MARKETS = ("SE", "DK")
LIMIT = 5


@dataclass(frozen=True)
class Seen:
    album_id: str
    market: str
    position: int
    at: datetime


def write_history(database: Database, items: list[dict[str, Any]]) -> None:
    """Each market's chart of 4-6 albums, listed at midnight, 23:00 or twice on 60% of days."""
    rng = random.Random(11)
    charts = {market: rng.sample(items, 5) for market in MARKETS}
    with database.writer() as session:
        for day in range(DAYS):
            for market in MARKETS:
                chart = charts[market]
                if rng.random() < 0.3:  # one leaves, another (maybe a returning one) enters
                    chart.pop(rng.randrange(len(chart)))
                if len(chart) < 4 or rng.random() < 0.3:
                    chart.insert(rng.randrange(len(chart) + 1), rng.choice(items))
                if rng.random() < 0.4:  # no listing that day
                    continue
                for hour in (6, 18) if rng.random() < 0.3 else (rng.choice((0, 23)),):
                    at = START + timedelta(days=day, hours=hour)
                    record_listing(session, NEW_RELEASES, market, list(chart), at)


def appearances(database: Database) -> list[Seen]:
    seen = AlbumAppearance
    with database.session() as session:
        rows = session.execute(select(seen.album_id, seen.market, seen.position, seen.seen_at))
        return [Seen(*row) for row in rows]


def expected(
    history: list[Seen], credits: dict[str, set[str]], window: StatsWindow
) -> dict[str, Any]:
    """Every statistic the rollups serve, counted from the appearances."""
    scoped = [s for s in history if window.market in (None, s.market)]
    first: dict[str, Seen] = {}
    for s in sorted(scoped, key=lambda s: (s.at, s.position, s.market)):
        first.setdefault(s.album_id, s)
    debuts = [d for d in first.values() if window.since <= d.at <= window.until]
    debuts.sort(key=lambda d: (d.at, _desc(d.album_id)), reverse=True)
    days = [s for s in scoped if window.first_day <= s.at.date() <= window.last_day]
    runs: Counter[str] = Counter(s.album_id for s in days)
    best: dict[str, int] = {}
    markets: dict[str, set[str]] = defaultdict(set)
    for s in days:
        best[s.album_id] = min(best.get(s.album_id, s.position), s.position)
        markets[s.album_id].add(s.market)
    longest = sorted(runs, key=lambda a: (-runs[a], best[a], a))
    artist_runs: Counter[str] = Counter()
    artist_albums: Counter[str] = Counter()
    for album_id, count in runs.items():
        for artist_id in credits.get(album_id, set()):
            artist_runs[artist_id] += count
            artist_albums[artist_id] += 1
    artists = sorted(artist_runs, key=lambda a: (-artist_runs[a], a))
    return {
        "new entries": (
            len(debuts),
            [(d.album_id, d.market, d.position, d.at) for d in debuts[:LIMIT]],
        ),
        "longest": (
            len(runs),
            [(a, runs[a], best[a], len(markets[a])) for a in longest[:LIMIT]],
        ),
        "artists": (
            len(artist_runs),
            [(a, artist_runs[a], artist_albums[a]) for a in artists[:LIMIT]],
        ),
    }


def _desc(album_id: str) -> tuple[int, ...]:
    """Sorts ids descending inside a reversed sort (newest first, then id ascending)."""
    return tuple(-ord(c) for c in album_id)


def served(stats: TrendingStats) -> dict[str, Any]:
    new, longest, artists = stats.new_entries, stats.longest_running, stats.artists
    return {
        "new entries": (
            new.count,
            [(e.album.id, e.market, e.position, e.first_seen_at) for e in new.items],
        ),
        "longest": (
            longest.count,
            [(r.album.id, r.appearances, r.best_position, r.markets) for r in longest.items],
        ),
        "artists": (
            artists.count,
            [(a.artist.id, a.appearances, a.albums) for a in artists.items],
        ),
    }


def windows() -> Iterator[tuple[str | None, str | None, str | None]]:
    """(since, until, market): random spans of every length, aligned or not, and the edges."""
    rng = random.Random(5)
    end = START + timedelta(days=DAYS)
    yield None, None, None  # the default: the last 30 days up to now (the stored listing's)
    yield "2000-01-01", "2030-01-01", None  # all of it, the stored listing's too: the totals
    yield "2000-01-01", "2030-01-01", "DK"
    yield START.isoformat(), end.isoformat(), "SE"  # all but the stored listing's: blocks
    for length in (1, 6, 7, 8, 27, 29, 90, 111, 113, 200, 447, 449, 500):
        for market in (None, rng.choice(MARKETS)):
            since = START + timedelta(days=rng.randrange(0, max(1, DAYS - length)))
            since += timedelta(hours=rng.randrange(24))
            until = since + timedelta(days=length, minutes=rng.randrange(600))
            yield since.isoformat(), until.isoformat(), market


@pytest.fixture
def long_history(database: Database, spotify_emulator: SpotifyEmulator) -> Database:
    write_history(database, listed_items(database, spotify_emulator)[:14])
    rng = random.Random(3)
    with database.writer() as session:
        for album_id in session.scalars(select(EnrichmentState.album_id)):
            status = rng.choice(STATUSES)
            level = rng.choice(LEVELS) if status == "matched" else None
            session.execute(
                update(EnrichmentState)
                .where(EnrichmentState.album_id == album_id)
                .values(status=status, level=level)
            )
    return database


def test_every_window_agrees_with_the_appearances(long_history: Database) -> None:
    database = long_history
    history = appearances(database)
    assert len(history) > 5_000
    credits: dict[str, set[str]] = defaultdict(set)
    with database.session() as session:
        for album_id, artist_id in session.execute(
            select(AlbumArtist.album_id, AlbumArtist.artist_id)
        ):
            credits[album_id].add(artist_id)
        state = select(EnrichmentState.album_id, EnrichmentState.status, EnrichmentState.level)
        states: dict[str, str] = {  # coverage tells the levels of a match apart
            row.album_id: f"matched_{row.level}" if row.status == "matched" else row.status
            for row in session.execute(state)
        }
    checked, spans = 0, set()
    with database.session() as session:
        days = history_days(session)
    assert days is not None
    for since, until, market in windows():
        window = make_window(since, until, market=market, limit=LIMIT)
        spans.update(window_blocks(window, days))
        stats = compute_stats(database, window)
        assert served(stats) == expected(history, credits, window), (since, until, market)
        shown = {
            s.album_id
            for s in history
            if window.first_day <= s.at.date() <= window.last_day and market in (None, s.market)
        }
        coverage = Counter(states.get(a) or NOT_QUEUED for a in shown)
        assert {k: v for k, v in stats.enrichment.counts.items() if v} == coverage
        checked += 1
    assert checked == 30
    assert spans == set(SPANS)  # every span was read

"""Sources behind one seam: a second source syncs through the same `Syncer` as Spotify, and
neither one's failures, pauses, leases or runs ever hold the other back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.pipeline.helpers import cache_row, count, make_stale, runs
from tests.pipeline.sync.chart_source import ChartSource
from trendcache.clock import utcnow
from trendcache.db.history import Album, Snapshot
from trendcache.db.models import AlbumAppearance
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.locks import Locks
from trendcache.pipeline.keys import new_releases_key, trending_key
from trendcache.pipeline.state import StateStore
from trendcache.pipeline.sync.source import FetchFailed
from trendcache.pipeline.sync.status import read_status
from trendcache.pipeline.sync.syncer import Syncer, SyncResult
from trendcache.services import Services


@pytest.fixture
def chart() -> ChartSource:
    return ChartSource()


@pytest.fixture
def chart_syncer(services: Services, chart: ChartSource) -> Syncer:
    return Syncer(services.database, chart, services.locks)


def test_a_second_source_syncs_through_the_same_syncer_into_its_own_listings_and_history(
    services: Services, chart: ChartSource, chart_syncer: Syncer
) -> None:
    database = services.database
    result = chart_syncer.sync("cli")
    assert (result.source, result.error, result.requests) == ("fresh", None, 2)
    assert result.albums == 6  # US charts albums 0-4, SE 1-5
    for market, items in chart.charts.items():
        row = cache_row(database, f"chart_top:{market}")
        assert row is not None and row.data == {"chart": items} and row.expires > utcnow()
    with database.session() as session:
        snapshots = {(s.source, s.market, s.albums) for s in session.scalars(select(Snapshot))}
        seen = {
            (a.source, a.market, a.album_id, a.position)
            for a in session.scalars(select(AlbumAppearance))
        }
    assert snapshots == {("chart_top", "US", 5), ("chart_top", "SE", 5)}
    assert seen == {
        ("chart_top", market, item["id"], position)
        for market, items in chart.charts.items()
        for position, item in enumerate(items, start=1)
    }
    assert count(database, Album) == 6, "the source's own part, written in the same sync"
    assert not services.syncer.is_fresh(), "Spotify's keys are Spotify's to refresh"
    assert chart_syncer.sync("schedule").source == "cache"
    assert chart.fetches == 1

    assert services.syncer.sync("cli").source == "fresh"
    assert [(r.source, r.key, r.status) for r in runs(database)] == [
        ("chart", "chart_top:US,chart_top:SE", "ok"),
        ("spotify", new_releases_key("US"), "ok"),
    ]


def test_a_failing_source_neither_backs_off_nor_flags_spotify(
    services: Services, chart: ChartSource, chart_syncer: Syncer
) -> None:
    database = services.database
    services.syncer.sync("cli")
    chart_syncer.sync("cli")
    make_stale(database)
    chart.failure = FetchFailed("the chart is unreachable")
    failed = chart_syncer.sync("schedule")
    assert (failed.source, failed.error) == ("cache", "the chart is unreachable")
    assert chart_syncer.backing_off() is not None
    assert chart_syncer.sync("on_demand").error == chart_syncer.backing_off()
    assert chart.fetches == 2, "no fetch while backing off"
    for key in chart.served_keys():
        row = cache_row(database, key)
        assert row is not None and row.error == failed.error, "its data stays, flagged"

    assert cache_row(database, trending_key()).error is None  # type: ignore[union-attr]
    assert read_status(services.syncer).last_run["status"] == "ok"  # type: ignore[index]
    assert services.syncer.backing_off() is None
    assert services.syncer.pause() is None
    spotify = services.syncer.sync("on_demand")
    assert (spotify.source, spotify.error) == ("fresh", None)


def test_a_failing_spotify_neither_backs_off_nor_flags_another_source(
    services: Services,
    spotify_emulator: SpotifyEmulator,
    chart: ChartSource,
    chart_syncer: Syncer,
) -> None:
    chart_syncer.sync("cli")
    make_stale(services.database)
    spotify_emulator.faults.server_error(503, count=None)
    assert services.syncer.sync("api").error is not None
    assert services.syncer.backing_off() is not None
    assert read_status(chart_syncer).last_run["status"] == "ok"  # type: ignore[index]
    assert chart_syncer.backing_off() is None
    result = chart_syncer.sync("api")
    assert (result.source, result.error) == ("fresh", None)
    assert all(cache_row(services.database, key).error is None for key in chart.served_keys())  # type: ignore[union-attr]


def test_a_sources_quota_pause_pauses_that_source_alone(
    services: Services, chart: ChartSource, chart_syncer: Syncer
) -> None:
    until = utcnow() + timedelta(hours=5)
    chart.failure = FetchFailed("chart quota exceeded", pause_until=until)
    assert chart_syncer.sync("schedule").paused_until == until
    chart.failure = None
    forced = chart_syncer.sync("cli", force=True)
    assert (forced.source, forced.paused_until, chart.fetches) == ("cache", until, 1)
    assert read_status(chart_syncer).paused_until == until

    assert services.syncer.pause() is None
    assert services.syncer.sync("schedule").source == "fresh"
    status = read_status(services.syncer)
    assert status.paused_until is None and status.last_run["status"] == "ok"  # type: ignore[index]


def test_spotifys_quota_pause_never_pauses_another_source(
    services: Services, spotify_emulator: SpotifyEmulator, chart_syncer: Syncer
) -> None:
    spotify_emulator.faults.quota_exceeded(retry_after=50_000)
    paused = services.syncer.sync("schedule")
    assert paused.paused_until is not None
    assert read_status(services.syncer).paused_until == paused.paused_until
    assert chart_syncer.pause() is None
    assert chart_syncer.sync("schedule").source == "fresh"
    assert read_status(chart_syncer).paused_until is None


def test_a_spotify_pause_stored_before_sources_had_their_own_still_holds(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    until = utcnow() + timedelta(hours=5)
    pause = {"until": until.isoformat(), "message": "quota exceeded"}
    StateStore(services.database).set("spotify.quota_pause", pause)
    result = services.syncer.sync("cli")
    assert (result.source, result.paused_until) == ("cache", until)
    assert spotify_emulator.stats.total == 0


def test_two_sources_leases_never_block_each_other(
    services: Services, chart: ChartSource, chart_syncer: Syncer
) -> None:
    outcomes: list[SyncResult] = []
    chart.hold()
    holder = threading.Thread(target=lambda: outcomes.append(chart_syncer.sync("schedule")))
    holder.start()
    try:
        assert chart.fetching.wait(30), "the chart's sync never started"
        assert chart_syncer.is_running() and not services.syncer.is_running()
        assert chart_syncer.sync("api", wait=False).busy, "its own lease is held"
        spotify = services.syncer.sync("api", wait=False)
        assert (spotify.source, spotify.busy, spotify.error) == ("fresh", False, None)
        # Spotify's sync took no running run of another source for one whose process died.
        assert [(r.source, r.status) for r in runs(services.database)] == [
            ("chart", "running"),
            ("spotify", "ok"),
        ]
        assert read_status(chart_syncer).refreshing
        assert not read_status(services.syncer).refreshing
    finally:
        chart.release()
        holder.join(30)
    assert [o.source for o in outcomes] == ["fresh"]
    assert [r.status for r in runs(services.database)] == ["ok", "ok"]


class WatchedLocks:
    """`Locks` that tell when a lease was refused: a sync is then waiting for its holder."""

    def __init__(self, locks: Locks) -> None:
        self.locks = locks
        self.refused = threading.Event()

    def acquire(self, name: str, owner: str, ttl: float) -> bool:
        won = self.locks.acquire(name, owner, ttl)
        if not won:
            self.refused.set()
        return won

    def renew(self, name: str, owner: str, ttl: float) -> bool:
        return self.locks.renew(name, owner, ttl)

    def release(self, name: str, owner: str) -> None:
        self.locks.release(name, owner)

    def held(self, name: str) -> bool:
        return self.locks.held(name)

    def claim(self, name: str, owner: str, ttl: float) -> bool:
        return self.locks.claim(name, owner, ttl)


def test_a_sync_that_waited_for_its_sources_lease_takes_that_sources_outcome(
    services: Services, chart: ChartSource
) -> None:
    locks = WatchedLocks(services.locks)
    chart_syncer = Syncer(services.database, chart, locks)
    outcomes: dict[str, SyncResult] = {}

    def sync(name: str) -> None:
        outcomes[name] = chart_syncer.sync("schedule" if name == "holder" else "api")

    chart.hold()
    holder = threading.Thread(target=sync, args=("holder",))
    holder.start()
    waiter = threading.Thread(target=sync, args=("waiter",))
    try:
        assert chart.fetching.wait(30), "the chart's sync never started"
        waiter.start()
        assert locks.refused.wait(30), "the second sync never waited"
        assert services.syncer.sync("cli").source == "fresh"  # a newer run, of Spotify
    finally:
        chart.release()
        holder.join(30)
        waiter.join(30)
    assert outcomes["holder"].source == "fresh"
    assert outcomes["waiter"].source == "cache"
    assert outcomes["waiter"].run_id == outcomes["holder"].run_id
    assert chart.fetches == 1

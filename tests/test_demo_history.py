"""The demo's weeks of history: written day by day through the real syncers, once, in
time order, resumed after a stop, never against the live syncs' request budget."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from trendcache.clock import utcnow
from trendcache.config import AccessTier, Settings
from trendcache.db.history import Snapshot
from trendcache.db.models import SyncRun, UpstreamRequest
from trendcache.demo import Demo, start_demo
from trendcache.demo_history import HOLD_BY, DemoHistory, DemoNote
from trendcache.pipeline.data_steps.prepare import prepare_database
from trendcache.pipeline.stats.compute import compute_stats
from trendcache.pipeline.stats.window import make_window
from trendcache.services import Services

DAYS = 4  # three days written, the fourth is the live first sync


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Demo]]:
    folder = tmp_path_factory.mktemp("demo")
    settings = Settings(_env_file=None, data_dir=folder)  # type: ignore[call-arg]
    settings, demo, _ = start_demo(settings, AccessTier.EXTENDED)
    try:
        yield settings, demo
    finally:
        demo.stop()


@pytest.fixture
def services(demo: tuple[Settings, Demo], tmp_path: Path) -> Iterator[Services]:
    settings, emulators = demo
    today = emulators.spotify.today
    database_url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    services = Services(settings.model_copy(update={"database_url": database_url}))
    prepare_database(services.database)
    try:
        yield services
    finally:
        services.close()
        emulators.move_to(today)


def history(services: Services, demo: Demo) -> DemoHistory:
    return DemoHistory(services.database, {"spotify": services.syncer}, demo.move_to, DAYS)


def runs(services: Services) -> list[SyncRun]:
    with services.database.session() as session:
        return list(session.scalars(select(SyncRun).order_by(SyncRun.id)))


def test_each_day_is_one_sync_through_the_syncer_a_day_apart(
    services: Services, demo: tuple[Settings, Demo]
) -> None:
    _, emulators = demo
    today = emulators.spotify.today
    built = history(services, emulators)

    assert built.begin()
    assert services.syncer.held() is not None  # no live sync may write in between
    assert built.run(today)

    written = runs(services)
    assert [(r.trigger, r.status) for r in written] == [("demo_history", "ok")] * (DAYS - 1)
    times = [r.started_at for r in written]
    assert [b - a for a, b in itertools.pairwise(times)] == [timedelta(days=1)] * 2
    assert utcnow() - timedelta(days=1, minutes=5) < times[-1] < utcnow() - timedelta(days=1)
    with services.database.session() as session:
        fetched = session.scalars(
            select(Snapshot.fetched_at).where(Snapshot.source_key == "spotify_new_releases:US")
        ).all()
        live_budget = session.scalar(
            select(func.count())
            .select_from(UpstreamRequest)
            .where(UpstreamRequest.service == "spotify")
        )
    assert sorted(fetched) == times
    assert live_budget == 0, "the walk counts against budgets of its own"
    window = make_window(since=times[0].date().isoformat(), until=date.today().isoformat())
    stats = compute_stats(services.database, window)
    assert stats.climbers.count > 0 and stats.fallers.count > 0
    assert services.syncer.held() is None  # released for the live first sync
    assert emulators.spotify.today == today and emulators.listenbrainz.today == today


def test_a_restart_does_not_build_it_again(services: Services, demo: tuple[Settings, Demo]) -> None:
    _, emulators = demo
    first = history(services, emulators)
    assert first.begin() and first.run(emulators.spotify.today)

    assert history(services, emulators).begin() is False
    assert len(runs(services)) == DAYS - 1


def test_a_database_with_syncs_of_its_own_gets_no_invented_past(
    services: Services, demo: tuple[Settings, Demo]
) -> None:
    services.syncer.sync("cli")
    assert history(services, demo[1]).begin() is False


def test_a_walk_stopped_mid_way_resumes_at_the_next_day_in_order(
    services: Services, demo: tuple[Settings, Demo]
) -> None:
    _, emulators = demo
    today = emulators.spotify.today
    stopped = history(services, emulators)
    moves: list[date] = []

    def move_then_stop(day: date) -> None:
        moves.append(day)
        emulators.move_to(day)
        if len(moves) == 2:
            stopped.stop()  # as `serve` does when it is told to exit

    stopped.move_to = move_then_stop
    assert stopped.begin()
    assert stopped.run(today) is False
    assert len(runs(services)) == 2
    held = services.syncer.held()
    assert held is not None and held[1] == HOLD_BY  # still held: the next start resumes
    refused = services.syncer.sync("schedule")
    assert refused.error is not None and HOLD_BY in refused.error

    resumed = history(services, emulators)
    assert resumed.begin()
    assert resumed.run(today)

    written = runs(services)
    assert len(written) == DAYS - 1  # the days written before are not written again
    times = [r.started_at for r in written]
    assert times == sorted(times) and len(set(times)) == len(times)


def test_the_banner_says_how_far_the_walk_is(
    services: Services, demo: tuple[Settings, Demo]
) -> None:
    built = history(services, demo[1])
    note = DemoNote("Demo data", built)
    assert str(note) == "Demo data"
    built.day = 2
    assert str(note) == f"Demo data. Building the demo's history: day 2 of {DAYS}…"
    assert "day 2 of" in note.__html__()

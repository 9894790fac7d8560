"""The job queue: huey on SQLite (embedded) and on Redis (scale-out), with real consumers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from huey.api import PeriodicTask

from tests.fixtures.app import ServicesFactory
from tests.pipeline.alerts.receiver import running_receiver
from tests.pipeline.alerts.rows import cache_fetched
from tests.pipeline.helpers import cache_row, make_stale, runs
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.heartbeats import read_heartbeats, this_worker
from trendcache.pipeline.keys import trending_key
from trendcache.services import Services
from trendcache.tasks import TaskQueue


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


@pytest.fixture
def running_queue() -> Iterator[Callable[[Services], TaskQueue]]:
    consumers: list[Any] = []

    def start(services: Services) -> TaskQueue:
        queue = TaskQueue(services.settings, lambda: services)
        consumer = queue.consumer(workers=2, schedule=False)
        consumer.start()
        consumers.append(consumer)
        return queue

    yield start
    for consumer in consumers:
        consumer.stop(graceful=True)


def test_an_on_demand_request_returns_at_once_and_a_consumer_syncs(
    sqlite_services: Services,
    spotify_emulator: SpotifyEmulator,
    running_queue: Callable[[Services], TaskQueue],
) -> None:
    spotify_emulator.faults.latency = 0.2  # the sync takes well over a second
    queue = running_queue(sqlite_services)
    assert queue.request_sync("on_demand")
    assert cache_row(sqlite_services.database, trending_key()) is None, "nothing waited"
    wait_for(lambda: cache_row(sqlite_services.database, trending_key()) is not None)
    assert runs(sqlite_services.database)[0].trigger == "on_demand"


def test_repeated_requests_are_debounced(
    sqlite_services: Services, running_queue: Callable[[Services], TaskQueue]
) -> None:
    queue = running_queue(sqlite_services)
    assert queue.request_sync("on_demand")
    assert not queue.request_sync("on_demand")
    assert queue.request_sync("api", force=True)


def test_redis_queue_with_postgresql_scale_out_mode(
    make_services: Any,
    postgres_database: Any,
    redis_client: Any,
    redis_url: str,
    running_queue: Callable[[Services], TaskQueue],
) -> None:
    services = make_services(postgres_database, redis_url=redis_url)
    queue = running_queue(services)
    assert type(queue.huey).__name__ == "RedisHuey"
    assert type(services.locks).__name__ == "RedisLocks"
    queue.request_sync("on_demand")
    wait_for(lambda: cache_row(services.database, trending_key()) is not None)


def test_the_schedule_syncs_when_stale_and_respects_enable_background_sync(
    make_services: Any, sqlite_database: Any, spotify_emulator: SpotifyEmulator
) -> None:
    services = make_services(sqlite_database)
    queue = TaskQueue(services.settings, lambda: services)
    periodic = [t for t in queue.huey._registry._registry.values() if issubclass(t, PeriodicTask)]
    assert periodic == [], "huey's own would fire in every consumer: ours is the Schedule"
    assert sorted(queue.scheduled) == ["enrich_due", "sync_due"]
    queue.sync_due()
    assert len(runs(services.database)) == 1
    queue.sync_due()
    assert len(runs(services.database)) == 1, "fresh: nothing to do"
    make_stale(services.database)
    queue.sync_due()
    assert len(runs(services.database)) == 2

    disabled = make_services(sqlite_database, enable_background_sync=False)
    make_stale(disabled.database)
    TaskQueue(disabled.settings, lambda: disabled).sync_due()
    assert len(runs(disabled.database)) == 2


def test_a_scheduled_task_fired_is_run_by_a_consumer(
    sqlite_services: Services,
    spotify_emulator: SpotifyEmulator,
    running_queue: Callable[[Services], TaskQueue],
) -> None:
    queue = running_queue(sqlite_services)
    queue.fire("sync_due", "2026-12-04T14:05:00")
    wait_for(lambda: bool(runs(sqlite_services.database)))
    assert runs(sqlite_services.database)[0].trigger == "schedule"


def test_a_consumer_runs_the_schedule_unless_told_not_to(sqlite_services: Services) -> None:
    queue = TaskQueue(sqlite_services.settings, lambda: sqlite_services)
    assert queue.consumer(schedule=True).schedule is not None
    assert queue.consumer(schedule=False).schedule is None
    schedule = queue.schedule()
    assert schedule.period == sqlite_services.settings.schedule_seconds == 60
    assert sorted(schedule.tasks) == ["enrich_due", "sync_due"]


def test_the_consumer_inside_serve_records_its_heartbeat_as_serve(
    sqlite_services: Services, running_queue: Callable[[Services], TaskQueue]
) -> None:
    running_queue(sqlite_services)  # embedded, as `serve` runs it
    wait_for(lambda: bool(read_heartbeats(sqlite_services.database)))
    [beat] = read_heartbeats(sqlite_services.database)
    assert (beat.worker, beat.role) == (this_worker(), "serve")


def test_every_consumer_checks_the_alert_conditions(
    make_services: ServicesFactory,
    sqlite_database: Database,
    running_queue: Callable[[Services], TaskQueue],
) -> None:
    with running_receiver() as receiver:
        services = make_services(sqlite_database, alert_webhook_url=receiver.url)
        cache_fetched(services.database, "spotify_new_releases:US", timedelta(hours=13))
        running_queue(services)
        wait_for(lambda: receiver.statuses() == [("TrendcacheDataStale", "firing")])

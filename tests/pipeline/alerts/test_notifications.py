"""Alert starts and ends reach ALERT_WEBHOOK_URL once each, whatever the number of
evaluating processes, and survive a receiver that is down; on both databases."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from tests.pipeline.alerts.receiver import Receiver, running_receiver
from tests.pipeline.alerts.rows import alert_settings, cache_fetched
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.alerts import AlertEvent, AlertState
from trendcache.db.models import CacheData
from trendcache.pipeline.alerts.conditions import Alert
from trendcache.pipeline.alerts.outbox import claim_event, pending_events
from trendcache.pipeline.alerts.transitions import claim_end, claim_start
from trendcache.pipeline.alerts.watch import AlertWatch
from trendcache.pipeline.alerts.webhook import Webhook

STALE = "TrendcacheDataStale"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


def watch(
    database: Database,
    url: str | None,
    keep_firing_for: timedelta = timedelta(0),
    **overrides: object,
) -> AlertWatch:
    """Alerts end as soon as they are clear, unless `keep_firing_for` says otherwise."""
    settings = alert_settings(alert_webhook_url=url, **overrides)  # the URL as configured
    # Short waits between tries: the tests decide, they do not wait out real backoff.
    webhook = Webhook(url, timeout=5, backoff=(0.01, 0.02)) if url else None
    return AlertWatch(
        database, settings, ["spotify"], webhook=webhook, keep_firing_for=keep_firing_for
    )


def go_stale(database: Database) -> None:
    cache_fetched(database, "spotify_new_releases:US", timedelta(hours=13))


def refresh(database: Database, ago: timedelta = timedelta(0)) -> None:
    with database.writer() as session:
        session.execute(update(CacheData).values(fetched_at=utcnow() - ago))


def events(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(AlertEvent)) or 0)


def test_a_start_posts_once_while_it_fires_and_its_end_posts_once(
    database: Database, receiver: Receiver
) -> None:
    alerts = watch(database, receiver.url)
    assert alerts.check() == []
    go_stale(database)
    assert [alert.name for alert in alerts.check()] == [STALE]
    assert receiver.statuses() == [(STALE, "firing")]
    alerts.check()  # still firing: nothing new to say
    assert receiver.statuses() == [(STALE, "firing")]
    refresh(database)
    assert alerts.check() == []
    assert receiver.statuses() == [(STALE, "firing"), (STALE, "resolved")]
    started, ended = receiver.posts
    assert started["source"] == ended["source"] == "trendcache"
    assert started["severity"] == "critical"
    assert started["summary"] == ended["summary"]
    assert started["startsAt"] == ended["startsAt"] is not None
    assert started["endsAt"] is None and ended["endsAt"] is not None
    alerts.check()
    assert len(receiver.posts) == 2


def test_an_alert_ends_only_once_it_stayed_clear_for_a_while(
    database: Database, receiver: Receiver
) -> None:
    alerts = watch(database, receiver.url, keep_firing_for=timedelta(minutes=5))
    go_stale(database)
    alerts.check()
    refresh(database)
    alerts.check()  # clear, but only just
    refresh(database, ago=timedelta(hours=13))
    alerts.check()  # back: the same episode goes on
    refresh(database)
    alerts.check()
    assert receiver.statuses() == [(STALE, "firing")]
    with database.writer() as session:  # as if five minutes went by, clear
        state = session.get(AlertState, STALE)
        assert state is not None and state.clear_since is not None
        state.clear_since -= timedelta(minutes=5)
    alerts.check()
    assert receiver.statuses() == [(STALE, "firing"), (STALE, "resolved")]


def test_api_status_and_the_webhook_agree_on_since(database: Database, receiver: Receiver) -> None:
    alerts = watch(database, receiver.url)
    go_stale(database)
    alerts.check()
    [shown] = alerts.current()
    assert shown.since.isoformat() == receiver.posts[0]["startsAt"]


@pytest.mark.parametrize("evaluators", [2, 4])
def test_racing_evaluators_post_each_transition_exactly_once(
    database: Database, receiver: Receiver, evaluators: int
) -> None:
    """Each evaluator has its own engine, as separate processes would; they check at the
    same moment, again and again, through a start and an end."""
    url = database.url.render_as_string(hide_password=False)
    engines = [Database(url) for _ in range(evaluators)]
    watches = [watch(engine, receiver.url) for engine in engines]
    try:
        go_stale(database)
        race(watches)
        race(watches)
        refresh(database)
        race(watches)
        race(watches)
    finally:
        for engine in engines:
            engine.dispose()
    assert receiver.statuses() == [(STALE, "firing"), (STALE, "resolved")]
    assert events(database) == 2


def race(watches: list[AlertWatch]) -> None:
    barrier = threading.Barrier(len(watches))
    failures: list[BaseException] = []

    def check(alerts: AlertWatch) -> None:
        try:
            barrier.wait(timeout=30)
            alerts.check()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=check, args=(alerts,)) for alerts in watches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []


def test_refused_posts_are_tried_again_with_backoff(database: Database, receiver: Receiver) -> None:
    receiver.refuse_next = 2  # the third try of the same check gets through
    alerts = watch(database, receiver.url)
    go_stale(database)
    alerts.check()
    assert receiver.refused == 2
    assert receiver.statuses() == [(STALE, "firing")]


def test_a_receiver_that_is_down_misses_nothing_and_hears_it_in_order(
    database: Database, receiver: Receiver
) -> None:
    alerts = watch(database, receiver.url)
    receiver.stop()  # connection refused on every try
    go_stale(database)
    alerts.check()
    refresh(database)
    alerts.check()
    assert receiver.posts == []
    with database.session() as session:
        owed = session.scalars(select(AlertEvent).order_by(AlertEvent.id)).all()
    assert [(event.status, event.delivered_at) for event in owed] == [
        ("firing", None),
        ("resolved", None),
    ]
    assert "ConnectError" in (owed[0].last_error or "")
    assert [event.attempts for event in owed] == [2, 0]  # the end waits behind its start
    receiver.start()  # back, on the same port
    alerts.check()
    assert receiver.statuses() == [(STALE, "firing"), (STALE, "resolved")]
    alerts.check()
    assert len(receiver.posts) == 2


def test_without_a_webhook_alerts_are_tracked_but_nothing_is_owed(database: Database) -> None:
    alerts = watch(database, None)
    go_stale(database)
    assert [alert.name for alert in alerts.check()] == [STALE]
    assert [alert.name for alert in alerts.current()] == [STALE]
    assert events(database) == 0


def test_the_loop_checks_until_it_is_stopped(database: Database, receiver: Receiver) -> None:
    alerts = watch(database, receiver.url, alert_check_seconds=1)
    go_stale(database)
    stop = threading.Event()
    loop = threading.Thread(target=alerts.run, args=(stop,))
    loop.start()
    try:
        wait_for(lambda: receiver.statuses() == [(STALE, "firing")])
        refresh(database)
        wait_for(lambda: len(receiver.posts) == 2)  # the next round saw the end
    finally:
        stop.set()
        loop.join(timeout=30)
    assert not loop.is_alive()
    assert receiver.statuses() == [(STALE, "firing"), (STALE, "resolved")]


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_of_simultaneous_claims_of_a_transition_exactly_one_wins(database: Database) -> None:
    """The claim itself, without the read that usually spares it: eight processes' engines
    claim the same start, then the same end, at the same moment."""
    url = database.url.render_as_string(hide_password=False)
    engines = [Database(url) for _ in range(8)]
    alert = Alert("TrendcacheSyncPaused", "warning", "paused", "quota", utcnow())
    try:
        for _ in range(2):  # two episodes: a start and an end each
            starts = claim_together(
                engines, lambda db: claim_start(db, alert, utcnow(), notify=True)
            )
            ends = claim_together(
                engines, lambda db: claim_end(db, alert.name, utcnow(), notify=True)
            )
            assert (starts, ends) == (1, 1)
    finally:
        for engine in engines:
            engine.dispose()
    assert events(database) == 4


def claim_together(engines: list[Database], claim: Callable[[Database], bool]) -> int:
    """How many of the engines won, each claiming in its own thread at once."""
    barrier = threading.Barrier(len(engines))
    won: list[bool] = []

    def run(engine: Database) -> None:
        barrier.wait(timeout=30)
        won.append(claim(engine))

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(won) == len(engines)
    return sum(won)


def test_of_simultaneous_claims_of_an_event_to_post_exactly_one_wins(database: Database) -> None:
    alert = Alert("TrendcacheSyncPaused", "warning", "paused", "quota", utcnow())
    assert claim_start(database, alert, utcnow(), notify=True)
    [event] = pending_events(database)
    url = database.url.render_as_string(hide_password=False)
    engines = [Database(url) for _ in range(8)]
    lease = timedelta(minutes=1)
    try:
        assert claim_together(engines, lambda db: claim_event(db, event.id, utcnow(), lease)) == 1
        # the lease holds until it runs out; then the event may be tried again
        assert not claim_event(database, event.id, utcnow(), lease)
        assert claim_event(database, event.id, utcnow() + 2 * lease, lease)
    finally:
        for engine in engines:
            engine.dispose()


def check_repeatedly(database_url: str, webhook_url: str, start: Any, checks: int) -> None:
    """A separate process's alert checks (the target of `multiprocessing`)."""
    database = Database(database_url)
    try:
        alerts = watch(database, webhook_url)
        start.wait(timeout=60)
        for _ in range(checks):
            alerts.check()
    finally:
        database.dispose()


def test_separate_processes_post_each_transition_once(
    postgres_database: Database, receiver: Receiver
) -> None:
    """Two processes on one PostgreSQL, as two workers (or serve and a worker) run."""
    database = postgres_database
    context = multiprocessing.get_context("spawn")
    url = database.url.render_as_string(hide_password=False)

    def checks_in_processes() -> None:
        start = context.Event()
        processes = [
            context.Process(target=check_repeatedly, args=(url, receiver.url, start, 3))
            for _ in range(2)
        ]
        for process in processes:
            process.start()
        start.set()
        for process in processes:
            process.join(timeout=120)
        assert [process.exitcode for process in processes] == [0, 0]

    go_stale(database)
    checks_in_processes()
    refresh(database)
    checks_in_processes()
    assert receiver.statuses() == [(STALE, "firing"), (STALE, "resolved")]

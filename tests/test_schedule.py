"""The schedule: each period's tasks fired by exactly one of the schedules sharing locks."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from tests.test_owners import exited_owner
from trendcache.db import Database
from trendcache.locks import DatabaseLocks, Locks
from trendcache.schedule import Schedule, period_label, period_start

START = datetime(2026, 12, 4, 14, 5, tzinfo=UTC).timestamp()


class Fired:
    """What the schedules fired: (task, period) pairs, by which schedule."""

    def __init__(self) -> None:
        self.by: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    def task(self, name: str, who: str) -> Callable[[str], None]:
        def fire(period: str) -> None:
            with self._lock:
                self.by.append((who, name, period))

        return fire


def schedules(locks: Locks, fired: Fired, count: int, period: int = 60) -> list[Schedule]:
    return [
        Schedule(
            lambda: locks,
            period,
            {name: fired.task(name, str(index)) for name in ("sync_due", "enrich_due")},
        )
        for index in range(count)
    ]


def test_periods_are_named_for_their_start_in_utc() -> None:
    assert period_start(START + 59.9, 60) == START
    assert period_label(period_start(START + 61, 60)) == "2026-12-04T14:06:00"
    assert period_label(period_start(START + 7, 5)) == "2026-12-04T14:05:05"


def test_each_period_fires_once_however_many_schedules_tick(locks: Locks) -> None:
    fired = Fired()
    three = schedules(locks, fired, 3)
    for minute in range(4):
        for offset, schedule in enumerate(three):  # each late by a second more
            schedule.tick(START + minute * 60 + offset)
            schedule.tick(START + minute * 60 + offset + 30)  # and once again mid-period
    fires = Counter((name, period) for _, name, period in fired.by)
    assert sorted(fires) == sorted(
        (name, f"2026-12-04T14:0{5 + minute}:00")
        for name in ("sync_due", "enrich_due")
        for minute in range(4)
    )
    assert set(fires.values()) == {1}


def test_ticking_together_from_threads_fires_once(locks: Locks) -> None:
    fired = Fired()
    many = schedules(locks, fired, 8)
    barrier = threading.Barrier(len(many))

    def tick(schedule: Schedule) -> None:
        barrier.wait()
        schedule.tick(START)

    threads = [threading.Thread(target=tick, args=(schedule,)) for schedule in many]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted((name, period) for _, name, period in fired.by) == [
        ("enrich_due", "2026-12-04T14:05:00"),
        ("sync_due", "2026-12-04T14:05:00"),
    ]


def test_a_period_claimed_by_a_dead_process_is_not_fired_again(locks: Locks) -> None:
    """The holder fired and was killed: its period stays fired; the next one is anyone's."""
    assert locks.claim("schedule:sync_due:2026-12-04T14:05:00", exited_owner(), ttl=180)
    fired = Fired()
    [schedule] = schedules(locks, fired, 1)
    schedule.tick(START + 1)
    schedule.tick(START + 61)
    assert [(name, period) for _, name, period in fired.by] == [
        ("enrich_due", "2026-12-04T14:05:00"),
        ("sync_due", "2026-12-04T14:06:00"),
        ("enrich_due", "2026-12-04T14:06:00"),
    ]


class BrokenLocks:
    def claim(self, name: str, owner: str, ttl: float) -> bool:
        raise ConnectionError("Redis is away")


def test_locks_away_fire_nothing() -> None:
    """A missed period, never a duplicate."""
    fired = Fired()
    broken = cast(Locks, BrokenLocks())
    schedule = Schedule(lambda: broken, 60, {"sync_due": fired.task("sync_due", "0")})
    assert schedule.tick(START) == []
    assert fired.by == []


def test_run_ticks_at_each_period_until_stopped(sqlite_database: Database) -> None:
    fired = Fired()
    schedule = Schedule(
        lambda: DatabaseLocks(sqlite_database), 1, {"sync_due": fired.task("sync_due", "0")}
    )
    stop = threading.Event()
    thread = threading.Thread(target=schedule.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 30
    while len(fired.by) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(10)
    assert not thread.is_alive(), "stopped when asked"
    periods = [period for _, _, period in fired.by]
    assert len(periods) >= 3 and len(set(periods)) == len(periods), periods

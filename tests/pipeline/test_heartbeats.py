"""Worker heartbeats: one row per consumer, made on its first beat, moved on by the next."""

from __future__ import annotations

from datetime import timedelta

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.pipeline.heartbeats import Heartbeat, read_heartbeats, record_heartbeat


def test_a_heartbeat_makes_the_workers_row_and_the_next_moves_it_on(database: Database) -> None:
    started = utcnow() - timedelta(hours=1)
    first, second = started + timedelta(seconds=1), started + timedelta(seconds=31)
    record_heartbeat(database, "host:1", "worker", started, first)
    assert read_heartbeats(database) == [Heartbeat("host:1", "worker", started, first)]
    record_heartbeat(database, "host:1", "worker", started, second)
    assert read_heartbeats(database) == [Heartbeat("host:1", "worker", started, second)]


def test_each_worker_keeps_its_own_row(database: Database) -> None:
    now = utcnow()
    record_heartbeat(database, "web:7", "serve", now, now)
    record_heartbeat(database, "box:9", "worker", now, now - timedelta(minutes=5))
    assert [(beat.worker, beat.role, beat.last_seen_at) for beat in read_heartbeats(database)] == [
        ("box:9", "worker", now - timedelta(minutes=5)),
        ("web:7", "serve", now),
    ]

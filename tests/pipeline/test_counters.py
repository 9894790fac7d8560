"""The shared metric counters and snapshot ages, on each database backend: what several
processes flush adds up, and a web process unseen for long drops out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import WebSnapshot
from trendcache.pipeline.counters import (
    SNAPSHOT_FORGOTTEN,
    SNAPSHOT_UNSEEN,
    add_counts,
    read_counts,
    record_snapshot,
    snapshot_ages,
)
from trendcache.tally import CounterDef, Flusher, HistogramDef, Tally

HITS = CounterDef("test_hits_total", "Hits.", ("kind", "outcome"))
WAIT = HistogramDef("test_wait_seconds", "Waits.", ("kind",), (0.5,))


def stored(database: Database) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(c.name, c.labels): c.value for c in read_counts(database)}


def test_two_processes_flushing_add_up(database: Database) -> None:
    web, worker = Tally(), Tally()
    flushers = [Flusher(tally, lambda d: add_counts(database, d)) for tally in (web, worker)]
    web.inc(HITS, "a", "2xx", amount=2)
    worker.inc(HITS, "a", "2xx")
    worker.inc(HITS, "b", "timeout")
    web.observe(WAIT, "a", value=0.25)
    worker.observe(WAIT, "a", value=2.0)
    for flusher in flushers:
        flusher.flush()
    web.inc(HITS, "a", "2xx")  # a later flush adds to what is stored
    flushers[0].flush()

    assert stored(database) == {
        ("test_hits_total", (("kind", "a"), ("outcome", "2xx"))): 4.0,
        ("test_hits_total", (("kind", "b"), ("outcome", "timeout"))): 1.0,
        ("test_wait_seconds_bucket", (("kind", "a"), ("le", "0.5"))): 1.0,
        ("test_wait_seconds_bucket", (("kind", "a"), ("le", "+Inf"))): 1.0,
        ("test_wait_seconds_sum", (("kind", "a"),)): 2.25,
    }


def test_label_values_are_stored_as_given(database: Database) -> None:
    tally = Tally()
    tally.inc(HITS, 'quo"te\\', "ünï")
    add_counts(database, tally.take())
    assert stored(database) == {("test_hits_total", (("kind", 'quo"te\\'), ("outcome", "ünï"))): 1}


def test_each_live_web_process_has_its_snapshot_age(database: Database) -> None:
    now = utcnow()
    record_snapshot(database, "web-1:10", now - timedelta(seconds=3), now=now)
    record_snapshot(database, "web-2:20", now - timedelta(seconds=40), now=now)
    record_snapshot(database, "web-1:10", now - timedelta(seconds=1), now=now)  # replaces

    assert snapshot_ages(database, now) == {"web-1:10": 1.0, "web-2:20": 40.0}


def test_a_process_unseen_for_long_drops_out_then_is_forgotten(database: Database) -> None:
    now = utcnow()
    gone = now - SNAPSHOT_UNSEEN - timedelta(seconds=1)
    record_snapshot(database, "gone:1", gone, now=gone)
    record_snapshot(database, "live:2", now, now=now)
    assert snapshot_ages(database, now) == {"live:2": 0.0}

    assert processes(database) == ["gone:1", "live:2"]
    later = now + SNAPSHOT_FORGOTTEN
    record_snapshot(database, "live:2", later, now=later)
    assert processes(database) == ["live:2"]


def processes(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(WebSnapshot.process).order_by(WebSnapshot.process)))

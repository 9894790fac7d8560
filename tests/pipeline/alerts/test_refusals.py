"""TrendcacheMusicBrainzRateLimited without Prometheus: a check sees the shared refusal
counter grow and the alert starts; refusals from before the first check do not start it."""

from __future__ import annotations

from datetime import timedelta

from tests.pipeline.alerts.rows import alert_settings
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.pipeline.alerts.refusals import COUNTER, last_refusal, note_refusals
from trendcache.pipeline.alerts.watch import AlertWatch
from trendcache.pipeline.counters import add_counts
from trendcache.pipeline.state import StateStore

RATE_LIMITED = "TrendcacheMusicBrainzRateLimited"


def refused(database: Database, zone: str, times: int) -> None:
    """What a process's flush writes after MusicBrainz answered 503 `times` times."""
    add_counts(database, {(COUNTER, (("zone", zone),)): float(times)})


def firing(watch: AlertWatch) -> set[str]:
    return {alert.name for alert in watch.check()}


def test_refusals_counted_after_the_first_check_start_the_alert(database: Database) -> None:
    refused(database, "ws", 2)  # before anyone checked: when is unknown
    watch = AlertWatch(database, alert_settings(), ["spotify"])
    assert RATE_LIMITED not in firing(watch)
    assert RATE_LIMITED not in firing(watch)  # nothing new
    refused(database, "global", 1)
    assert RATE_LIMITED in firing(watch)
    assert RATE_LIMITED in {alert.name for alert in watch.current()}


def test_the_last_refusal_is_when_a_check_saw_the_total_grow(database: Database) -> None:
    state = StateStore(database)
    now = utcnow()
    note_refusals(state, 0.0, now)
    assert last_refusal(state) is None
    note_refusals(state, 3.0, now + timedelta(minutes=1))
    assert last_refusal(state) == now + timedelta(minutes=1)
    note_refusals(state, 3.0, now + timedelta(minutes=20))  # no more refusals
    assert last_refusal(state) == now + timedelta(minutes=1)

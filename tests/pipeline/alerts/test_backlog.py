""" "The enrichment backlog has been growing for 30 minutes", from the queue depth samples
every check records."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.pipeline.alerts.rows import alert_settings, due_albums
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.pipeline.alerts.backlog import (
    KEPT,
    QueueSample,
    growing_since,
    read_samples,
    record_sample,
)
from trendcache.pipeline.alerts.watch import AlertWatch
from trendcache.pipeline.state import StateStore

GROWING = "TrendcacheEnrichmentBacklogGrowing"


def series(now: datetime, *points: tuple[int, int]) -> list[QueueSample]:
    """Samples from (minutes ago, albums due)."""
    return [QueueSample(now - timedelta(minutes=ago), due) for ago, due in points]


def test_a_queue_that_never_emptied_and_grew_over_30_minutes_is_growing() -> None:
    now = utcnow()
    samples = series(now, (50, 0), (40, 1), (31, 2), (20, 5), (10, 4), (0, 6))
    assert growing_since(samples, now) == now - timedelta(minutes=40)  # non-empty since


def test_a_queue_that_emptied_shrank_or_is_too_young_to_tell_is_not() -> None:
    now = utcnow()
    emptied = series(now, (31, 2), (15, 0), (0, 6))
    shrank = series(now, (31, 8), (15, 9), (0, 6))
    young = series(now, (25, 1), (10, 4), (0, 6))
    for samples in (emptied, shrank, young, []):
        assert growing_since(samples, now) is None


def test_samples_are_kept_for_the_window_and_a_margin(database: Database) -> None:
    state = StateStore(database)
    now = utcnow().replace(microsecond=0)
    for sample in series(now, (60, 1), (KEPT.total_seconds() // 60 - 1, 2), (0, 3)):
        record_sample(state, sample)
    assert [sample.due for sample in read_samples(state)] == [2, 3]


def test_samples_closer_than_the_spacing_are_one(database: Database) -> None:
    """However many processes check, and however often, the series stays sparse enough to
    span the window."""
    state = StateStore(database)
    now = utcnow().replace(microsecond=0)
    for seconds, due in [(0, 1), (10, 2), (29, 3), (30, 4), (45, 5), (61, 6)]:
        record_sample(state, QueueSample(now + timedelta(seconds=seconds), due))
    assert [sample.due for sample in read_samples(state)] == [1, 4, 6]


def test_checks_record_the_depth_and_raise_the_alert_as_it_grows(database: Database) -> None:
    state = StateStore(database)
    now = utcnow()
    for sample in series(now, (35, 2), (20, 3)):
        record_sample(state, sample)
    due_albums(database, 2, timedelta(minutes=1))
    alerts = AlertWatch(database, alert_settings(), ["spotify"])
    assert GROWING not in {alert.name for alert in alerts.check()}  # 2 now: no growth
    due_albums(database, 3, timedelta(minutes=1), prefix="b")
    [growing] = [alert for alert in alerts.check() if alert.name == GROWING]
    assert "5 albums are due" in growing.description
    assert [sample.due for sample in read_samples(state)] == [2, 3, 2]  # the last was too soon

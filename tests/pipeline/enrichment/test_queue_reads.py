"""The enrichment queue as the metrics read it: albums by status and level, what is due and
since when, on both databases."""

from __future__ import annotations

from datetime import timedelta

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.enrichment.queue_reads import read_queue


def add(database: Database, album_id: str, status: str, due_in: timedelta, **values: str) -> None:
    with database.writer() as session:
        session.add(
            EnrichmentState(
                album_id=album_id, status=status, next_attempt_at=utcnow() + due_in, **values
            )
        )


def test_an_empty_queue_shows_every_status_at_nothing(database: Database) -> None:
    queue = read_queue(database)
    assert queue.albums == {
        ("pending", ""): 0,
        ("needs_review", ""): 0,
        ("no_match", ""): 0,
        ("error", ""): 0,
        ("matched", "release"): 0,
        ("matched", "release_group"): 0,
    }
    assert (queue.due, queue.oldest_due_at, queue.oldest_due_seconds(utcnow())) == (0, None, 0)


def test_albums_are_counted_by_status_and_matched_ones_by_level(database: Database) -> None:
    later = timedelta(days=30)
    add(database, "a", "pending", -timedelta(minutes=5))
    add(database, "b", "pending", -timedelta(hours=2))
    add(database, "c", "matched", later, level="release")
    add(database, "d", "matched", later, level="release_group")
    add(database, "e", "matched", later, level="release_group")
    add(database, "f", "needs_review", later)
    add(database, "g", "error", timedelta(minutes=10))
    queue = read_queue(database)
    assert queue.albums == {
        ("pending", ""): 2,
        ("needs_review", ""): 1,
        ("no_match", ""): 0,
        ("error", ""): 1,
        ("matched", "release"): 1,
        ("matched", "release_group"): 2,
    }
    assert queue.due == 2  # the two pending; the error waits ten more minutes
    waited = queue.oldest_due_seconds(utcnow())
    assert 2 * 3600 <= waited < 3 * 3600  # b fell due two hours ago

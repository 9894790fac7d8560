"""Recording enrichment failures: the error lands on the albums, clean, on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.enrichment.store import NOT_HYDRATED_AGAIN, fail, release
from trendcache.text import ERROR_LIMIT

# MusicBrainz's words for a refusal may quote anything, the database's may quote our data.
HOSTILE_ERROR = "MusicBrainz answered 400: \u202eevil\x00 \x1b[31m" + "x" * 5000


def queue(database: Database, batch_id: str | None, **albums: str) -> None:
    with database.writer() as session:
        for album_id, status in albums.items():
            session.add(EnrichmentState(album_id=album_id, status=status, batch_id=batch_id))


def rows(database: Database) -> dict[str, EnrichmentState]:
    with database.session() as session:
        return {row.album_id: row for row in session.scalars(select(EnrichmentState))}


def test_a_failed_batch_records_a_clean_error_on_its_albums(database: Database) -> None:
    queue(database, "batch", a="pending", b="no_match")
    queue(database, None, c="pending")
    with database.writer() as session:
        release(session, "batch", NOT_HYDRATED_AGAIN, error=HOSTILE_ERROR)

    found = rows(database)
    assert (found["a"].status, found["b"].status, found["c"].status) == (
        "error",
        "no_match",  # what it was stays; it is tried again as soon
        "pending",
    )
    for album in ("a", "b"):
        row = found[album]
        assert row.last_error is not None and row.last_error.startswith(
            "MusicBrainz answered 400: evil [31mx"
        )
        assert len(row.last_error) == ERROR_LIMIT
        assert row.batch_id is None and row.attempts == 1
        assert row.next_attempt_at < utcnow() + timedelta(minutes=6)
    assert found["c"].last_error is None


def test_one_album_can_fail_while_its_batch_goes_on(database: Database) -> None:
    queue(database, "batch", a="pending", b="pending")
    with database.writer() as session:
        fail(session, ["a"], HOSTILE_ERROR)

    found = rows(database)
    assert found["a"].status == "error" and found["a"].batch_id is None
    assert found["a"].last_error is not None and "\x00" not in found["a"].last_error
    assert (found["b"].status, found["b"].batch_id) == ("pending", "batch")

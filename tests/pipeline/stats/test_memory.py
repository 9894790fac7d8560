"""What the statistics keep between requests: snapshots' listings are read once per
process, then served from memory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from tests.pipeline.listings import listed_items
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.history import Snapshot
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import NEW_RELEASES
from trendcache.pipeline.stats.memory import SnapshotListings
from trendcache.pipeline.stats.queries import listings


def test_a_listing_is_read_once_and_the_oldest_leave_first(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    items = listed_items(database, spotify_emulator)
    with database.writer() as session:
        for hours, market in enumerate(("SE", "DK"), start=1):
            record_listing(
                session, NEW_RELEASES, market, items[:hours], utcnow() + timedelta(hours=hours)
            )
    with database.session() as session:
        ids = list(session.scalars(select(Snapshot.id).order_by(Snapshot.id)))
    assert len(ids) == 3
    kept = SnapshotListings(size=len(ids) - 1)
    reads: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if "album_appearances" in statement:
            reads.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        with database.session() as session:
            first = kept.get(session, ids)
            again = kept.get(session, ids[1:])  # the first left when the last came in
            assert len(reads) == 1
            kept.get(session, ids[:1])
            assert len(reads) == 2
            assert first == listings(session, ids)
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert again == {i: first[i] for i in ids[1:]}
    assert all(first[i] for i in ids)  # every snapshot lists albums

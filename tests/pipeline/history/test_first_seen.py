"""When albums first appeared in listings, on both databases: per listing, the earliest
across the listings asked for, and nothing for albums or listings the history lacks."""

from __future__ import annotations

from datetime import timedelta

from tests.pipeline.history.test_recording import T0
from tests.pipeline.listings import listed_items
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.history.first_seen import first_seen
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import NEW_RELEASES


def test_the_earliest_sighting_in_the_listings_asked_for(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    a, b, c = listed_items(database, spotify_emulator)[:3]
    day = timedelta(days=1)
    with database.writer() as session:
        record_listing(session, NEW_RELEASES, "SE", [a], T0)
        record_listing(session, NEW_RELEASES, "SE", [a, b], T0 + day)
        record_listing(session, NEW_RELEASES, "DE", [b], T0 - day)
        record_listing(session, "another_listing", "SE", [c], T0 - 2 * day)
    ids = [a["id"], b["id"], c["id"], "never-listed"]
    with database.session() as session:
        sweden = first_seen(session, ids, [NEW_RELEASES], ["SE"])
        both = first_seen(session, ids, [NEW_RELEASES], ["SE", "DE"])
        nowhere = first_seen(session, ids, [NEW_RELEASES], [])
    assert sweden == {a["id"]: T0, b["id"]: T0 + day}
    assert both == {a["id"]: T0, b["id"]: T0 - day}
    assert all(seen.tzinfo is not None for seen in both.values())
    assert nowhere == {}

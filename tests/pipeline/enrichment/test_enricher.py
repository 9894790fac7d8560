"""The seed's enrichNextAlbum, in batches, against the Spotify and MusicBrainz emulators.

The albums to enrich are the Spotify emulator's listings, stored as a sync stores them (see
tests/pipeline/listings.py); one test syncs, to show the product goes on without enrichment.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from tests.pipeline.helpers import cache_row
from tests.pipeline.listings import store_listings
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import EnrichmentState, SpotifyAlbum
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.enrichment.status import read_enrichment_status
from trendcache.pipeline.keys import trending_key
from trendcache.services import Services


@pytest.fixture
def enriching(
    make_services: Any,
    database: Database,
    spotify_emulator: SpotifyEmulator,
    musicbrainz_emulator: MusicBrainzEmulator,
) -> Services:
    """Services on each database backend, with the emulator's listing stored as a sync
    stores it and MusicBrainz at the emulator."""
    services: Services = make_services(
        database, musicbrainz_base_url=musicbrainz_emulator.base_url, musicbrainz_rate=50
    )
    store_listings(database, spotify_emulator)
    return services


def states(database: Database) -> dict[str, EnrichmentState]:
    with database.session() as session:
        return {row.album_id: row for row in session.scalars(select(EnrichmentState))}


def test_every_album_is_matched_as_the_ground_truth_says(
    enriching: Services, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    results = enriching.enricher.run_until_idle()
    assert len(results) == 1
    rows = states(enriching.database)
    assert rows
    for album_id, row in rows.items():
        truth = musicbrainz_emulator.truth[album_id]
        if truth.release_group_mbid is None:  # absent from MusicBrainz
            assert row.status == "no_match", album_id
            continue
        if truth.release_mbid is None:  # only the group is known: no release may be named
            assert row.release_mbid is None, album_id
            if row.status == "matched":
                assert row.release_group_mbid == truth.release_group_mbid, album_id
            continue
        assert row.status == "matched", (album_id, row.result)
        assert row.method == truth.linked_by
        assert row.release_mbid == truth.release_mbid
        assert row.release_group_mbid == truth.release_group_mbid
        assert row.result is not None
        assert row.result["artistMbids"] == list(truth.artist_mbids)
        assert row.confidence is not None and 0.8 <= row.confidence <= 1.0
        assert row.result["candidates"], "the candidates weighed are kept"
    assert results[0].requests <= 0.15 * len(rows)
    assert musicbrainz_emulator.stats.violations == []


def test_the_seed_metadata_carries_processed_and_mb_matches(enriching: Services) -> None:
    enriching.enricher.run_until_idle()
    view = cache_row(enriching.database, trending_key())
    assert view is not None and view.meta is not None
    ids = {album["id"] for album in view.data["newReleases"]}
    assert set(view.meta["processed"]) == ids
    matched = {k: v for k, v in view.meta["mbMatches"].items() if v["status"] == "matched"}
    assert matched
    for album_id, match in matched.items():
        row = states(enriching.database)[album_id]
        assert match["releaseMbid"] == row.release_mbid
        assert match["method"] == row.method
    status = read_enrichment_status(enriching.database)
    assert status.counts["pending"] == 0
    assert status.counts["matched"] == len(matched)
    assert status.due == 0


def test_decisions_land_step_by_step(enriching: Services) -> None:
    seen: list[int] = []

    def count_matched() -> None:
        rows = states(enriching.database).values()
        seen.append(sum(1 for row in rows if row.status == "matched"))

    enriching.on_change(count_matched)
    enriching.enricher.run_until_idle()
    growth = sorted(set(seen))
    assert len(growth) >= 3, f"matches arrived in one lump: {seen}"


def test_no_match_is_tried_again_later_and_unhydrated_albums_wait(
    enriching: Services, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    database = enriching.database
    absent = next(
        a
        for a, t in musicbrainz_emulator.truth.items()
        if t.release_mbid is None and a in states(database)
    )
    unhydrated = next(
        a
        for a, t in musicbrainz_emulator.truth.items()
        if t.linked_by == "url" and a in states(database)
    )
    with database.writer() as session:
        session.execute(delete(SpotifyAlbum).where(SpotifyAlbum.id == unhydrated))
    enriching.enricher.run_until_idle()
    rows = states(database)
    assert rows[absent].status == "no_match"
    assert rows[absent].next_attempt_at >= utcnow() + timedelta(hours=23)
    assert rows[unhydrated].status == "pending"
    assert rows[unhydrated].next_attempt_at > utcnow() + timedelta(minutes=50)
    assert enriching.enricher.run_batch() is None, "nothing is due"

    with database.writer() as session:
        session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.album_id == absent)
            .values(next_attempt_at=utcnow())
        )
    retried = enriching.enricher.run_batch()
    assert retried is not None and retried.albums == 1
    row = states(database)[absent]
    assert (row.status, row.attempts) == ("no_match", 2)
    assert row.next_attempt_at >= utcnow() + timedelta(hours=47), "waits longer each time"


def test_an_invalid_user_agent_turns_enrichment_off_not_the_product(
    make_services: Any, sqlite_database: Database, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    services: Services = make_services(
        sqlite_database,
        musicbrainz_base_url=musicbrainz_emulator.base_url,
        musicbrainz_user_agent="python-requests/2.32",
    )
    assert services.syncer.sync("cli").source == "fresh"
    assert services.enricher.run_batch() is None
    status = read_enrichment_status(sqlite_database)
    assert status.disabled is not None and "MUSICBRAINZ_USER_AGENT" in status.disabled
    assert status.counts["pending"] > 0
    assert musicbrainz_emulator.stats.requests == [], "nothing was sent to MusicBrainz"


def test_a_musicbrainz_outage_is_an_error_tried_again_in_minutes(
    enriching: Services, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    musicbrainz_emulator.faults.outage = True
    failed = enriching.enricher.run_batch()
    assert failed is not None and failed.error is not None
    rows = states(enriching.database)
    assert {row.status for row in rows.values()} == {"error"}
    soonest = min(row.next_attempt_at for row in rows.values())
    assert utcnow() + timedelta(minutes=4) < soonest < utcnow() + timedelta(minutes=6)
    assert all(row.batch_id is None and row.last_error for row in rows.values())

    musicbrainz_emulator.faults.outage = False
    with enriching.database.writer() as session:
        session.execute(update(EnrichmentState).values(next_attempt_at=utcnow()))
    enriching.enricher.run_until_idle()
    assert "error" not in {row.status for row in states(enriching.database).values()}


def test_new_albums_from_later_syncs_are_queued_once(
    enriching: Services, spotify_emulator: SpotifyEmulator
) -> None:
    enriching.enricher.run_until_idle()
    before = set(states(enriching.database))
    spotify_emulator.advance(days=3)
    store_listings(enriching.database, spotify_emulator)
    after = states(enriching.database)
    fresh = set(after) - before
    assert fresh, "the later sync listed new albums"
    assert {after[a].status for a in fresh} == {"pending"}
    assert all(after[a].attempts > 0 for a in before), "decided albums keep their state"


def test_a_new_sync_shows_albums_matched_before_at_once(
    enriching: Services, spotify_emulator: SpotifyEmulator
) -> None:
    enriching.enricher.run_until_idle()
    spotify_emulator.advance(days=1)
    store_listings(enriching.database, spotify_emulator)
    view = cache_row(enriching.database, trending_key())
    assert view is not None and view.meta is not None
    rows = states(enriching.database)
    listed = {album["id"] for album in view.data["newReleases"]}
    decided = {a for a in listed if rows[a].status != "pending"}
    assert decided, "some albums were listed before"
    assert set(view.meta["mbMatches"]) == decided

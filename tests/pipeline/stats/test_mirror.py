"""The statistics' mirror of albums' enrichment statuses and credits stays current."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select, update

from tests.pipeline.listings import listed_items
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.history import AlbumArtist
from trendcache.db.models import EnrichmentState
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.enrichment.status import coverage_status
from trendcache.pipeline.history.recording import record_albums, record_listing
from trendcache.pipeline.history.rollup_rules import ALL
from trendcache.pipeline.keys import NEW_RELEASES
from trendcache.pipeline.stats.cache import StatsCache
from trendcache.pipeline.stats.mirror import AlbumMirror, Fact


def stored(database: Database, album_id: str) -> Fact:
    with database.session() as session:
        status = session.scalar(
            select(coverage_status()).where(EnrichmentState.album_id == album_id)
        )
        artists = session.scalars(
            select(AlbumArtist.artist_id)
            .where(AlbumArtist.album_id == album_id)
            .order_by(AlbumArtist.position)
        )
        return Fact(status, tuple(dict.fromkeys(artists)))


def test_facts_load_on_demand_then_follow_changes(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    items = listed_items(database, spotify_emulator)
    first, second = items[0], items[1]
    facts = AlbumMirror()
    with database.session() as session:
        found = facts.of(session, [first["id"]])
    assert (
        found[first["id"]]
        == stored(database, first["id"])
        == Fact("pending", found[first["id"]].artists)
    )
    assert found[first["id"]].artists  # every listed album has credits
    assert second["id"] not in found  # only what was asked for (and asked before)

    later = utcnow() + timedelta(seconds=5)
    with database.writer() as session:  # the enricher matches it
        session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.album_id == first["id"])
            .values(status="matched", level="release", updated_at=later)
        )
        credited = {**first, "artists": list(reversed(second["artists"] + first["artists"]))}
        record_albums(session, [credited], {}, later)  # a sync sees new credits
    with database.session() as session:
        found = facts.of(session, [first["id"], second["id"]])
    assert found[first["id"]] == stored(database, first["id"])
    assert found[first["id"]].status == "matched_release"
    assert found[first["id"]].artists[0] == credited["artists"][0]["id"]
    assert found[second["id"]] == stored(database, second["id"])


def test_an_album_without_state_or_credits_has_empty_facts(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    listed_items(database, spotify_emulator)
    with database.session() as session:
        assert AlbumMirror().of(session, ["0000000000000000000000"])["0000000000000000000000"] == (
            Fact(None, ())
        )


def test_a_warm_mirror_answers_from_memory(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    """After `StatsCache.warm` (a server's start), asking for any album costs one probe:
    whether anything changed."""
    items = listed_items(database, spotify_emulator)
    cache = StatsCache(database)
    cache.warm()
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = database.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        with database.session() as session:
            found = cache.memory.facts.of(session, [item["id"] for item in items])
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 1, statements
    assert all(found[item["id"]] == stored(database, item["id"]) for item in items)


def test_coverage_follows_debuts_and_status_changes(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    items = listed_items(database, spotify_emulator)
    facts = AlbumMirror()
    with database.session() as session:
        everywhere = facts.coverage(session, ALL, ALL)
        assert facts.coverage(session, NEW_RELEASES, "SE") == Counter()
    assert everywhere["pending"] >= len(items)  # the listing's write queued them all
    later = utcnow() + timedelta(hours=1)
    with database.writer() as session:
        record_listing(session, NEW_RELEASES, "SE", items[:3], later)
        session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.album_id == items[0]["id"])
            .values(status="matched", level="release_group", updated_at=later)
        )
    with database.session() as session:
        expected = Counter(pending=2, matched_release_group=1)
        assert +facts.coverage(session, NEW_RELEASES, "SE") == expected
        assert +facts.coverage(session, ALL, "SE") == expected
        moved = facts.coverage(session, ALL, ALL)
    assert moved == everywhere - Counter(pending=1) + Counter(matched_release_group=1)
    with database.session() as session:  # a fresh mirror agrees
        assert +AlbumMirror().coverage(session, ALL, ALL) == +moved

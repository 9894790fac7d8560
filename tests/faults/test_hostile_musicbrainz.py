"""Hostile MusicBrainz text, end to end: enrichment against the MusicBrainz emulator serving
NUL bytes, control and bidi characters, zero-width characters and 20 KB titles, on SQLite
and PostgreSQL; and a database that refuses an enrichment write (a real trigger), which
must leave an error on the album and the worker going on, never a crash or a lost claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.faults.hostile import FORBIDDEN, NAME_LIMIT, cleaned, refuse_writes, strings
from tests.fixtures.app import ServicesFactory
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import EnrichmentState, MusicBrainzResponse
from trendcache.emulators.hostile import INVISIBLE, VARIANTS, variant_of
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.services import Services
from trendcache.web.app import create_app

MARKETS = ["US"]
LIMIT = 20
TEXT_LIMIT = 1000  # what the sanitiser lets any text grow to
REFUSED = "enrichment is read-only today"
DECIDED = {"matched", "no_match", "needs_review"}
HIDING = re.compile("[\x00\x07\x1b\x85\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def enriching(
    make_services: ServicesFactory,
    database: Database,
    musicbrainz: MusicBrainzEmulator,
    **overrides: Any,
) -> Services:
    """Services with a few synced albums to enrich from the MusicBrainz emulator."""
    services = make_services(
        database,
        spotify_markets=MARKETS,
        spotify_new_releases_limit=LIMIT,
        musicbrainz_base_url=musicbrainz.base_url,
        musicbrainz_rate=100,
        **overrides,
    )
    assert services.syncer.sync("cli").error is None
    return services


def states(database: Database) -> dict[str, EnrichmentState]:
    with database.session() as session:
        return {row.album_id: row for row in session.scalars(select(EnrichmentState))}


def releases_in(document: Any) -> Iterator[dict[str, Any]]:
    """Every object of a cached answer that names a release (search hit, relation, …)."""
    if isinstance(document, list):
        for item in document:
            yield from releases_in(item)
    elif isinstance(document, dict):
        for key, item in document.items():
            if key in ("release", "releases"):
                yield from (item if isinstance(item, list) else [item])
            yield from releases_in(item)


def test_hostile_musicbrainz_answers_are_decided_and_stored_clean(
    make_services: ServicesFactory, database: Database, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    services = enriching(make_services, database, musicbrainz_emulator)
    musicbrainz_emulator.faults.hostile_names = True

    results = services.enricher.run_until_idle()

    assert [r.error for r in results] == [None]
    rows = states(database)
    assert rows and {row.status for row in rows.values()} <= DECIDED
    truth = musicbrainz_emulator.truth
    faithful = 0
    for album_id, row in rows.items():
        expected = truth[album_id]
        if expected.release_mbid is None:
            assert row.status == "no_match", album_id
        elif variant_of(expected.release_mbid) in INVISIBLE:  # cleaned, it is the original
            assert (row.status, row.release_mbid) == ("matched", expected.release_mbid)
            assert row.release_group_mbid == expected.release_group_mbid
            faithful += 1
    assert faithful > 0
    with database.session() as session:
        cached = session.scalars(select(MusicBrainzResponse.data)).all()
    decisions = [row.result for row in rows.values()]
    for document in [*cached, *decisions]:
        for value in strings(document):
            assert not FORBIDDEN.search(value), repr(value[:80])
            assert len(value) <= TEXT_LIMIT
    # Every release title was cleaned to what it should be, no more: composed, cut, kept.
    catalog, seen = musicbrainz_emulator.catalog, set()
    for release in releases_in(cached):
        original = catalog.release(release["id"])
        assert original is not None
        variant = variant_of(release["id"])
        seen.add(variant)
        assert release["title"] == cleaned(variant, original.title), variant
        assert len(release["title"]) <= NAME_LIMIT
    assert seen == set(VARIANTS)
    # Pages show MusicBrainz ids, links and states, no MusicBrainz text: nothing hostile.
    matched = next(a for a, row in rows.items() if row.status == "matched")
    with TestClient(create_app(services, None)) as client:
        for path in (f"/albums/{matched}", "/stats", "/"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert not HIDING.search(response.text), path
            assert "W" * 100 not in response.text, path


Refuse = Callable[..., Callable[[], None]]


@pytest.fixture
def refusing(database: Database) -> Iterator[Refuse]:
    """`refuse(table, when, events)`: the database refuses those writes until the test
    ends, or until the undo it returns is called."""
    undo: list[Callable[[], None]] = []

    def refuse(table: str, when: str = "true", events: str = "INSERT") -> Callable[[], None]:
        undo.append(refuse_writes(database, table, REFUSED, when, events))
        return undo[-1]

    yield refuse
    for step in reversed(undo):
        step()


def make_due(database: Database) -> None:
    with database.writer() as session:
        session.execute(update(EnrichmentState).values(next_attempt_at=utcnow()))


def test_a_refused_decision_is_an_error_on_that_album_and_the_rest_go_on(
    make_services: ServicesFactory,
    database: Database,
    musicbrainz_emulator: MusicBrainzEmulator,
    refusing: Refuse,
) -> None:
    services = enriching(
        make_services, database, musicbrainz_emulator, enrichment_batch_size=len(MARKETS) * 8
    )
    truth = musicbrainz_emulator.truth
    queued = sorted(states(database))
    victim = next(a for a in queued if truth[a].linked_by == "url")
    accept = refusing(
        "enrichment_state", f"NEW.album_id = '{victim}' AND NEW.result IS NOT NULL", "UPDATE"
    )

    results = services.enricher.run_until_idle()  # no exception: the worker goes on

    assert len(results) >= 2 and all(r.error is None for r in results)
    rows = states(database)
    failed = rows[victim]
    assert failed.status == "error" and failed.last_error is not None
    assert REFUSED in failed.last_error
    assert failed.batch_id is None and failed.claimed_until is None  # the claim is released
    assert (
        utcnow() + timedelta(minutes=4) < failed.next_attempt_at < utcnow() + timedelta(minutes=6)
    )
    others = {a: row for a, row in rows.items() if a != victim}
    assert {row.status for row in others.values()} <= DECIDED
    assert all(row.batch_id is None for row in others.values())

    # Once the database takes it, the album is matched on its next attempt.
    accept()
    make_due(database)
    services.enricher.run_until_idle()
    again = states(database)[victim]
    assert (again.status, again.release_mbid) == ("matched", truth[victim].release_mbid)


def test_a_refused_response_cache_fails_the_batch_like_a_musicbrainz_error(
    make_services: ServicesFactory,
    database: Database,
    musicbrainz_emulator: MusicBrainzEmulator,
    refusing: Refuse,
) -> None:
    services = enriching(make_services, database, musicbrainz_emulator)
    refusing("musicbrainz_responses", events="INSERT,UPDATE")

    results = services.enricher.run_until_idle()  # no exception

    assert len(results) == 1
    error = results[0].error
    assert error is not None and REFUSED in error
    rows = states(database).values()
    assert {row.status for row in rows} == {"error"}
    assert all(row.batch_id is None and REFUSED in (row.last_error or "") for row in rows)
    assert services.enricher.run_batch() is None  # backing off: nothing is due

"""An operator settling albums that need review, and retrying, on both databases, against
the MusicBrainz emulator: every decision reaches the read path and outlives automatic runs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from tests.pipeline.enrichment.reviews import make_needs_review, release_of, released_albums
from tests.pipeline.helpers import cache_row
from tests.pipeline.listings import store_listings
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.musicbrainz.client import MusicBrainzClient
from trendcache.musicbrainz.outcome import Outcome
from trendcache.musicbrainz.scoring import Decision
from trendcache.pipeline.data_steps.steps import match_levels
from trendcache.pipeline.enrichment.claims import OPERATOR, claim_batch
from trendcache.pipeline.enrichment.review import (
    ReviewError,
    albums_to_review,
    choose_candidate,
    mark_not_in_musicbrainz,
    resolve_by_mbid,
    retry_album,
    retry_errors,
)
from trendcache.pipeline.enrichment.store import release, store_outcomes
from trendcache.pipeline.keys import trending_key
from trendcache.services import Services

UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def enriched(
    make_services: Any,
    database: Database,
    spotify_emulator: SpotifyEmulator,
    musicbrainz_emulator: MusicBrainzEmulator,
) -> Services:
    services: Services = make_services(
        database, musicbrainz_base_url=musicbrainz_emulator.base_url, musicbrainz_rate=50
    )
    store_listings(database, spotify_emulator)
    assert services.enricher.run_until_idle()
    return services


@pytest.fixture
def review(enriched: Services) -> tuple[str, str, str]:
    """(album, its own release, a rival release): the album needs review between the two."""
    album, rival = released_albums(enriched)[:2]
    own, other = make_needs_review(enriched, album, rival)
    return album, own, other


def client(services: Services) -> MusicBrainzClient:
    connector = services.enricher.connector()
    assert connector is not None
    return connector.client()


def state(services: Services, album_id: str) -> EnrichmentState:
    with services.database.session() as session:
        return session.get_one(EnrichmentState, album_id)


def shown_match(services: Services, album_id: str) -> dict[str, Any]:
    """The album's match as the read path finds it: the trending view's seed metadata."""
    view = cache_row(services.database, trending_key())
    assert view is not None and view.meta is not None
    match: dict[str, Any] = view.meta["mbMatches"][album_id]
    return match


def test_albums_that_need_review_are_listed_with_their_weighed_candidates(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album, own, other = review
    items, total = albums_to_review(enriched.database)
    assert total == 1 and [item.album_id for item in items] == [album]
    (item,) = items
    assert item.name and item.artists and item.tracks
    assert {c["mbid"] for c in item.candidates} == {own, other}
    for candidate in item.candidates:
        assert {"title", "artist", "date", "tracks", "barcode", "releaseGroup", "score"} <= set(
            candidate
        )


def test_choosing_a_candidate_matches_the_release_with_its_group_and_artists(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album, own, _other = review
    resolution = choose_candidate(enriched.database, client(enriched), album, own, "root")
    row = state(enriched, album)
    assert (row.status, row.level, row.method, row.release_mbid) == (
        "matched",
        "release",
        OPERATOR,
        own,
    )
    assert row.release_group_mbid and row.release_group_mbid == resolution.release_group_mbid
    assert row.result is not None and row.result["artistMbids"] and row.result["operator"] == "root"
    assert row.result["candidates"], "the candidates weighed are kept"
    assert row.next_attempt_at > utcnow() + timedelta(days=3650)
    shown = shown_match(enriched, album)
    assert (shown["status"], shown["releaseMbid"], shown["method"]) == ("matched", own, OPERATOR)
    assert shown["releaseGroupMbid"] == row.release_group_mbid
    assert shown["artistMbids"] == row.result["artistMbids"]
    assert albums_to_review(enriched.database) == ([], 0)


def test_only_a_weighed_candidate_can_be_chosen(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album = review[0]
    stranger = release_of(enriched, released_albums(enriched)[2])
    with pytest.raises(ReviewError, match="not one of the candidates"):
        choose_candidate(enriched.database, client(enriched), album, stranger, "root")
    assert state(enriched, album).status == "needs_review"


def test_an_mbid_entered_by_hand_is_looked_up_and_may_be_a_link(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album = review[0]
    entered = release_of(enriched, released_albums(enriched)[2])
    link = f"  https://musicbrainz.org/release/{entered.upper()}  "
    resolution = resolve_by_mbid(enriched.database, client(enriched), album, link, "root")
    assert resolution.release_mbid == entered and resolution.title
    row = state(enriched, album)
    assert (row.status, row.method, row.release_mbid) == ("matched", OPERATOR, entered)
    assert row.release_group_mbid == resolution.release_group_mbid is not None


@pytest.mark.parametrize(
    ("entered", "refusal"),
    [
        ("not-an-mbid", "not a MusicBrainz release MBID"),
        ("https://musicbrainz.org/artist/x", "not a MusicBrainz release MBID"),
        (UNKNOWN_MBID, "MusicBrainz has no release"),
    ],
)
def test_a_malformed_or_unknown_mbid_is_refused_and_nothing_changes(
    enriched: Services,
    review: tuple[str, str, str],
    musicbrainz_emulator: MusicBrainzEmulator,
    entered: str,
    refusal: str,
) -> None:
    album = review[0]
    musicbrainz_emulator.stats.clear()
    with pytest.raises(ReviewError, match=refusal):
        resolve_by_mbid(enriched.database, client(enriched), album, entered, "root")
    row = state(enriched, album)
    assert (row.status, row.method) == ("needs_review", "fuzzy")
    asked = musicbrainz_emulator.stats.total
    assert asked == (1 if entered == UNKNOWN_MBID else 0), "a malformed MBID is never sent"


def test_not_in_musicbrainz_is_a_decision_of_its_own(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album = review[0]
    mark_not_in_musicbrainz(enriched.database, album, "root")
    row = state(enriched, album)
    assert (row.status, row.method, row.release_mbid, row.release_group_mbid) == (
        "no_match",
        OPERATOR,
        None,
        None,
    )
    assert shown_match(enriched, album)["status"] == "no_match"


def test_an_operators_decision_survives_every_automatic_run(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album, own, _other = review
    choose_candidate(enriched.database, client(enriched), album, own, "root")
    decided = state(enriched, album)
    # A sweep makes everything due (as the match_levels data step does) and enrichment runs.
    with enriched.database.writer() as session:
        session.execute(update(EnrichmentState).values(next_attempt_at=utcnow()))
    results = enriched.enricher.run_until_idle()
    with enriched.database.session() as session:
        queued = session.scalar(select(func.count()).select_from(EnrichmentState))
    assert sum(r.albums for r in results) == queued - 1, "every album but the decided one"
    after = state(enriched, album)
    assert (after.status, after.method, after.release_mbid, after.attempts) == (
        decided.status,
        OPERATOR,
        own,
        decided.attempts,
    )
    assert after.result == decided.result
    assert shown_match(enriched, album)["method"] == OPERATOR


def test_a_batch_that_held_the_album_when_the_operator_decided_leaves_it_alone(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album, own, other = review
    with enriched.database.writer() as session:
        session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.album_id == album)
            .values(next_attempt_at=utcnow() - timedelta(minutes=1))
        )
    batch_id, claimed = claim_batch(enriched.database, 10)
    assert album in claimed
    choose_candidate(enriched.database, client(enriched), album, own, "root")
    undecided = Decision("no_match", None, 0.0, None, ())
    with enriched.database.writer() as session:  # the batch's own decision lands late
        store_outcomes(session, {album: Outcome(album, undecided)}, utcnow())
        release(session, batch_id, timedelta(hours=1), error="MusicBrainz went away")
    row = state(enriched, album)
    assert (row.status, row.method, row.release_mbid, row.last_error) == (
        "matched",
        OPERATOR,
        own,
        None,
    )
    assert other != own


def test_retrying_errors_makes_them_due_and_leaves_operator_decisions_alone(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album = review[0]
    mark_not_in_musicbrainz(enriched.database, album, "root")
    failed = released_albums(enriched)[1]
    later = utcnow() + timedelta(hours=1)
    with enriched.database.writer() as session:
        session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.album_id.in_([failed, album]))
            .values(last_error="MusicBrainz: unreachable", next_attempt_at=later)
        )
        session.execute(
            update(EnrichmentState).where(EnrichmentState.album_id == failed).values(status="error")
        )
    assert retry_errors(enriched.database) == 1
    assert state(enriched, failed).next_attempt_at <= utcnow()
    assert state(enriched, album).next_attempt_at == later, "an operator's decision stays"
    assert retry_errors(enriched.database) == 0, "what is due already is not counted again"


def test_retrying_one_album_hands_an_operators_decision_back(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album = review[0]
    mark_not_in_musicbrainz(enriched.database, album, "root")
    assert retry_album(enriched.database, album)
    row = state(enriched, album)
    assert row.method is None and row.next_attempt_at <= utcnow()
    enriched.enricher.run_until_idle()
    assert state(enriched, album).method != OPERATOR
    assert not retry_album(enriched.database, "no-such-album")


def test_the_data_step_that_asks_every_album_again_skips_operator_decisions(
    enriched: Services, review: tuple[str, str, str]
) -> None:
    album = review[0]
    mark_not_in_musicbrainz(enriched.database, album, "root")
    held = state(enriched, album).next_attempt_at
    other = released_albums(enriched)[1]
    with enriched.database.writer() as session:
        match_levels(session)
    assert state(enriched, album).next_attempt_at == held
    assert state(enriched, other).next_attempt_at <= utcnow()

"""Which source listed an album first: the sightings per source (both databases) and the
sentence that words them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.pipeline.history.test_recording import T0
from tests.pipeline.listings import listed_items
from tests.web.listenbrainz import group, lb_item
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.history.lead import (
    first_seen_by_source,
    lead_sentence,
    span_words,
)
from trendcache.pipeline.history.recording import record_albums, record_listing
from trendcache.pipeline.keys import (
    LISTENBRAINZ_FRESH,
    LISTENBRAINZ_TOP,
    NEW_RELEASES,
    WORLDWIDE,
)

DAY = timedelta(days=1)


def test_first_sighting_per_source_across_joined_ids(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    spotify = listed_items(database, spotify_emulator)[0]
    listened = lb_item(1)
    with database.writer() as session:
        record_albums(session, [listened], {}, T0)
        record_listing(session, NEW_RELEASES, "DE", [spotify], T0)
        record_listing(session, NEW_RELEASES, "SE", [spotify], T0 + DAY)
        record_listing(session, LISTENBRAINZ_TOP, WORLDWIDE, [listened], T0 + 9 * DAY)
    with database.session() as session:
        both = first_seen_by_source(session, [spotify["id"], f"mb-{group(1)}"])
        alone = first_seen_by_source(session, [spotify["id"]])
        none = first_seen_by_source(session, [])
    assert both == {NEW_RELEASES: T0, LISTENBRAINZ_TOP: T0 + 9 * DAY}
    assert alone == {NEW_RELEASES: T0}
    assert none == {}
    assert lead_sentence(both, chart_size=100) == (
        "Charted on Spotify new releases 9 days before it entered the ListenBrainz top 100."
    )


@pytest.mark.parametrize(
    ("spotify", "listenbrainz", "sentence"),
    [
        (
            T0,
            T0 + 21 * DAY,
            "Charted on Spotify new releases 3 weeks before it entered the ListenBrainz top chart.",
        ),
        (
            T0 + DAY,
            T0,
            "Entered the ListenBrainz top chart 1 day before it charted on Spotify new releases.",
        ),
        (
            T0,
            T0 + timedelta(hours=20),
            "Charted on Spotify new releases and entered the ListenBrainz top chart "
            "on the same day.",
        ),
    ],
)
def test_the_sentence(spotify: object, listenbrainz: object, sentence: str) -> None:
    assert lead_sentence({NEW_RELEASES: spotify, LISTENBRAINZ_TOP: listenbrainz}) == sentence  # type: ignore[dict-item]


def test_the_top_when_it_entered_it_else_the_earliest_listing_and_none_with_one_side() -> None:
    first = {LISTENBRAINZ_TOP: T0 + 30 * DAY, LISTENBRAINZ_FRESH: T0 + 2 * DAY, NEW_RELEASES: T0}
    assert lead_sentence(first, chart_size=100) == (
        "Charted on Spotify new releases 4 weeks before it entered the ListenBrainz top 100."
    )
    del first[LISTENBRAINZ_TOP]
    assert lead_sentence(first) == (
        "Charted on Spotify new releases 2 days before it entered ListenBrainz's fresh releases."
    )
    assert lead_sentence({NEW_RELEASES: T0}) is None
    assert lead_sentence({LISTENBRAINZ_TOP: T0}) is None


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "1 day"),
        (2, "2 days"),
        (13, "13 days"),
        (14, "2 weeks"),
        (24, "3 weeks"),
        (60, "8 weeks"),
    ],
)
def test_span_words_of_days(days: int, words: str) -> None:
    assert span_words(timedelta(days=days)) == words

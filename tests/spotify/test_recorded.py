"""What Spotify really sent (the recorded fixtures), replayed over HTTP to the real client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.fixtures.spotify import SpotifyReference
from tests.spotify.replay import ReplayServer
from trendcache.clock import utcnow
from trendcache.spotify.client import SpotifyClient
from trendcache.spotify.errors import SpotifyMalformed, SpotifyQuotaExceeded, SpotifyRateLimited
from trendcache.spotify.models import Album, AlbumListing, ErrorBody, SeveralAlbums, SeveralArtists

# The documented quota 429 (reference ERRORS.md (d)), with a Retry-After seen in the wild.
QUOTA_BODY = {"error": {"status": 429, "message": "Too many requests", "reason": "QUOTA_EXCEEDED"}}
QUOTA_RETRY_AFTER = 52531


def ids_of(documents: list[dict[str, Any]]) -> list[str]:
    return [document["id"] for document in documents]


def test_recorded_new_releases_page_parses(
    spotify_reference: SpotifyReference, replay: ReplayServer, replay_client: SpotifyClient
) -> None:
    recorded = spotify_reference.fixture("new_releases")
    replay.answer("browse/new-releases", recorded)

    pages = replay_client.new_releases(20)

    assert pages == [recorded]
    listing = AlbumListing.model_validate(pages[0])
    assert len(listing.albums.items) == 20
    assert listing.albums.items[0].artists[0].name == "Coldplay"
    assert [r.query for r in replay.requests] == ["limit=20"]


def test_a_recorded_next_link_to_another_host_is_refused(
    spotify_reference: SpotifyReference, replay: ReplayServer, replay_client: SpotifyClient
) -> None:
    # Served from 127.0.0.1, the recording's `next` still points at api.spotify.com.
    recorded = spotify_reference.fixture("new_releases")
    assert recorded["albums"]["next"].startswith("https://api.spotify.com/v1/")
    replay.answer("browse/new-releases", recorded)

    with pytest.raises(SpotifyMalformed, match=r"api\.spotify\.com"):
        replay_client.new_releases(40)

    assert len(replay.requests) == 1


def test_recorded_full_album_parses(
    spotify_reference: SpotifyReference, replay: ReplayServer, replay_client: SpotifyClient
) -> None:
    recorded = spotify_reference.fixture("album_full")
    replay.answer(f"albums/{recorded['id']}", recorded)

    albums = replay_client.album_each([recorded["id"]], "US")

    assert albums == {recorded["id"]: recorded}
    album = Album.model_validate(recorded)
    assert (album.name, album.label, album.external_ids.upc) == (
        "SINGLARITY",
        "Smihilism Records",
        "195916707034",
    )
    assert len(album.tracks.items) == 11
    assert [r.query for r in replay.requests] == ["market=US"]


def test_recorded_several_albums_parse(
    spotify_reference: SpotifyReference, replay: ReplayServer, replay_client: SpotifyClient
) -> None:
    recorded = spotify_reference.fixture("several_albums")
    replay.answer("albums", recorded)
    wanted = ids_of(recorded["albums"])

    albums = replay_client.albums(wanted, None)

    assert list(albums) == wanted
    assert list(albums.values()) == recorded["albums"]
    parsed = SeveralAlbums.model_validate(recorded).albums
    assert all(album is not None and album.external_ids.upc for album in parsed)


def test_recorded_several_artists_parse(
    spotify_reference: SpotifyReference, replay: ReplayServer, replay_client: SpotifyClient
) -> None:
    recorded = spotify_reference.fixture("several_artists")
    replay.answer("artists", recorded)
    wanted = ids_of(recorded["artists"])

    artists = replay_client.artists(wanted)

    assert list(artists) == wanted
    parsed = SeveralArtists.model_validate(recorded).artists
    assert parsed[0] is not None
    assert (parsed[0].name, parsed[0].popularity) == ("deadmau5", 66)
    assert parsed[0].followers is not None and parsed[0].followers.total == 2835004


def test_the_recorded_429_is_a_rate_limit_and_is_retried(
    spotify_reference: SpotifyReference, replay: ReplayServer, replay_client: SpotifyClient
) -> None:
    limited = spotify_reference.fixture("error_429_rate_limit")
    album = spotify_reference.fixture("album_full")
    path = f"albums/{album['id']}"
    replay.answer(path, limited, status=429, headers={"Retry-After": "1"})
    replay.answer(path, album)

    assert replay_client.album_each([album["id"]], None) == {album["id"]: album}

    assert ErrorBody.model_validate(limited).error.reason is None
    first, retry = replay.requests
    assert (first.status, retry.status) == (429, 200)
    assert retry.at - first.at >= 1.0


def test_the_recorded_429_with_a_long_retry_after_is_not_waited_out(
    spotify_reference: SpotifyReference, replay: ReplayServer, replay_client: SpotifyClient
) -> None:
    limited = spotify_reference.fixture("error_429_rate_limit")
    replay.answer("browse/new-releases", limited, status=429, headers={"Retry-After": "120"})

    with pytest.raises(SpotifyRateLimited) as caught:
        replay_client.new_releases(20)

    assert caught.value.retry_after == 120  # above the default 60 s maximum
    assert len(replay.requests) == 1


def test_the_documented_quota_429_is_decoded(
    replay: ReplayServer, replay_client: SpotifyClient
) -> None:
    headers = {"Retry-After": str(QUOTA_RETRY_AFTER)}
    replay.answer("browse/new-releases", QUOTA_BODY, status=429, headers=headers)

    before = utcnow()
    with pytest.raises(SpotifyQuotaExceeded) as caught:
        replay_client.new_releases(20)
    after = utcnow()

    wait = timedelta(seconds=QUOTA_RETRY_AFTER)
    assert before + wait <= caught.value.until <= after + wait
    assert len(replay.requests) == 1

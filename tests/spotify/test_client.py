"""`SpotifyClient` against the emulator: paging, batches, validation and the two tiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.spotify.conftest import ClientFactory
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.emulators.spotify.faults import MALFORMED_KINDS, MalformedKind
from trendcache.spotify.client import SpotifyClient
from trendcache.spotify.errors import SpotifyBadRequest, SpotifyForbidden, SpotifyMalformed

MISSING_ALBUM = "0000000000000000000000"  # a valid base62 id the catalog does not have


def item_ids(pages: list[dict[str, Any]]) -> list[str]:
    return [album["id"] for page in pages for album in page["albums"]["items"]]


def released_album_ids(emulator: SpotifyEmulator, count: int) -> list[str]:
    return [album.id for album in emulator.catalog.released_albums()[:count]]


def artist_ids(emulator: SpotifyEmulator, count: int) -> list[str]:
    return [artist.id for artist in emulator.catalog.artists[:count]]


def queries(emulator: SpotifyEmulator, template: str) -> list[dict[str, list[str]]]:
    return [parse_qs(r.query) for r in emulator.stats.requests if r.template == template]


# Paging


def test_new_releases_follow_next_to_the_requested_count(
    spotify_emulator: SpotifyEmulator, make_client: ClientFactory
) -> None:
    pages = make_client().new_releases(100)

    ids = item_ids(pages)
    assert len(ids) == 100
    assert len(set(ids)) == len(ids)
    offsets = [q.get("offset", ["0"])[0] for q in queries(spotify_emulator, "/browse/new-releases")]
    assert offsets == ["0", "50"]


@pytest.mark.parametrize(
    ("tier", "page", "wanted"), [("extended", 50, 110), ("development", 10, 35)]
)
def test_search_follows_next_to_the_requested_count(
    spotify_emulator: SpotifyEmulator,
    make_client: ClientFactory,
    tier: str,
    page: int,
    wanted: int,
) -> None:
    spotify_emulator.tier = tier

    pages = make_client().search_new_albums("US", wanted, page=page)

    ids = item_ids(pages)
    assert len(pages) == -(-wanted // page)  # as few pages as the count needs
    assert wanted <= len(ids) < wanted + page
    assert len(set(ids)) == len(ids)
    limits = {q["limit"][0] for q in queries(spotify_emulator, "/search")}
    assert limits == {str(page)}


def test_paging_ends_with_the_last_page(
    spotify_emulator: SpotifyEmulator, make_client: ClientFactory
) -> None:
    total = len(spotify_emulator.catalog.new_releases("US"))

    pages = make_client().search_new_albums("US", 1000, page=50)

    assert len(item_ids(pages)) == len(set(item_ids(pages))) == total
    assert pages[-1]["albums"]["next"] is None


def test_on_page_can_stop_the_paging_early(
    spotify_emulator: SpotifyEmulator, make_client: ClientFactory
) -> None:
    seen: list[int] = []

    def first_two(page: dict[str, Any]) -> bool:
        seen.append(page["albums"]["offset"])
        return len(seen) < 2

    pages = make_client().search_new_albums("US", 100, page=10, on_page=first_two)

    assert len(pages) == 2
    assert seen == [0, 10]
    assert spotify_emulator.stats.count("/search") == 2


# Batches


def test_albums_come_in_batches_of_20(
    spotify_emulator: SpotifyEmulator, make_client: ClientFactory
) -> None:
    ids = released_album_ids(spotify_emulator, 45)

    albums = make_client().albums(ids, "US")

    assert set(albums) == set(ids)
    batches = [q["ids"][0].split(",") for q in queries(spotify_emulator, "/albums")]
    assert sorted(len(batch) for batch in batches) == [5, 20, 20]
    assert sorted(i for batch in batches for i in batch) == sorted(ids)


def test_artists_come_in_batches_of_50(
    spotify_emulator: SpotifyEmulator, make_client: ClientFactory
) -> None:
    ids = artist_ids(spotify_emulator, 60)

    artists = make_client().artists(ids)

    assert set(artists) == set(ids)
    batches = [q["ids"][0].split(",") for q in queries(spotify_emulator, "/artists")]
    assert sorted(len(batch) for batch in batches) == [10, 50]


# Validation: every broken body is refused, never handed back

Call = Callable[[SpotifyClient, SpotifyEmulator], object]
CALLS: dict[str, tuple[str, Call]] = {
    "new releases": ("/browse/new-releases", lambda c, e: c.new_releases(20)),
    "search": ("/search", lambda c, e: c.search_new_albums("US", 20, page=20)),
    "album": ("/albums/", lambda c, e: c.album_each(released_album_ids(e, 1), "US")),
    "albums batch": ("/albums", lambda c, e: c.albums(released_album_ids(e, 3), "US")),
    "artists batch": ("/artists", lambda c, e: c.artists(artist_ids(e, 3))),
}


@pytest.mark.parametrize("kind", MALFORMED_KINDS)
@pytest.mark.parametrize("endpoint", CALLS)
def test_malformed_bodies_raise_spotify_malformed(
    spotify_emulator: SpotifyEmulator,
    make_client: ClientFactory,
    endpoint: str,
    kind: MalformedKind,
) -> None:
    prefix, call = CALLS[endpoint]
    spotify_emulator.faults.malformed(kind, count=1, path_prefix=prefix)

    with pytest.raises(SpotifyMalformed):
        call(make_client(), spotify_emulator)

    assert spotify_emulator.stats.by_status == {200: 2}  # the token, the broken answer
    assert not spotify_emulator.faults.snapshot()["rules"]  # the fault did fire


# Tiers


@pytest.mark.parametrize("endpoint", ["new releases", "albums batch", "artists batch"])
def test_development_tier_refuses_the_extended_endpoints(
    spotify_emulator: SpotifyEmulator, make_client: ClientFactory, endpoint: str
) -> None:
    spotify_emulator.tier = "development"
    _, call = CALLS[endpoint]

    with pytest.raises(SpotifyForbidden, match="403 Forbidden"):
        call(make_client(), spotify_emulator)

    assert spotify_emulator.stats.count(status=403) == 1


def test_development_tier_search_rejects_a_page_above_10(
    spotify_emulator: SpotifyEmulator, make_client: ClientFactory
) -> None:
    spotify_emulator.tier = "development"

    with pytest.raises(SpotifyBadRequest, match="Invalid limit"):
        make_client().search_new_albums("US", 50, page=50)


def test_album_each_fetches_one_by_one_and_skips_a_missing_album(
    spotify_emulator: SpotifyEmulator, make_client: ClientFactory
) -> None:
    spotify_emulator.tier = "development"
    ids = released_album_ids(spotify_emulator, 3)

    albums = make_client().album_each([*ids, MISSING_ALBUM], "US")

    assert set(albums) == set(ids)
    assert all(albums[i]["tracks"]["items"] for i in ids)
    assert spotify_emulator.stats.count("/albums/{id}", status=200) == 3
    assert spotify_emulator.stats.count("/albums/{id}", status=404) == 1

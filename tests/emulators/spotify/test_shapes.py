"""The emulator's JSON must look like what Spotify really sent (the recorded fixtures).

Shapes are compared recursively: same keys per object kind, same value types, same
nesting, same image sizes, and the same id/uri/href/external_urls forms. The few
recorded quirks the emulator deliberately does not copy are listed in ``ONLY_RECORDED``.
"""

from __future__ import annotations

import re
from typing import Any

import httpx2
import pytest

from tests.fixtures.spotify import SpotifyReference
from trendcache.emulators.spotify import SpotifyEmulator

ID = re.compile(r"[0-9A-Za-z]{22}")
# Keys seen in recordings that the emulator never produces, and why.
ONLY_RECORDED = {
    "linked_from",  # track relinking to another market's copy; the catalog has no duplicates
}
# Keys whose value may be null on one side: paging links, followers.href, and
# preview_url (null since Spotify's November 2024 change; 2024 recordings still had URLs).
NULLABLE = {"next", "previous", "href", "preview_url"}


def _shape_diff(ours: Any, recorded: Any, path: str = "$") -> list[str]:
    """Differences in structure (not values) between two JSON documents."""
    if isinstance(recorded, dict):
        if not isinstance(ours, dict):
            return [f"{path}: object expected, got {type(ours).__name__}"]
        problems = (
            [
                f"{path}: keys differ: only ours {sorted(set(ours) - set(recorded))}, "
                f"only recorded {sorted(set(recorded) - set(ours) - ONLY_RECORDED)}"
            ]
            if set(ours) != set(recorded) - ONLY_RECORDED
            else []
        )
        for key in set(ours) & set(recorded):
            problems += _shape_diff(ours[key], recorded[key], f"{path}.{key}")
        return problems
    if isinstance(recorded, list):
        if not isinstance(ours, list):
            return [f"{path}: array expected"]
        if recorded and ours and recorded[0] is not None:
            return _shape_diff(ours[0], recorded[0], f"{path}[0]")
        return []
    if recorded is None or ours is None:
        key = path.rsplit(".", 1)[-1]
        return [] if key in NULLABLE else [f"{path}: null where the other has a value"]
    if type(ours) is not type(recorded):
        return [f"{path}: {type(ours).__name__} vs recorded {type(recorded).__name__}"]
    return []


@pytest.fixture
def new_album(spotify_client: httpx2.Client) -> dict[str, Any]:
    response = spotify_client.get("/browse/new-releases", params={"limit": 20})
    album: dict[str, Any] = response.json()["albums"]["items"][0]
    return album


def test_new_releases_page_matches_recording(
    spotify_client: httpx2.Client, spotify_reference: SpotifyReference
) -> None:
    recorded = spotify_reference.fixture("new_releases")
    ours = spotify_client.get("/browse/new-releases", params={"limit": 20}).json()
    assert _shape_diff(ours, recorded) == []
    assert ours["albums"]["total"] == recorded["albums"]["total"] == 100


def test_full_album_matches_recordings(
    spotify_client: httpx2.Client, spotify_reference: SpotifyReference, new_album: dict[str, Any]
) -> None:
    ours = spotify_client.get(f"/albums/{new_album['id']}").json()
    assert _shape_diff(ours, spotify_reference.fixture("album_full")) == []
    several = spotify_client.get("/albums", params={"ids": new_album["id"]}).json()
    assert _shape_diff(several, spotify_reference.fixture("several_albums")) == []


def test_artists_match_recording(
    spotify_client: httpx2.Client, spotify_reference: SpotifyReference, new_album: dict[str, Any]
) -> None:
    ids = ",".join(a["id"] for a in new_album["artists"])
    ours = spotify_client.get("/artists", params={"ids": ids}).json()
    assert _shape_diff(ours, spotify_reference.fixture("several_artists")) == []
    single = spotify_client.get(f"/artists/{new_album['artists'][0]['id']}").json()
    assert _shape_diff(single, spotify_reference.fixture("several_artists")["artists"][0]) == []


def test_track_search_matches_recording(
    spotify_client: httpx2.Client, spotify_reference: SpotifyReference
) -> None:
    ours = spotify_client.get("/search", params={"q": "love", "type": "track"}).json()
    recorded = spotify_reference.fixture("search_tracks")
    assert ours["tracks"]["items"]
    assert _shape_diff(ours, recorded) == []
    assert ours["tracks"]["limit"] == 20  # extended tier default; the recording is dev-mode (5)


def test_rate_limit_body_is_the_recorded_one(
    spotify_emulator: SpotifyEmulator,
    spotify_client: httpx2.Client,
    spotify_reference: SpotifyReference,
) -> None:
    spotify_emulator.faults.rate_limit()
    response = spotify_client.get("/search", params={"q": "x", "type": "album"})
    assert response.json() == spotify_reference.fixture("error_429_rate_limit")


def test_link_and_id_formats_match_recordings(
    spotify_emulator: SpotifyEmulator,
    spotify_client: httpx2.Client,
    spotify_reference: SpotifyReference,
    new_album: dict[str, Any],
) -> None:
    recorded = spotify_reference.fixture("album_full")
    ours = spotify_client.get(f"/albums/{new_album['id']}").json()
    for document, api in (
        (recorded, "https://api.spotify.com/v1"),
        (ours, spotify_emulator.base_url),
    ):
        objects = [document, document["artists"][0], document["tracks"]["items"][0]]
        for item in objects:
            kind = item["type"]
            assert ID.fullmatch(item["id"])
            assert item["uri"] == f"spotify:{kind}:{item['id']}"
            assert item["href"] == f"{api}/{kind}s/{item['id']}"
            assert item["external_urls"] == {
                "spotify": f"https://open.spotify.com/{kind}/{item['id']}"
            }
        assert (
            document["tracks"]["href"] == f"{api}/albums/{document['id']}/tracks?offset=0&limit=50"
        )
        assert re.fullmatch(r"\d{12,13}", document["external_ids"]["upc"])
        assert sorted(i["width"] for i in document["images"]) == [64, 300, 640]
        assert all(i["width"] == i["height"] for i in document["images"])


def test_artist_image_sizes_are_recorded_sizes(
    spotify_client: httpx2.Client, spotify_reference: SpotifyReference, new_album: dict[str, Any]
) -> None:
    recorded = {
        tuple(i["width"] for i in artist["images"])
        for artist in spotify_reference.fixture("several_artists")["artists"]
    }
    ours = spotify_client.get(f"/artists/{new_album['artists'][0]['id']}").json()
    assert tuple(i["width"] for i in ours["images"]) in recorded


def test_search_links_are_written_like_spotify(
    spotify_emulator: SpotifyEmulator,
    spotify_client: httpx2.Client,
    spotify_reference: SpotifyReference,
) -> None:
    recorded = spotify_reference.fixture("search_tracks")["tracks"]
    ours = spotify_client.get(
        "/search", params={"q": "Never Gonna Give You Up", "type": "track", "limit": 5}
    ).json()["tracks"]
    assert ours["href"].removeprefix(spotify_emulator.base_url) == recorded["href"].removeprefix(
        "https://api.spotify.com/v1"
    )

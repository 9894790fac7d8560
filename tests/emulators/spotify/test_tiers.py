"""Extended Quota versus Development Mode apps (Spotify's February 2026 changes)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from trendcache.emulators.spotify import SpotifyEmulator


def _new_album(client: httpx2.Client) -> dict[str, Any]:
    found = client.get("/search", params={"q": "tag:new", "type": "album", "limit": 1}).json()
    album: dict[str, Any] = found["albums"]["items"][0]
    return album


@pytest.mark.parametrize(
    ("path", "params"),
    [("/browse/new-releases", {}), ("/albums", {"ids": "0" * 22}), ("/artists", {"ids": "0" * 22})],
)
def test_development_tier_loses_batch_and_browse_endpoints(
    path: str,
    params: dict[str, str],
    spotify_emulator: SpotifyEmulator,
    spotify_client: httpx2.Client,
) -> None:
    assert spotify_client.get(path, params=params).status_code == 200
    spotify_emulator.tier = "development"
    forbidden = spotify_client.get(path, params=params)
    assert forbidden.status_code == 403
    assert forbidden.json() == {"error": {"status": 403, "message": "Forbidden"}}


@pytest.mark.parametrize(
    ("tier", "default", "maximum"), [("development", 5, 10), ("extended", 20, 50)]
)
def test_search_limits_per_tier(
    tier: str,
    default: int,
    maximum: int,
    spotify_emulator: SpotifyEmulator,
    spotify_client: httpx2.Client,
) -> None:
    spotify_emulator.tier = tier
    search = {"q": "tag:new", "type": "album"}
    assert spotify_client.get("/search", params=search).json()["albums"]["limit"] == default
    full = spotify_client.get("/search", params={**search, "limit": maximum})
    assert len(full.json()["albums"]["items"]) == maximum
    too_many = spotify_client.get("/search", params={**search, "limit": maximum + 1})
    assert too_many.json() == {"error": {"status": 400, "message": "Invalid limit"}}


def test_development_tier_strips_removed_fields(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    album_id = _new_album(spotify_client)["id"]
    extended = spotify_client.get(f"/albums/{album_id}").json()
    spotify_emulator.tier = "development"
    album = spotify_client.get(f"/albums/{album_id}").json()
    artist = spotify_client.get(f"/artists/{album['artists'][0]['id']}").json()
    track = spotify_client.get("/search", params={"q": album["name"], "type": "track"}).json()
    assert {"followers", "popularity", "genres"}.isdisjoint(artist)
    assert "available_markets" not in album["tracks"]["items"][0]
    assert {"popularity", "available_markets"}.isdisjoint(track["tracks"]["items"][0])
    assert track["tracks"]["items"][0]["external_ids"]["isrc"]  # reverted in March 2026
    assert album["external_ids"] == extended["external_ids"]
    # Required by the spec, so kept although Spotify strips them (see render.py).
    assert {"available_markets", "label", "popularity", "genres"} <= set(album)


def test_tier_must_be_known(spotify_emulator: SpotifyEmulator) -> None:
    with pytest.raises(ValueError, match="tier"):
        spotify_emulator.tier = "premium"
    assert spotify_emulator.tier == "extended"

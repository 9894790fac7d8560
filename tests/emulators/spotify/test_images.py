"""Cover art served by the emulator instead of i.scdn.co."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx2

from trendcache.emulators.spotify import SpotifyEmulator


def _album(client: httpx2.Client) -> dict[str, Any]:
    found = client.get("/search", params={"q": "tag:new", "type": "album", "limit": 1}).json()
    album: dict[str, Any] = found["albums"]["items"][0]
    return album


def test_album_covers_are_cacheable_svg(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    album = _album(spotify_client)
    for image in album["images"]:
        assert image["url"].startswith(f"{spotify_emulator.accounts_url}/image/")
        response = spotify_client.get(image["url"])
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/svg+xml"
        assert "immutable" in response.headers["cache-control"]
        svg = ET.fromstring(response.text)  # well-formed, titles escaped
        assert svg.get("width") == str(image["width"])
        if image["width"] >= 300:
            assert album["name"][:10] in "".join(svg.itertext())
    again = spotify_client.get(album["images"][0]["url"])
    assert again.text == spotify_client.get(album["images"][0]["url"]).text
    cached = spotify_client.get(
        album["images"][0]["url"], headers={"If-None-Match": again.headers["etag"]}
    )
    assert cached.status_code == 304


def test_artist_portraits_and_unknown_images(spotify_client: httpx2.Client) -> None:
    artist_id = _album(spotify_client)["artists"][0]["id"]
    images = spotify_client.get(f"/artists/{artist_id}").json()["images"]
    assert [i["width"] for i in images] == [640, 320, 160]
    portrait = spotify_client.get(images[0]["url"])
    assert portrait.headers["content-type"] == "image/svg+xml"
    ET.fromstring(portrait.text)
    missing = spotify_client.get(images[0]["url"][:-6] + "ffffff")
    assert missing.status_code == 404


def test_covers_differ_between_albums(spotify_client: httpx2.Client) -> None:
    found = spotify_client.get("/search", params={"q": "tag:new", "type": "album", "limit": 6})
    covers = {
        spotify_client.get(a["images"][2]["url"]).text for a in found.json()["albums"]["items"]
    }
    assert len(covers) == 6

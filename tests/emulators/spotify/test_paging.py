"""Paging: follow ``next`` to the end; totals, item counts and links must agree."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from trendcache.emulators.spotify import SpotifyEmulator


def _walk(client: httpx2.Client, url: str, key: str | None) -> tuple[list[dict[str, Any]], int]:
    """All items reachable from ``url`` by following ``next``; also checks ``previous``."""
    items: list[dict[str, Any]] = []
    total, previous_href = None, None
    while url:
        body = client.get(url).json()
        page = body[key] if key else body
        assert page["previous"] == previous_href
        assert total in (None, page["total"])
        total = page["total"]
        items += page["items"]
        assert len(page["items"]) == min(page["limit"], page["total"] - page["offset"])
        previous_href, url = page["href"], page["next"]
    assert total is not None
    return items, total


def test_new_releases_pages_cover_the_top_100_once(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    items, total = _walk(
        spotify_client, f"{spotify_emulator.base_url}/browse/new-releases?limit=7", "albums"
    )
    ids = [i["id"] for i in items]
    assert total == len(ids) == len(set(ids)) == 100
    expected = [a.id for a in spotify_emulator.catalog.new_releases()[:100]]
    assert ids == expected
    swedish = spotify_client.get("/browse/new-releases", params={"country": "SE", "limit": 50})
    assert [a["id"] for a in swedish.json()["albums"]["items"]] == [
        a.id for a in spotify_emulator.catalog.new_releases("SE")[:50]
    ]


@pytest.mark.parametrize(("tier", "limit"), [("development", 10), ("extended", 50)])
def test_tag_new_search_pages_match_the_catalog(
    tier: str, limit: int, spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.tier = tier
    url = f"{spotify_emulator.base_url}/search?q=tag:new&type=album&market=SE&limit={limit}"
    items, total = _walk(spotify_client, url, "albums")
    ids = [i["id"] for i in items]
    assert total == len(ids) == len(set(ids))
    assert ids == [a.id for a in spotify_emulator.catalog.new_releases("SE")]


def test_long_album_tracks_page_through(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    catalog = spotify_emulator.catalog
    big = next(a for a in catalog.released_albums() if a.total_tracks > 50)
    album = spotify_client.get(f"/albums/{big.id}").json()
    assert len(album["tracks"]["items"]) == 50
    assert album["tracks"]["next"]
    items, total = _walk(
        spotify_client, album["tracks"]["href"].replace("limit=50", "limit=17"), None
    )
    assert total == big.total_tracks == len(items)
    assert [i["id"] for i in items] == [t.id for t in big.tracks]
    assert [(i["disc_number"], i["track_number"]) for i in items] == [
        (t.disc_number, t.track_number) for t in big.tracks
    ]


def test_offsets_past_the_end_and_search_offset_cap(spotify_client: httpx2.Client) -> None:
    beyond = spotify_client.get("/browse/new-releases", params={"offset": 500}).json()["albums"]
    assert beyond["items"] == []
    assert beyond["next"] is None
    assert beyond["previous"]
    search = {"q": "tag:new", "type": "album"}
    assert spotify_client.get("/search", params={**search, "offset": 1000}).status_code == 200
    assert spotify_client.get("/search", params={**search, "offset": 1001}).status_code == 400

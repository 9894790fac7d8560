"""Search: free text, field filters, markets and relevance order."""

from __future__ import annotations

from typing import Any

import httpx2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.spotify import local_client, spotify_token
from trendcache.emulators.spotify import Album, SpotifyEmulator
from trendcache.emulators.spotify.search import fold


def _albums(client: httpx2.Client, q: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/search", params={"q": q, "type": "album", "limit": 50, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["albums"]["items"]
    return items


def _accented_album(emulator: SpotifyEmulator) -> Album:
    catalog = emulator.catalog
    return next(
        a
        for a in catalog.released_albums()
        if any(fold(n) != n.casefold() for n in (x.name for x in catalog.artists_of(a.artist_ids)))
    )


def test_free_text_ignores_case_and_accents(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    album = _accented_album(spotify_emulator)
    artist = spotify_emulator.catalog.artists_of(album.artist_ids)[0].name
    plain = fold(artist).upper()  # "BEYONCE" for "Beyoncé"
    assert album.id in {a["id"] for a in _albums(spotify_client, f'artist:"{fold(artist)}"')}
    assert (
        album.id in {a["id"] for a in _albums(spotify_client, plain, offset=0)}
        or len(_albums(spotify_client, plain)) == 50
    )


def test_exact_title_ranks_first(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    album = next(a for a in spotify_emulator.catalog.released_albums() if a.album_type == "album")
    found = _albums(spotify_client, album.name)
    assert fold(found[0]["name"]) == fold(album.name)


def test_field_filters(spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client) -> None:
    catalog = spotify_emulator.catalog
    album = next(a for a in catalog.released_albums() if a.album_type == "album")
    assert [a["id"] for a in _albums(spotify_client, f"upc:{album.upc}")] == [album.id]
    year = album.release_date.year
    in_year = _albums(spotify_client, f"year:{year - 1}-{year}")
    assert all(a["release_date"][:4] in {str(year - 1), str(year)} for a in in_year)
    titled = _albums(spotify_client, f'album:"{album.name}"')
    assert all(fold(album.name) in fold(a["name"]) for a in titled)
    isrc = album.tracks[0].isrc
    tracks = spotify_client.get("/search", params={"q": f"isrc:{isrc}", "type": "track"}).json()
    found = tracks["tracks"]["items"]
    assert {t["external_ids"]["isrc"] for t in found} == {isrc}
    assert len(found) == sum(
        1 for t in catalog.tracks if t.isrc == isrc and _out(catalog, t.album_id)
    )
    artists = spotify_client.get("/search", params={"q": "genre:pop", "type": "artist"}).json()
    assert all(any("pop" in g for g in a["genres"]) for a in artists["artists"]["items"])


def _out(catalog: Any, album_id: str) -> bool:
    album = catalog.album(album_id)
    return bool(album and catalog.is_released(album))


def test_tag_new_is_editorial_and_recent(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    catalog = spotify_emulator.catalog
    found = _albums(spotify_client, "tag:new", market="DE")
    assert [a["id"] for a in found] == [a.id for a in catalog.new_releases("DE")[:50]]
    dates = [a["release_date"] for a in found]
    assert dates != sorted(dates, reverse=True)  # not simply newest first, nor popularity
    spotify_emulator.advance(days=1)
    headers = {"Authorization": f"Bearer {spotify_token(spotify_emulator)}"}  # a day passed
    with local_client(base_url=spotify_emulator.base_url, headers=headers) as tomorrow:
        moved = _albums(tomorrow, "tag:new", market="DE")
    assert [a["id"] for a in moved] != [a["id"] for a in found]


def test_market_restricts_results(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    catalog = spotify_emulator.catalog
    japan_only = next(a for a in catalog.released_albums() if a.available_markets == ("JP",))
    query = f"upc:{japan_only.upc}"
    assert [a["id"] for a in _albums(spotify_client, query, market="JP")] == [japan_only.id]
    assert _albums(spotify_client, query, market="US") == []
    assert [a["id"] for a in _albums(spotify_client, query)] == [japan_only.id]


def test_several_types_and_catalogless_types(spotify_client: httpx2.Client) -> None:
    body = spotify_client.get(
        "/search", params={"q": "love", "type": "album,artist,track,playlist,show"}
    ).json()
    assert set(body) == {"albums", "artists", "tracks", "playlists", "shows"}
    assert body["playlists"]["items"] == []
    assert body["shows"]["total"] == 0


def test_next_links_use_the_query_alias(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    first = spotify_client.get("/search", params={"q": "tag:new", "type": "album", "limit": 3})
    following = first.json()["albums"]["next"]
    assert "query=tag%3Anew" in following
    assert "q=" not in following.replace("query=", "")
    second = spotify_client.get(following).json()["albums"]
    assert second["offset"] == 3


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(min_size=1, max_size=30))
def test_any_query_gets_a_spotify_answer(spotify_client: httpx2.Client, q: str) -> None:
    response = spotify_client.get("/search", params={"q": q, "type": "album,track"})
    assert response.status_code in (200, 400)
    assert "error" in response.json() or {"albums", "tracks"} == set(response.json())

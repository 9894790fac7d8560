"""URL lookups (one, several, up to 100) and release / release-group lookups with ``inc``."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.musicbrainz.model import Release
from trendcache.emulators.spotify import SpotifyEmulator

NOT_FOUND = {
    "error": "Not Found",
    "help": "For usage, please see: https://musicbrainz.org/development/mmd",
}
UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"


def _album_url(album_id: str) -> str:
    return f"https://open.spotify.com/album/{album_id}"


def _albums(emulator: MusicBrainzEmulator, method: str | None) -> list[str]:
    """Albums whose own release ``method`` finds (not just their release group)."""
    return [a for a, e in emulator.truth.items() if e.linked_by == method and e.release_mbid]


def _release(emulator: MusicBrainzEmulator, album_id: str) -> Release:
    release = emulator.catalog.release(emulator.truth[album_id].release_mbid or "")
    assert release is not None
    return release


def _get(client: httpx2.Client, path: str, **params: Any) -> httpx2.Response:
    return client.get(path, params=params)


def test_one_url_answers_the_url_object_with_its_release(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    album = _albums(musicbrainz_emulator, "url")[0]
    body = _get(musicbrainz_client, "/url", resource=_album_url(album), inc="release-rels").json()
    assert body["resource"] == _album_url(album)
    (relation,) = body["relations"]
    assert relation["type"] == "free streaming"
    assert relation["type-id"] == "08445ccf-7b99-4438-9f9a-fb9ac18099ee"
    assert (relation["direction"], relation["target-type"]) == ("backward", "release")
    assert relation["release"]["id"] == musicbrainz_emulator.truth[album].release_mbid
    assert "artist-credit" not in relation["release"] and "release-group" not in relation["release"]
    bare = _get(musicbrainz_client, "/url", resource=_album_url(album)).json()
    assert bare == {"id": body["id"], "resource": body["resource"]}


def test_one_unknown_url_is_404_several_just_leave_it_out(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    hidden = _albums(musicbrainz_emulator, "barcode")[0]
    missing = _get(musicbrainz_client, "/url", resource=_album_url(hidden), inc="release-rels")
    assert missing.status_code == 404 and missing.json() == NOT_FOUND
    linked = _albums(musicbrainz_emulator, "url")[:2]
    resources = [_album_url(a) for a in [hidden, *linked]]
    body = _get(musicbrainz_client, "/url", resource=resources, inc="release-rels").json()
    assert body["url-count"] == 2 and body["url-offset"] == 0
    assert {u["resource"] for u in body["urls"]} == {_album_url(a) for a in linked}
    none = _get(
        musicbrainz_client, "/url", resource=[_album_url(hidden)] * 2 + ["https://x.example/"]
    )
    assert none.json() == {"url-count": 0, "url-offset": 0, "urls": []}


def test_up_to_100_urls_per_request_ordered_by_mbid_not_by_question(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    albums = list(musicbrainz_emulator.truth)[:100]
    body = _get(
        musicbrainz_client, "/url", resource=[_album_url(a) for a in albums], inc="release-rels"
    )
    assert body.status_code == 200
    urls = body.json()["urls"]
    linked = {_album_url(a): musicbrainz_emulator.truth[a].release_mbid for a in albums}
    assert {u["resource"]: u["relations"][0]["release"]["id"] for u in urls} == {
        url: mbid for url, mbid in linked.items() if url in {u["resource"] for u in urls}
    }
    assert len(urls) == sum(musicbrainz_emulator.truth[a].linked_by == "url" for a in albums)
    assert [u["id"] for u in urls] == sorted(u["id"] for u in urls)
    too_many = [f"https://open.spotify.com/album/{n:022d}" for n in range(101)]
    refused = _get(musicbrainz_client, "/url", resource=too_many)
    assert refused.status_code == 400 and "at most 100" in refused.json()["error"]


def test_url_lookup_needs_a_resource_and_looks_up_by_mbid(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    assert _get(musicbrainz_client, "/url").status_code == 400
    album = _albums(musicbrainz_emulator, "url")[0]
    url = _get(musicbrainz_client, "/url", resource=_album_url(album)).json()
    assert _get(musicbrainz_client, f"/url/{url['id']}").json() == url
    assert _get(musicbrainz_client, f"/url/{UNKNOWN_MBID}").status_code == 404
    assert _get(musicbrainz_client, "/url/spotify").json()["error"] == "Invalid mbid."


def test_release_lookup_with_everything_a_matcher_asks_for(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    spotify_emulator: SpotifyEmulator,
) -> None:
    album_id = _albums(musicbrainz_emulator, "isrc")[0]
    release = _release(musicbrainz_emulator, album_id)
    inc = "artist-credits+labels+recordings+release-groups+isrcs"
    body = _get(musicbrainz_client, f"/release/{release.id}", inc=inc).json()
    assert body["release-group"]["id"] == musicbrainz_emulator.truth[album_id].release_group_mbid
    assert [c["artist"]["id"] for c in body["artist-credit"]] == list(
        musicbrainz_emulator.truth[album_id].artist_mbids
    )
    assert body["label-info"][0]["label"]["name"]
    album = spotify_emulator.catalog.album(album_id)
    assert album is not None
    isrcs = [i for m in body["media"] for t in m["tracks"] for i in t["recording"]["isrcs"]]
    assert isrcs == [t.isrc for t in album.tracks]
    assert sum(m["track-count"] for m in body["media"]) == album.total_tracks
    assert body["date"] == album.release_date_text


def test_inc_decides_what_a_lookup_carries(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    release = _release(musicbrainz_emulator, _albums(musicbrainz_emulator, "url")[0])
    bare = _get(musicbrainz_client, f"/release/{release.id}").json()
    assert not {"artist-credit", "media", "label-info", "release-group", "relations"} & set(bare)
    media = _get(musicbrainz_client, f"/release/{release.id}", inc="media").json()
    assert "tracks" not in media["media"][0]
    tracks = _get(musicbrainz_client, f"/release/{release.id}", inc="recordings").json()
    track = tracks["media"][0]["tracks"][0]
    assert "artist-credit" not in track and "isrcs" not in track["recording"]
    spaced = _get(musicbrainz_client, f"/release/{release.id}", inc="url-rels artists").json()
    assert spaced["relations"][0]["url"]["resource"].startswith("https://open.spotify.com/album/")
    assert spaced["artist-credit"]


@pytest.mark.parametrize(
    ("inc", "error"),
    [
        ("recordings+cats", "cats is not a valid inc parameter for the release resource."),
        ("isrcs", "isrcs is not a valid option for the inc parameter for the release resource"),
    ],
)
def test_invalid_inc_is_refused_in_musicbrainz_words(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    inc: str,
    error: str,
) -> None:
    release = musicbrainz_emulator.catalog.releases[0]
    response = _get(musicbrainz_client, f"/release/{release.id}", inc=inc)
    assert response.status_code == 400 and response.json()["error"].startswith(error)
    twice = musicbrainz_client.get(
        f"/release/{release.id}", params=[("inc", "labels"), ("inc", "media")]
    )
    assert twice.status_code == 400 and "combined with a space" in twice.json()["error"]


def test_unknown_and_malformed_mbids(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    for kind in ("release", "release-group"):
        assert _get(musicbrainz_client, f"/{kind}/{UNKNOWN_MBID}").json() == NOT_FOUND
        malformed = _get(musicbrainz_client, f"/{kind}/1234")
        assert malformed.status_code == 400 and malformed.json()["error"] == "Invalid mbid."
    release = musicbrainz_emulator.catalog.releases[0]
    assert _get(musicbrainz_client, f"/release/{release.id.upper()}").json()["id"] == release.id


def test_release_group_lookup_lists_its_releases(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    catalog = musicbrainz_emulator.catalog
    group = next(r.group for r in catalog.releases if len(catalog.releases_in(r.group)) > 1)
    body = _get(
        musicbrainz_client, f"/release-group/{group.id}", inc="artist-credits+releases"
    ).json()
    members = catalog.releases_in(group)
    assert sorted(r["id"] for r in body["releases"]) == sorted(r.id for r in members)
    assert body["first-release-date"] == min(r.date for r in members)
    assert body["primary-type"] in ("Album", "Single", "EP")
    assert "releases" not in _get(musicbrainz_client, f"/release-group/{group.id}").json()

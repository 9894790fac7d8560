"""Release and recording search over HTTP: the Lucene subset, scores, paging, barcodes."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.musicbrainz.model import Release
from trendcache.emulators.musicbrainz.search import analyse
from trendcache.emulators.spotify import SpotifyEmulator


def _search(client: httpx2.Client, query: str, **params: Any) -> dict[str, Any]:
    response = client.get("/release", params={"query": query, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _ids(body: dict[str, Any]) -> list[str]:
    return [hit["id"] for hit in body["releases"]]


SHARED_BARCODE = {"barcode-twin", "shared-barcode-reissue"}


def _linked(emulator: MusicBrainzEmulator, method: str) -> list[Release]:
    """True releases ``method`` finds whose barcode no other release stores."""
    found = []
    for expected in emulator.truth.values():
        alone = not SHARED_BARCODE & set(expected.hard_cases)
        if expected.linked_by == method and expected.release_mbid and alone:
            release = emulator.catalog.release(expected.release_mbid)
            assert release is not None
            found.append(release)
    return found


def _titled(emulator: MusicBrainzEmulator) -> Release:
    """A release whose ASCII title has three distinct words, none of them common."""
    for release in emulator.catalog.releases:
        words = analyse(release.title)
        common = {"the", "of", "a", "my", "all", "no"} & set(words)
        if release.title.isascii() and len(words) == len(set(words)) == 3 and not common:
            return release
    raise AssertionError("no suitable title")


def test_phrase_needs_adjacent_words_in_order_terms_do_not(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    release = _titled(musicbrainz_emulator)
    first, second, third = analyse(release.title)
    assert release.id in _ids(_search(musicbrainz_client, f'release:"{first} {second}"'))
    assert release.id not in _ids(_search(musicbrainz_client, f'release:"{second} {first}"'))
    assert release.id not in _ids(_search(musicbrainz_client, f'release:"{first} {third}"'))
    both = _search(musicbrainz_client, f"release:({third} AND {first})", limit=100)
    assert release.id in _ids(both)


def test_fields_restrict_where_terms_match(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    release = _titled(musicbrainz_emulator)
    artist = release.credit[0].artist
    by_artist = _search(
        musicbrainz_client, f'arid:{artist.id} AND artist:"{artist.name}"', limit=100
    )
    assert release.id in _ids(by_artist)
    assert all(
        artist.id in {c["artist"]["id"] for c in h["artist-credit"]} for h in by_artist["releases"]
    )
    assert release.id in _ids(_search(musicbrainz_client, f'artistname:"{artist.name}"', limit=100))
    assert not set(analyse(artist.name)) <= set(analyse(release.title))
    assert release.id not in _ids(
        _search(musicbrainz_client, f'release:"{artist.name}"', limit=100)
    )
    unqualified = " AND ".join(analyse(release.title))
    assert release.id in _ids(_search(musicbrainz_client, unqualified, limit=100))  # title


def test_keyword_fields_and_negation(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    catalog = musicbrainz_emulator.catalog
    group = next(r.group for r in catalog.releases if len(catalog.releases_in(r.group)) > 1)
    members = catalog.releases_in(group)
    assert sorted(_ids(_search(musicbrainz_client, f"rgid:{group.id}"))) == sorted(
        r.id for r in members
    )
    other = [r.id for r in members if r.media[0].format != "CD"]
    cd = [r.id for r in members if r.media[0].format == "CD"]
    assert sorted(
        _ids(_search(musicbrainz_client, f'rgid:{group.id} AND NOT format:"CD"'))
    ) == sorted(other)
    assert sorted(_ids(_search(musicbrainz_client, f"rgid:{group.id} -format:CD"))) == sorted(other)
    release = members[0]
    exact = f"reid:{release.id} AND date:{release.date} AND tracks:{release.track_count}"
    assert _ids(_search(musicbrainz_client, exact)) == [release.id]
    assert (
        _search(musicbrainz_client, f"reid:{release.id} AND tracks:{release.track_count + 1}")[
            "count"
        ]
        == 0
    )
    country = f"reid:{release.id} AND country:{release.country.lower()}"
    assert _ids(_search(musicbrainz_client, country)) == [release.id]
    assert cd or other


def test_reid_batches_with_or_and_scores_tie_at_100(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    wanted = [r.id for r in musicbrainz_emulator.catalog.releases[:40]]
    body = _search(musicbrainz_client, f"reid:({' OR '.join(wanted)})", limit=100)
    assert sorted(_ids(body)) == sorted(wanted) and body["count"] == 40
    assert {hit["score"] for hit in body["releases"]} == {100}
    upper = _search(musicbrainz_client, f"reid:{wanted[0].upper()}")
    assert _ids(upper) == [wanted[0]]


def test_exact_titles_score_100_and_longer_ones_less(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    catalog = musicbrainz_emulator.catalog
    longer = next(r for r in catalog.releases if r.title.endswith(" (Deluxe Edition)"))
    base = longer.title.removesuffix(" (Deluxe Edition)")
    body = _search(musicbrainz_client, f'release:"{base}" AND arid:{longer.credit[0].artist.id}')
    scores = {hit["title"]: hit["score"] for hit in body["releases"]}
    assert scores[longer.title] < max(scores.values()) == body["releases"][0]["score"] == 100
    assert [h["score"] for h in body["releases"]] == sorted(
        (h["score"] for h in body["releases"]), reverse=True
    )


def test_many_equal_hits_all_score_100_like_the_recorded_search(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    catalog = musicbrainz_emulator.catalog
    twin = next(
        r
        for r in catalog.releases
        if sum(x.title == r.title for x in catalog.releases_in(r.group)) > 1
    )
    body = _search(musicbrainz_client, f'release:"{twin.title}"')
    top = [hit for hit in body["releases"] if hit["score"] == 100]
    assert len(top) >= 2  # score alone cannot pick the release


def test_barcodes_match_the_stored_string_only(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    spotify_emulator: SpotifyEmulator,
) -> None:
    """MusicBrainz keeps barcodes as typed; ``720642442524`` does not find ``0720642442524``."""
    spotify_upcs = {a.id: a.upc for a in spotify_emulator.catalog.albums}
    retyped = [
        (album_id, release)
        for album_id, expected in musicbrainz_emulator.truth.items()
        if expected.linked_by == "barcode"
        and not SHARED_BARCODE & set(expected.hard_cases)
        and (release := musicbrainz_emulator.catalog.release(expected.release_mbid or ""))
        and release.barcode != spotify_upcs[album_id]
    ]
    album_id, release = retyped[0]
    upc = spotify_upcs[album_id]
    assert release.barcode and release.barcode.lstrip("0") == upc.lstrip("0")
    assert _search(musicbrainz_client, f"barcode:{upc}")["count"] == 0
    assert _ids(_search(musicbrainz_client, f"barcode:{release.barcode}")) == [release.id]
    digits = upc.lstrip("0")
    forms = " OR ".join(digits.zfill(n) for n in range(len(digits), 15))
    assert _ids(_search(musicbrainz_client, f"barcode:({forms})")) == [release.id]
    hit = _search(musicbrainz_client, f"reid:{release.id}")["releases"][0]
    assert hit["barcode"] == release.barcode


def test_barcode_batches(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    releases = _linked(musicbrainz_emulator, "barcode")[:30]
    query = f"barcode:({' OR '.join(r.barcode or '' for r in releases)})"
    assert sorted(_ids(_search(musicbrainz_client, query, limit=100))) == sorted(
        r.id for r in releases
    )


def test_paging_and_limits(musicbrainz_client: httpx2.Client) -> None:
    everything = _search(musicbrainz_client, "tracks:1")
    assert everything["count"] > 150 and len(everything["releases"]) == 25  # default limit
    page = _search(musicbrainz_client, "tracks:1", limit=10, offset=20)
    assert page["offset"] == 20 and len(page["releases"]) == 10
    assert _ids(page) == _ids(_search(musicbrainz_client, "tracks:1", limit=30))[20:30]
    assert len(_search(musicbrainz_client, "tracks:1", limit=500)["releases"]) == 100
    bad = musicbrainz_client.get("/release", params={"query": "tracks:1", "limit": "-1"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "The 'limit' and 'offset' parameters must be positive integers"


@pytest.mark.parametrize("query", ['release:"unterminated', "(a OR b", "a AND"])
def test_unparsable_queries_are_refused(musicbrainz_client: httpx2.Client, query: str) -> None:
    response = musicbrainz_client.get("/release", params={"query": query})
    assert response.status_code == 400 and response.json()["error"].startswith("Invalid query")


def test_a_search_needs_a_query(musicbrainz_client: httpx2.Client) -> None:
    response = musicbrainz_client.get("/release")
    assert response.status_code == 400
    assert "do not match any available query type for the release resource" in response.text
    assert musicbrainz_client.get("/release/", params={"query": "tracks:1"}).status_code == 200


def test_recording_search_by_isrc_reaches_every_release_of_the_recording(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    catalog = musicbrainz_emulator.catalog
    shared = next(r for r in catalog.recordings if r.isrcs and len(catalog.appearances(r)) > 1)
    body = musicbrainz_client.get("/recording", params={"query": f"isrc:{shared.isrcs[0]}"}).json()
    (recording,) = body["recordings"]
    assert recording["isrcs"] == list(shared.isrcs) and recording["score"] == 100
    releases = {r["id"]: r for r in recording["releases"]}
    assert set(releases) == {a.release.id for a in catalog.appearances(shared)}
    for appearance in catalog.appearances(shared):
        hit = releases[appearance.release.id]
        assert hit["release-group"]["id"] == appearance.release.group.id
        (medium,) = hit["media"]
        assert medium["track"][0]["id"] == appearance.track.id
        assert medium["track-offset"] == appearance.track.position - 1


def test_recording_search_batches_isrcs(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    isrcs = [r.isrcs[0] for r in musicbrainz_emulator.catalog.recordings if r.isrcs][:20]
    body = musicbrainz_client.get(
        "/recording", params={"query": f"isrc:({' OR '.join(isrcs)})", "limit": 100}
    ).json()
    assert sorted(i for rec in body["recordings"] for i in rec["isrcs"]) == sorted(isrcs)
    nothing = musicbrainz_client.get("/recording", params={"query": "isrc:ZZZ000000000"}).json()
    assert nothing["count"] == 0 and nothing["recordings"] == []


def test_comment_finds_releases_by_their_disambiguation(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    pressed = [
        r.id for r in musicbrainz_emulator.catalog.releases if "JVC Pressing" in r.disambiguation
    ]
    found = _search(musicbrainz_client, 'comment:"JVC Pressing"', limit=100)
    assert pressed and sorted(_ids(found)) == sorted(pressed)
    assert all("JVC Pressing" in hit["disambiguation"] for hit in found["releases"])

"""MusicBrainz in the API: `/api/enrichment/status` and the `musicbrainz` fields of
`/api/cache/trending`, against a real database and the MusicBrainz emulator's ground truth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import MARKETS, ClientFactory, wait_for
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.services import Services

URL = "/api/cache/trending"
STATUS = "/api/enrichment/status"
PENDING = {
    "status": "pending",
    "level": None,
    "releaseMbid": None,
    "releaseGroupMbid": None,
    "artistMbids": [],
    "method": None,
    "confidence": None,
    "url": None,
}


def albums_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {album["id"]: album for s in ("newReleases", "popularAlbums") for album in body[s]}


def test_before_enrichment_every_album_is_pending(client: TestClient) -> None:
    body = client.get(URL).json()
    albums = albums_of(body)
    assert albums
    assert all(album["musicbrainz"] == PENDING for album in albums.values())
    assert all(artist["musicbrainz"] is None for artist in body["trendingArtists"])
    total = len(albums)
    assert body["enrichment"] == {
        "matched": 0,
        "matched_release_group": 0,
        "needs_review": 0,
        "no_match": 0,
        "pending": total,
        "error": 0,
        "total": total,
    }
    status = client.get(STATUS).json()
    assert status["counts"]["pending"] == status["total"] >= total
    assert status["done"] == status["working"] == 0
    assert status["due"] == status["total"]
    assert status["disabled"] is None
    assert status["lastDecidedAt"] is None
    assert status["scope"] == "all"
    assert status["albums"] == body["enrichment"]
    assert status["active"] is True  # due albums on the page: matches may land


def test_musicbrainz_fields_agree_with_the_emulator_truth(
    enriched_services: Services,
    make_client: ClientFactory,
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    client = make_client(enriched_services)
    body = client.get(URL).json()
    albums = albums_of(body)
    truth = musicbrainz_emulator.truth
    base = musicbrainz_emulator.base_url
    matched = 0
    for album_id, album in albums.items():
        mb = album["musicbrainz"]
        assert set(mb) == set(PENDING)
        assert mb["status"] in ("matched", "no_match", "needs_review"), (album_id, mb)
        if mb["status"] != "matched":
            assert mb["releaseMbid"] is None
            assert mb["url"] is None
            continue
        expected = truth[album_id]
        assert mb["releaseGroupMbid"] == expected.release_group_mbid, album["name"]
        assert mb["method"] in ("url", "barcode", "isrc", "fuzzy")
        assert 0 < mb["confidence"] <= 1
        if mb["level"] == "release_group":  # the work known, its release not
            assert mb["releaseMbid"] is None
            assert mb["url"] == f"{base}/release-group/{expected.release_group_mbid}?fmt=json"
            continue
        matched += 1
        assert mb["level"] == "release"
        assert mb["releaseMbid"] == expected.release_mbid, album["name"]
        assert mb["artistMbids"] == list(expected.artist_mbids)
        assert mb["url"] == f"{base}/release/{expected.release_mbid}?fmt=json"
    in_catalog = [i for i in albums if truth[i].release_mbid is not None]
    assert matched >= 0.95 * len(in_catalog)

    summary = body["enrichment"]
    for state in ("matched", "needs_review", "no_match", "pending", "error"):
        assert summary[state] == sum(a["musicbrainz"]["status"] == state for a in albums.values())
    assert summary["total"] == len(albums)
    assert summary["pending"] == 0

    # Artists: by credit position on matched albums whose credits agree in number.
    credited: dict[str, set[str]] = {}
    for album in albums.values():
        mb = album["musicbrainz"]
        if mb["status"] == "matched" and len(mb["artistMbids"]) == len(album["artists"]):
            for artist, mbid in zip(album["artists"], mb["artistMbids"], strict=True):
                credited.setdefault(artist["id"], set()).add(mbid)
    linked = 0
    for artist in body["trendingArtists"]:
        found = credited.get(artist["id"], set())
        if len(found) != 1:
            assert artist["musicbrainz"] is None, artist["name"]
            continue
        (mbid,) = found
        assert artist["musicbrainz"] == {
            "artistMbid": mbid,
            "url": f"{base}/artist/{mbid}?fmt=json",
        }
        linked += 1
    assert linked >= len(body["trendingArtists"]) // 2

    status = client.get(STATUS).json()
    assert status["albums"] == summary
    assert status["active"] is False
    assert status["due"] == status["working"] == status["counts"]["pending"] == 0
    assert status["done"] == status["total"]
    assert status["counts"]["matched"] >= summary["matched"]
    assert status["lastDecidedAt"] is not None


def test_each_market_on_the_lean_path_and_the_route_alike(
    enriched_services: Services, make_client: ClientFactory
) -> None:
    """Matches change the bytes; the lean path and FastAPI's route must still agree."""
    client = make_client(enriched_services)
    for market in (None, *MARKETS):
        params = {"market": market} if market else {}
        lean = client.get(URL, params=params)
        routed = client.get(URL, params={**params, "via": "route"})
        assert b'"musicbrainz":{"status":"matched"' in lean.content
        assert routed.content == lean.content
        assert routed.headers["etag"] == lean.headers["etag"]
        assert routed.headers["content-length"] == lean.headers["content-length"]
        body = lean.json()
        assert body["enrichment"]["total"] == len(albums_of(body))
        status = client.get(STATUS, params={"market": market.lower()} if market else {}).json()
        assert status["scope"] == (market or "all")
        assert status["albums"] == body["enrichment"]
    assert client.get(STATUS, params={"market": "FR"}).status_code == 400
    assert client.get(STATUS, params={"market": "FRA"}).status_code == 422


def test_an_anonymous_user_agent_disables_enrichment_and_says_why(
    make_enrichable_services: Callable[..., Services],
    make_client: ClientFactory,
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    services = make_enrichable_services(musicbrainz_user_agent="python-requests/2.0")
    client = make_client(services)
    assert client.get(STATUS).json()["disabled"] is None  # nobody tried yet
    assert services.enricher.run_batch() is None
    assert musicbrainz_emulator.stats.total == 0  # nothing was sent
    status = wait_for(lambda: (s := client.get(STATUS).json())["disabled"] and s)
    assert "MUSICBRAINZ_USER_AGENT" in status["disabled"]
    assert "python-requests/2.0" in status["disabled"]
    assert status["active"] is False  # nothing will land: the page need not poll for it
    assert status["counts"]["pending"] == status["total"] > 0
    body = client.get(URL).json()
    assert body["enrichment"]["pending"] == body["enrichment"]["total"]


def test_enrichment_switched_off_is_reported(
    make_enrichable_services: Callable[..., Services], make_client: ClientFactory
) -> None:
    client = make_client(make_enrichable_services(enable_enrichment=False))
    status = client.get(STATUS).json()
    assert "ENABLE_ENRICHMENT" in status["disabled"]
    assert status["active"] is False

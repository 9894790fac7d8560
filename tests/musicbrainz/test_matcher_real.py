"""The matcher on real releases served by the real-data stand-in (benchmarks/mbreal).

A recording search lists releases without their barcodes, as the real service does; the
ISRC step must learn them before deciding, or another country's pressing of the same
recordings passes for this album's release.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from benchmarks.mbreal.catalogue import load_releases
from benchmarks.mbreal.standin import Catalogue, StandIn

from tests.fixtures.musicbrainz import USER_AGENT
from tests.musicbrainz.conftest import QUICK_RETRY, fast_limiter
from trendcache.musicbrainz.client import MusicBrainzClient
from trendcache.musicbrainz.matcher import Matcher
from trendcache.musicbrainz.scoring import AlbumFacts
from trendcache.musicbrainz.session import MusicBrainzSession

DIO_DE, DIO_AU = "9764a202", "c5192d47"  # the same recordings, other barcodes


@pytest.fixture(scope="module")
def releases() -> dict[str, Any]:
    return {mbid[:8]: release for mbid, release in load_releases().items()}


@pytest.fixture
def client(releases: dict[str, Any]) -> Iterator[MusicBrainzClient]:
    served = {r["id"]: r for key, r in releases.items() if key != DIO_DE}
    with (
        StandIn(Catalogue(served)) as standin,
        httpx2.Client(headers={"User-Agent": USER_AGENT}, timeout=10) as http,
    ):
        session = MusicBrainzSession(http, standin.base_url, fast_limiter(), QUICK_RETRY)
        yield MusicBrainzClient(session)


def _isrcs(release: dict[str, Any]) -> tuple[str, ...]:
    tracks = [t for medium in release["media"] for t in medium["tracks"]]
    return tuple(t["recording"]["isrcs"][0] for t in tracks[:2] if t["recording"].get("isrcs"))


def test_another_countrys_pressing_found_by_isrc_is_not_this_albums_release(
    client: MusicBrainzClient, releases: dict[str, Any]
) -> None:
    """The German CD (barcode 081227999247) is not in MusicBrainz; the Australian one is."""
    german = releases[DIO_DE]
    isrcs = _isrcs(german)
    assert isrcs
    album = AlbumFacts(
        id="dio-years-de",
        name=german["title"],
        artists=tuple(c["name"] for c in german["artist-credit"]),
        total_tracks=sum(m["track-count"] for m in german["media"]),
        release_date=german["date"],
        upc=german["barcode"],
    )
    outcome = Matcher(client, lambda albums: {a.id: isrcs for a in albums}).match([album])
    decision = outcome[album.id].decision
    assert decision.chosen is None and outcome[album.id].release_mbid is None
    # The same recordings: the album's release group is known, its release is not.
    assert decision.level == "release_group"
    assert outcome[album.id].release_group_mbid == german["release-group"]["id"]
    weighed = {s.release.id[:8]: s.release.barcode for s in decision.weighed}
    assert weighed.get(DIO_AU) == releases[DIO_AU]["barcode"]  # completed before deciding

"""Spotify's albums chart on ListenBrainz too, under the release groups MusicBrainz serves,
and the Cover Art Archive beside the emulator serves their covers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import httpx2
import pytest

from tests.fixtures.musicbrainz import USER_AGENT
from tests.fixtures.spotify import local_client
from trendcache.emulators.listenbrainz import ListenBrainzEmulator
from trendcache.emulators.musicbrainz.catalog import MusicBrainzCatalog
from trendcache.emulators.spotify.catalog import Catalog as SpotifyCatalog
from trendcache.emulators.spotify.generate import build_catalog

DAY = date(2026, 12, 4)


@pytest.fixture(scope="module")
def catalogs() -> tuple[SpotifyCatalog, MusicBrainzCatalog]:
    spotify = build_catalog(2026, DAY)
    return spotify, MusicBrainzCatalog.build(spotify, 2026)


@pytest.fixture(scope="module")
def emulator(
    catalogs: tuple[SpotifyCatalog, MusicBrainzCatalog],
) -> Iterator[ListenBrainzEmulator]:
    with ListenBrainzEmulator(today=DAY, shared_with=catalogs) as emulator:
        yield emulator


def test_shared_groups_are_the_ones_musicbrainz_serves(
    catalogs: tuple[SpotifyCatalog, MusicBrainzCatalog], emulator: ListenBrainzEmulator
) -> None:
    spotify, musicbrainz = catalogs
    groups = {album.id: musicbrainz.truth[album.id].release_group_mbid for album in spotify.albums}
    shared = emulator.catalog.shared
    assert len(shared) > len(spotify.albums) // 4
    for group in shared:
        served = musicbrainz.release_group(group.mbid)
        assert served is not None and served.title == group.name
        assert group.mbid in groups.values()
        assert [a.mbid for a in group.artists] == [c.artist.id for c in served.credit]


def test_spotify_new_releases_enter_the_listenbrainz_top_100_later(
    catalogs: tuple[SpotifyCatalog, MusicBrainzCatalog], emulator: ListenBrainzEmulator
) -> None:
    spotify, musicbrainz = catalogs
    listed = {  # Spotify's new releases on DAY, by release group
        musicbrainz.truth[album.id].release_group_mbid: album for album in spotify.new_releases()
    }
    entered: dict[str, date] = {}
    catalog = emulator.catalog
    for n in range(36):
        catalog.set_day(DAY + timedelta(days=n))
        for item in catalog.chart("this_week")[:100]:
            entered.setdefault(item["release_group_mbid"], catalog.today)
    catalog.set_day(catalog.start_day)
    charted = {mbid: day for mbid, day in entered.items() if mbid in listed}
    assert len(charted) >= len(listed) // 5  # a good share of them
    later = [day for mbid, day in charted.items() if day > DAY]
    assert later, "some enter days after Spotify listed them, as listeners catch up"


@pytest.fixture
def http(emulator: ListenBrainzEmulator) -> Iterator[httpx2.Client]:
    with local_client(base_url=emulator.coverart_url, headers={"User-Agent": USER_AGENT}) as client:
        yield client


def test_the_cover_art_archive_serves_charted_covers(
    http: httpx2.Client, emulator: ListenBrainzEmulator
) -> None:
    chart = emulator.catalog.chart("this_week")
    covered = next(item for item in chart if item["caa_release_mbid"])
    bare = next(item for item in chart if item["caa_release_mbid"] is None)
    release = covered["caa_release_mbid"]

    thumb = http.get(f"/release/{release}/front-250")
    front = http.get(f"/release/{release}/front")
    group = http.get(f"/release-group/{covered['release_group_mbid']}/front-250")

    assert thumb.status_code == front.status_code == group.status_code == 200
    assert thumb.headers["content-type"].startswith("image/svg+xml")
    assert 'width="250"' in thumb.text and 'width="500"' in front.text
    assert group.content == thumb.content
    assert http.get(f"/release/{release}/front-250").content == thumb.content  # deterministic
    assert http.get(f"/release-group/{bare['release_group_mbid']}/front").status_code == 404
    assert http.get("/release/00000000-0000-0000-0000-000000000000/front").status_code == 404
    assert http.get(f"/release/{release}/back-250").status_code == 404

"""The generated catalog: deterministic, realistic, and moving with ``today``."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import httpx2
import pytest

from tests.fixtures.spotify import local_client, spotify_token
from trendcache.emulators.spotify import Catalog, SpotifyEmulator, build_catalog
from trendcache.emulators.spotify.discography import generation_anchor
from trendcache.emulators.spotify.markets import GLOBAL_MARKETS, HOME_MARKETS

ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}\d{7}")
DAY = date(2026, 6, 5)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog(seed=99, today=DAY)


def _gtin_ok(code: str) -> bool:
    digits = [int(c) for c in code]
    weights = [3 if i % 2 == 0 else 1 for i in range(len(digits) - 1)]
    body = sum(d * w for d, w in zip(reversed(digits[:-1]), weights, strict=True))
    return (10 - body % 10) % 10 == digits[-1]


def test_same_seed_same_catalog(catalog: Catalog) -> None:
    """Any day of the same two-week period rebuilds identical data; only "today" differs."""
    period_end = generation_anchor(DAY) + timedelta(days=13)
    again = build_catalog(seed=99, today=period_end)
    assert again.albums == catalog.albums
    assert again.artists == catalog.artists
    assert again.new_releases("US") != catalog.new_releases("US")


def test_releases_keep_id_and_content_across_periods(catalog: Catalog) -> None:
    """Artists' current releases are fixed in time; Various Artists compilations, which
    draw from whatever else exists, and the back catalog may be re-dated per period."""
    later = build_catalog(seed=99, today=DAY + timedelta(days=30))
    recent = [
        a
        for a in catalog.albums
        if a.release_date >= DAY - timedelta(days=10) and a.album_type != "compilation"
    ]
    assert len(recent) > 500
    for album in recent:
        assert later.album(album.id) == album


def test_other_seed_other_catalog(catalog: Catalog, spotify_emulator: SpotifyEmulator) -> None:
    assert {a.id for a in catalog.artists}.isdisjoint(
        a.id for a in spotify_emulator.catalog.artists
    )


def test_size_and_markets(catalog: Catalog) -> None:
    assert len(catalog.released_albums()) >= 400
    assert len(catalog.artists) >= 150
    for market in HOME_MARKETS:
        assert 100 <= len(catalog.new_releases(market)) <= 150, market
    spread = Counter(len(a.available_markets) for a in catalog.albums)
    assert spread[len(GLOBAL_MARKETS)] > len(catalog.albums) / 2  # most are worldwide
    assert sum(spread[n] for n in (1, 2, 3)) > 50  # and some regional
    back = [a for a in catalog.released_albums() if not catalog.is_new(a)]
    assert len(back) > len(catalog.released_albums()) / 2


def test_codes_and_fields_look_real(catalog: Catalog) -> None:
    ids = [a.id for a in catalog.albums] + [t.id for t in catalog.tracks]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-7][0-9A-Za-z]{21}", i) for i in ids)
    assert all(ISRC.fullmatch(t.isrc) for t in catalog.tracks)
    upcs = [a.upc for a in catalog.albums]
    assert {len(u) for u in upcs} == {12, 13}
    assert all(_gtin_ok(u) for u in upcs)
    assert any(u.startswith("0") for u in upcs)
    assert {a.release_date_precision for a in catalog.albums} == {"day", "month", "year"}
    for album in catalog.albums:
        assert 0 <= album.popularity <= 100
        assert [c.type for c in album.copyrights] == ["C", "P"]
        discs = Counter(t.disc_number for t in album.tracks)
        assert [(t.disc_number, t.track_number) for t in album.tracks] == [
            (d, n) for d in sorted(discs) for n in range(1, discs[d] + 1)
        ]


def test_discographies_reuse_recordings(catalog: Catalog) -> None:
    """Singles reappear on albums, deluxe editions and best-ofs with the same ISRC."""
    releases: dict[str, set[str]] = {}
    for album in catalog.albums:
        for track in album.tracks:
            releases.setdefault(track.isrc, set()).add(album.album_type)
    assert sum(1 for kinds in releases.values() if {"single", "album"} <= kinds) > 100
    assert sum(1 for kinds in releases.values() if "compilation" in kinds) > 100
    kinds = [{a.album_type for a in catalog.albums_by(artist.id)} for artist in catalog.artists]
    assert sum(1 for k in kinds if k == {"single", "album", "compilation"}) > 20


def test_names_exercise_a_matcher(catalog: Catalog) -> None:
    names = [a.name for a in catalog.albums] + [t.name for t in catalog.tracks]
    artists = [a.name for a in catalog.artists]
    text = "\n".join(names + artists)
    for marker in ("(feat. ", "(Deluxe", " - Single", "Remaster", " EP", "&", "'"):
        assert marker in text, marker
    assert re.search(r"[À-ÿ]", "".join(artists))  # Beyoncé-style accents
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", "".join(names))  # Japanese titles
    assert "Various Artists" in artists


def test_self_titled_albums_go_by_their_nickname(catalog: Catalog) -> None:
    """Like "Weezer (Blue Album)" and "Weezer (Green Album)": several per artist, years
    apart, each told apart only by the nickname Spotify adds to the artist's name."""
    by_artist: dict[str, list[date]] = {}
    for album in catalog.albums:
        artist = catalog.artists_of(album.artist_ids)[0].name
        if re.fullmatch(rf"{re.escape(artist)} \([A-Z][a-z]+ Album\)", album.name):
            by_artist.setdefault(artist, []).append(album.release_date)
    assert len(by_artist) >= 5
    apart = [days for days in by_artist.values() if len(days) > 1]
    assert apart and all(len({d.year for d in days}) > 1 for days in apart)


def test_advance_moves_membership_and_order(spotify_emulator: SpotifyEmulator) -> None:
    catalog = spotify_emulator.catalog
    before = [a.id for a in catalog.new_releases("US")]
    upcoming = min(
        (a for a in catalog.albums if a.release_date > catalog.today), key=lambda a: a.release_date
    )
    spotify_emulator.advance(days=(upcoming.release_date - catalog.today).days)
    after = [a.id for a in catalog.new_releases("US")]
    assert upcoming.id in {a.id for a in catalog.new_releases()}
    assert set(before) != set(after)
    common = [i for i in before if i in set(after)]
    assert common != [i for i in after if i in set(before)]  # positions shift like a chart
    spotify_emulator.reset()
    assert [a.id for a in catalog.new_releases("US")] == before


def test_scheduled_and_back_catalog_albums_over_http(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    catalog = spotify_emulator.catalog
    scheduled = next(a for a in catalog.albums if a.release_date > catalog.today)
    assert spotify_client.get(f"/albums/{scheduled.id}").status_code == 404
    spotify_emulator.advance(days=(scheduled.release_date - catalog.today).days)
    headers = {"Authorization": f"Bearer {spotify_token(spotify_emulator)}"}  # days passed
    with local_client(base_url=spotify_emulator.base_url, headers=headers) as later:
        assert later.get(f"/albums/{scheduled.id}").status_code == 200
    spotify_emulator.reset()
    old = next(a for a in catalog.released_albums() if a.release_date.year < 2005)
    served = spotify_client.get(f"/albums/{old.id}").json()
    assert served["release_date"] == old.release_date_text
    new = spotify_client.get("/search", params={"q": "tag:new", "type": "album", "limit": 50})
    assert old.id not in {i["id"] for i in new.json()["albums"]["items"]}

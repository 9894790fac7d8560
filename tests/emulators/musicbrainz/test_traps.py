"""The traps real MusicBrainz data showed, as the generated catalogue holds them.

Each is checked on every album of the session catalogue that the truth names it for
(``Expected.hard_cases``), against what the real releases in
``tests/reference/musicbrainz/eval`` show: Nevermind's twins, Lift Your Skinny Fists'
reissue, The Dio Years' other pressings, Weezer's colours, "JVC Pressing".
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from trendcache.emulators.musicbrainz import (
    HARD_CASES,
    Expected,
    HardCase,
    MusicBrainzCatalog,
    MusicBrainzEmulator,
)
from trendcache.emulators.musicbrainz.model import Release
from trendcache.emulators.musicbrainz.pressings import CLEAN, DIGITAL, PHYSICAL
from trendcache.emulators.musicbrainz.search import analyse
from trendcache.emulators.spotify import Album, Catalog, SpotifyEmulator


@pytest.fixture(scope="module")
def spotify(_spotify_emulator_server: SpotifyEmulator) -> Catalog:
    return _spotify_emulator_server.catalog


@pytest.fixture(scope="module")
def catalog(_musicbrainz_emulator_server: MusicBrainzEmulator) -> MusicBrainzCatalog:
    return _musicbrainz_emulator_server.catalog


def _with(
    catalog: MusicBrainzCatalog, spotify: Catalog, case: HardCase
) -> list[tuple[Album, Expected]]:
    """The albums the truth names ``case`` for; enough of them to be worth checking."""
    truth = catalog.truth
    found = [(a, truth[a.id]) for a in spotify.albums if case in truth[a.id].hard_cases]
    assert len(found) >= 10, case
    return found


def _digits(barcode: str | None) -> str:
    return (barcode or "").lstrip("0")


def _group(catalog: MusicBrainzCatalog, expected: Expected) -> list[Release]:
    group = catalog.release_group(expected.release_group_mbid or "")
    assert group is not None
    return catalog.releases_in(group)


def _release(catalog: MusicBrainzCatalog, mbid: str | None) -> Release:
    release = catalog.release(mbid or "")
    assert release is not None
    return release


def _recordings(release: Release) -> list[str]:
    return [t.recording.id for t in release.tracks]


def _words(text: str) -> set[str]:
    filler = {"records", "recordings", "music", "group", "entertainment", "sounds", "ltd", "ab"}
    return set(re.findall(r"\w+", text.casefold())) - filler - {"the"}


def test_every_hard_case_comes_in_a_modest_share(catalog: MusicBrainzCatalog) -> None:
    counts = Counter(case for e in catalog.truth.values() for case in e.hard_cases)
    albums = len(catalog.truth)
    for case in HARD_CASES:
        assert 0.01 <= counts[case] / albums <= 0.1, (case, counts[case])


def test_barcode_twins_differ_only_in_country_label_and_catalogue_number(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> None:
    """Nevermind: AU stores 720642442524, US 0720642442524; DGC Records, Geffen Records."""
    paddings = Counter[bool]()
    for album, expected in _with(catalog, spotify, "barcode-twin"):
        true = _release(catalog, expected.release_mbid)
        (twin,) = [
            r
            for r in _group(catalog, expected)
            if r.id != true.id and _digits(r.barcode) == _digits(true.barcode)
        ]
        assert twin.title == true.title
        assert (twin.date, twin.track_count) == (true.date, true.track_count)
        assert _recordings(twin) == _recordings(true)
        assert [m.format for m in twin.media] == [m.format for m in true.media]
        assert twin.country != true.country and twin.catalog_number != true.catalog_number
        copyrights = " ".join(c.text for c in album.copyrights)  # all development mode has
        spotify_shows = f"{album.label} {copyrights}"
        assert true.label.name in copyrights, "Spotify names the true release's label"
        assert not _words(twin.label.name) & _words(spotify_shows), "and never the twin's"
        paddings[twin.barcode != true.barcode] += 1
    assert paddings[True] and paddings[False]


def test_twins_nothing_tells_apart_leave_only_the_group_known(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> None:
    for album, expected in _with(catalog, spotify, "twins-only"):
        assert expected.release_mbid is None and expected.linked_by == "barcode"
        twins = [r for r in _group(catalog, expected) if _digits(r.barcode) == _digits(album.upc)]
        assert len(twins) == 2
        first, second = twins
        assert first.label == second.label and first.title == second.title
        assert first.disambiguation == second.disambiguation
        assert first.catalog_number != second.catalog_number
        assert (first.date, first.track_count) == (second.date, second.track_count)
        assert len({first.country, second.country, "XW"}) == 3, "neither is worldwide"


def test_a_reissue_years_apart_stores_the_same_barcode(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> None:
    """Lift Your Skinny Fists: AU 2000 and CA 2018 vinyl both store 666561001216."""
    for album, expected in _with(catalog, spotify, "shared-barcode-reissue"):
        true = _release(catalog, expected.release_mbid)
        (reissue,) = [
            r
            for r in _group(catalog, expected)
            if r.id != true.id and _digits(r.barcode) == _digits(true.barcode)
        ]
        years_apart = abs(int(reissue.date[:4]) - album.release_date.year)
        assert years_apart >= 3 and int(reissue.date[:4]) < spotify.today.year
        assert {m.format for m in reissue.media} == {'12" Vinyl'}
        assert _recordings(reissue) == _recordings(true)


def test_only_another_countrys_pressing_leaves_only_the_group_known(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> None:
    """The Dio Years: DE and AU CDs of the same recordings, other barcodes; Spotify's
    digital release is neither."""
    for album, expected in _with(catalog, spotify, "other-pressing-only"):
        assert expected.release_mbid is None and expected.linked_by == "isrc"
        pressing = next(
            r
            for r in _group(catalog, expected)
            if {i for t in r.tracks for i in t.recording.isrcs} == {t.isrc for t in album.tracks}
        )
        assert {m.format for m in pressing.media} == {"CD"} and pressing.country != "XW"
        assert _digits(pressing.barcode) != _digits(album.upc)
        assert pressing.track_count == album.total_tracks


def test_pressing_comments_describe_the_object_not_the_edition(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> None:
    """ "blue album, JVC Pressing", "silver faced", "24bit/96kHz", "clean"."""
    pressings = set(PHYSICAL) | set(DIGITAL) | {CLEAN}
    explicit = {a.id for a in spotify.albums if any(t.explicit for t in a.tracks)}
    true_ids = {e.release_mbid: a for a, e in catalog.truth.items() if e.release_mbid}
    seen = Counter[str]()
    for release in catalog.releases:
        parts = release.disambiguation.split(", ")
        found = [p for p in parts if p in pressings]
        if not found:
            continue
        (comment,) = found
        assert parts[-1] == comment, "the pressing follows the nickname and the edition"
        digital = {m.format for m in release.media} == {"Digital Media"}
        assert comment in (set(DIGITAL) | {CLEAN} if digital else set(PHYSICAL))
        assert not (comment == CLEAN and true_ids.get(release.id) in explicit)
        seen["true" if release.id in true_ids else "other"] += 1
        seen["after an edition"] += len(parts) > 1
    assert seen["true"] > 50 and seen["other"] > 50 and seen["after an edition"] > 0


def test_self_titled_albums_are_the_artist_s_name_with_the_nickname_as_comment(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> None:
    """Spotify's "Weezer (Blue Album)" is MusicBrainz's "Weezer", "blue album"."""
    groups: dict[str, set[str]] = {}
    for album, expected in _with(catalog, spotify, "self-titled"):
        artist = spotify.artists_of(album.artist_ids)[0].name
        nickname = re.search(r"\(([A-Z][a-z]+ Album)\)", album.name)
        assert nickname is not None
        group = catalog.release_group(expected.release_group_mbid or "")
        if group is None:
            continue  # absent from MusicBrainz
        assert (group.title, group.disambiguation) == (artist, nickname[1])
        groups.setdefault(artist, set()).add(group.id)
        if expected.release_mbid is None:
            continue
        release = _release(catalog, expected.release_mbid)
        name = [w for w in analyse(artist) if w != "and"]  # "&" may be spelled "and"
        assert [w for w in analyse(release.title) if w != "and"][: len(name)] == name
        assert release.disambiguation.startswith(nickname[1].lower())
    assert any(len(ids) > 1 for ids in groups.values()), "several groups for one artist"

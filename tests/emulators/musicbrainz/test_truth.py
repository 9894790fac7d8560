"""Ground truth: each album is found by its documented method and by no cheaper one.

The four finders below are what a matcher does, run against the catalog's own indexes
(the HTTP surface is tested elsewhere), for every album of the session catalog. A
"careful matcher" accepts a candidate only when its artists, track count, date, digital
format and label agree with the Spotify album; the true release must be the only such
candidate. Where the truth knows only the release group, there must be no candidate or
several (twins nothing tells apart), all of that group; absent albums must have none, or
precision and recall could not be measured at either level.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from trendcache.emulators.musicbrainz import (
    Expected,
    LinkMethod,
    MusicBrainzCatalog,
    MusicBrainzEmulator,
)
from trendcache.emulators.musicbrainz.catalog import MusicBrainzCatalog as Built
from trendcache.emulators.musicbrainz.lucene import parse
from trendcache.emulators.musicbrainz.model import Release
from trendcache.emulators.musicbrainz.search import analyse
from trendcache.emulators.musicbrainz.titles import styled
from trendcache.emulators.spotify import Album, Catalog, SpotifyEmulator

METHODS: tuple[LinkMethod, ...] = ("url", "barcode", "isrc", "fuzzy")
SHARES: dict[LinkMethod | None, float] = {
    "url": 0.40,
    "barcode": 0.20,
    "isrc": 0.10,
    "fuzzy": 0.20,
    None: 0.10,
}
NOISE = {"and", "feat", "ft", "with", "deluxe", "edition", "version", "expanded", "remaster"}
Finder = Callable[[MusicBrainzCatalog, Catalog, Album], set[str]]


def barcode_forms(upc: str) -> list[str]:
    """Every zero-padding of the digits up to 14: MusicBrainz keeps what editors typed."""
    digits = upc.lstrip("0")
    return [digits.zfill(width) for width in range(len(digits), 15)]


def by_url(mb: MusicBrainzCatalog, _: Catalog, album: Album) -> set[str]:
    found = mb.url(f"https://open.spotify.com/album/{album.id}")
    return {found[1].id} if found else set()


def by_barcode(mb: MusicBrainzCatalog, _: Catalog, album: Album) -> set[str]:
    query = parse(f"barcode:({' OR '.join(barcode_forms(album.upc))})")
    return {mb.releases[hit.doc].id for hit in mb.release_index.search(query)}


def by_isrc(mb: MusicBrainzCatalog, _: Catalog, album: Album) -> set[str]:
    query = parse(f"isrc:({' OR '.join(sorted({t.isrc for t in album.tracks}))})")
    recordings = (mb.recordings[hit.doc] for hit in mb.recording_index.search(query))
    return {a.release.id for r in recordings for a in mb.appearances(r)}


def _terms(text: str) -> str:
    tokens = [t for t in analyse(text) if t not in NOISE] or list(analyse(text))
    return " AND ".join(tokens)


def by_fuzzy(mb: MusicBrainzCatalog, spotify: Catalog, album: Album) -> set[str]:
    artist = spotify.artists_of(album.artist_ids)[0].name
    query = parse(f"release:({_terms(styled(album.name).bare)}) AND artist:({_terms(artist)})")
    return {mb.releases[hit.doc].id for hit in mb.release_index.search(query)}


FINDERS: dict[LinkMethod, Finder] = {
    "url": by_url,
    "barcode": by_barcode,
    "isrc": by_isrc,
    "fuzzy": by_fuzzy,
}


@pytest.fixture(scope="module")
def spotify(_spotify_emulator_server: SpotifyEmulator) -> Catalog:
    return _spotify_emulator_server.catalog


@pytest.fixture(scope="module")
def catalog(_musicbrainz_emulator_server: MusicBrainzEmulator) -> MusicBrainzCatalog:
    return _musicbrainz_emulator_server.catalog


@pytest.fixture(scope="module")
def findings(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> dict[str, dict[LinkMethod, set[str]]]:
    """album id -> method -> release ids that method turns up."""
    return {
        album.id: {m: FINDERS[m](catalog, spotify, album) for m in METHODS}
        for album in spotify.albums
    }


def acceptable(
    mb: MusicBrainzCatalog, spotify: Catalog, album: Album, candidates: set[str]
) -> list[str]:
    """The candidates a careful matcher would accept for ``album``."""
    wanted = {mb.artist_for(i).id for i in album.artist_ids}
    artist_names = {a.name for a in spotify.artists_of(album.artist_ids)}
    label = album.label.split("/")[0].strip()
    label = "[no label]" if label in artist_names else label

    def fits(release: Release) -> bool:
        return (
            wanted <= {c.artist.id for c in release.credit}
            and release.track_count == album.total_tracks
            and release.date == album.release_date_text
            and all(m.format == "Digital Media" for m in release.media)
            and release.label.name == label
        )

    return sorted(c for c in candidates if fits(_release(mb, c)))


def _release(mb: MusicBrainzCatalog, mbid: str) -> Release:
    release = mb.release(mbid)
    assert release is not None
    return release


def test_difficulty_mix_is_as_documented(catalog: MusicBrainzCatalog) -> None:
    counts = Counter(e.linked_by for e in catalog.truth.values())
    total = sum(counts.values())
    for method, share in SHARES.items():
        assert counts[method] / total == pytest.approx(share, abs=0.04), method


def _targets(mb: MusicBrainzCatalog, expected: Expected, found: set[str]) -> set[str]:
    """What the truth points at among ``found``: the release, or releases of the group."""
    if expected.release_mbid is not None:
        return found & {expected.release_mbid}
    return {r for r in found if _release(mb, r).group.id == expected.release_group_mbid}


def test_every_album_is_found_by_its_method_and_by_no_cheaper_one(
    catalog: MusicBrainzCatalog, findings: dict[str, dict[str, set[str]]]
) -> None:
    for album_id, expected in catalog.truth.items():
        if expected.linked_by is None:
            continue
        found = findings[album_id]
        assert _targets(catalog, expected, found[expected.linked_by]), (album_id, expected)
        cheaper = METHODS[: METHODS.index(expected.linked_by)]
        assert not any(_targets(catalog, expected, found[m]) for m in cheaper), album_id


def test_truth_is_the_only_release_a_careful_matcher_accepts(
    catalog: MusicBrainzCatalog, spotify: Catalog, findings: dict[str, dict[str, set[str]]]
) -> None:
    alike = 0
    for album in spotify.albums:
        expected = catalog.truth[album.id]
        candidates = set().union(*findings[album.id].values())
        chosen = acceptable(catalog, spotify, album, candidates)
        if expected.release_mbid is not None or expected.release_group_mbid is None:
            assert chosen == ([expected.release_mbid] if expected.release_mbid else []), album
            continue
        assert len(chosen) != 1, album  # none, or twins nothing tells apart
        assert {_release(catalog, c).group.id for c in chosen} <= {expected.release_group_mbid}
        alike += len(chosen) > 1
    assert alike > 10


def test_truth_names_the_release_its_group_and_its_artists(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> None:
    for album in spotify.albums:
        expected = catalog.truth[album.id]
        if expected.release_group_mbid is None:
            assert (expected.release_mbid, expected.artist_mbids) == (None, ())
            continue
        if expected.release_mbid is None:  # the group only
            group = catalog.release_group(expected.release_group_mbid)
            assert group is not None and expected.linked_by is not None
            releases = catalog.releases_in(group)
            credits = {tuple(c.artist.id for c in r.credit) for r in releases}
            assert expected.artist_mbids in credits
            assert catalog.url(f"https://open.spotify.com/album/{album.id}") is None
            continue
        release = _release(catalog, expected.release_mbid)
        assert release.group.id == expected.release_group_mbid
        assert expected.artist_mbids == tuple(c.artist.id for c in release.credit)
        assert (release.url is not None) == (expected.linked_by == "url")


def test_absent_albums_leave_decoys_but_nothing_to_accept(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> None:
    absent = [a for a in spotify.albums if catalog.truth[a.id].release_group_mbid is None]
    namesakes = {
        album.id: {
            catalog.releases[hit.doc].id
            for hit in catalog.release_index.search(parse(f"release:({_terms(album.name)})"))
        }
        for album in absent
    }
    assert len(absent) > 100 and sum(bool(found) for found in namesakes.values()) > 50
    for album in absent:
        assert acceptable(catalog, spotify, album, namesakes[album.id]) == [], album


def test_the_catalog_holds_the_real_world_traps(
    catalog: MusicBrainzCatalog, spotify: Catalog, findings: dict[str, dict[str, set[str]]]
) -> None:
    truth = catalog.truth
    upcs = {a.id: a.upc for a in spotify.albums}
    retyped = [
        a
        for a, e in truth.items()
        if e.linked_by == "barcode"
        and e.release_mbid
        and _release(catalog, e.release_mbid).barcode != upcs[a]
    ]
    widths = Counter(
        len(_release(catalog, truth[a].release_mbid or "").barcode or "") for a in retyped
    )
    assert len(retyped) > 100 and {11, 12, 13, 14} <= set(widths)
    groups = Counter(r.group.id for r in catalog.releases)
    formats = {
        frozenset(m.format for r in catalog.releases_in(g) for m in r.media)
        for g in (catalog.release_group(i) for i, n in groups.items() if n > 1)
        if g is not None
    }
    assert frozenset({"Digital Media", "CD"}) in formats  # CD editions beside digital ones
    editions = [r for r in catalog.releases if "deluxe" in r.disambiguation or "(Deluxe" in r.title]
    assert any(len(catalog.releases_in(r.group)) > 1 for r in editions)
    same_title = [a for a in spotify.albums if len(findings[a.id]["fuzzy"]) > 1]
    assert len(same_title) > 100
    shared = [a for a, e in truth.items() if e.linked_by == "isrc" and len(findings[a]["isrc"]) > 1]
    assert shared  # one ISRC search turns up the single and the album it is on
    feat = [r for r in catalog.releases if any(c.joinphrase == " feat. " for c in r.credit)]
    assert feat and all("feat." not in r.title for r in feat)


def test_the_same_catalog_and_seed_build_the_same_catalog(
    catalog: MusicBrainzCatalog, spotify: Catalog
) -> None:
    again = Built.build(spotify, 2026)
    assert again.truth == catalog.truth
    assert [r.id for r in again.releases] == [r.id for r in catalog.releases]

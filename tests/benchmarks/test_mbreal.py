"""The real-data matching evaluation's instrument stays honest: its cases and its ws/2 answers.

`benchmarks/enrichment_real.py` measures the matcher against a stand-in serving real
release lookups; these checks keep that stand-in answering in the recorded shapes (keys
compared with `tests/reference/musicbrainz/fixtures/`) and the cases' truth consistent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from benchmarks.mbreal.cases import KINDS, build_rounds
from benchmarks.mbreal.catalogue import load_releases
from benchmarks.mbreal.standin import Catalogue, StandIn

from tests.fixtures.musicbrainz import USER_AGENT, MusicBrainzReference

NEVERMIND_AU = "eccae410"  # stores 720642442524
NEVERMIND_US = "8e061dc4"  # stores 0720642442524


@pytest.fixture(scope="module")
def releases() -> dict[str, Any]:
    return load_releases()


@pytest.fixture(scope="module")
def standin(releases: dict[str, Any]) -> Iterator[StandIn]:
    with StandIn(Catalogue(releases)) as server:
        yield server


def _get(standin: StandIn, path: str, params: list[tuple[str, str]]) -> httpx2.Response:
    with httpx2.Client(headers={"User-Agent": USER_AGENT}, timeout=10) as client:
        return client.get(f"{standin.base_url}/{path}", params=[*params, ("fmt", "json")])


def _keys(items: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """(keys every item has, keys any item has)."""
    return set.intersection(*(set(i) for i in items)), set.union(*(set(i) for i in items))


def _by_prefix(releases: dict[str, Any], prefix: str) -> str:
    return next(mbid for mbid in releases if mbid.startswith(prefix))


def test_every_kind_of_case_is_built_with_consistent_truth(releases: dict[str, Any]) -> None:
    rounds = build_rounds(releases)
    assert {r.kind for r in rounds} == set(KINDS)
    for round_ in rounds:
        sources = [case.source for case in round_.cases]
        assert len(sources) == len(set(sources)), "a round holds one album per source"
        for case in round_.cases:
            assert case.release in (None, case.source)
            if round_.kind == "removed":
                assert case.release is None and case.source in round_.removed
            if case.group is not None:
                assert case.group == releases[case.source]["release-group"]["id"]


def test_a_release_lookup_has_the_recorded_keys(
    standin: StandIn, releases: dict[str, Any], musicbrainz_reference: MusicBrainzReference
) -> None:
    mbid = _by_prefix(releases, NEVERMIND_AU)
    inc = "artist-credits+isrcs+labels+media+recordings+release-groups"
    response = _get(standin, f"release/{mbid}", [("inc", inc)])
    recorded = musicbrainz_reference.fixture("release_lookup_upc12_eccae410")
    assert response.status_code == 200
    assert set(response.json()) == set(recorded)
    assert _get(standin, "release/00000000-0000-0000-0000-000000000000", []).status_code == 404


@pytest.mark.parametrize("spelling", ["720642442524", "0720642442524", "00720642442524"])
def test_barcode_search_ignores_leading_zeros_and_answers_in_the_recorded_shape(
    standin: StandIn,
    releases: dict[str, Any],
    musicbrainz_reference: MusicBrainzReference,
    spelling: str,
) -> None:
    query = f'barcode:("{spelling}")'
    response = _get(standin, "release", [("query", query), ("limit", "100"), ("offset", "0")])
    body = response.json()
    hits = body["releases"]
    assert {h["id"][:8] for h in hits} == {NEVERMIND_AU, NEVERMIND_US}
    assert {h["barcode"] for h in hits} == {"720642442524", "0720642442524"}
    recorded = [
        musicbrainz_reference.fixture("release_search_drivers_license"),
        musicbrainz_reference.fixture("release_search_field_query_schneider_shake"),
    ]
    assert set(body) == set(recorded[0])
    every, known = _keys([hit for document in recorded for hit in document["releases"]])
    for hit in hits:
        assert every <= set(hit) <= known
        assert set(hit["release-group"]) <= set(recorded[1]["releases"][0]["release-group"])
    assert "tracks" not in str([m.keys() for h in hits for m in h["media"]])


def test_an_isrc_search_lists_every_pressing_without_barcodes(
    standin: StandIn, releases: dict[str, Any], musicbrainz_reference: MusicBrainzReference
) -> None:
    dio = releases[_by_prefix(releases, "9764a202")]
    isrc = dio["media"][0]["tracks"][0]["recording"]["isrcs"][0]
    response = _get(standin, "recording", [("query", f'isrc:("{isrc}")'), ("limit", "100")])
    body = response.json()
    recorded = musicbrainz_reference.fixture("recording_search_isrc_GBAHT1600302")
    assert set(body) == set(recorded)
    [recording] = body["recordings"]
    assert isrc in recording["isrcs"]
    assert set(recording) <= set(recorded["recordings"][0]) - {"tags"} | {"disambiguation"}
    assert {r["id"][:8] for r in recording["releases"]} == {"9764a202", "c5192d47"}
    every, known = _keys(recorded["recordings"][0]["releases"])
    for release in recording["releases"]:
        assert "barcode" not in release
        assert every <= set(release) <= known
        assert [len(m["track"]) for m in release["media"]] == [1]


def test_url_lookups_answer_as_the_real_service(standin: StandIn) -> None:
    one = [("resource", "https://open.spotify.com/album/nothing"), ("inc", "release-rels")]
    assert _get(standin, "url", one).status_code == 404
    two = [*one, ("resource", "https://open.spotify.com/album/other")]
    assert _get(standin, "url", two).json() == {"url-count": 0, "url-offset": 0, "urls": []}

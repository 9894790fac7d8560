"""The emulator's JSON must look like what MusicBrainz really sent (the recorded fixtures).

Objects are compared per JSON path (``$.releases[].media[]``), over every object at that
path: ours may only carry keys MusicBrainz sent there, must carry every key it always
sent, with the same value types. Ids are UUIDs, scores integers 0-100, dates ISO
prefixes. Keys the emulator deliberately never produces are listed in ``ONLY_RECORDED``.
The URL lookup with relationships has no recorded body; its shape is the one in
musicbrainz-server's own test (t/.../WS/2/JSON/LookupURL.pm), spelled out below. Release
lookups are also held against the 20 real lookups of ``eval/releases`` (label-info,
disambiguations, vinyl, release-group comments) and the emulator's barcode twins against
the real twins there (Nevermind's AU and US CDs).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import httpx2
import pytest

from tests.fixtures.musicbrainz import MusicBrainzReference
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.musicbrainz.constants import NO_LABEL_MBID
from trendcache.emulators.musicbrainz.model import Release

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# Supplementary data (folksonomy tags, genres, artist aliases) the emulator does not model.
ONLY_RECORDED = frozenset({"tags", "aliases", "genres"})
# Keys MusicBrainz sends as null when unset though these recordings happen to have values:
# musicbrainz-server's LookupURL.pm test has a null artist country, barcode, status and
# packaging; the recorded areas show unset "type"/"type-id" serialised as null.
NULLABLE = frozenset(
    {"country", "type", "type-id", "barcode", "status", "status-id", "packaging", "packaging-id"}
)
# Release groups in search hits carry secondary types when they have any (recorded in the
# recording search); the two recorded release searches happen to hit none.
SEARCH_GROUP = {"$.releases[].release-group": {"secondary-type-ids", "secondary-types"}}
PICARD_INC = "artist-credits+isrcs+labels+media+recordings+release-groups"
RELEASE_LOOKUPS = (
    "release_lookup_digital_f77eeaef",
    "release_lookup_digital_jp_3ac4a81e",
    "release_lookup_ean13_leading0_8e061dc4",
    "release_lookup_upc12_eccae410",
)
# The URL lookup shape from musicbrainz-server's LookupURL.pm test.
AREA = {"disambiguation", "id", "iso-3166-1-codes", "name", "sort-name", "type", "type-id"}
URL_RELEASE = {
    "barcode", "country", "date", "disambiguation", "id", "packaging", "packaging-id",
    "quality", "release-events", "status", "status-id", "text-representation", "title",
}  # fmt: skip
URL_RELATION = {
    "attribute-ids", "attribute-values", "attributes", "begin", "direction", "end", "ended",
    "release", "source-credit", "target-credit", "target-type", "type", "type-id",
}  # fmt: skip

Profile = dict[str, list[dict[str, Any]]]


def _objects(document: Any, path: str = "$", into: Profile | None = None) -> Profile:
    """Every JSON object in ``document`` by path, arrays spelled ``[]``."""
    found: Profile = into if into is not None else defaultdict(list)
    if isinstance(document, dict):
        found[path].append(document)
        for key, value in document.items():
            _objects(value, f"{path}.{key}", found)
    elif isinstance(document, list):
        for item in document:
            _objects(item, f"{path}[]", found)
    return found


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def shape_problems(
    ours: Iterable[Any],
    recorded: Iterable[Any],
    optional: frozenset[str] = frozenset(),
    also: Mapping[str, set[str]] | None = None,
) -> list[str]:
    """Differences in structure; ``optional`` keys may be absent, ``also`` adds allowed
    keys per path where other recordings show MusicBrainz sends them."""
    mine: Profile = defaultdict(list)
    theirs: Profile = defaultdict(list)
    for document in ours:
        _objects(document, into=mine)
    for document in recorded:
        _objects(document, into=theirs)
    problems = []
    for path, objects in mine.items():
        if path not in theirs:
            problems.append(f"{path}: MusicBrainz sent no object here")
            continue
        allowed = set().union(*(set(o) for o in theirs[path]), (also or {}).get(path, set()))
        always = set.intersection(*(set(o) for o in theirs[path])) - ONLY_RECORDED - optional
        types = defaultdict(set)
        for recorded_object in theirs[path]:
            for key, value in recorded_object.items():
                types[key].add(_kind(value))
        for obj in objects:
            if extra := set(obj) - allowed:
                problems.append(f"{path}: keys MusicBrainz never sent here: {sorted(extra)}")
            if missing := always - set(obj):
                problems.append(f"{path}: keys MusicBrainz always sent here: {sorted(missing)}")
            for key, value in obj.items():
                nullable = value is None and key in NULLABLE
                if key in types and _kind(value) not in types[key] and not nullable:
                    problems.append(f"{path}.{key}: {_kind(value)}, recorded {sorted(types[key])}")
    return sorted(set(problems))


def value_problems(document: Any) -> list[str]:
    """Formats: UUID ids, 0-100 integer scores, ISO dates, country codes, digit barcodes."""
    problems = []
    for path, objects in _objects(document).items():
        for obj in objects:
            for key, value in obj.items():
                ids = value if key == "secondary-type-ids" else [value]
                if (key == "id" or key.endswith("-id") or key.endswith("-ids")) and value:
                    problems += [f"{path}.{key}: {v!r}" for v in ids if not UUID.fullmatch(v)]
                if key == "score" and not (isinstance(value, int) and 0 <= value <= 100):
                    problems.append(f"{path}.score: {value!r}")
                if key in ("date", "first-release-date") and value and not DATE.fullmatch(value):
                    problems.append(f"{path}.{key}: {value!r}")
                if key == "barcode" and value and not value.isdigit():
                    problems.append(f"{path}.barcode: {value!r}")
                if key == "iso-3166-1-codes" and not all(
                    re.fullmatch("[A-Z]{2}", c) for c in value
                ):
                    problems.append(f"{path}.{key}: {value!r}")
    return problems


def _pick(emulator: MusicBrainzEmulator, test: Callable[[Release], bool]) -> Release:
    return next(r for r in emulator.catalog.releases if test(r))


def _variety(emulator: MusicBrainzEmulator) -> list[Release]:
    """Releases of every sort: URL-linked, CD edition, multi-disc, compilation, self-released,
    vinyl reissue, pressing comment, self-titled with a nickname."""
    truth = emulator.truth.values()
    linked = next(e.release_mbid for e in truth if e.linked_by == "url" and e.release_mbid)
    tests: list[Callable[[Release], bool]] = [
        lambda r: r.id == linked,
        lambda r: r.media[0].format == "CD",
        lambda r: len(r.media) > 1,
        lambda r: bool(r.group.secondary_types),
        lambda r: r.label.id == NO_LABEL_MBID,
        lambda r: r.barcode is None,
        lambda r: any(c.joinphrase for c in r.credit),
        lambda r: r.media[0].format == '12" Vinyl',
        lambda r: r.disambiguation.endswith("JVC Pressing"),
        lambda r: bool(r.group.disambiguation),
    ]
    return [_pick(emulator, test) for test in tests]


def _twins(emulator: MusicBrainzEmulator) -> tuple[Release, Release]:
    """An album's release and its barcode twin abroad."""
    catalog = emulator.catalog
    expected = next(e for e in emulator.truth.values() if "barcode-twin" in e.hard_cases)
    true = catalog.release(expected.release_mbid or "")
    assert true is not None and true.barcode
    (twin,) = [
        r
        for r in catalog.releases_in(true.group)
        if r.id != true.id and (r.barcode or "").lstrip("0") == true.barcode.lstrip("0")
    ]
    return true, twin


def test_release_lookups_match_recordings(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    musicbrainz_reference: MusicBrainzReference,
) -> None:
    recorded = [musicbrainz_reference.fixture(name) for name in RELEASE_LOOKUPS]
    recorded += musicbrainz_reference.eval_releases()
    ours = [
        musicbrainz_client.get(f"/release/{r.id}", params={"inc": PICARD_INC}).json()
        for r in [*_variety(musicbrainz_emulator), *_twins(musicbrainz_emulator)]
    ]
    assert shape_problems(ours, recorded) == []
    assert [p for doc in ours for p in value_problems(doc)] == []
    assert all(doc["label-info"] and doc["label-info"][0]["label"]["name"] for doc in ours)
    assert {doc["disambiguation"] for doc in ours} > {""}
    assert {doc["release-group"]["disambiguation"] for doc in ours} > {""}


def test_barcode_twins_differ_where_real_twins_do(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    musicbrainz_reference: MusicBrainzReference,
) -> None:
    """Nevermind AU (720642442524, DGC Records) and US (0720642442524, Geffen Records):
    the same title, date, group and tracks; another country, label, catalogue number."""
    au, us = (musicbrainz_reference.eval_release(p) for p in ("eccae410", "8e061dc4"))
    real = {key for key in au if au[key] != us[key]}
    # Weezer's US and DE "blue album" also differ in the pressing comment ("JVC Pressing").
    real |= {"disambiguation"}
    true, twin = (
        musicbrainz_client.get(f"/release/{r.id}", params={"inc": PICARD_INC}).json()
        for r in _twins(musicbrainz_emulator)
    )
    ours = {key for key in true if true[key] != twin[key]}
    assert {"id", "country", "label-info", "release-events", "media"} <= ours <= real
    assert true["label-info"][0]["label"]["name"] != twin["label-info"][0]["label"]["name"]
    assert true["label-info"][0]["catalog-number"] != twin["label-info"][0]["catalog-number"]
    assert true["barcode"].lstrip("0") == twin["barcode"].lstrip("0")


def test_release_searches_match_recordings(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    musicbrainz_reference: MusicBrainzReference,
) -> None:
    recorded = [
        musicbrainz_reference.fixture("release_search_drivers_license"),
        musicbrainz_reference.fixture("release_search_field_query_schneider_shake"),
    ]
    ids = " OR ".join(
        r.id for r in [*_variety(musicbrainz_emulator), *_twins(musicbrainz_emulator)]
    )
    ours = [
        musicbrainz_client.get("/release", params={"query": query, "limit": 50}).json()
        for query in (f"reid:({ids})", "tracks:1", "format:CD")
    ]
    assert all(doc["releases"] for doc in ours)
    assert shape_problems(ours, recorded, also=SEARCH_GROUP) == []
    assert [p for doc in ours for p in value_problems(doc)] == []
    hits = ours[0]["releases"]
    assert all(hit["label-info"][0]["label"]["name"] for hit in hits)
    assert any(hit.get("disambiguation") for hit in hits)


def test_recording_search_matches_recording(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    musicbrainz_reference: MusicBrainzReference,
) -> None:
    catalog = musicbrainz_emulator.catalog
    isrc = next(
        r.isrcs[0]
        for r in catalog.recordings
        if len(catalog.appearances(r)) > 2
        and any(a.release.group.secondary_types for a in catalog.appearances(r))
    )
    ours = musicbrainz_client.get("/recording", params={"query": f"isrc:{isrc}"}).json()
    assert len(ours["recordings"][0]["releases"]) > 1
    recorded = musicbrainz_reference.fixture("recording_search_isrc_GBAHT1600302")
    # Search hits drop an empty disambiguation (see the release search recordings).
    assert shape_problems([ours], [recorded], optional=frozenset({"disambiguation"})) == []
    assert value_problems(ours) == []


def test_recording_searches_list_releases_without_barcodes_release_searches_with(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    musicbrainz_reference: MusicBrainzReference,
) -> None:
    """As recorded: the 56 releases of an ISRC search carry no barcode; a ``reid:`` search
    for the same releases tells them apart by barcode (another pressing, another one)."""
    recorded = musicbrainz_reference.fixture("recording_search_isrc_GBAHT1600302")
    recorded_releases = [r for rec in recorded["recordings"] for r in rec["releases"]]
    assert len(recorded_releases) > 50 and not any("barcode" in r for r in recorded_releases)
    catalog = musicbrainz_emulator.catalog
    pressing = next(
        e for e in musicbrainz_emulator.truth.values() if "other-pressing-only" in e.hard_cases
    )
    group = catalog.release_group(pressing.release_group_mbid or "")
    assert group is not None
    isrcs = sorted(
        {i for r in catalog.releases_in(group) for t in r.tracks for i in t.recording.isrcs}
    )
    found = musicbrainz_client.get("/recording", params={"query": f"isrc:{isrcs[0]}"}).json()
    releases = [r for rec in found["recordings"] for r in rec["releases"]]
    assert releases and not any("barcode" in r for r in releases)
    ids = " OR ".join(r["id"] for r in releases)
    complete = musicbrainz_client.get("/release", params={"query": f"reid:({ids})"}).json()
    assert {r["id"] for r in complete["releases"]} == {r["id"] for r in releases}
    assert any(r.get("barcode") for r in complete["releases"])


def test_release_group_lookup_matches_recording(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    musicbrainz_reference: MusicBrainzReference,
) -> None:
    catalog = musicbrainz_emulator.catalog
    groups = {r.group.id for r in _variety(musicbrainz_emulator)}
    groups.add(next(r.group.id for r in catalog.releases if len(catalog.releases_in(r.group)) > 2))
    ours = [
        musicbrainz_client.get(f"/release-group/{g}", params={"inc": "artist-credits releases"})
        .raise_for_status()
        .json()
        for g in groups
    ]
    recorded = musicbrainz_reference.fixture("release_group_lookup_c9fdb94c")
    assert shape_problems(ours, [recorded]) == []
    assert [p for doc in ours for p in value_problems(doc)] == []


def test_url_lookups_match_recording_and_server_tests(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    musicbrainz_reference: MusicBrainzReference,
) -> None:
    linked = [a for a, e in musicbrainz_emulator.truth.items() if e.linked_by == "url"][:3]
    resources = [f"https://open.spotify.com/album/{a}" for a in linked]
    one = musicbrainz_client.get("/url", params={"resource": resources[0]}).json()
    by_id = musicbrainz_client.get(f"/url/{one['id']}").json()
    recorded = musicbrainz_reference.fixture("url_lookup_by_mbid_46d8f693")
    assert set(by_id) == set(recorded) == {"id", "resource"}
    several = musicbrainz_client.get(
        "/url", params={"resource": resources, "inc": "release-rels"}
    ).json()
    assert set(several) == {"url-count", "url-offset", "urls"}
    for url in several["urls"]:
        assert set(url) == {"id", "resource", "relations"}
        (relation,) = url["relations"]
        assert set(relation) == URL_RELATION
        assert set(relation["release"]) == URL_RELEASE
        assert set(relation["release"]["release-events"][0]["area"]) == AREA
        assert value_problems(url) == []


def test_errors_are_shaped_like_musicbrainz_server_answers(
    musicbrainz_client: httpx2.Client,
) -> None:
    for path, status in (
        ("/release/not-an-mbid", 400),
        (f"/release/{'0' * 8}-0000-4000-8000-{'0' * 12}", 404),
    ):
        response = musicbrainz_client.get(path)
        assert response.status_code == status
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert set(response.json()) == {"error", "help"}


@pytest.mark.parametrize("path", ["/release", "/recording"])
def test_search_envelope(musicbrainz_client: httpx2.Client, path: str) -> None:
    body = musicbrainz_client.get(path, params={"query": "nothing-matches-this"}).json()
    assert body == {"created": body["created"], "count": 0, "offset": 0, path[1:] + "s": []}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["created"])

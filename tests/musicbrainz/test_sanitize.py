"""`musicbrainz.sanitize`: ws/2 answers cleaned key by key, real ones left exactly alone."""

from __future__ import annotations

import copy
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.musicbrainz import REFERENCE_DIR
from trendcache.db.models import EnrichmentState
from trendcache.emulators.musicbrainz import MusicBrainzEmulator, hits
from trendcache.emulators.musicbrainz.render import Lookup
from trendcache.musicbrainz.models import ReleaseSearch, UrlBatch
from trendcache.musicbrainz.sanitize import MBID_LIMIT, NAME_LIMIT, TEXT_LIMIT, clean_document
from trendcache.text import ELLIPSIS

RECORDED = sorted(REFERENCE_DIR.rglob("*.json"))
MBID = "b9ad642e-b012-41c7-b72a-42cf4911f9ff"
OTHER = "c9fdb94c-4975-4ed6-a96f-ef6d80bb7738"
SAMPLE = 20
INCS = ("artist-credits", "labels", "recordings", "release-groups", "url-rels", "isrcs")


def test_every_recorded_answer_is_there() -> None:
    """The fixtures and the matching evaluation's releases (see their SOURCE.md, README)."""
    assert len([p for p in RECORDED if p.parent.name == "fixtures"]) == 10
    assert len([p for p in RECORDED if p.parent.name == "releases"]) == 20


@pytest.mark.parametrize("path", RECORDED, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_recorded_answers_pass_unchanged(path: Path) -> None:
    document = json.loads(path.read_text())
    assert clean_document(copy.deepcopy(document)) == document


def test_the_recordings_hold_what_must_survive() -> None:
    """Japanese titles, accents and voiced kana (which NFD splits into combining marks),
    typographic punctuation and titles of 300 characters really are in them."""
    texts = [value for path in RECORDED for value in _strings(json.loads(path.read_text()))]
    assert {"三毒史", "Beyoncé", "ジユーダム", "Don\u2019t Stop Me Now"} <= set(texts)
    assert any(unicodedata.normalize("NFD", value) != value for value in texts)
    assert max(len(value) for value in texts) > 250


def test_emulator_answers_pass_unchanged(musicbrainz_emulator: MusicBrainzEmulator) -> None:
    """Every release as a search hit and by URL, and a sample in full (tracks, recordings:
    their names are Spotify's, which `tests/spotify/test_sanitize.py` checks one by one)."""
    catalog = musicbrainz_emulator.catalog
    lookup = Lookup(catalog, INCS)
    answers: list[Any] = []
    for release in catalog.releases:
        answers.append(hits.release(release, 100))
        if release.url is not None:
            answers.append(lookup.url(release.url, release))
    answers += [lookup.release(release) for release in catalog.releases[::SAMPLE]]
    recordings = catalog.recordings[:: SAMPLE * 5]
    answers += [hits.recording(catalog, recording, 100) for recording in recordings]
    changed = [a["id"] for a in answers if clean_document(copy.deepcopy(a)) != a]
    assert changed == []


def hit(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": MBID,
        "score": 100,
        "title": "Global Warming",
        "disambiguation": "deluxe",
        "artist-credit": [{"name": "Pitbull", "artist": {"id": OTHER, "name": "Pitbull"}}],
        "release-group": {"id": OTHER, "primary-type": "Album", "secondary-type-ids": [OTHER]},
        "date": "2012-11-16",
    }
    return {**base, **changes}


def test_hostile_text_is_cleaned_and_bounded() -> None:
    dirty = hit(
        title="\u202eGlobal\x00 Warming\u2069",
        disambiguation="deluxe\x1b[31m" + " " + "x" * 5000,
        **{
            "artist-credit": [
                {"name": "Pit\u200bbull", "joinphrase": "\n", "artist": {"id": OTHER, "name": "P"}}
            ]
        },
    )
    clean = clean_document({"count": 1, "offset": 0, "releases": [dirty]})
    (release,) = clean["releases"]
    assert release["title"] == "Global Warming"
    assert len(release["disambiguation"]) == NAME_LIMIT
    assert release["disambiguation"].startswith("deluxe[31m x") and release[
        "disambiguation"
    ].endswith(ELLIPSIS)
    assert release["artist-credit"][0]["name"] == "Pitbull"
    assert release["artist-credit"][0]["joinphrase"] == ""
    ReleaseSearch.model_validate(clean)


def test_hits_without_an_mbid_are_left_out_and_other_ids_nulled() -> None:
    too_long = MBID + "0" * 40  # wider than enrichment_state.release_mbid
    document = {
        "count": 4,
        "offset": 0,
        "releases": [
            hit(),
            hit(id=too_long),
            hit(id="../../etc/passwd"),
            hit(**{"release-group": {"id": OTHER, "primary-type-id": "x" * 100}}),
        ],
    }
    clean = clean_document(document)
    assert [r["id"] for r in clean["releases"]] == [MBID, MBID]
    assert clean["releases"][1]["release-group"]["primary-type-id"] is None
    assert clean_document({"id": too_long, "title": "alone"})["id"] is None
    assert clean_document({"secondary-type-ids": [OTHER, "nope"]}) == {
        "secondary-type-ids": [OTHER]
    }
    ReleaseSearch.model_validate(clean)


def test_urls_must_be_links_that_fit() -> None:
    resource = "https://open.spotify.com/album/4aawyAB9vmqN3uQ7FjRGTy"
    urls = [
        {"id": MBID, "resource": resource},
        {"id": OTHER, "resource": "javascript:alert(1)"},
        {"id": OTHER, "resource": resource + "?" + "x" * 3000},
    ]
    clean = clean_document({"url-count": 3, "url-offset": 0, "urls": urls})
    assert clean["urls"] == [{"id": MBID, "resource": resource}]
    UrlBatch.model_validate(clean)


def test_other_text_is_bounded_too() -> None:
    clean = clean_document({"barcode": "0" * 5000, "isrcs": ["US" + "1" * 5000]})
    assert len(clean["barcode"]) == len(clean["isrcs"][0]) == TEXT_LIMIT


def test_limits_fit_the_columns_they_end_up_in() -> None:
    for column in (EnrichmentState.release_mbid, EnrichmentState.release_group_mbid):
        assert int(column.type.length) >= MBID_LIMIT  # type: ignore[attr-defined]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [key, *_strings(item)]]
    return []

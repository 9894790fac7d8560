"""ws/2 calls as matching makes them: batched, paged, answered by resource, validated."""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.fixtures.musicbrainz import MusicBrainzReference
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.musicbrainz.client import MusicBrainzClient, any_of
from trendcache.musicbrainz.errors import MusicBrainzMalformed
from trendcache.musicbrainz.models import (
    RecordingSearch,
    Release,
    ReleaseSearch,
    Url,
    UrlBatch,
)
from trendcache.musicbrainz.session import MusicBrainzSession

URL_LOOKUP = "/ws/2/url"
RELEASE_SEARCH = "/ws/2/release"
NOT_ON_MUSICBRAINZ = "https://open.spotify.com/album/0000000000000000000000"


def spotify_url(album_id: str) -> str:
    return f"https://open.spotify.com/album/{album_id}"


@pytest.fixture
def linked(musicbrainz_emulator: MusicBrainzEmulator) -> dict[str, str]:
    """Spotify album URL -> the release MusicBrainz links it to, for every linked album."""
    return {
        spotify_url(album_id): expected.release_mbid
        for album_id, expected in musicbrainz_emulator.truth.items()
        if expected.linked_by == "url" and expected.release_mbid
    }


def queries(emulator: MusicBrainzEmulator, template: str) -> list[dict[str, list[str]]]:
    return [parse_qs(r.query) for r in emulator.stats.requests if r.template == template]


# URL lookups


def test_one_url_is_looked_up_alone_and_its_single_object_answer_read(
    client: MusicBrainzClient, musicbrainz_emulator: MusicBrainzEmulator, linked: dict[str, str]
) -> None:
    resource, release_mbid = next(iter(linked.items()))
    found = client.urls([resource])

    assert list(found) == [resource]
    (relation,) = found[resource].relations
    assert relation.release is not None and relation.release.id == release_mbid
    (query,) = queries(musicbrainz_emulator, URL_LOOKUP)
    assert query["resource"] == [resource] and query["inc"] == ["release-rels"]


def test_one_unknown_url_is_absent(
    client: MusicBrainzClient, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    assert client.urls([NOT_ON_MUSICBRAINZ]) == {}
    assert musicbrainz_emulator.stats.by_status == {404: 1}


def test_several_urls_take_one_request_and_unknown_ones_are_absent(
    client: MusicBrainzClient, musicbrainz_emulator: MusicBrainzEmulator, linked: dict[str, str]
) -> None:
    wanted = list(linked)[:7]
    unknown = [f"{NOT_ON_MUSICBRAINZ[:-2]}{n:02d}" for n in range(3)]
    found = client.urls([unknown[0], *wanted[:3], unknown[1], *wanted[3:], unknown[2]])

    assert set(found) == set(wanted)
    for resource in wanted:
        assert found[resource].resource == resource
        assert [r.release.id for r in found[resource].relations if r.release] == [linked[resource]]
    assert musicbrainz_emulator.stats.count(URL_LOOKUP) == 1


@pytest.mark.parametrize("count", [100, 101, 250])
def test_more_than_100_urls_are_split_and_matched_by_resource_not_order(
    client: MusicBrainzClient,
    musicbrainz_emulator: MusicBrainzEmulator,
    linked: dict[str, str],
    count: int,
) -> None:
    """The emulator lists URLs by MBID, as MusicBrainz does, not in the order asked."""
    wanted = list(linked)[: count - 10]
    unknown = [f"{NOT_ON_MUSICBRAINZ[:-3]}{n:03d}" for n in range(10)]
    asked = wanted + unknown
    random.Random(count).shuffle(asked)

    found = client.urls(asked)

    assert set(found) == set(wanted)
    for resource in wanted:
        (relation,) = found[resource].relations
        assert relation.release is not None and relation.release.id == linked[resource]
    sent = queries(musicbrainz_emulator, URL_LOOKUP)
    assert len(sent) == -(-count // 100)
    assert all(len(query["resource"]) <= 100 for query in sent)
    assert [r for query in sent for r in query["resource"]] == asked


def test_no_urls_send_nothing(
    client: MusicBrainzClient, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    assert client.urls([]) == {}
    assert musicbrainz_emulator.stats.total == 0


# Searches


@pytest.fixture
def release_mbids(musicbrainz_emulator: MusicBrainzEmulator) -> list[str]:
    return sorted({t.release_mbid for t in musicbrainz_emulator.truth.values() if t.release_mbid})


@pytest.mark.parametrize(("max_pages", "pages", "releases"), [(1, 1, 10), (2, 2, 20), (5, 3, 25)])
def test_release_search_pages_up_to_max_pages_and_stops_at_the_count(
    client: MusicBrainzClient,
    musicbrainz_emulator: MusicBrainzEmulator,
    release_mbids: list[str],
    max_pages: int,
    pages: int,
    releases: int,
) -> None:
    wanted = release_mbids[:25]
    found = client.search_releases(f"reid:({' OR '.join(wanted)})", limit=10, max_pages=max_pages)

    assert len(found) == releases
    assert len({r.id for r in found}) == releases
    assert {r.id for r in found} <= set(wanted)
    sent = queries(musicbrainz_emulator, RELEASE_SEARCH)
    assert [(q["limit"], q["offset"]) for q in sent] == [
        (["10"], [str(10 * page)]) for page in range(pages)
    ]


def test_a_search_without_hits_is_one_request(
    client: MusicBrainzClient, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    assert client.search_releases('release:"zzzz qqqq xxxx"', max_pages=5) == []
    assert musicbrainz_emulator.stats.count(RELEASE_SEARCH) == 1


def test_a_batched_barcode_search_finds_every_spelling_asked(
    client: MusicBrainzClient, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    stored = [r for r in musicbrainz_emulator.catalog.releases if r.barcode][:30]
    barcodes = [r.barcode for r in stored if r.barcode]
    found = client.search_releases(any_of("barcode", barcodes), max_pages=5)
    assert {r.id for r in stored} <= {r.id for r in found}
    assert {r.barcode for r in found} <= set(barcodes)


def test_recordings_by_isrc_carry_their_releases(
    client: MusicBrainzClient, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    recordings = [r for r in musicbrainz_emulator.catalog.recordings if r.isrcs][:5]
    isrcs = [recording.isrcs[0] for recording in recordings]
    found = client.search_recordings(any_of("isrc", isrcs))

    assert {r.id for r in recordings} <= {r.id for r in found}
    for recording in found:
        assert set(recording.isrcs) & set(isrcs)
        assert recording.releases
        assert all(release.id and release.title for release in recording.releases)


def test_any_of_quotes_every_value() -> None:
    assert any_of("isrc", ["GBAHT1600302", "USGF19942501"]) == (
        'isrc:("GBAHT1600302" OR "USGF19942501")'
    )
    assert any_of("release", ['Say "Hi"', "back\\slash"]) == (
        'release:("Say \\"Hi\\"" OR "back\\\\slash")'
    )


# Recorded MusicBrainz answers parse with our models


def test_a_recorded_url_lookup_parses(musicbrainz_reference: MusicBrainzReference) -> None:
    url = Url.model_validate(musicbrainz_reference.fixture("url_lookup_by_mbid_46d8f693"))
    assert (url.id, url.resource, url.relations) == (
        "46d8f693-52e4-4d03-936f-7ca8459019a7",
        "https://www.arvopart.ee/",
        [],
    )


def test_a_recorded_release_search_parses(musicbrainz_reference: MusicBrainzReference) -> None:
    search = ReleaseSearch.model_validate(
        musicbrainz_reference.fixture("release_search_drivers_license")
    )
    assert (search.count, search.offset, len(search.releases)) == (43, 0, 25)
    olivia = [r for r in search.releases if r.artist_names == "Olivia Rodrigo"]
    assert {r.disambiguation for r in olivia} == {"clean", "explicit", "music video", None}
    explicit = next(r for r in olivia if r.disambiguation == "explicit")
    assert explicit.barcode == "00602435640075"
    assert (explicit.date, explicit.tracks, explicit.score) == ("2021-01-08", 1, 100)
    assert explicit.release_group is not None and explicit.release_group.primary_type == "Single"
    assert [m.format for m in explicit.media] == ["Digital Media"]
    duet = next(r for r in search.releases if r.id.startswith("84cf481d"))
    assert duet.artist_names == "Jennifer Jess & Caleb Hicks"
    assert [c.artist.name for c in duet.artist_credit] == ["Jennifer Jess", "Caleb Hicks"]


def test_a_recorded_recording_search_parses(musicbrainz_reference: MusicBrainzReference) -> None:
    search = RecordingSearch.model_validate(
        musicbrainz_reference.fixture("recording_search_isrc_GBAHT1600302")
    )
    (recording,) = search.recordings
    assert "GBAHT1600302" in recording.isrcs
    assert len(recording.releases) == 56
    assert all(release.release_group is not None for release in recording.releases)


@pytest.mark.parametrize(
    ("name", "barcode", "tracks", "formats"),
    [
        ("release_lookup_digital_f77eeaef", "887396825833", 4, {"Digital Media"}),
        ("release_lookup_digital_jp_3ac4a81e", "0602577684647", 13, {"Digital Media"}),
        ("release_lookup_upc12_eccae410", "720642442524", 12, {"CD"}),
        ("release_lookup_ean13_leading0_8e061dc4", "0720642442524", 12, {"CD"}),
    ],
)
def test_recorded_release_lookups_parse(
    musicbrainz_reference: MusicBrainzReference,
    name: str,
    barcode: str,
    tracks: int,
    formats: set[str],
) -> None:
    release = Release.model_validate(musicbrainz_reference.fixture(name))
    assert release.barcode == barcode
    assert release.tracks == tracks  # summed over media: lookups carry no track-count
    assert {m.format for m in release.media} == formats
    assert release.release_group is not None and release.artist_credit


def test_a_multi_url_answer_parses() -> None:
    """The shape musicbrainz-server's own tests give for several `resource` values."""
    batch = UrlBatch.model_validate(
        {
            "url-count": 1,
            "url-offset": 0,
            "urls": [
                {
                    "id": "9f0d1fbc-2ce9-4dd6-a5f3-e15bfb0a5bbd",
                    "resource": spotify_url("4aawyAB9vmqN3uQ7FjRGTy"),
                    "relations": [
                        {
                            "type": "free streaming",
                            "target-type": "release",
                            "direction": "backward",
                            "release": {"id": "c4a8f130-5c44-454e-9e06-282e4053b0a0", "title": "x"},
                        }
                    ],
                }
            ],
        }
    )
    (url,) = batch.urls
    assert url.relations[0].target_type == "release"
    assert url.relations[0].release is not None and url.relations[0].release.title == "x"


# Answers that are not what ws/2 promises


class Answering:
    """A stand-in session that answers every request with one document."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def get(self, path: str, params: Any = ()) -> Any:
        return self.document


def answering(document: Any) -> MusicBrainzClient:
    session: Any = Answering(document)
    stand_in: MusicBrainzSession = session
    return MusicBrainzClient(stand_in)


@pytest.mark.parametrize(
    ("call", "document", "where"),
    [
        (
            "search_releases",
            {"count": 1, "offset": 0, "releases": [{"title": "x"}]},
            "releases.0.id",
        ),
        ("search_releases", {"count": "many", "offset": 0, "releases": []}, "count"),
        ("search_recordings", {"count": 1, "offset": 0}, "recordings"),
        ("urls", {"url-count": 1, "urls": [{"id": "x"}]}, "urls.0.resource"),
        ("urls", {"id": "x"}, "resource"),
    ],
)  # fmt: skip
def test_a_malformed_answer_is_malformed_naming_the_field(
    call: str, document: Any, where: str
) -> None:
    client = answering(document)
    with pytest.raises(MusicBrainzMalformed, match=rf"malformed .* from MusicBrainz: {where}:"):
        getattr(client, call)(["x"] if call == "urls" else "query")

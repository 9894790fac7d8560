"""MusicBrainz links, and how a view gets its matches from the row's metadata."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from trendcache.web.enrichment_view import Links, annotate_view, musicbrainz_link
from trendcache.web.pages.format import match_title

MBID = "0f4d4a4e-6a4f-4c43-9f5c-2b0f8f4f3c1a"
OTHER = "5b11f4ce-a62d-471e-81fc-a69a8278c7da"
THIRD = "a74b1b7f-71a5-4011-9441-d0b5e4122711"


@pytest.mark.parametrize(
    ("base", "entity", "link"),
    [
        ("https://musicbrainz.org/ws/2", "release", f"https://musicbrainz.org/release/{MBID}"),
        ("https://musicbrainz.org/ws/2", "artist", f"https://musicbrainz.org/artist/{MBID}"),
        ("https://MusicBrainz.org/ws/2/", "release", f"https://musicbrainz.org/release/{MBID}"),
        ("http://musicbrainz.org/ws/2", "release", f"https://musicbrainz.org/release/{MBID}"),
        ("https://www.musicbrainz.org/ws/2", "artist", f"https://musicbrainz.org/artist/{MBID}"),
        (
            "https://beta.musicbrainz.org/ws/2",
            "release",
            f"https://beta.musicbrainz.org/release/{MBID}",
        ),
        # A mirror, or the demo's emulator: the ws/2 lookup on that host.
        (
            "http://127.0.0.1:5000/ws/2",
            "release",
            f"http://127.0.0.1:5000/ws/2/release/{MBID}?fmt=json",
        ),
        (
            "https://mb.example.org/ws/2/",
            "artist",
            f"https://mb.example.org/ws/2/artist/{MBID}?fmt=json",
        ),
        # A look-alike host is just another server, never taken for the website.
        (
            "https://musicbrainz.org.example/ws/2",
            "release",
            f"https://musicbrainz.org.example/ws/2/release/{MBID}?fmt=json",
        ),
    ],
)
def test_musicbrainz_link(base: str, entity: Any, link: str) -> None:
    assert musicbrainz_link(base, entity, MBID) == link


@pytest.mark.parametrize("bad", ["", "not-an-mbid", f"{MBID}/../../admin", MBID.upper(), "\"'<>"])
def test_only_mbids_become_links(bad: str) -> None:
    assert musicbrainz_link("https://musicbrainz.org/ws/2", "release", bad) is None
    assert Links("http://127.0.0.1:5000/ws/2").release(bad or None) is None


def album(album_id: str, *artist_ids: str) -> dict[str, Any]:
    return {"id": album_id, "name": album_id, "artists": [{"id": a} for a in artist_ids]}


def artist(artist_id: str) -> dict[str, Any]:
    return {"id": artist_id, "name": artist_id}


def match(*artist_mbids: str, status: str = "matched", level: str = "release") -> dict[str, Any]:
    return {
        "status": status,
        "level": level if status == "matched" else None,
        "releaseMbid": MBID if status == "matched" and level == "release" else None,
        "releaseGroupMbid": OTHER if status == "matched" else None,
        "artistMbids": list(artist_mbids),
        "method": "barcode",
        "confidence": 0.9666666,
    }


def test_annotate_view() -> None:
    view = {
        "scope": "all",
        "newReleases": [
            album("a1", "s1", "s2"),  # two credits both sides: mapped by position
            album("a2", "s3"),  # MusicBrainz credits a "feat." guest too: counts differ
            album("a3", "s4"),  # not matched
            album("a4", "s5"),  # pending
            album("a5", "s6"),  # s6 credited differently on two albums: ambiguous
            album("a6", "s6"),
        ],
        "popularAlbums": [album("a1", "s1", "s2"), album("a5", "s6")],
        "trendingArtists": [artist(s) for s in ("s1", "s2", "s3", "s4", "s5", "s6")],
    }
    metadata = {
        "processed": ["a1", "a2", "a3", "a5", "a6"],
        "mbMatches": {
            "a1": match(OTHER, THIRD),
            "a2": match(OTHER, THIRD),
            "a3": match(status="no_match"),
            "a5": match(OTHER),
            "a6": match(THIRD),
        },
    }
    original = copy.deepcopy(view)
    links = Links("https://musicbrainz.org/ws/2")
    annotated = annotate_view(view, metadata, links)
    assert view == original  # the row's own data is left alone

    first = annotated["newReleases"][0]["musicbrainz"]
    assert first == {
        "status": "matched",
        "level": "release",
        "releaseMbid": MBID,
        "releaseGroupMbid": OTHER,
        "artistMbids": [OTHER, THIRD],
        "method": "barcode",
        "confidence": 0.967,
        "url": f"https://musicbrainz.org/release/{MBID}",
    }
    assert annotated["popularAlbums"][0]["musicbrainz"] == first
    assert annotated["newReleases"][2]["musicbrainz"]["status"] == "no_match"
    assert annotated["newReleases"][2]["musicbrainz"]["url"] is None
    assert annotated["newReleases"][3]["musicbrainz"]["status"] == "pending"

    artists = {a["id"]: a["musicbrainz"] for a in annotated["trendingArtists"]}
    assert artists == {
        "s1": {"artistMbid": OTHER, "url": f"https://musicbrainz.org/artist/{OTHER}"},
        "s2": {"artistMbid": THIRD, "url": f"https://musicbrainz.org/artist/{THIRD}"},
        "s3": None,
        "s4": None,
        "s5": None,
        "s6": None,
    }
    assert annotated["enrichment"] == {
        "matched": 4,
        "matched_release_group": 0,
        "needs_review": 0,
        "no_match": 1,
        "pending": 1,
        "error": 0,
        "total": 6,  # albums, each counted once across both sections
    }


def test_a_release_group_match_links_the_group_and_counts_apart() -> None:
    """The release unknown: no release MBID, the link goes to the release group."""
    view = {"newReleases": [album("a1", "s1")], "popularAlbums": [], "trendingArtists": []}
    metadata = {"mbMatches": {"a1": match(OTHER, level="release_group")}}
    annotated = annotate_view(view, metadata, Links("https://musicbrainz.org/ws/2"))
    found = annotated["newReleases"][0]["musicbrainz"]
    assert (found["status"], found["level"], found["releaseMbid"]) == (
        "matched",
        "release_group",
        None,
    )
    assert found["url"] == f"https://musicbrainz.org/release-group/{OTHER}"
    assert annotated["enrichment"]["matched"] == annotated["enrichment"]["matched_release_group"]
    # A match stored before levels were: a release MBID means the release level.
    legacy = {"mbMatches": {"a1": match(OTHER) | {"level": None}}}
    assert annotate_view(view, legacy, Links("x"))["newReleases"][0]["musicbrainz"]["level"] == (
        "release"
    )


def test_no_metadata_means_everything_pending() -> None:
    view = {"newReleases": [album("a1", "s1")], "popularAlbums": [], "trendingArtists": []}
    annotated = annotate_view(view, None, Links("https://musicbrainz.org/ws/2"))
    assert annotated["newReleases"][0]["musicbrainz"]["status"] == "pending"
    assert annotated["enrichment"]["pending"] == annotated["enrichment"]["total"] == 1


@pytest.mark.parametrize(
    ("value", "title"),
    [
        (
            {"status": "matched", "method": "barcode", "confidence": 0.97},
            "Matched by barcode, confidence 0.97",
        ),
        (
            {"status": "matched", "method": "url", "confidence": 1.0},
            "Matched by Spotify link, confidence 1.00",
        ),
        (
            {"status": "matched", "method": "fuzzy", "confidence": 0.861},
            "Matched by title and artist, confidence 0.86",
        ),
        (
            {"status": "matched", "level": "release_group", "method": "isrc", "confidence": 0.9},
            "Release group matched by track ISRCs, confidence 0.90; this very release "
            "(pressing, country, barcode) is not on MusicBrainz or cannot be told apart from "
            "another",
        ),
        (
            {"status": "needs_review"},
            "Several MusicBrainz releases fit equally well, so none was picked",
        ),
        (None, "Not looked up on MusicBrainz yet"),
    ],
)
def test_match_title(value: dict[str, Any] | None, title: str) -> None:
    assert match_title(value) == title

"""ListenBrainz release groups as listing items: artists from one credit, types, covers."""

from __future__ import annotations

from datetime import date

from trendcache.listenbrainz.models import ChartReleaseGroup, FreshRelease
from trendcache.pipeline.sync.listenbrainz_items import (
    album_type,
    chart_item,
    cover_url,
    credited_artists,
    fresh_item,
)

A, B, C = (f"{n}0000000-0000-4000-8000-000000000000" for n in "abc")
GROUP, RELEASE = (f"{n}0000000-0000-4000-8000-00000000000{n}" for n in "de")


def names(artists: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(artist["id"], artist["name"]) for artist in artists]


def test_a_credit_splits_into_one_artist_per_mbid_when_the_counts_agree() -> None:
    assert names(credited_artists("Ada & Boris", [A, B])) == [
        (f"mb-{A}", "Ada"),
        (f"mb-{B}", "Boris"),
    ]
    assert names(credited_artists("Ada, Boris & Chiara", [A, B, C])) == [
        (f"mb-{A}", "Ada"),
        (f"mb-{B}", "Boris"),
        (f"mb-{C}", "Chiara"),
    ]
    assert names(credited_artists("Ada feat. Boris", [A, B]))[1] == (f"mb-{B}", "Boris")
    assert names(credited_artists("Ada x Boris", [A, B]))[0] == (f"mb-{A}", "Ada")


def test_a_credit_that_does_not_split_evenly_is_one_artist_under_the_first_mbid() -> None:
    assert names(credited_artists("Simon & Garfunkel", [A])) == [(f"mb-{A}", "Simon & Garfunkel")]
    assert names(credited_artists("Ada", [A, B])) == [(f"mb-{A}", "Ada")]
    assert credited_artists("Nobody Known", []) == []
    [artist] = credited_artists("Ada", [A])
    assert artist["external_urls"] == {"musicbrainz": f"https://musicbrainz.org/artist/{A}"}


def test_release_group_types_become_spotify_album_types() -> None:
    assert album_type("Album", None) == "album"
    assert album_type("Single", None) == "single"
    assert album_type("EP", "Live") == "single"
    assert album_type("Album", "Compilation") == "compilation"
    assert album_type("Other", None) is None
    assert album_type(None, None) is None


def test_covers_follow_the_cover_art_archive_pattern() -> None:
    assert (
        cover_url("https://caa.example/", RELEASE)
        == f"https://caa.example/release/{RELEASE}/front-250"
    )
    assert cover_url("https://caa.example", None) is None


def test_a_fresh_release_and_the_same_group_in_the_chart_make_one_item_shape() -> None:
    fresh = fresh_item(
        FreshRelease(
            release_mbid=RELEASE,
            release_group_mbid=GROUP,
            artist_mbids=[A],
            artist_credit_name="Ada",
            release_name="Quiet Rivers",
            release_date=date(2026, 11, 30),
            release_group_primary_type="Album",
            caa_release_mbid=RELEASE,
            listen_count=12,
        ),
        "https://caa.example",
    )
    assert fresh == {
        "id": f"mb-{GROUP}",
        "name": "Quiet Rivers",
        "album_type": "album",
        "release_date": "2026-11-30",
        "release_date_precision": "day",
        "total_tracks": None,
        "images": [
            {"url": f"https://caa.example/release/{RELEASE}/front-250", "height": 250, "width": 250}
        ],
        "external_urls": {"musicbrainz": f"https://musicbrainz.org/release-group/{GROUP}"},
        "artists": [
            {
                "id": f"mb-{A}",
                "name": "Ada",
                "external_urls": {"musicbrainz": f"https://musicbrainz.org/artist/{A}"},
            }
        ],
        "release_group_mbid": GROUP,
        "release_mbid": RELEASE,
        "listen_count": 12,
    }
    group = ChartReleaseGroup(
        release_group_mbid=GROUP,
        release_group_name="Quiet Rivers",
        artist_name="Ada",
        artist_mbids=[A],
        listen_count=900,
    )
    charted = chart_item(group, "https://caa.example", fresh)
    assert charted == {**fresh, "listen_count": 900}, "the fresh release's facts and cover"
    alone = chart_item(group, "https://caa.example", None)
    assert (alone["release_date"], alone["album_type"], alone["release_mbid"]) == (None, None, None)

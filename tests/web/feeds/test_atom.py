"""The Atom document itself, from hand-made views: hostile text escaped and still
well-formed, characters XML cannot hold dropped, dates from history or release dates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest

from trendcache.emulators.hostile import VARIANTS
from trendcache.web.enrichment_view import Links
from trendcache.web.feeds.atom import (
    FeedRequest,
    new_releases_feed,
    release_moment,
    xml_text,
)

A = "{http://www.w3.org/2005/Atom}"
LINKS = Links("https://musicbrainz.org")
FEED = FeedRequest("https://music.example/", "US", None)
# Markup, entities, a CDATA end and quotes of both kinds: all text to XML.
MARKUP = """<script>alert("x")</script> & &amp; ]]> 'q' <!-- c -->"""


def album(album_id: str, name: str, artist: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": album_id,
        "name": name,
        "albumType": "album",
        "artists": [{"id": "artist", "name": artist}],
        "releaseDate": "2026-11-27",
        "spotifyUrl": f"https://open.spotify.com/album/{album_id}",
        "label": name,
        "positions": {"US": 1},
        "musicbrainz": {"status": "pending"},
        **fields,
    }


def view(*albums: dict[str, Any]) -> dict[str, Any]:
    return {"fetchedAt": "2026-12-04T10:00:00.123456+00:00", "newReleases": list(albums)}


def test_hostile_names_are_escaped_and_the_feed_stays_well_formed() -> None:
    hostile = {name: spoil("Name") for name, spoil in VARIANTS.items()}
    albums = [
        album(f"id{n}", f"{text} {MARKUP}", f"{MARKUP} {text}")
        for n, text in enumerate(hostile.values())
    ]
    albums.append(album("evil", MARKUP, MARKUP, spotifyUrl='javascript:alert("x")'))
    body = new_releases_feed(view(*albums), FEED, {}, LINKS)

    root = ET.fromstring(body)  # strict: raises on any ill-formed byte
    entries = root.findall(f"{A}entry")
    assert len(entries) == len(albums)
    for entry, (variant, text) in zip(entries, hostile.items(), strict=False):
        title = entry.findtext(f"{A}title")
        assert title == xml_text(f"{MARKUP} {text} \N{EN DASH} {text} {MARKUP}"), variant
        assert "\x00" not in (title or "") and "\x1b" not in (title or "")
    evil = entries[-1]
    assert evil.findtext(f"{A}title") == f"{MARKUP} \N{EN DASH} {MARKUP}"
    assert "javascript:" not in body.decode()  # not a link we hand out
    assert b"<script>" not in body
    parsed: Any = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(albums)


def test_xml_text_drops_only_what_xml_cannot_hold() -> None:
    assert xml_text("a\x00b\x07c\x1bd\ud800e\ufffef") == "abcdef"
    kept = "tab\tline\nreturn\r é \u202e \u200b \U0001f3b5 \x85"
    assert xml_text(kept) == kept


@pytest.mark.parametrize(
    ("date", "moment"),
    [
        ("2026-11-27", datetime(2026, 11, 27, tzinfo=UTC)),
        ("2026-11", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026", datetime(2026, 1, 1, tzinfo=UTC)),
        ("0000", datetime(1970, 1, 1, tzinfo=UTC)),
        (None, datetime(1970, 1, 1, tzinfo=UTC)),
    ],
)
def test_release_dates_of_every_precision(date: str | None, moment: datetime) -> None:
    assert release_moment(date) == moment


def test_dated_by_first_sighting_else_release_date() -> None:
    seen = datetime(2026, 11, 30, 6, 0, 1, 999, tzinfo=UTC)
    body = new_releases_feed(
        view(album("known", "A", "B"), album("new", "C", "D", releaseDate="2026-12")),
        FEED,
        {"known": seen},
        LINKS,
    )
    root = ET.fromstring(body)
    assert root.findtext(f"{A}updated") == "2026-12-04T10:00:00Z"
    known, new = root.findall(f"{A}entry")
    assert known.findtext(f"{A}updated") == "2026-11-30T06:00:01Z"
    assert known.findtext(f"{A}published") == "2026-11-30T06:00:01Z"
    assert new.findtext(f"{A}updated") == "2026-12-01T00:00:00Z"
    assert known.findtext(f"{A}id") == (
        "tag:music.example,2026:trendcache/albums/known/spotify_new_releases/US"
    )


def test_before_the_first_sync_an_empty_feed_that_is_still_valid() -> None:
    body = new_releases_feed({"fetchedAt": None, "newReleases": []}, FEED, {}, LINKS)
    root = ET.fromstring(body)
    assert root.findtext(f"{A}updated") == "1970-01-01T00:00:00Z"
    assert root.findall(f"{A}entry") == []
    parsed: Any = feedparser.parse(body)
    assert not parsed.bozo


@pytest.mark.parametrize(
    ("base_url", "host"),
    [
        ("https://Music.Example:8443/", "music.example"),
        ("http://127.0.0.1:8000/", "127.0.0.1"),
        ("http://[::1]:8000/", "localhost"),  # no DNS name: a tag needs one
    ],
)
def test_ids_are_tags_minted_under_the_host(base_url: str, host: str) -> None:
    feed = FeedRequest(base_url, None, None)
    assert feed.feed_id == f"tag:{host},2026:trendcache/feeds/new-releases/all/all"
    assert (
        feed.entry_id("a/b") == f"tag:{host},2026:trendcache/albums/a%2Fb/spotify_new_releases/all"
    )

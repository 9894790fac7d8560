"""`GET /feeds/new-releases.atom` over a real sync: read by feedparser and by a strict XML
parser, served from memory with ETags, compression and the scopes of the JSON."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import brotli
import feedparser
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.pipeline.stats.listenbrainz import lb_item, record_lb
from tests.web.conftest import ClientFactory, wait_for
from tests.web.pages.test_browse import GROUP, MBID, mb_match
from trendcache.db.history import AlbumChart
from trendcache.db.models import CacheData
from trendcache.pipeline.keys import (
    LISTENBRAINZ_FRESH,
    LISTENBRAINZ_TOP,
    NEW_RELEASES,
    trending_key,
)
from trendcache.services import Services

A = "{http://www.w3.org/2005/Atom}"
FEED = "/feeds/new-releases.atom"
TAG = re.compile(r"^tag:testserver,2026:trendcache/")
WHEN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def atom(body: bytes) -> ET.Element:
    """The document parsed strictly: any ill-formed byte raises."""
    root = ET.fromstring(body)
    assert root.tag == f"{A}feed"
    return root


def links(element: ET.Element) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for link in element.findall(f"{A}link"):
        found.setdefault(link.get("rel", "alternate"), []).append(dict(link.attrib))
    return found


def test_a_valid_atom_feed_of_a_markets_new_releases(client: TestClient) -> None:
    response = client.get(FEED, params={"market": "us"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = atom(response.content)
    trending = client.get("/api/cache/trending", params={"market": "US"}).json()
    # The feed's required elements (RFC 4287 4.1.1): id, title, updated, an author.
    assert TAG.match(root.findtext(f"{A}id") or "")
    assert root.findtext(f"{A}title") == "New releases · US · trendcache"
    fetched = datetime.fromisoformat(trending["fetchedAt"]).astimezone(UTC)
    assert root.findtext(f"{A}updated") == fetched.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert root.findtext(f"{A}author/{A}name") == "trendcache"
    assert links(root)["self"] == [
        {
            "href": "http://testserver/feeds/new-releases.atom?market=US",
            "rel": "self",
            "type": "application/atom+xml",
        }
    ]
    assert links(root)["alternate"][0]["href"] == "http://testserver/?market=US"
    entries = root.findall(f"{A}entry")
    albums = trending["newReleases"]
    assert len(entries) == len(albums) > 0
    for entry, album in zip(entries, albums, strict=True):
        assert entry.findtext(f"{A}id") == (
            f"tag:testserver,2026:trendcache/albums/{album['id']}/{NEW_RELEASES}/US"
        )
        artists = ", ".join(artist["name"] for artist in album["artists"])
        assert entry.findtext(f"{A}title") == f"{artists} \N{EN DASH} {album['name']}"
        assert WHEN.match(entry.findtext(f"{A}updated") or "")
        assert entry.findtext(f"{A}published") == entry.findtext(f"{A}updated")
        related = {link["title"]: link["href"] for link in links(entry).get("related", [])}
        assert related["Spotify"] == album["spotifyUrl"]
        assert links(entry)["alternate"][0]["href"] == f"http://testserver/albums/{album['id']}"
        category = entry.find(f"{A}category")
        assert category is not None and category.get("term") == album["albumType"]
        summary = entry.findtext(f"{A}summary") or ""
        assert f"Released {album['releaseDate']}" in summary
        assert f"#{album['positions']['US']} in US" in summary

    parsed: Any = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "New releases · US · trendcache"
    assert len(parsed.entries) == len(albums)
    assert parsed.entries[0].link == f"http://testserver/albums/{albums[0]['id']}"


def test_entries_dated_when_they_first_appeared_in_the_listing(
    synced_services: Services, make_client: ClientFactory
) -> None:
    with synced_services.database.session() as session:
        charts = session.scalars(
            select(AlbumChart).where(AlbumChart.source == NEW_RELEASES, AlbumChart.market == "GB")
        ).all()
    first = charts[0]
    earlier = datetime(2026, 3, 14, 15, 9, 26, tzinfo=UTC)
    with synced_services.database.writer() as session:
        session.execute(
            update(AlbumChart)
            .where(AlbumChart.album_id == first.album_id, AlbumChart.market == "GB")
            .values(first_seen_at=earlier)
        )
    client = make_client(synced_services)
    dated = {
        entry.findtext(f"{A}id", "").split("/")[-3]: entry.findtext(f"{A}updated")
        for entry in atom(client.get(FEED, params={"market": "GB"}).content).findall(f"{A}entry")
    }
    assert dated[first.album_id] == "2026-03-14T15:09:26Z"
    others = {chart.album_id: chart.first_seen_at for chart in charts[1:]}
    for album_id, seen in others.items():
        if album_id in dated:
            assert dated[album_id] == seen.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Across markets: the earliest sighting in any of them.
    everywhere = atom(client.get(FEED).content)
    ids = {entry.findtext(f"{A}id"): entry for entry in everywhere.findall(f"{A}entry")}
    entry = ids[f"tag:testserver,2026:trendcache/albums/{first.album_id}/{NEW_RELEASES}/all"]
    assert entry.findtext(f"{A}updated") == "2026-03-14T15:09:26Z"


def test_all_markets_unknown_market_and_source(client: TestClient) -> None:
    everywhere = atom(client.get(FEED).content)
    assert everywhere.findtext(f"{A}title") == "New releases · all markets · trendcache"
    assert links(everywhere)["self"][0]["href"] == "http://testserver/feeds/new-releases.atom"
    trending = client.get("/api/cache/trending").json()
    assert len(everywhere.findall(f"{A}entry")) == len(trending["newReleases"])
    summaries = " ".join(e.findtext(f"{A}summary") or "" for e in everywhere.iter(f"{A}entry"))
    assert " in US" in summaries and " in GB" in summaries

    sourced = client.get(FEED, params={"market": "GB", "source": NEW_RELEASES})
    assert links(atom(sourced.content))["self"][0]["href"] == (
        f"http://testserver/feeds/new-releases.atom?market=GB&source={NEW_RELEASES}"
    )
    unknown_market = client.get(FEED, params={"market": "JP"})
    assert unknown_market.status_code == 400
    assert "JP" in unknown_market.json()["detail"]
    assert client.get(FEED, params={"market": "JPN"}).status_code == 422
    unknown_source = client.get(FEED, params={"source": "spotify_charts"})
    assert unknown_source.status_code == 400
    assert "spotify_charts" in unknown_source.json()["detail"]
    # A ListenBrainz listing with no snapshot yet: a valid, empty feed.
    nothing = client.get(FEED, params={"source": LISTENBRAINZ_FRESH})
    assert nothing.status_code == 200
    assert atom(nothing.content).findall(f"{A}entry") == []


def test_a_listenbrainz_listings_feed_links_musicbrainz_release_groups(
    synced_services: Services, make_client: ClientFactory
) -> None:
    first = datetime(2026, 11, 20, 6, tzinfo=UTC)
    fresh = [lb_item(1, name="Fresh <One>"), lb_item(2)]
    record_lb(synced_services.database, LISTENBRAINZ_FRESH, fresh[:1], first)
    record_lb(synced_services.database, LISTENBRAINZ_FRESH, fresh[::-1], first + timedelta(days=1))
    client = make_client(synced_services)
    response = client.get(FEED, params={"source": LISTENBRAINZ_FRESH, "market": "us"})
    assert response.status_code == 200
    parsed: Any = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "ListenBrainz fresh releases · worldwide · trendcache"
    # Its newest snapshot, in order, each dated by its first appearance in the listing.
    assert [e.title for e in parsed.entries] == [
        "Listener Favourite \N{EN DASH} Release group 2",
        "Listener Favourite \N{EN DASH} Fresh <One>",
    ]
    assert [e.updated for e in parsed.entries] == [
        "2026-11-21T06:00:00Z",
        "2026-11-20T06:00:00Z",
    ]
    entry = atom(response.content).findall(f"{A}entry")[1]
    assert entry.findtext(f"{A}id") == (
        f"tag:testserver,2026:trendcache/albums/{fresh[0]['id']}/{LISTENBRAINZ_FRESH}/XW"
    )
    assert links(entry)["alternate"][0]["href"] == f"http://testserver/albums/{fresh[0]['id']}"
    related = {link["title"]: link["href"] for link in links(entry)["related"]}
    group = fresh[0]["release_group_mbid"]
    assert related == {
        "MusicBrainz release group": f"https://musicbrainz.org/release-group/{group}"
    }
    assert "ListenBrainz fresh releases listing: #2." in (entry.findtext(f"{A}summary") or "")
    # Kept until the listing's next snapshot.
    web = client.app.state.web  # type: ignore[attr-defined]
    built = web.feeds.rendered
    assert client.get(FEED, params={"source": LISTENBRAINZ_FRESH, "market": "US"}).content == (
        response.content
    )
    assert web.feeds.rendered == built
    record_lb(synced_services.database, LISTENBRAINZ_FRESH, fresh[:1], first + timedelta(days=2))
    later = atom(client.get(FEED, params={"source": LISTENBRAINZ_FRESH, "market": "US"}).content)
    assert len(later.findall(f"{A}entry")) == 1


def test_served_from_memory_with_etag_304_and_brotli(client: TestClient) -> None:
    web = client.app.state.web  # type: ignore[attr-defined]
    first = client.get(FEED, headers={"Accept-Encoding": "identity"})
    built = web.feeds.rendered
    again = client.get(FEED, headers={"Accept-Encoding": "identity"})
    assert again.content == first.content and web.feeds.rendered == built  # not built again
    assert client.get(FEED, headers={"If-None-Match": first.headers["etag"]}).status_code == 304

    compressed = client.get(FEED, headers={"Accept-Encoding": "br"})
    assert compressed.headers["content-encoding"] == "br"
    assert compressed.headers["vary"] == "Accept-Encoding"
    assert compressed.content == first.content  # as httpx decoded it
    assert compressed.headers["etag"] != first.headers["etag"]
    kept = web.feeds.get((None, None, "http://testserver/"), web.snapshots.get(None).etag)
    assert brotli.decompress(kept.variants["br"].body) == first.content
    revalidated = client.get(
        FEED, headers={"Accept-Encoding": "br", "If-None-Match": compressed.headers["etag"]}
    )
    assert revalidated.status_code == 304
    head = client.head(FEED, headers={"Accept-Encoding": "br"})
    assert head.status_code == 200 and head.content == b""


def test_musicbrainz_links_for_a_matched_album(
    synced_services: Services, client: TestClient
) -> None:
    with synced_services.database.session() as session:
        row = session.scalar(select(CacheData).where(CacheData.key == trending_key("US")))
        assert row is not None
        ids = [album["id"] for album in row.data["newReleases"][:3]]
    matches = {
        ids[0]: mb_match("matched", releaseMbid=MBID, releaseGroupMbid=GROUP, method="barcode"),
        ids[1]: mb_match("matched", level="release_group", releaseGroupMbid=GROUP),
        ids[2]: mb_match("needs_review", releaseMbid=MBID, method="fuzzy"),
    }
    with synced_services.database.writer() as session:
        session.execute(
            update(CacheData)
            .where(CacheData.key == trending_key("US"))
            .values(meta={"processed": ids, "mbMatches": matches})
        )
    body = wait_for(lambda: MBID in (b := client.get(FEED, params={"market": "US"}).text) and b)
    entries = {
        entry.findtext(f"{A}id", "").split("/")[-3]: entry
        for entry in atom(body.encode()).findall(f"{A}entry")
    }
    related = {
        album_id: {link["title"]: link["href"] for link in links(entry)["related"]}
        for album_id, entry in entries.items()
    }
    assert related[ids[0]]["MusicBrainz release"] == f"https://musicbrainz.org/release/{MBID}"
    assert related[ids[0]]["MusicBrainz release group"] == (
        f"https://musicbrainz.org/release-group/{GROUP}"
    )
    assert "MusicBrainz release" not in related[ids[1]]
    assert related[ids[1]]["MusicBrainz release group"] == (
        f"https://musicbrainz.org/release-group/{GROUP}"
    )
    assert not any(title.startswith("MusicBrainz") for title in related[ids[2]])  # not matched
    parsed: Any = feedparser.parse(body)
    hrefs = [link.href for link in parsed.entries[0].links]
    assert f"https://musicbrainz.org/release/{MBID}" in hrefs


def test_the_browse_page_links_its_scopes_feed(client: TestClient) -> None:
    head = client.get("/", params={"market": "GB"}).text.split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="New releases · GB" '
        'href="/feeds/new-releases.atom?market=GB">'
    ) in head
    head = client.get("/").text.split("</head>")[0]
    assert 'href="/feeds/new-releases.atom">' in head


def test_documented_as_atom_with_its_parameters(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][FEED]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/atom+xml"}
    assert {"304", "400", "503"} <= set(operation["responses"])
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["source"]["schema"]["enum"] == [
        NEW_RELEASES,
        LISTENBRAINZ_TOP,
        LISTENBRAINZ_FRESH,
    ]
    assert "[Uu][Ss]" in parameters["market"]["schema"]["pattern"]
    assert "listenbrainz_fresh" in operation["description"]

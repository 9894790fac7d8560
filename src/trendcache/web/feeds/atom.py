"""A trending view's new releases as an Atom 1.0 document (RFC 4287).

What release trackers ask for: one entry per new release, linked to its page here, on
Spotify and, once matched, on MusicBrainz (release and release group), dated by when it
first appeared in the listing (or, when the history does not know, by its release date),
so a feed reader shows each album once, when it arrived. A ListenBrainz listing's feed
(`source=listenbrainz_top|listenbrainz_fresh`) lists its albums the same way; an album
known by its release group only (`mb-<MBID>`) links that release group's MusicBrainz page.

Ids are tag URIs (RFC 4151) minted under the host the feed is served from: stable across
snapshots and restarts (an entry's id names the album, the source and the market, never a
position or a time), distinct between two trendcache servers. Everything upstream is text
for the serializer to escape, after the characters XML 1.0 cannot carry at all (NUL, most
C0 controls, lone surrogates) are dropped: a hostile name spoils nothing but itself.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from trendcache.pipeline.history.joined import release_group_of
from trendcache.pipeline.keys import NEW_RELEASES, WORLDWIDE
from trendcache.pipeline.stats.window import SOURCE_NAMES, WORLDWIDE_SOURCES
from trendcache.web.enrichment_view import Links

ATOM = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = b"application/atom+xml; charset=utf-8"
TAG_DATE = "2026"  # when the tag scheme was first used: part of every id, never changed
FEED_PATH = "feeds/new-releases.atom"
LISTED_IN = NEW_RELEASES  # the listing a view's new releases come from
# Characters outside XML 1.0's `Char` production: no escape exists for them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DNS_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")
_LINK = re.compile(r"^https?://", re.IGNORECASE)
EN_DASH = "\N{EN DASH}"  # between artist and album in a title, as music sites write it
NOTHING_YET = datetime(1970, 1, 1, tzinfo=UTC)  # `updated` of a feed before the first sync

ET.register_namespace("", ATOM)


@dataclass(frozen=True)
class FeedRequest:
    """Which feed, and where it is served from."""

    base_url: str  # the request's, ending in "/"
    market: str | None  # None: every market
    source: str | None  # None: every source

    @property
    def listed_in(self) -> str:
        """The listing its entries come from: Spotify's new releases unless a ListenBrainz
        listing is asked for."""
        return self.source if self.source in WORLDWIDE_SOURCES else LISTED_IN

    @property
    def worldwide(self) -> bool:
        return self.listed_in in WORLDWIDE_SOURCES

    @property
    def scope(self) -> str:
        return "worldwide" if self.worldwide else self.market or "all markets"

    @property
    def host(self) -> str:
        """The tag's authority: a DNS name (RFC 4151), so an IPv6 literal is none."""
        host = (urlsplit(self.base_url).hostname or "").lower()
        return host if _DNS_NAME.match(host) else "localhost"

    def tag(self, *parts: str) -> str:
        return "/".join([f"tag:{self.host},{TAG_DATE}:trendcache", *parts])

    @property
    def feed_id(self) -> str:
        return self.tag("feeds", "new-releases", self.source or "all", self.market or "all")

    def entry_id(self, album_id: str) -> str:
        """The album in this scope's listing: the same in every feed that lists it there."""
        market = WORLDWIDE if self.worldwide else self.market or "all"
        return self.tag("albums", quote(album_id, safe=""), self.listed_in, market)

    @property
    def self_url(self) -> str:
        given = {"market": self.market, "source": self.source}
        query = urlencode({key: value for key, value in given.items() if value})
        return self.base_url + FEED_PATH + (f"?{query}" if query else "")

    @property
    def page_url(self) -> str:
        return self.base_url + (f"?market={self.market}" if self.market else "")


def xml_text(value: object) -> str:
    """`value` as text XML can hold (the serializer escapes the rest)."""
    return _NOT_XML.sub("", str(value))


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def release_moment(date: str | None) -> datetime:
    """A Spotify release date (`2026`, `2026-11` or `2026-11-27`) as its first moment."""
    parts = [int(part) for part in (date or "").split("-") if part.isdigit()]
    year, month, day = [*parts, 1, 1][:3] if parts else (1970, 1, 1)
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return NOTHING_YET


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def new_releases_feed(
    document: Mapping[str, Any],
    feed: FeedRequest,
    first_seen: Mapping[str, datetime],
    links: Links,
) -> bytes:
    """The Atom document of `document`'s new releases (a trending view as served)."""
    root = ET.Element(f"{{{ATOM}}}feed")
    scope, listing = feed.scope, SOURCE_NAMES[feed.listed_in]
    _add(root, "id", feed.feed_id)
    title = "New releases" if feed.listed_in == LISTED_IN else listing
    _add(root, "title", f"{title} · {scope} · trendcache")
    _add(root, "subtitle", f"Albums new in the {listing} listing, {scope}")
    _add(root, "updated", when(_moment(document.get("fetchedAt")) or NOTHING_YET))
    _link(root, feed.self_url, "self", "application/atom+xml")
    _link(root, feed.page_url, "alternate", "text/html")
    author = _add(root, "author")
    _add(author, "name", "trendcache")
    _add(author, "uri", feed.base_url)
    _add(root, "generator", "trendcache", uri=feed.base_url)
    for album in document.get("newReleases", []):
        _entry(root, album, feed, first_seen, links)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _entry(
    root: ET.Element,
    album: Mapping[str, Any],
    feed: FeedRequest,
    first_seen: Mapping[str, datetime],
    links: Links,
) -> None:
    entry = _add(root, "entry")
    artists = ", ".join(artist["name"] for artist in album["artists"])
    dated = first_seen.get(album["id"]) or release_moment(album.get("releaseDate"))
    _add(entry, "id", feed.entry_id(album["id"]))
    _add(entry, "title", f"{artists} {EN_DASH} {album['name']}")
    _add(entry, "updated", when(dated))
    _add(entry, "published", when(dated))
    for artist in album["artists"]:
        author = _add(entry, "author")
        _add(author, "name", artist["name"])
    _link(entry, f"{feed.base_url}albums/{quote(album['id'], safe='')}", "alternate", "text/html")
    if album.get("spotifyUrl") and _LINK.match(album["spotifyUrl"]):
        _link(entry, album["spotifyUrl"], "related", "text/html", "Spotify")
    match = album.get("musicbrainz") or {}
    group = release_group_of(album["id"])
    if group:  # known by its release group only (ListenBrainz)
        _link(entry, links.release_group(group) or "", "related", None, "MusicBrainz release group")
    elif match.get("status") == "matched":
        release = links.release(match.get("releaseMbid"))
        group = links.release_group(match.get("releaseGroupMbid"))
        if release:
            _link(entry, release, "related", None, "MusicBrainz release")
        if group:
            _link(entry, group, "related", None, "MusicBrainz release group")
    if album.get("albumType"):
        _add(entry, "category", term=album["albumType"], scheme=feed.tag("album-types"))
    _add(entry, "summary", _summary(album, feed))


def _summary(album: Mapping[str, Any], feed: FeedRequest) -> str:
    positions = album.get("positions") or {}
    where = ", ".join(
        f"#{position}" + ("" if market == WORLDWIDE else f" in {market}")
        for market, position in positions.items()
    )
    parts = [f"Released {album.get('releaseDate') or 'on an unknown date'}"]
    if album.get("label"):
        parts.append(f"label: {album['label']}")
    if where:
        parts.append(f"{SOURCE_NAMES[feed.listed_in]} listing: {where}")
    return "; ".join(parts) + "."


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(
        parent, f"{{{ATOM}}}{name}", {key: xml_text(value) for key, value in attributes.items()}
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def _link(
    parent: ET.Element, href: str, rel: str, media_type: str | None, title: str | None = None
) -> None:
    attributes = {"href": href, "rel": rel}
    if media_type:
        attributes["type"] = media_type
    if title:
        attributes["title"] = title
    _add(parent, "link", **attributes)

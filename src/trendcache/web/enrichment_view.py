"""MusicBrainz beside the trending views: links, per-album matches and the scope's progress.

The enricher writes every trending row's `metadata` (`mbMatches`: album id → match, pending
albums absent). At snapshot-build time `annotate_view` folds it into the view, so the read
path serves MusicBrainz ids from the same pre-encoded bytes as everything else:

- every album item gets `musicbrainz` (status, level, MBIDs, method, confidence and a
  link: to the release, or to the release group when only that is known);
- a trending artist gets `musicbrainz` (artist MBID and link) when a matched album credits
  them, mapped by credit position and only when the album's Spotify artists and its
  MusicBrainz artist credits agree in number (and every such album agrees on the MBID);
- the view gets `enrichment`: how many of its albums are in each state.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from trendcache.config import Settings
from trendcache.pipeline.enrichment.status import EnrichmentStatus

MUSICBRAINZ_WEBSITE = "https://musicbrainz.org"
# musicbrainz.org's own hosts (beta., test.) have the website beside ws/2; `www.` is an alias.
_WEBSITE_ALIASES = {"musicbrainz.org", "www.musicbrainz.org"}
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SECTIONS = ("newReleases", "popularAlbums")
STATUSES = ("matched", "needs_review", "no_match", "pending", "error")
LEVELS = ("release", "release_group")
Entity = Literal["release", "release-group", "artist"]


def musicbrainz_link(base_url: str, entity: Entity, mbid: str) -> str | None:
    """Where a person follows an MBID: the entity's page, on the server we enrich from.

    With the real service (MUSICBRAINZ_BASE_URL on musicbrainz.org) that is the website,
    `https://musicbrainz.org/release/<mbid>`. Any other base (a mirror, the demo's emulator)
    may have no website, so the link is the ws/2 lookup on that host,
    `<base>/release/<mbid>?fmt=json`, which every ws/2 server answers. None for anything
    that is not an MBID.
    """
    if not _MBID.match(mbid):
        return None
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if host in _WEBSITE_ALIASES:
        return f"{MUSICBRAINZ_WEBSITE}/{entity}/{mbid}"
    if host.endswith(".musicbrainz.org") and parts.scheme == "https":
        return f"https://{host}/{entity}/{mbid}"
    return f"{base_url.rstrip('/')}/{entity}/{mbid}?fmt=json"


@dataclass(frozen=True)
class Links:
    base_url: str

    def release(self, mbid: str | None) -> str | None:
        return musicbrainz_link(self.base_url, "release", mbid) if mbid else None

    def release_group(self, mbid: str | None) -> str | None:
        return musicbrainz_link(self.base_url, "release-group", mbid) if mbid else None

    def artist(self, mbid: str | None) -> str | None:
        return musicbrainz_link(self.base_url, "artist", mbid) if mbid else None


def album_match(match: dict[str, Any] | None, links: Links) -> dict[str, Any]:
    """An album's `musicbrainz` field: its entry in `mbMatches`, or pending when absent."""
    if not match:
        return {
            "status": "pending",
            "level": None,
            "releaseMbid": None,
            "releaseGroupMbid": None,
            "artistMbids": [],
            "method": None,
            "confidence": None,
            "url": None,
        }
    confidence = match.get("confidence")
    status = match.get("status")
    release, group = match.get("releaseMbid"), match.get("releaseGroupMbid")
    level = match.get("level") if status == "matched" else None
    if status == "matched" and level not in LEVELS:  # decided before levels were stored
        level = "release" if release else "release_group" if group else None
    return {
        "status": status if status in STATUSES else "pending",
        "level": level,
        "releaseMbid": release,
        "releaseGroupMbid": group,
        "artistMbids": list(match.get("artistMbids") or []),
        "method": match.get("method"),
        "confidence": round(float(confidence), 3) if confidence is not None else None,
        "url": links.release(release) if release else links.release_group(group),
    }


def artist_mbids(albums: list[dict[str, Any]]) -> dict[str, str]:
    """Spotify artist id → MusicBrainz artist MBID, from matched albums' credits in order."""
    seen: dict[str, set[str]] = defaultdict(set)
    for album in albums:
        match = album["musicbrainz"]
        credits = match["artistMbids"]
        if match["status"] != "matched" or len(credits) != len(album["artists"]):
            continue
        for artist, mbid in zip(album["artists"], credits, strict=True):
            seen[artist["id"]].add(mbid)
    return {artist_id: mbids.pop() for artist_id, mbids in seen.items() if len(mbids) == 1}


def annotate_view(
    view: dict[str, Any], metadata: dict[str, Any] | None, links: Links
) -> dict[str, Any]:
    """The view with `musicbrainz` on albums and artists, and the `enrichment` summary.

    Returns a new dict; the row's own data is left alone.
    """
    matches: dict[str, Any] = (metadata or {}).get("mbMatches") or {}
    annotated: dict[str, dict[str, Any]] = {}  # album id → item, for both sections
    sections: dict[str, list[dict[str, Any]]] = {}
    for section in SECTIONS:
        items = []
        for album in view.get(section, []):
            match = annotated.get(album["id"], {}).get("musicbrainz")
            if match is None:
                match = album_match(matches.get(album["id"]), links)
            item = {**album, "musicbrainz": match}
            annotated.setdefault(album["id"], item)
            items.append(item)
        sections[section] = items
    credited = artist_mbids(list(annotated.values()))
    artists = []
    for artist in view.get("trendingArtists", []):
        mbid = credited.get(artist["id"])
        url = links.artist(mbid)
        found = {"artistMbid": mbid, "url": url} if mbid and url else None
        artists.append({**artist, "musicbrainz": found})
    summary = dict.fromkeys(STATUSES, 0) | {"matched_release_group": 0}
    for item in annotated.values():
        summary[item["musicbrainz"]["status"]] += 1
        summary["matched_release_group"] += item["musicbrainz"]["level"] == "release_group"
    return {
        **view,
        **sections,
        "trendingArtists": artists,
        "enrichment": {**summary, "total": len(annotated)},
    }


@dataclass(frozen=True)
class EnrichmentActivity:
    """What the page needs to know about enrichment beyond its own albums."""

    disabled: str | None  # why enrichment is off, in plain words; None when it is on
    due: int  # albums waiting for an attempt now
    working: int  # albums a worker holds right now

    @property
    def busy(self) -> bool:
        return self.disabled is None and (self.working > 0 or self.due > 0)


def disabled_reason(status: EnrichmentStatus, settings: Settings) -> str | None:
    """Why nothing gets matched: the enricher's recorded reason, or ENABLE_ENRICHMENT."""
    if status.disabled:
        return status.disabled
    if not settings.enable_enrichment:
        return "ENABLE_ENRICHMENT is false, so no worker matches albums to MusicBrainz"
    return None


def activity_of(status: EnrichmentStatus, settings: Settings) -> EnrichmentActivity:
    return EnrichmentActivity(disabled_reason(status, settings), status.due, status.working)


def enriching(activity: EnrichmentActivity | None, summary: dict[str, int]) -> bool:
    """Whether matches for these albums may land soon: worth polling the page for."""
    if activity is None or not activity.busy:
        return False
    return activity.working > 0 or summary.get("pending", 0) + summary.get("error", 0) > 0

"""ListenBrainz's release groups as listing items: Spotify-simplified-album-shaped dicts.

History, the cache views and the pages read one album shape whatever the source; an album
ListenBrainz lists is known by its release group, so its id is `mb-<release group MBID>`
(`history/joined.py`) and its artists' ids `mb-<artist MBID>`. Names arrive cleaned by the
client (`listenbrainz/sanitize.py`, the same `trendcache.text` rules as Spotify's).
"""

from __future__ import annotations

import re
from typing import Any

from trendcache.listenbrainz.models import ChartReleaseGroup, FreshRelease
from trendcache.pipeline.history.joined import MB_PREFIX, mbid_album_id

MUSICBRAINZ = "https://musicbrainz.org"
COVER_SIZE = 250
# How one artist credit joins its artists' names ("A & B", "A, B & C", "A feat. B", "A x B").
CREDIT_JOINS = re.compile(r" & |, | feat\. | x ")
# MusicBrainz's release group types as Spotify's album_type.
PRIMARY_TYPES = {"album": "album", "single": "single", "ep": "single"}

Item = dict[str, Any]


def fresh_item(release: FreshRelease, cover_base_url: str) -> Item:
    """One fresh release, with its date (to the day) and type."""
    return album_item(
        release.release_group_mbid,
        release.release_name,
        credited_artists(release.artist_credit_name, release.artist_mbids),
        album_type=album_type(
            release.release_group_primary_type, release.release_group_secondary_type
        ),
        release_date=release.release_date.isoformat(),
        release_mbid=release.release_mbid,
        cover=cover_url(cover_base_url, release.caa_release_mbid),
        listen_count=release.listen_count,
    )


def chart_item(group: ChartReleaseGroup, cover_base_url: str, known: Item | None) -> Item:
    """One release group of the listeners' chart with its listens; the chart carries no
    date or type, so those (and a cover it lacks) come from the same group's fresh release
    (`known`) if any."""
    known = known or {}
    cover = cover_url(cover_base_url, group.caa_release_mbid)
    item = album_item(
        group.release_group_mbid,
        group.release_group_name,
        credited_artists(group.artist_name, group.artist_mbids),
        album_type=known.get("album_type"),
        release_date=known.get("release_date"),
        release_mbid=known.get("release_mbid"),
        cover=cover,
        listen_count=group.listen_count,
    )
    if cover is None and known.get("images"):
        item["images"] = known["images"]
    return item


def album_item(
    release_group_mbid: str,
    name: str,
    artists: list[Item],
    *,
    album_type: str | None,
    release_date: str | None,
    release_mbid: str | None,
    cover: str | None,
    listen_count: int | None,
) -> Item:
    return {
        "id": mbid_album_id(release_group_mbid),
        "name": name,
        "album_type": album_type,
        "release_date": release_date,
        "release_date_precision": "day" if release_date else None,
        "total_tracks": None,
        "images": [{"url": cover, "height": COVER_SIZE, "width": COVER_SIZE}] if cover else [],
        "external_urls": {"musicbrainz": f"{MUSICBRAINZ}/release-group/{release_group_mbid}"},
        "artists": artists,
        "release_group_mbid": release_group_mbid,
        "release_mbid": release_mbid,
        "listen_count": listen_count,
    }


def credited_artists(credit: str, mbids: list[str]) -> list[Item]:
    """One artist per MBID when the credit splits into as many names; else the first MBID
    under the whole credit (ListenBrainz sends one credit string, not one name per artist).
    None without MBIDs: an artist we cannot identify is not recorded."""
    if not mbids:
        return []
    names = [name.strip() for name in CREDIT_JOINS.split(credit)]
    if len(names) != len(mbids) or not all(names):
        names, mbids = [credit], mbids[:1]
    return [
        {
            "id": f"{MB_PREFIX}{mbid}",
            "name": name,
            "external_urls": {"musicbrainz": f"{MUSICBRAINZ}/artist/{mbid}"},
        }
        for name, mbid in zip(names, mbids, strict=True)
    ]


def album_type(primary: str | None, secondary: str | None) -> str | None:
    """Album → album, Single and EP → single, a Compilation (secondary type) → compilation;
    anything else (Broadcast, Other, none) has no Spotify equivalent."""
    if secondary is not None and secondary.lower() == "compilation":
        return "compilation"
    return PRIMARY_TYPES.get((primary or "").lower())


def cover_url(base_url: str, caa_release_mbid: str | None) -> str | None:
    if caa_release_mbid is None:
        return None
    return f"{base_url.rstrip('/')}/release/{caa_release_mbid}/front-{COVER_SIZE}"

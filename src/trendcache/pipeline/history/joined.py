"""One album, however many sources list it.

Spotify lists albums by Spotify id; ListenBrainz lists release groups by MBID, and an album
known only that way is first-class: its id is `mb-<release group MBID>`. The two are the
same album when MusicBrainz enrichment matched the Spotify album to that release group
(`enrichment_state.release_group_mbid`, at either match level). The join is made when read,
never written into the history: each source's history stays exactly what it listed, and an
album matched (or re-matched after review) later joins at once, with nothing to rewrite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from trendcache.db.models import EnrichmentState

MB_PREFIX = "mb-"
MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MATCHED = "matched"


def mbid_album_id(release_group_mbid: str) -> str:
    """The id of an album known by its MusicBrainz release group: `mb-<mbid>`."""
    return f"{MB_PREFIX}{release_group_mbid.lower()}"


def release_group_of(album_id: str) -> str | None:
    """The release group MBID an `mb-…` album id names; None for any other id."""
    if not album_id.startswith(MB_PREFIX):
        return None
    mbid = album_id[len(MB_PREFIX) :]
    return mbid if MBID.match(mbid) else None


def is_mbid_album(album_id: str) -> bool:
    return release_group_of(album_id) is not None


def joined_ids(session: Session, album_ids: Iterable[str]) -> dict[str, list[str]]:
    """For each of `album_ids`, every id of the same album across sources: itself first,
    then the other Spotify ids matched to its release group (sorted; an explicit and a
    clean edition are one release group), then the `mb-` id (whether or not ListenBrainz
    listed it yet); an album never matched maps to itself alone."""
    ids = list(dict.fromkeys(album_ids))
    groups = {a: g for a in ids if (g := release_group_of(a)) is not None}
    spotify = [a for a in ids if a not in groups]
    group_of: dict[str, str] = {}  # Spotify id → its matched release group
    if spotify:
        rows = session.execute(
            select(EnrichmentState.album_id, EnrichmentState.release_group_mbid).where(
                EnrichmentState.album_id.in_(spotify),
                EnrichmentState.status == MATCHED,
                EnrichmentState.release_group_mbid.is_not(None),
            )
        )
        group_of = {album_id: str(group).lower() for album_id, group in rows}
    wanted = set(groups.values()) | set(group_of.values())
    members: dict[str, set[str]] = {}  # release group → Spotify ids matched to it
    if wanted:
        # The status is checked here, not in SQL: given it, SQLite's planner (without
        # statistics) walks every matched album by status rather than the release groups.
        found = session.execute(
            select(
                EnrichmentState.album_id,
                EnrichmentState.release_group_mbid,
                EnrichmentState.status,
            ).where(EnrichmentState.release_group_mbid.in_(sorted(wanted)))
        )
        for album_id, group, status in found:
            if status == MATCHED:
                members.setdefault(str(group).lower(), set()).add(album_id)
    joined: dict[str, list[str]] = {}
    for album_id in ids:
        group = groups.get(album_id) or group_of.get(album_id)
        if group is None:
            joined[album_id] = [album_id]
            continue
        others = sorted(members.get(group, set()) - {album_id})
        mb_id = mbid_album_id(group)
        joined[album_id] = list(dict.fromkeys([album_id, *others, mb_id]))
    return joined


def same_album(session: Session, album_id: str) -> list[str]:
    """Every id of `album_id`'s album across sources (see `joined_ids`)."""
    return joined_ids(session, [album_id])[album_id]


def canonical_id(session: Session, album_id: str) -> str:
    """The id an album is shown under: its own for a Spotify album; for an `mb-` album,
    the first Spotify album matched to its release group, else itself."""
    if not is_mbid_album(album_id):
        return album_id
    joined = same_album(session, album_id)
    return joined[1] if len(joined) > 1 else album_id

"""The browse page's "Listeners' chart": ListenBrainz's week, ready to render.

The ListenBrainz sync keeps its served view in the cache (`LISTENBRAINZ_VIEW`: the week's
top release groups and the fresh releases, each item a Spotify-simplified-album-shaped dict
with `position`, see `pipeline/keys.py`). The snapshot thread reads it with the trending
views and makes it `ListenersView`: each album with the address of its page under its
canonical id (the Spotify album MusicBrainz matched it to, else `mb-…`, read through
`pipeline/history/joined.py`) and the Spotify ids joined to it, so a scope's page can badge
the ones in its new releases; the top's albums also with their movement since the previous
ListenBrainz snapshot (`pipeline/history/movement.py`). `identity` moves when anything
shown moves (a new sync, a match landing), so the page's bodies are rendered again then
and only then.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from trendcache.pipeline.history.joined import is_mbid_album
from trendcache.pipeline.history.movement import movement

LIST_NAMES = ("top", "fresh")


@dataclass(frozen=True)
class Credit:
    name: str
    url: str | None  # its MusicBrainz page


@dataclass(frozen=True)
class ListenerAlbum:
    id: str  # `mb-<release group MBID>`
    href: str  # its page: under the Spotify album's id when joined
    position: int
    name: str
    image: str | None
    artists: tuple[Credit, ...]
    release_date: str | None
    release_date_precision: str | None
    album_type: str | None
    listen_count: int | None
    spotify_ids: tuple[str, ...]  # the Spotify albums joined to it
    movement: str | None = None  # "▲ 3", "▼ 1", "=", "new"; None with nothing to compare


@dataclass(frozen=True)
class ListenersView:
    fetched_at: str | None  # ISO 8601, as the sync wrote it
    top: tuple[ListenerAlbum, ...]
    fresh: tuple[ListenerAlbum, ...]
    identity: str  # a digest of everything above

    def in_listing(self, album_ids: Iterable[str]) -> frozenset[str]:
        """The `mb-` ids of the albums joined to any of `album_ids` (a scope's new
        releases): those the page badges."""
        wanted = set(album_ids)
        return frozenset(
            album.id for album in (*self.top, *self.fresh) if wanted.intersection(album.spotify_ids)
        )


def album_ids(data: dict[str, Any]) -> list[str]:
    """The ids of the albums the cached document lists (to read their joins)."""
    return [item["id"] for name in LIST_NAMES for item in _valid(data.get(name))]


def build_listeners_view(
    data: dict[str, Any],
    joined: Mapping[str, Sequence[str]],
    previous_top: Mapping[str, int] | None = None,
) -> ListenersView:
    """The view from the cached document, its albums' joins (`joined_ids`) and the top's
    positions in its previous snapshot (None: no previous one); items without an id or a
    name are left out."""
    lists = {name: _valid(data.get(name)) for name in LIST_NAMES}
    built = {
        name: tuple(
            _album(item, index, joined.get(item["id"], [item["id"]]))
            for index, item in enumerate(items)
        )
        for name, items in lists.items()
    }
    if previous_top is not None:
        built["top"] = tuple(
            replace(album, movement=movement(album.position, previous_top.get(album.id)))
            for album in built["top"]
        )
    fetched_at = data.get("fetched_at")
    fetched = fetched_at if isinstance(fetched_at, str) else None
    digest = hashlib.sha256(
        json.dumps(
            [fetched, data, sorted(joined.items()), previous_top], sort_keys=True, default=str
        ).encode()
    ).hexdigest()[:16]
    return ListenersView(fetched, built["top"], built["fresh"], digest)


def _valid(items: object) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        return []
    return [
        item
        for item in items
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item.get("name")
    ]


def _album(item: dict[str, Any], index: int, joined: Sequence[str]) -> ListenerAlbum:
    spotify = tuple(album_id for album_id in joined if not is_mbid_album(album_id))
    canonical = spotify[0] if spotify else item["id"]
    images = item.get("images") or []
    position = item.get("position")
    count = item.get("listen_count")
    return ListenerAlbum(
        id=item["id"],
        href=f"/albums/{canonical}",
        position=position if isinstance(position, int) else index + 1,
        name=str(item["name"]),
        image=images[0].get("url") if images and isinstance(images[0], dict) else None,
        artists=tuple(
            Credit(str(a.get("name", "")), (a.get("external_urls") or {}).get("musicbrainz"))
            for a in item.get("artists") or []
            if isinstance(a, dict)
        ),
        release_date=item.get("release_date"),
        release_date_precision=item.get("release_date_precision"),
        album_type=item.get("album_type"),
        listen_count=count if isinstance(count, int) else None,
        spotify_ids=spotify,
    )

"""Catalog records as Spotify JSON objects, shaped key for key like the recorded fixtures.

Development-mode apps lose some fields (Spotify's February 2026 change). Only fields the
OpenAPI spec lets be absent are removed: the spec still lists ``available_markets`` as
required on every album and ``label``/``popularity`` as required on full albums, so
albums keep them in both tiers although Spotify strips them for development apps. That
conflict is deliberate; serving spec-invalid albums would break generated clients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from .catalog import Catalog
from .codes import ALBUM_IMAGE_PREFIXES, ARTIST_IMAGE_PREFIXES
from .model import Album, Artist, Track

Tier = Literal["extended", "development"]
JSONObject = dict[str, Any]
ALBUM_TRACKS_PAGE = 50  # tracks embedded in a full album, as Spotify does


@dataclass(frozen=True, slots=True)
class View:
    """What a response depends on besides the data: where it is served, for whom, where."""

    api_base: str
    image_base: str
    tier: Tier
    market: str | None = None

    @property
    def development(self) -> bool:
        return self.tier == "development"


def page(
    view: View,
    path: str,
    items: Sequence[JSONObject],
    *,
    offset: int,
    limit: int,
    total: int,
    params: Sequence[tuple[str, str]] = (),
    max_offset: int | None = None,
) -> JSONObject:
    """A paging object whose links repeat the query the way Spotify writes them."""
    extra = "".join(f"&{key}={quote(value, safe=',')}" for key, value in params)

    def link(at: int) -> str:
        return f"{view.api_base}{path}?offset={at}&limit={limit}{extra}"

    following = offset + limit
    has_next = following < total and (max_offset is None or following <= max_offset)
    return {
        "href": link(offset),
        "items": list(items),
        "limit": limit,
        "next": link(following) if has_next else None,
        "offset": offset,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "total": total,
    }


class Renderer:
    """Turns records into JSON for one request's ``View``."""

    def __init__(self, catalog: Catalog, view: View) -> None:
        self.catalog = catalog
        self.view = view

    def _identity(self, kind: str, item_id: str) -> JSONObject:
        return {
            "external_urls": {"spotify": f"https://open.spotify.com/{kind}/{item_id}"},
            "href": f"{self.view.api_base}/{kind}s/{item_id}",
            "id": item_id,
        }

    def _images(self, key: str, prefixes: dict[int, str]) -> list[JSONObject]:
        base = self.view.image_base
        return [{"url": f"{base}/{p}{key}", "height": s, "width": s} for s, p in prefixes.items()]

    def simple_artist(self, artist: Artist) -> JSONObject:
        return {
            **self._identity("artist", artist.id),
            "name": artist.name,
            "type": "artist",
            "uri": f"spotify:artist:{artist.id}",
        }

    def artist(self, artist: Artist) -> JSONObject:
        identity = self._identity("artist", artist.id)
        body: JSONObject = {
            "external_urls": identity["external_urls"],
            "followers": {"href": None, "total": artist.followers},
            "genres": list(artist.genres),
            "href": identity["href"],
            "id": artist.id,
            "images": self._images(artist.image_key, ARTIST_IMAGE_PREFIXES),
            "name": artist.name,
            "popularity": artist.popularity,
            "type": "artist",
            "uri": f"spotify:artist:{artist.id}",
        }
        if self.view.development:
            for field in ("followers", "genres", "popularity"):
                del body[field]
        return body

    def _artists(self, ids: Sequence[str]) -> list[JSONObject]:
        return [self.simple_artist(a) for a in self.catalog.artists_of(ids)]

    def simple_album(self, album: Album) -> JSONObject:
        body: JSONObject = {
            "album_type": album.album_type,
            "artists": self._artists(album.artist_ids),
            "available_markets": list(album.available_markets),
            **self._identity("album", album.id),
            "images": self._images(album.image_key, ALBUM_IMAGE_PREFIXES),
            "name": album.name,
            "release_date": album.release_date_text,
            "release_date_precision": album.release_date_precision,
            "total_tracks": album.total_tracks,
            "type": "album",
            "uri": f"spotify:album:{album.id}",
        }
        if self.view.market is not None:
            body["is_playable"] = self.view.market in album.available_markets
        return body

    def album(self, album: Album) -> JSONObject:
        tracks = self.track_page(album, offset=0, limit=ALBUM_TRACKS_PAGE)
        return {
            **self.simple_album(album),
            "tracks": tracks,
            "copyrights": [{"text": c.text, "type": c.type} for c in album.copyrights],
            "external_ids": {"upc": album.upc},
            "genres": [],
            "label": album.label,
            "popularity": album.popularity,
        }

    def track_page(self, album: Album, *, offset: int, limit: int) -> JSONObject:
        items = [self.simple_track(t, album) for t in album.tracks[offset : offset + limit]]
        params = [("market", self.view.market)] if self.view.market else []
        return page(
            self.view,
            f"/albums/{album.id}/tracks",
            items,
            offset=offset,
            limit=limit,
            total=album.total_tracks,
            params=params,
        )

    def simple_track(self, track: Track, album: Album) -> JSONObject:
        body: JSONObject = {
            "artists": self._artists(track.artist_ids),
            "available_markets": list(album.available_markets),
            "disc_number": track.disc_number,
            "duration_ms": track.duration_ms,
            "explicit": track.explicit,
            **self._identity("track", track.id),
            "name": track.name,
            "preview_url": None,
            "track_number": track.track_number,
            "type": "track",
            "uri": f"spotify:track:{track.id}",
            "is_local": False,
        }
        if self.view.market is not None:
            body["is_playable"] = self.view.market in album.available_markets
        if self.view.development:
            del body["available_markets"]
        return body

    def track(self, track: Track, album: Album) -> JSONObject:
        """A full track; like the recorded search results it always says ``is_playable``."""
        album_json = self.simple_album(album)
        market = self.view.market
        playable = market is None or market in album.available_markets
        album_json["is_playable"] = playable
        body = {
            "album": album_json,
            **self.simple_track(track, album),
            "external_ids": {"isrc": track.isrc},
            "is_playable": playable,
            "popularity": track.popularity,
        }
        if self.view.development:
            del body["popularity"]
        return dict(sorted(body.items()))

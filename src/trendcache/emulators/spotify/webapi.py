"""The Web API endpoints trendcache uses, as Spotify answers them in 2026.

Handlers only compute the answer; authentication, faults, limits, tier gates and stats
are applied around them by ``pipeline``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from . import errors, params
from .errors import ApiError, SpotifyJSON
from .instance import EmulatorState
from .model import Album, Track
from .render import JSONObject, Renderer, View, page
from .search import SEARCH_TYPES, parse

# Recorded new-release listings report ``total: 100`` (fixtures/new_releases.json, and a
# tag:new capture in ERRORS.md): the browse endpoint is a curated top 100 per market.
NEW_RELEASES_LIMIT = 100
SEARCH_MAX_OFFSET = 1000
_SEARCH_LIMITS = {"development": (5, 10), "extended": (20, 50)}  # (default, maximum)


def _released(state: EmulatorState, album_id: str) -> Album | None:
    album = state.catalog.album(album_id)
    return album if album is not None and state.catalog.is_released(album) else None


def new_releases(request: Request, state: EmulatorState, view: View) -> Response:
    """One editorial list for all markets: the 2026 endpoint takes no country (the legacy
    ``country`` parameter is still honoured), so clients split it by ``available_markets``.
    """
    country = request.query_params.get("country")
    albums = state.catalog.new_releases(country)[:NEW_RELEASES_LIMIT]
    limit = params.limit(request, default=20, maximum=50)
    offset = params.offset(request)
    render = Renderer(state.catalog, view)
    items = [render.simple_album(a) for a in albums[offset : offset + limit]]
    extra = [("country", country)] if country else []
    paging = page(
        view,
        "/browse/new-releases",
        items,
        offset=offset,
        limit=limit,
        total=len(albums),
        params=extra,
    )
    return SpotifyJSON({"albums": paging})


def search(request: Request, state: EmulatorState, view: View) -> Response:
    q = request.query_params.get("q") or request.query_params.get("query") or ""
    if not q.strip():
        raise ApiError(400, "No search query")
    types = [t for t in request.query_params.get("type", "").split(",") if t]
    if not types:
        raise ApiError(400, "Missing parameter type")
    for kind in types:
        if kind not in SEARCH_TYPES:
            raise ApiError(400, f"Bad search type field {kind}")
    default, maximum = _SEARCH_LIMITS[view.tier]
    limit = params.limit(request, default=default, maximum=maximum)
    offset = params.offset(request, maximum=SEARCH_MAX_OFFSET)
    query, render = parse(q), Renderer(state.catalog, view)
    body: JSONObject = {}
    for kind in dict.fromkeys(types):
        items: list[JSONObject]
        if kind == "album":
            albums = state.search.albums(query, view.market)
            total, items = len(albums), [render.simple_album(a) for a in albums[offset:][:limit]]
        elif kind == "track":
            tracks = state.search.tracks(query, view.market)
            total, items = len(tracks), [render.track(t, a) for t, a in tracks[offset:][:limit]]
        elif kind == "artist":
            artists = state.search.artists(query)
            total, items = len(artists), [render.artist(a) for a in artists[offset:][:limit]]
        else:  # playlists, shows, episodes, audiobooks: not in this catalog
            total, items = 0, []
        extra = [("query", q), ("type", kind)] + ([("market", view.market)] if view.market else [])
        body[f"{kind}s"] = page(
            view,
            "/search",
            items,
            offset=offset,
            limit=limit,
            total=total,
            params=extra,
            max_offset=SEARCH_MAX_OFFSET,
        )
    return SpotifyJSON(body)


def album(request: Request, state: EmulatorState, view: View) -> Response:
    found = _released(state, params.spotify_id(request.path_params["id"]))
    if found is None:
        raise ApiError(404, errors.RESOURCE_NOT_FOUND)
    return SpotifyJSON(Renderer(state.catalog, view).album(found))


def several_albums(request: Request, state: EmulatorState, view: View) -> Response:
    render = Renderer(state.catalog, view)
    found = [_released(state, i) for i in params.ids(request, maximum=20)]
    return SpotifyJSON({"albums": [render.album(a) if a else None for a in found]})


def album_tracks(request: Request, state: EmulatorState, view: View) -> Response:
    limit = params.limit(request, default=20, maximum=50)
    offset = params.offset(request)
    found = _released(state, params.spotify_id(request.path_params["id"]))
    if found is None:
        raise ApiError(404, errors.RESOURCE_NOT_FOUND)
    return SpotifyJSON(Renderer(state.catalog, view).track_page(found, offset=offset, limit=limit))


def _released_track(state: EmulatorState, track_id: str) -> tuple[Track, Album] | None:
    track = state.catalog.track(track_id)
    album = _released(state, track.album_id) if track is not None else None
    return (track, album) if track is not None and album is not None else None


def track(request: Request, state: EmulatorState, view: View) -> Response:
    found = _released_track(state, params.spotify_id(request.path_params["id"]))
    if found is None:
        raise ApiError(404, errors.RESOURCE_NOT_FOUND)
    return SpotifyJSON(Renderer(state.catalog, view).track(*found))


def several_tracks(request: Request, state: EmulatorState, view: View) -> Response:
    """`GET /tracks?ids=` (at most 50): removed for development-mode apps in 2026."""
    render = Renderer(state.catalog, view)
    found = [_released_track(state, i) for i in params.ids(request, maximum=50)]
    return SpotifyJSON({"tracks": [render.track(*f) if f else None for f in found]})


def artist(request: Request, state: EmulatorState, view: View) -> Response:
    found = state.catalog.artist(params.spotify_id(request.path_params["id"]))
    if found is None:
        raise ApiError(404, errors.RESOURCE_NOT_FOUND)
    return SpotifyJSON(Renderer(state.catalog, view).artist(found))


def several_artists(request: Request, state: EmulatorState, view: View) -> Response:
    render = Renderer(state.catalog, view)
    found = [state.catalog.artist(i) for i in params.ids(request, maximum=50)]
    return SpotifyJSON({"artists": [render.artist(a) if a else None for a in found]})

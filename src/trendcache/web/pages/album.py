"""The album page (`/albums/{id}`): the album, its figures per listing, and its positions over
time as a server-rendered SVG chart, with the history's CSV and JSON a click away.

It renders the same document `GET /api/albums/appearances/{albumId}` returns (the latest
points of each listing), so the page and its download agree. An id trendcache never saw
listed, or one that cannot be a Spotify id, gets the friendly 404 page.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from trendcache.pipeline.history.album_history import MAX_POINTS
from trendcache.web.api.albums import PATH, Window, history_json, load_history, unknown_album
from trendcache.web.api.models import SPOTIFY_ID_PATTERN
from trendcache.web.deps import Context
from trendcache.web.enrichment_view import Links
from trendcache.web.pages.album_chart import build_chart, listing_name, when
from trendcache.web.pages.errors import PageError

router = APIRouter(tags=["pages"])
SPOTIFY_ID = re.compile(SPOTIFY_ID_PATTERN)
WHOLE_HISTORY = Window(since=None, until=None, limit=MAX_POINTS)


@router.get(
    "/albums/{album_id}",
    response_class=HTMLResponse,
    summary="Album page",
    description="An album's trending history as a web page: its cover, names and links, "
    "per market when it was first and last listed, its peak, streak and re-entries, and a "
    "chart of its positions over time (the latest 2,000 per market), with CSV and JSON "
    "downloads. An unknown album gets a 404 page.",
    responses={
        404: {
            "description": "No history for this album (or not a Spotify id): an HTML page.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    },
)
async def album_page(request: Request, context: Context, album_id: str) -> HTMLResponse:
    if not SPOTIFY_ID.match(album_id):
        raise PageError(404, f"{album_id!r} is not a Spotify album id (22 letters and digits).")
    history = await load_history(context, album_id, WHOLE_HISTORY)
    if history is None:
        raise PageError(404, unknown_album(album_id).capitalize() + ".")
    document = history_json(history, Links(context.settings.musicbrainz_base_url), WHOLE_HISTORY)
    values = {
        "album": document["album"],
        "charts": document["charts"],
        "chart": build_chart(history.charts),
        "export": PATH.replace("{albumId}", album_id),
        "limit": WHOLE_HISTORY.limit,
        "when": when,
        "listing_name": listing_name,
        "demo_note": context.demo_note,
    }
    response: HTMLResponse = context.templates.TemplateResponse(request, "album.html", values)
    return response

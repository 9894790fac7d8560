"""The album page (`/albums/{id}`): the album, its figures per listing, and its positions over
time as a server-rendered SVG chart, with the history's CSV and JSON a click away.

It renders the same document `GET /api/albums/appearances/{albumId}` returns (the latest
points of each listing), so the page and its download agree. An id trendcache never saw
listed, or one that cannot be an album id, gets the friendly 404 page.

An album known only from ListenBrainz (`/albums/mb-<release group MBID>`) is a page like any
other: its cover from the Cover Art Archive, its credit and a link to its MusicBrainz release
group. Once enrichment matched a Spotify album to that release group, the two are one album
(`pipeline/history/joined.py`), shown under the Spotify id: the `mb-` address redirects
there, and the page shows both sources' listings with a sentence on which had it first.

What it shows changes only when a snapshot lands or an enrichment decision does, which is
what the data's stamp (`read_stamp`: the newest snapshot, the last enrichment change; two
index probes) tells, or when a change is announced (a backfill), which empties the cache.
So each page is rendered once per stamp and kept prepared (`PreparedPages`: every
encoding, an ETag each, 304s): a request reads the stamp instead of the whole history, and
renders nothing. The 404 pages are never kept. The join is read from the enrichment state,
whose last change is part of the stamp, so a match landing re-renders the pages.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from trendcache.pipeline.history.album_history import MAX_POINTS
from trendcache.pipeline.history.joined import canonical_id, is_mbid_album
from trendcache.pipeline.stats.queries import Stamp, read_stamp
from trendcache.web.api.albums import PATH, Window, history_json, load_history, unknown_album
from trendcache.web.api.models import ALBUM_ID_PATTERN
from trendcache.web.deps import Context, WebContext
from trendcache.web.enrichment_view import Links
from trendcache.web.pages.album_chart import build_chart, listing_name, market_label, when
from trendcache.web.pages.errors import PageError
from trendcache.web.prepared import HTML, Prepared, prepare

router = APIRouter(tags=["pages"])
ALBUM_ID = re.compile(ALBUM_ID_PATTERN)
WHOLE_HISTORY = Window(since=None, until=None, limit=MAX_POINTS)
PAGES_BYTES = 16 << 20  # ~1,000 pages of a few weeks' history (~10 KB, ~6 KB compressed)


@router.get(
    "/albums/{album_id}",
    response_class=HTMLResponse,
    summary="Album page",
    description="An album's trending history as a web page: its cover, names and links, "
    "per market when it was first and last listed, its peak, streak and re-entries, and a "
    "chart of its positions over time (the latest 2,000 per market), with CSV and JSON "
    "downloads. An album known from ListenBrainz has the id `mb-<release group MBID>`; "
    "when it is joined to a Spotify album, that address redirects to the Spotify album's "
    "page, which shows both. An unknown album gets a 404 page.",
    responses={
        307: {"description": "An `mb-` album joined to a Spotify album: its page."},
        404: {
            "description": "No history for this album (or not a Spotify id): an HTML page.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
    },
)
async def album_page(request: Request, context: Context, album_id: str) -> Response:
    if not ALBUM_ID.match(album_id):
        raise PageError(
            404,
            f"{album_id!r} is not an album id (Spotify's 22 letters and digits, or "
            "mb- and a MusicBrainz release group id).",
        )
    pages = context.album_pages
    generation = pages.generation
    stamp, shown_as = await run_in_threadpool(data_stamp, context, album_id)
    if shown_as != album_id:
        return RedirectResponse(f"/albums/{shown_as}", status_code=307)
    prepared = pages.get(album_id, stamp)
    if prepared is None:
        prepared = await render(request, context, album_id)
        pages.keep(album_id, stamp, prepared, generation)
    return prepared.response(request)


def data_stamp(context: WebContext, album_id: str) -> tuple[Stamp, str]:
    """The data's stamp, and the id the album is shown under (`mb-` ids: a join's)."""
    with context.services.database.session() as session:
        stamp = read_stamp(session)
        shown_as = canonical_id(session, album_id) if is_mbid_album(album_id) else album_id
        return stamp, shown_as


async def render(request: Request, context: WebContext, album_id: str) -> Prepared:
    """The page, from the history read now (after the stamp, so never older than it)."""
    history = await load_history(context, album_id, WHOLE_HISTORY)
    if history is None:
        raise PageError(404, unknown_album(album_id).capitalize() + ".")
    links = Links(context.settings.musicbrainz_base_url)
    settings = context.settings
    document = history_json(history, links, WHOLE_HISTORY, settings.listenbrainz_chart_size)
    values = {
        "album": document["album"],
        "charts": document["charts"],
        "lead": document["lead"],
        "mbid_album": is_mbid_album(album_id),
        "chart": build_chart(history.history.charts),
        "export": PATH.replace("{albumId}", album_id),
        "limit": WHOLE_HISTORY.limit,
        "when": when,
        "listing_name": listing_name,
        "market_label": market_label,
        "demo_note": context.demo_note,
        # The same for every visitor: `viewer.js` asks who is looking (follow buttons).
        "viewer_url": f"/fragments/viewer?album={album_id}",
        "next_url": f"/albums/{album_id}",
    }
    page = context.templates.TemplateResponse(request, "album.html", values)
    return prepare(bytes(page.body), HTML)

"""The browse page (`/`), the status fragment its htmx polls, and the viewer's bits.

Served from memory, so it never waits: the page is the same bytes for every visitor,
rendered and compressed once per snapshot and page state (`browse_bodies.py`). Stale or
missing data asks for a background sync and the page answers at once. While a sync runs
the status fragment polls every second, and so it does while MusicBrainz matches for the
page's albums may land, else every ten; when the data's ETag moves it swaps the sections
in out of band, so badges fill in as enrichment decides.

Who is looking is not in the page: `static/viewer.js` asks `/fragments/viewer` after load
(signed in: their account corner, which of the page's albums they collected, and the
collection form with their CSRF token; anonymous: 204). Chosen over a per-request splice
(it would undo compressing once) and over a cookie a script reads (the session cookie is
HttpOnly, and a collection does not fit in a cookie): one small private request, made by
the visitors who need it, leaves the page itself cacheable by anyone.

`serve_raw` answers the common exact requests (`GET`/`HEAD` of `/` or `/?market=XX` on
fresh data) before FastAPI's routing, like `/api/cache/trending`; the route below is
complete on its own and answers everything else (`?source=` among them).
"""

from __future__ import annotations

import logging
import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope, Send

from trendcache.clock import utcnow
from trendcache.web.api.models import SECTIONS_DOC, SNAPSHOT_ERRORS, json_message
from trendcache.web.deps import Context, MarketScope, SourceScope, WebContext
from trendcache.web.pages import browse_bodies
from trendcache.web.pages.browse_bodies import Shown
from trendcache.web.pages.follows import followed_on_page
from trendcache.web.pages.page_state import enrichment_progress, page_state, wants_sync
from trendcache.web.pages.viewer import viewer_of
from trendcache.web.served_views import ServedView
from trendcache.web.sessions import PRIVATE

PATH = "/"
WARM_SECONDS = 600  # a scope served this recently is rendered ahead after each rebuild
log = logging.getLogger(__name__)
router = APIRouter(tags=["pages"])
AlbumParam = Annotated[
    str | None,
    Query(
        max_length=64,
        pattern=r"^[A-Za-z0-9-]+$",
        description="The album page asking: its artists are the page's.",
    ),
]


def shown(
    context: WebContext,
    snapshot: ServedView,
    *,
    requested: bool = False,
    source: str | None = None,
) -> Shown:
    progress = enrichment_progress(snapshot.document, context.snapshots.enrichment)
    state = page_state(
        snapshot.document,
        utcnow(),
        requested=requested,
        enriching=progress.active,
        outage=context.services.health.outage(),
    )
    markets = tuple(context.markets)
    return Shown(snapshot, state, progress, markets, context.demo_note, source)


def warm(context: WebContext) -> None:
    """Render the page and its sections' swap of every scope visited lately for the new
    snapshots, so that neither the next visitor nor the event loop waits for it (called on
    the snapshot thread after a rebuild, which enrichment causes about once a second while
    it runs: scopes nobody looks at are left to their first visitor; a failure too)."""
    now = int(time.monotonic())
    try:
        for scope in [None, *context.markets]:
            snapshot = context.snapshots.get(scope)
            if snapshot is not None and context.last_pages.visited(scope, now, WARM_SECONDS):
                current = shown(context, snapshot)
                browse_bodies.page(context.rendered, current)
                browse_bodies.status(context.rendered, current, swap_sections=True)
    except Exception:
        log.exception("could not render the browse pages ahead")


async def _current(context: WebContext, scope: str | None, source: str | None = None) -> Shown:
    snapshot = context.built_snapshot(scope)
    requested = False
    if wants_sync(snapshot.document) and context.services.health.outage() is None:
        requested = await run_in_threadpool(context.syncs.request)
    return shown(context, snapshot, requested=requested, source=source)


async def serve_raw(context: WebContext, scope: Scope, send: Send) -> int:
    """Answer an exact, common request from memory and return its status; 0 to let FastAPI
    route it (other methods and queries, and stale data, which asks for a sync)."""
    if scope["method"] not in ("GET", "HEAD"):
        return 0
    snapshot = context.snapshots.for_query(scope["query_string"])
    if snapshot is None or wants_sync(snapshot.document):
        return 0
    activity, outage = context.snapshots.enrichment, context.services.health.outage()
    second = int(time.monotonic())
    page = context.last_pages.get(snapshot, activity, outage, second)
    if page is None:
        page = browse_bodies.page(context.rendered, shown(context, snapshot))
        context.last_pages.keep(snapshot, activity, outage, second, page)
    return await page.send(scope, send)


@router.get(
    PATH,
    response_class=HTMLResponse,
    summary="Browse page",
    description="New releases, popular albums and trending artists as a web page, for all "
    "markets or one, with ListenBrainz's Listeners' chart (`source` picks one of the two). "
    "Never waits: stale or missing data queues a background sync and the "
    "page fills in by itself. The same for every visitor (compressed as `Accept-Encoding` "
    "asks, with an ETag for `If-None-Match`); a signed-in visitor's bits come from "
    f"`/fragments/viewer` after load.\n\n{SECTIONS_DOC}",
    responses={
        304: {"description": "Not modified: the `If-None-Match` ETag is current."},
        **SNAPSHOT_ERRORS,
        400: json_message("A market this server does not track, or an unknown source."),
    },
)
async def browse(
    request: Request, context: Context, scope: MarketScope, source: SourceScope
) -> Response:
    current = await _current(context, scope, source)
    return browse_bodies.page(context.rendered, current).response(request)


@router.get(
    "/fragments/status",
    response_class=HTMLResponse,
    summary="Browse page status fragment (htmx)",
    description="The page's status line; when the data changed since `shown`, also the new "
    "sections as an out-of-band swap.",
    responses=SNAPSHOT_ERRORS,
)
async def status_fragment(
    request: Request,
    context: Context,
    scope: MarketScope,
    source: SourceScope,
    shown: Annotated[
        str | None, Query(max_length=100, description="Tag of the sections on the page.")
    ] = None,
) -> Response:
    current = await _current(context, scope, source)
    swap_sections = shown != current.snapshot.sections_tag
    return browse_bodies.status(context.rendered, current, swap_sections).response(request)


@router.get(
    "/fragments/more-new-releases",
    response_class=HTMLResponse,
    summary="Browse page: the rest of the new releases (htmx)",
    description="The album cards of the new releases past the first shelf, fetched when the "
    "page's “Show all” opens; from memory, compressed, with an ETag.",
    responses=SNAPSHOT_ERRORS,
)
async def more_new_releases(request: Request, context: Context, scope: MarketScope) -> Response:
    snapshot = context.built_snapshot(scope)
    return browse_bodies.more_new_releases(context.rendered, snapshot).response(request)


@router.get(
    "/fragments/more-listeners",
    response_class=HTMLResponse,
    summary="Browse page: the rest of the Listeners' chart (htmx)",
    description="The album cards of ListenBrainz's week past the first shelf, fetched when "
    "the page's “Show all” opens; from memory, compressed, with an ETag.",
    responses=SNAPSHOT_ERRORS,
)
async def more_listeners(request: Request, context: Context, scope: MarketScope) -> Response:
    snapshot = context.built_snapshot(scope)
    return browse_bodies.more_listeners(context.rendered, snapshot).response(request)


@router.get(
    "/fragments/viewer",
    response_class=HTMLResponse,
    summary="Browse and album pages: the signed-in viewer's bits",
    description="For a signed-in session: the page's account corner (`data-collected`: which "
    "of the scope's albums they collected; `data-followed`: which of the page's artists they "
    "follow, the album's with `album`, else the browse page's artist cards) and the "
    "collection and follow forms with their CSRF token, which the page's script copies into "
    "the cards. Not signed in: 204. Never cached.",
    responses={204: {"description": "Not signed in: the page stays as it is."}},
)
async def viewer_fragment(
    request: Request, context: Context, scope: MarketScope, album: AlbumParam = None
) -> Response:
    viewer = await viewer_of(request, context, with_collection=True)
    if not viewer.signed_in or viewer.account is None:
        return Response(status_code=204, headers=PRIVATE)
    snapshot = context.snapshots.get(scope)
    on_page = album_ids(snapshot.document) if snapshot else set()
    document = snapshot.document if snapshot else None
    followed = await run_in_threadpool(
        followed_on_page, context, viewer.account.id, document, album
    )
    values = {
        "viewer": viewer,
        "collected": sorted(viewer.collection & on_page),
        "followed": followed,
    }
    response: HTMLResponse = context.templates.TemplateResponse(
        request, "fragments/viewer.html", values, headers=PRIVATE
    )
    return response


def album_ids(document: dict[str, Any]) -> set[str]:
    """The ids of the albums a trending view shows."""
    return {album["id"] for album in [*document["newReleases"], *document["popularAlbums"]]}

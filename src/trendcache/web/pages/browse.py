"""The browse page (`/`) and the status fragment its htmx polls.

Rendered from the in-memory snapshots, so it never waits: stale or missing data asks for a
background sync and the page renders at once. While a sync runs the status fragment polls
every second, and so it does while MusicBrainz matches for the page's albums may land,
else every ten; when the data's ETag moves it swaps the sections in out of band, so badges
fill in as enrichment decides.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from trendcache.clock import utcnow
from trendcache.web.api.models import SECTIONS_DOC, SNAPSHOT_ERRORS
from trendcache.web.deps import Context, MarketScope, WebContext
from trendcache.web.pages.page_state import enrichment_progress, page_state, wants_sync
from trendcache.web.pages.viewer import ANONYMOUS, Viewer, viewer_of
from trendcache.web.served_views import ServedView
from trendcache.web.sessions import PRIVATE

router = APIRouter(tags=["pages"])


async def _current(context: WebContext, scope: str | None) -> tuple[ServedView, bool]:
    snapshot = context.snapshots.get(scope)
    if snapshot is None:
        raise HTTPException(503, "starting up: the trending snapshots are not built yet")
    requested = False
    if wants_sync(snapshot.document) and context.services.health.outage() is None:
        requested = await run_in_threadpool(context.syncs.request)
    return snapshot, requested


def _values(
    context: WebContext, snapshot: ServedView, requested: bool, viewer: Viewer
) -> dict[str, Any]:
    now = utcnow()
    progress = enrichment_progress(snapshot.document, context.snapshots.enrichment)
    return {
        "doc": snapshot.document,
        "etag": snapshot.etag,
        "market": snapshot.scope,
        "markets": context.markets,
        "state": page_state(
            snapshot.document,
            now,
            requested=requested,
            enriching=progress.active,
            outage=context.services.health.outage(),
        ),
        "enrichment": progress,
        "demo_note": context.demo_note,
        "viewer": viewer,
    }


@router.get(
    "/",
    response_class=HTMLResponse,
    summary="Browse page",
    description="New releases, popular albums and trending artists as a web page, for all "
    "markets or one. Never waits: stale or missing data queues a background sync and the "
    f"page fills in by itself.\n\n{SECTIONS_DOC}",
    responses=SNAPSHOT_ERRORS,
)
async def browse(request: Request, context: Context, scope: MarketScope) -> HTMLResponse:
    snapshot, requested = await _current(context, scope)
    viewer = await viewer_of(request, context, with_collection=True)
    return context.templates.TemplateResponse(
        request,
        "browse.html",
        _values(context, snapshot, requested, viewer),
        headers=PRIVATE if viewer.signed_in else None,
    )


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
    shown: Annotated[
        str | None, Query(max_length=100, description="ETag of the sections on the page.")
    ] = None,
) -> HTMLResponse:
    snapshot, requested = await _current(context, scope)
    swap_sections = shown != snapshot.etag
    # Only new sections need to know the viewer (their "Add to collection" buttons).
    viewer = await viewer_of(request, context, with_collection=True) if swap_sections else ANONYMOUS
    values = _values(context, snapshot, requested, viewer)
    values["swap_sections"] = swap_sections
    return context.templates.TemplateResponse(request, "fragments/status.html", values)

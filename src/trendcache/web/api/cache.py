"""`GET /api/cache/trending`: the seed's fast cache read, served from memory.

The documented route below is complete on its own. `serve_raw` answers the common exact
requests (GET or HEAD, `?market=XX` or no query) before FastAPI's routing, validation and
response machinery, which cost more than the rest of the request put together (see
benchmarks/read_path.py); anything else falls through to the route. Its security headers
are in the snapshot's (see `headers.py`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from starlette.types import Scope, Send

from trendcache.web.api.models import (
    SECTIONS_DOC,
    SNAPSHOT_ERRORS,
    TrendingResponse,
    TrendingView,
)
from trendcache.web.deps import Context, MarketScope
from trendcache.web.served_views import ServedView, ServedViews

PATH = "/api/cache/trending"
router = APIRouter(tags=["cache"])

DESCRIPTION = f"""
The trending views as last synced, answered from memory: this never waits on the database
or on Spotify. Without `market`, the view across every configured market.

Alongside the view: `fetchedAt`, `expires`, `stale` (now past `expires`, or no data yet),
`refreshing` (a sync runs now), `error` (why the last refresh failed, while this older data
is served), `pausedUntil`/`pauseReason` (a quota pause) and `tier`.

Every album carries `musicbrainz`: its MusicBrainz release, release-group and artist MBIDs,
how they were found (`method`), a `confidence` and a link, or `status: pending` until the
background enricher has tried it. Trending artists carry their MusicBrainz artist once a
matched album credits them, and `enrichment` counts the view's albums by state. Matches
land in place: the ETag changes with them.

Before the first sync the sections are empty and `fetchedAt` is null. Responses carry a
strong `ETag`; send it back in `If-None-Match` to get a 304 until something changes.

Compressed as `Accept-Encoding` asks (br, zstd or gzip; q-values honoured, br preferred at
equal q), from bodies compressed once per snapshot. Each encoding has its own ETag (the
identity one with `-br`, `-zstd` or `-gzip` inside the quotes); any of them revalidates.

What the sections mean, per Spotify access tier:

{SECTIONS_DOC}
"""


@router.get(
    PATH,
    response_model=TrendingResponse,
    summary="Cached trending music (fast)",
    description=DESCRIPTION,
    responses={
        304: {"description": "Not modified: the `If-None-Match` ETag is current."},
        **SNAPSHOT_ERRORS,
    },
)
async def cached_trending(
    request: Request,
    context: Context,
    scope: MarketScope,
    if_none_match: Annotated[str | None, Header(description="An ETag from before.")] = None,
    accept_encoding: Annotated[
        str | None, Header(description="br, zstd, gzip or identity, with q-values.")
    ] = None,
) -> Response:
    snapshot = context.built_snapshot(scope)
    return snapshot.prepared.response(request)


async def serve_raw(snapshots: ServedViews, scope: Scope, send: Send) -> int:
    """Answer an exact, common request straight from memory, and return its status;
    0 to let FastAPI route it."""
    method = scope["method"]
    if method != "GET" and method != "HEAD":
        return 0
    snapshot = snapshots.for_query(scope["query_string"])
    if snapshot is None:
        return 0
    return await snapshot.prepared.send(scope, send)


def view_of(snapshot: ServedView) -> dict[str, Any]:
    """The view alone, without the cache state around it."""
    return {key: snapshot.document[key] for key in TrendingView.model_fields}

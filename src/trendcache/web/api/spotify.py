"""`GET /api/spotify/trending`: a market's new releases in Spotify's own paging shape.

The seed's "raw Spotify data" endpoint, with our cache in between: it reads the
`spotify_new_releases:XX` row and pages it as Spotify would, links pointing back here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.pipeline.cache_reads import cached_row, last_sync_error
from trendcache.pipeline.keys import new_releases_key
from trendcache.pipeline.sync.spotify_source import SPOTIFY
from trendcache.web.api.models import Message, NewReleasesResponse, SpotifyErrorResponse
from trendcache.web.deps import Context, ListingMarket

router = APIRouter(tags=["spotify"])
MAX_OFFSET = 10_000

DESCRIPTION = """
A market's new releases exactly as Spotify shapes them (`{"albums": Paging}` of
SimplifiedAlbumObjects, every synced page merged), sliced by `limit` and `offset` like
Spotify's own endpoint; `next`, `previous` and `href` point back at this endpoint.

Served from the cache. `X-Cache: fresh` or `stale`; a stale answer also queues a
background sync. With no data at all the request runs the first sync (one at a time,
shared by every caller) and waits for it; if that fails: 503 with the reason.

Rate limited per client address to API_RATE_LIMIT_PER_MINUTE requests in any 60 seconds;
past that, 429 with `Retry-After` (seconds) and Spotify's error body. With REDIS_URL set
the count is shared by every web process (while Redis is unavailable: 503); without it,
each process counts its own.
"""


@dataclass(frozen=True)
class Listing:
    data: dict[str, Any]
    expires: datetime


def read_listing(database: Database, market: str) -> Listing | None:
    row = cached_row(database, new_releases_key(market))
    return Listing(row.data, row.expires) if row else None


def spotify_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"status": status, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


@router.get(
    "/api/spotify/trending",
    response_model=NewReleasesResponse,
    summary="New releases, Spotify-shaped (rate limited)",
    description=DESCRIPTION,
    responses={
        400: {"model": Message, "description": "A market this server does not track."},
        429: {"model": SpotifyErrorResponse, "description": "Rate limit exceeded."},
        503: {"model": SpotifyErrorResponse, "description": "No data, and syncing failed."},
    },
)
async def spotify_new_releases(
    request: Request,
    context: Context,
    market: ListingMarket,
    limit: Annotated[int, Query(ge=1, le=50, description="Items per page, 1-50.")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Index of the first.")] = 0,
) -> JSONResponse:
    client = request.client.host if request.client else "unknown"
    retry_after = await run_in_threadpool(context.limiter.acquire, client)
    if retry_after is not None:
        context.metrics.rate_limited()
        return spotify_error(429, "API rate limit exceeded", {"Retry-After": str(retry_after)})
    database = context.services.database
    listing = await run_in_threadpool(read_listing, database, market)
    if listing is None:
        result = await context.syncs.join("api")
        listing = await run_in_threadpool(read_listing, database, market)
        if listing is None:
            error = (result and result.error) or await run_in_threadpool(
                last_sync_error, database, SPOTIFY
            )
            return spotify_error(503, f"no data for {market} yet: {error or 'sync pending'}")
    stale = utcnow() >= listing.expires
    status = context.snapshots.status
    if stale and not (status and status.refreshing):
        await run_in_threadpool(context.syncs.request)
    base = str(request.url_for("spotify_new_releases"))
    body = page(listing.data["albums"], base, market, limit, offset)
    return JSONResponse(body, headers={"X-Cache": "stale" if stale else "fresh"})


def page(albums: dict[str, Any], base: str, market: str, limit: int, offset: int) -> dict[str, Any]:
    items = albums["items"]
    total = len(items)

    def link(at: int) -> str:
        return f"{base}?{urlencode({'market': market, 'offset': at, 'limit': limit})}"

    return {
        "albums": {
            "href": link(offset),
            "items": items[offset : offset + limit],
            "limit": limit,
            "next": link(offset + limit) if offset + limit < total else None,
            "offset": offset,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "total": total,
        }
    }

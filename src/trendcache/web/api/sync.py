"""`GET /api/spotify/sync`: the seed's `syncSpotifyData`, waiting or not."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from trendcache.web.api.cache import view_of
from trendcache.web.api.models import SECTIONS_DOC, Message, SyncResponse
from trendcache.web.auth import Credentials, admin_user
from trendcache.web.background import WAIT_SECONDS
from trendcache.web.deps import Context

router = APIRouter(tags=["sync"])

DESCRIPTION = f"""
Trigger a sync with Spotify and return the cached view across all markets.

A fresh cache costs no Spotify request (`source: cache`); a stale one is fetched once,
however many callers ask at the same time, in however many processes (`source: fresh` for
the caller that fetched). A failed fetch keeps the older data and reports `error`; during a
quota pause nothing is sent to Spotify until `pausedUntil`; after failed syncs, none is
tried again until the failure backoff has passed (`error` says until when).

- `wait=true` (default): returns when the sync has finished, with its data, or after
  {WAIT_SECONDS:.0f} s with what is cached and `refreshing: true` if it still runs. Every
  caller in a process shares one sync and holds no server thread while it waits.
- `wait=false`: queues a background sync and returns at once with what is cached now.
- `force=true`: sync even if the cache is still fresh or failures back off (a quota pause
  still applies). It spends Spotify budget, so it needs an admin's API token
  (`trendcache users create --admin`): 401 without a valid token, 403 for a plain user.

{SECTIONS_DOC}
"""


@router.get(
    "/api/spotify/sync",
    response_model=SyncResponse,
    summary="Sync with Spotify, then return the cached view",
    description=DESCRIPTION,
    # The token is optional: only `force=true` needs one (an admin's).
    openapi_extra={"security": [{}, {"apiToken": []}]},
    responses={
        401: {"model": Message, "description": "`force=true` without a valid API token."},
        403: {"model": Message, "description": "`force=true` with a plain user's token."},
        503: {"model": Message, "description": "The app is still starting."},
    },
)
async def sync_spotify(
    context: Context,
    credentials: Credentials,
    wait: Annotated[bool, Query(description="Wait for the sync to finish.")] = True,
    force: Annotated[
        bool, Query(description="Sync even when the cache is fresh (an admin's token only).")
    ] = False,
) -> JSONResponse:
    """The body is built from the snapshot as is (no re-validation): same times as the cache."""
    if force:
        await run_in_threadpool(admin_user, context, credentials)
    queued, source, error = False, "cache", None
    if wait:
        result = await context.syncs.join("api", force=force)
        if result is not None:
            source, error = result.source, result.error
    else:
        queued = await run_in_threadpool(context.syncs.request, force=force)
    snapshot = context.snapshots.get(None)
    if snapshot is None:
        raise HTTPException(503, "starting up: the trending snapshots are not built yet")
    document = snapshot.document
    body: dict[str, Any] = {
        "source": source,
        "queued": queued,
        "data": view_of(snapshot),
        "fetchedAt": document["fetchedAt"],
        "expires": document["expires"],
        "stale": document["stale"],
        "refreshing": document["refreshing"],
        "error": error or document["error"],
        "pausedUntil": document["pausedUntil"],
        "pauseReason": document["pauseReason"],
    }
    return JSONResponse(body)

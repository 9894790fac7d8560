"""`GET /api/enrichment/status`: how far MusicBrainz enrichment has got, and whether it runs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.concurrency import run_in_threadpool

from trendcache.pipeline.enrichment.status import read_enrichment_status
from trendcache.web.api.models import SNAPSHOT_ERRORS, EnrichmentStatusResponse
from trendcache.web.deps import Context, MarketScope
from trendcache.web.enrichment_view import activity_of, enriching

router = APIRouter(tags=["enrichment"])

DESCRIPTION = """
Every album trendcache has seen is matched to MusicBrainz in the background. `counts` has
all of them by state (`pending`, `matched`, `needs_review`, `no_match`, `error`), the
matched ones by the level reached in `levels` (`release`: this very product;
`release_group`: the album as a work, its release unknown), with
`total`, `done` (decided), `due` (waiting for an attempt now) and `working` (being matched
right now). `disabled` says why nothing is matched, when that is so: MUSICBRAINZ_USER_AGENT
missing or not in the `App/version ( contact )` form MusicBrainz requires, say.

`albums` counts only the albums of the current trending view (of `market`, or all markets),
as the browse page shows them; `active` is true while matches for them may land soon.
"""


@router.get(
    "/api/enrichment/status",
    response_model=EnrichmentStatusResponse,
    summary="MusicBrainz enrichment progress",
    description=DESCRIPTION,
    responses=SNAPSHOT_ERRORS,
)
async def enrichment_status(context: Context, scope: MarketScope) -> dict[str, Any]:
    snapshot = context.snapshots.get(scope)
    if snapshot is None:
        raise HTTPException(503, "starting up: the trending snapshots are not built yet")
    status = await run_in_threadpool(read_enrichment_status, context.services.database)
    activity = activity_of(status, context.settings)
    albums = snapshot.document["enrichment"]
    return {
        **status.as_json(),
        "disabled": activity.disabled,
        "scope": scope or "all",
        "albums": albums,
        "active": enriching(activity, albums),
    }

"""`GET /api/stats/trending`: statistics over a window of the history, as JSON or CSV.

Computed from the derived history tables and kept in memory (`StatsCache`, in the web
context) until a new snapshot or enrichment decision lands, so the stats page and repeated
exports cost two index probes each.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from trendcache.pipeline.stats import compute as stats
from trendcache.pipeline.stats.results import TrendingStats
from trendcache.pipeline.stats.window import (
    DEFAULT_LIMIT,
    KNOWN_SOURCES,
    MAX_LIMIT,
    SOURCE_NAMES,
    StatsWindow,
    StatsWindowError,
    make_window,
)
from trendcache.web.api import stats_csv
from trendcache.web.api.models import Message
from trendcache.web.api.stats_csv import csv_filename
from trendcache.web.api.stats_json import stats_json
from trendcache.web.api.stats_models import TrendingStatsResponse
from trendcache.web.deps import Context, MarketScope, MomentText

router = APIRouter(tags=["statistics"])
PATH = "/api/stats/trending"


def _doc(module: Any) -> str:
    return (inspect.getdoc(module) or "").split("\n", 1)[1].strip()


DESCRIPTION = f"""
Statistics over a window of the sync history: what debuted, what moved, what stayed, whose
albums were everywhere, how alike the markets are, and how much of it MusicBrainz knows.

{_doc(stats)}

**Window.** `since` and `until` take RFC 3339 dates or date-times (`2026-11-20`,
`2026-11-20T06:00:00Z`; a time always with its offset); a date is a whole UTC day
(`since=2026-11-01&until=2026-11-30` is all of November). Without `until` the window ends
now; without `since` it starts 30 days before `until`. A value that is not a date or
date-time, an unknown `source` or `market`, or `since` after `until`: 400 with the reason;
an empty one (`since=`) or one of the wrong shape: 422.

**Sources and markets.** Spotify's new releases are listed per market; ListenBrainz's
top and fresh releases worldwide (market `XW`). A `market` keeps the worldwide listings,
which chart everywhere: `market=US` is Spotify's US listing and ListenBrainz's (the
window's `markets`). Albums ListenBrainz lists have ids `mb-<release group MBID>`; one that
Spotify lists too (its MusicBrainz match) is in `onBoth`.

**Caching.** Answers are kept in memory until a new snapshot or enrichment decision lands
(a window ending now is also recomputed after a minute).

**CSV** (`format=csv`): an attachment `trending-stats-<since>-<until>.csv` (UTC dates).
{_doc(stats_csv)}
"""

SinceQuery = Annotated[
    MomentText | None,
    Query(
        min_length=1,
        description="Window start: RFC 3339 date (its first moment) or date-time. "
        "Default: 30 days before `until`.",
        examples=["2026-11-01"],
    ),
]
UntilQuery = Annotated[
    MomentText | None,
    Query(
        min_length=1,
        description="Window end, inclusive: RFC 3339 date (the whole day) or date-time. "
        "Default: now.",
        examples=["2026-11-30"],
    ),
]
SourceQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        description="Only this listing source; all sources when absent: "
        + "; ".join(f"`{name}`: {label}" for name, label in SOURCE_NAMES.items())
        + ". ListenBrainz's listings are worldwide (market XW).",
        json_schema_extra={"enum": list(KNOWN_SOURCES)},
    ),
]
LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per list, 1-{MAX_LIMIT}.")
]
FormatQuery = Annotated[
    Literal["json", "csv"],
    Query(alias="format", description="`json`, or `csv` for a download (see above)."),
]


def window_of(
    since: str | None,
    until: str | None,
    source: str | None,
    market: str | None,
    limit: int = DEFAULT_LIMIT,
) -> StatsWindow:
    """The window, or a 400 that says what is wrong with it."""
    try:
        return make_window(since, until, source, market, limit)
    except StatsWindowError as exc:
        raise HTTPException(400, str(exc)) from None


def csv_response(found: TrendingStats) -> Response:
    return Response(
        stats_csv.stats_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{csv_filename(found)}"'},
    )


@router.get(
    PATH,
    response_model=TrendingStatsResponse,
    summary="Trending statistics over a window",
    description=DESCRIPTION,
    responses={
        200: {
            "description": "The statistics (JSON), or with `format=csv` a CSV attachment.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        400: {
            "model": Message,
            "description": "A window that is not one (not a date or date-time, or `since` "
            "after `until`), or a source or market this server does not have.",
        },
    },
)
async def trending_stats(
    context: Context,
    scope: MarketScope,
    since: SinceQuery = None,
    until: UntilQuery = None,
    source: SourceQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    format_: FormatQuery = "json",
) -> Response:
    window = window_of(since, until, source, scope, limit)
    found = await run_in_threadpool(context.stats.get, window)
    if format_ == "csv":
        return csv_response(found)
    return JSONResponse(stats_json(found))

"""The stats page (`/stats`): the trending statistics as charts and tables.

A GET form picks the window, market and source; the page renders server-side (SVG charts,
no script) from the same in-memory cache as `GET /api/stats/trending`, and links that
endpoint's CSV and JSON for exactly the window shown. A bad parameter re-renders the form
with the reason (400), so it can be corrected in place.

The page shows nothing but the statistics (no account, no CSRF token), so a window's page
is rendered once per `TrendingStats` the cache returns and kept prepared (`PreparedPages`,
every encoding, an ETag each, 304s): the same object means the same page, and the stats
cache hands out a new one when data lands, on `forget()` and, for a window ending now,
after its minute. Every window is kept so, not only the default one: compressing a page
once costs under a millisecond, a fraction of rendering it and far less than computing a
window's statistics, which a window seen for the first time needs anyway; a window asked
for again (a market picked in the form, a link passed around) is then a lookup.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import WithJsonSchema
from starlette.concurrency import run_in_threadpool

from trendcache.pipeline.moments import MOMENT_SCHEMA
from trendcache.pipeline.stats.results import TrendingStats
from trendcache.pipeline.stats.window import KNOWN_SOURCES, SOURCE_NAMES
from trendcache.web.api.stats_csv import when
from trendcache.web.api.trending_stats import PATH, window_of
from trendcache.web.deps import MARKETS_KEY, Context, known_market
from trendcache.web.pages import stats_charts as charts
from trendcache.web.pages.errors import html
from trendcache.web.prepared import HTML, prepare

router = APIRouter(tags=["pages"])
# The form sends every field, empty for "All" or a date left blank: empty means absent.
EMPTY = {"type": "string", "maxLength": 0}
Moment = Annotated[
    Annotated[str, WithJsonSchema({"anyOf": [EMPTY, *MOMENT_SCHEMA["anyOf"]]})] | None,
    Query(description="As in /api/stats/trending; empty: the default."),
]
Market = Annotated[
    str | None,
    Query(
        max_length=64,
        description="As in /api/stats/trending; empty: all markets.",
        json_schema_extra={MARKETS_KEY: "all markets"},
    ),
]
Source = Annotated[
    Annotated[str, WithJsonSchema({"type": "string", "enum": ["", *KNOWN_SOURCES]})] | None,
    Query(description="As in /api/stats/trending; empty: all sources."),
]
PAGE_LIMIT = 10
PAGES_BYTES = 4 << 20  # ~100 windows' pages (~25 KB, ~13 KB more compressed)


def export_url(found: TrendingStats, format_: str) -> str:
    """The API for exactly the window shown (its computed bounds, not "now")."""
    window = found.window
    params = {"since": when(window.since), "until": when(window.until)}
    if window.source:
        params["source"] = window.source
    if window.market:
        params["market"] = window.market
    return f"{PATH}?{urlencode({**params, 'limit': str(window.limit), 'format': format_})}"


def chart_values(found: TrendingStats) -> dict[str, Any]:
    return {
        "moves_chart": charts.movement_chart(found),
        "longest_chart": charts.longest_chart(found),
        "artists_chart": charts.artists_chart(found),
        "heat_map": charts.heat_map(found.overlap),
        "coverage": charts.coverage_segments(found),
        "coverage_rows": charts.coverage_rows(found),
        "csv_url": export_url(found, "csv"),
        "json_url": export_url(found, "json"),
    }


@router.get(
    "/stats",
    response_class=HTMLResponse,
    summary="Stats page",
    description="The trending statistics of `/api/stats/trending` as a web page: charts of "
    "climbers and fallers, longest-running albums, top artists, market overlap and "
    "MusicBrainz coverage, the albums on both Spotify's new releases and the ListenBrainz top "
    "with which listed each first, with tables and CSV/JSON exports of the window shown. A "
    "market keeps ListenBrainz's worldwide listings. An empty "
    "parameter counts as absent (the form's “All”).",
    responses={400: html("A bad window, market or source: the form again, with the reason.")},
)
async def stats_page(
    request: Request,
    context: Context,
    since: Moment = None,
    until: Moment = None,
    market: Market = None,
    source: Source = None,
) -> Response:
    values: dict[str, Any] = {
        "markets": context.markets,
        "sources": KNOWN_SOURCES,
        "source_names": SOURCE_NAMES,
        "form": {
            "since": since or "",
            "until": until or "",
            "market": market or "",
            "source": source or "",
        },
        "demo_note": context.demo_note,
        "error": None,
        "stats": None,
    }
    try:
        scope = known_market(context, market) if market else None
        window = window_of(since, until, source, scope, PAGE_LIMIT)
    except HTTPException as exc:
        values["error"] = exc.detail
        return context.templates.TemplateResponse(request, "stats.html", values, status_code=400)
    pages = context.stats_pages
    generation = pages.generation
    found = await run_in_threadpool(context.stats.get, window)
    prepared = pages.get(window.key, found)
    if prepared is None:
        values.update(stats=found, **chart_values(found))
        values["form"] = {
            "since": found.window.since.date().isoformat(),
            "until": found.window.until.date().isoformat(),
            "market": found.window.market or "",
            "source": found.window.source or "",
        }
        page = context.templates.TemplateResponse(request, "stats.html", values)
        prepared = prepare(bytes(page.body), HTML)
        pages.keep(window.key, found, prepared, generation)
    return prepared.response(request)

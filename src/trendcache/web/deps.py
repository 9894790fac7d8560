"""What routes receive: the app's `WebContext` and validated query parameters."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.templating import Jinja2Templates
from pydantic import WithJsonSchema

from trendcache.config import Settings
from trendcache.pipeline.moments import MOMENT_SCHEMA
from trendcache.pipeline.stats.cache import StatsCache
from trendcache.services import Services
from trendcache.web.background import SyncRequests
from trendcache.web.last_pages import LastPages
from trendcache.web.metrics import WebMetrics
from trendcache.web.prepared_pages import PreparedPages
from trendcache.web.ratelimit import ClientLimiter
from trendcache.web.rendered import Rendered
from trendcache.web.served_views import ServedView, ServedViews
from trendcache.web.sessions import SessionSigner
from trendcache.web.signins import SignInLimiter

MARKET_PATTERN = "^[A-Za-z]{2}$"
SPOTIFY, LISTENBRAINZ = "spotify", "listenbrainz"
SOURCES = (SPOTIFY, LISTENBRAINZ)  # what the browse page's `?source=` selects; both when absent
# `openapi.py` documents a parameter whose schema holds this key as one of the configured
# markets, in any case; the key's value says whether an empty value counts as "all markets"
# (as a form's "All" sends it) or is refused.
MARKETS_KEY = "x-configured-markets"
# A `since` or `until` as sent, documented as `parse_moment` reads it (which the route does).
MomentText = Annotated[str, WithJsonSchema(MOMENT_SCHEMA)]


@dataclass
class WebContext:
    """Everything one app serves from, built once in `create_app`."""

    services: Services
    snapshots: ServedViews
    stats: StatsCache  # the trending statistics computed so far, per process
    syncs: SyncRequests
    limiter: ClientLimiter  # per client on /api/spotify/trending, shared by processes with Redis
    metrics: WebMetrics
    templates: Jinja2Templates
    rendered: Rendered  # pages the same for every visitor, rendered once per what they show
    last_pages: LastPages  # each scope's last browse page, for the lean path
    demo_note: str | None
    sessions: SessionSigner
    sign_ins: SignInLimiter  # sign-in attempts per client and per name, shared by processes
    stats_pages: PreparedPages[Hashable]  # the stats page by window, per statistics computed
    album_pages: PreparedPages[str]  # album pages by id, per data stamp
    feeds: PreparedPages[Hashable]  # Atom feeds by scope, source and base URL, per snapshot

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def markets(self) -> list[str]:
        return self.services.settings.spotify_markets

    def built_snapshot(self, scope: str | None) -> ServedView:
        """The scope's served view; 503 while the first build has not finished."""
        snapshot = self.snapshots.get(scope)
        if snapshot is None:
            raise HTTPException(503, "starting up: the trending snapshots are not built yet")
        return snapshot


def get_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context


Context = Annotated[WebContext, Depends(get_context)]

MarketQuery = Annotated[
    str | None,
    Query(
        pattern=MARKET_PATTERN,
        description="ISO 3166-1 alpha-2 market, one of the configured SPOTIFY_MARKETS "
        "(in any case).",
        json_schema_extra={MARKETS_KEY: "refused"},
    ),
]


def known_market(context: WebContext, market: str) -> str:
    market = market.upper()
    if market not in context.markets:
        raise HTTPException(
            400,
            f"unknown market {market!r}: this server tracks "
            f"{', '.join(context.markets)} (see SPOTIFY_MARKETS)",
        )
    return market


def scope_of(context: Context, market: MarketQuery = None) -> str | None:
    """The requested market, or None for the view across all markets."""
    return None if market is None else known_market(context, market)


def listing_market(context: Context, market: MarketQuery = None) -> str:
    """The requested market, or the first configured one."""
    return context.markets[0] if market is None else known_market(context, market)


MarketScope = Annotated[str | None, Depends(scope_of)]

SourceQuery = Annotated[
    str | None,
    Query(
        max_length=20,
        description="What the page shows: `spotify` (new releases, popular albums, trending "
        "artists) or `listenbrainz` (the Listeners' chart); both when absent.",
        examples=list(SOURCES),
        # Documented as the choices; anything else is a 400 that names them (like a market).
        json_schema_extra={"enum": list(SOURCES)},
    ),
]


def source_of(source: SourceQuery = None) -> str | None:
    """The requested source, or None for both; a 400 that names the choices otherwise."""
    if source is None or source == "":
        return None
    if source.lower() not in SOURCES:
        raise HTTPException(
            400, f"unknown source {source!r}: one of {', '.join(SOURCES)} (or none for both)"
        )
    return source.lower()


SourceScope = Annotated[str | None, Depends(source_of)]
ListingMarket = Annotated[str, Depends(listing_market)]

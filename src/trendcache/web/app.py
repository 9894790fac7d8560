"""The web app: built from a `Services` (and optionally a task queue), nothing global.

`TrendcacheApp` answers the hottest request, `GET /api/cache/trending`, before FastAPI's
routing (see `api/cache.py`); every other request, and every unusual form of that one, goes
through FastAPI as usual, where the route is also documented.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.types import Receive, Scope, Send

from trendcache.pipeline.counters import forget_snapshot, record_snapshot
from trendcache.pipeline.heartbeats import this_worker
from trendcache.pipeline.stats.cache import StatsCache
from trendcache.services import Services
from trendcache.tasks import TaskQueue
from trendcache.web.api import (
    albums,
    cache,
    collection,
    enrichment,
    notifications,
    spotify,
    status,
    sync,
)
from trendcache.web.api import trending_stats as stats_api
from trendcache.web.background import SyncRequests
from trendcache.web.deps import WebContext
from trendcache.web.docs import install_docs
from trendcache.web.feeds import new_releases as new_releases_feed
from trendcache.web.headers import CSP, FIXED, SecurityHeaders, page_policy, plain_http_origin
from trendcache.web.last_pages import LastPages
from trendcache.web.methods import HeadAndOptions, method_not_allowed
from trendcache.web.metrics import WebMetrics
from trendcache.web.openapi import install_openapi
from trendcache.web.outages import UNAVAILABLE, install_outage_handlers
from trendcache.web.pages import account, album, browse, browse_bodies, errors, format, stats_page
from trendcache.web.pages import collection as collection_page
from trendcache.web.pages import follows as follows_page
from trendcache.web.pages.admin import page as admin_page
from trendcache.web.pages.admin import review as admin_review
from trendcache.web.pages.admin import sync as admin_sync
from trendcache.web.prepared_pages import PreparedPages
from trendcache.web.ratelimit import client_rate_limiter
from trendcache.web.rendered import Rendered
from trendcache.web.request_metrics import RequestCounter, RequestMetrics
from trendcache.web.secret_key import secret_key
from trendcache.web.served_views import ServedViews
from trendcache.web.sessions import SessionSigner
from trendcache.web.signins import SignInLimiter
from trendcache.web.static_assets import StaticAssets
from trendcache.web.static_route import StaticRoute

HERE = Path(__file__).parent
# No route takes more than a form or a small JSON object: FastAPI answers 413 to a larger
# body before reading it (by its Content-Length) or as soon as a streamed one passes this.
MAX_BODY_BYTES = 16 * 1024

DESCRIPTION = """
New and trending music from the Spotify Web API, synced every CACHE_DURATION_HOURS (or on
demand when stale), cached in a database, and served from memory.

Reads never wait on Spotify: `/api/cache/trending` and the browse page answer from the
cache, and ask for a background sync when it is stale.

Every album is matched to MusicBrainz in the background: its release, release-group and
artist MBIDs show in the trending items as they land (`/api/enrichment/status` for the
progress).
"""


class TrendcacheApp(FastAPI):
    context: WebContext
    requests: RequestCounter  # web requests counted, the lean path's too

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            start = time.perf_counter()
            if path == cache.PATH:
                status = await cache.serve_raw(self.context.snapshots, scope, send)
            elif path == browse.PATH:
                status = await browse.serve_raw(self.context, scope, send)
            else:
                status = 0
            if status:
                self.requests.record(path, scope["method"], status, time.perf_counter() - start)
                return
        await super().__call__(scope, receive, send)


def create_app(
    services: Services,
    queue: TaskQueue | None = None,
    *,
    demo_note: str | None = None,
    on_stop: Callable[[], object] | None = None,
) -> TrendcacheApp:
    """The web app over `services`; `on_stop` runs last when it stops serving (`trendcache
    web` closes its services there, `serve` after its server returns)."""
    metrics = WebMetrics(
        services.database,
        sources=[services.syncer.source.name],
        spotify_budget=services.settings.spotify_daily_request_budget,
        health=services.health,
        snapshots_built=lambda: snapshots.get(None) is not None,
        tally=services.tally,
    )

    def rebuilt(reason: str) -> None:  # on the snapshot thread, after each rebuild
        metrics.rebuilt(reason)
        if reason != "start":  # at start, each scope's first visitor renders it
            browse.warm(context)

    snapshots = ServedViews(services, on_rebuild=rebuilt)
    serving = threading.Event()

    def report_snapshot() -> None:  # every flush, while the app serves
        if serving.is_set() and snapshots.current_at is not None:
            record_snapshot(services.database, this_worker(), snapshots.current_at)

    services.flusher.also(report_snapshot)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    format.install(env)
    assets = StaticAssets(HERE / "static")
    env.globals["static_url"] = assets.url
    # Plain-http covers come from the emulators only: Spotify's, and the Cover Art
    # Archive's (the ListenBrainz emulator stands in for it in the demo).
    covers = [
        *plain_http_origin(services.settings.spotify_api_base_url),
        *plain_http_origin(services.settings.cover_art_archive_base_url),
    ]
    page_csp = page_policy(covers)
    syncs = SyncRequests(services, queue)
    syncs.on_synced.append(snapshots.refresh)
    stats = StatsCache(services.database)
    services.on_change(stats.forget)  # a change its stamp may not show (a backfill's)
    stats_pages: PreparedPages[Hashable] = PreparedPages(stats_page.PAGES_BYTES)
    album_pages: PreparedPages[str] = PreparedPages(album.PAGES_BYTES)
    services.on_change(stats_pages.forget)
    services.on_change(album_pages.forget)
    feeds: PreparedPages[Hashable] = PreparedPages(new_releases_feed.FEEDS_BYTES)
    services.on_change(feeds.forget)  # a backfill may move first sightings, not snapshots
    context = WebContext(
        services=services,
        snapshots=snapshots,
        stats=stats,
        syncs=syncs,
        limiter=client_rate_limiter(services.settings),
        metrics=metrics,
        templates=Jinja2Templates(env=env),
        rendered=Rendered(
            env, [*FIXED, (CSP, page_csp.encode())], PreparedPages(browse_bodies.PAGES_BYTES)
        ),
        last_pages=LastPages(),
        demo_note=demo_note,
        sessions=SessionSigner(secret_key(services.settings)),
        sign_ins=SignInLimiter(services.settings),
        stats_pages=stats_pages,
        album_pages=album_pages,
        feeds=feeds,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        snapshots.start()
        services.listen()  # other processes' changes: snapshots and statistics at once
        services.health.watch()
        serving.set()
        services.flusher.start()  # stopped, with a last flush, by `services.close()`
        try:
            yield
        finally:
            serving.clear()
            forget_snapshot(services.database, this_worker())
            services.stop_listening()
            services.health.stop_watching()
            syncs.close()
            snapshots.stop()
            context.sign_ins.close()
            context.limiter.close()
            if on_stop is not None:
                on_stop()

    app = TrendcacheApp(
        title="trendcache",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        max_body_size=MAX_BODY_BYTES,
    )
    app.context = context
    app.requests = RequestCounter(services.tally)
    app.state.web = context
    if queue is not None:
        services.health.add("queue", queue.ping)
    for router in (
        cache.router,
        enrichment.router,
        sync.router,
        spotify.router,
        collection.router,
        notifications.router,
        albums.router,
        stats_api.router,
    ):
        app.include_router(router, responses=UNAVAILABLE)
    for router in (
        status.router,
        browse.router,
        album.router,
        account.router,
        collection_page.router,
        follows_page.router,
        stats_page.router,
        new_releases_feed.router,
        admin_page.router,
        admin_sync.router,
        admin_review.router,
    ):
        app.include_router(router)
    app.add_exception_handler(errors.PageError, errors.render)
    app.add_exception_handler(405, method_not_allowed)
    install_outage_handlers(app)
    app.router.routes.append(StaticRoute(assets))
    install_openapi(app, services.settings.spotify_markets)
    install_docs(app, assets.url)
    app.add_middleware(HeadAndOptions)
    app.add_middleware(SecurityHeaders, page_csp=page_csp)
    app.add_middleware(RequestMetrics, counter=app.requests)  # outermost: times it all
    return app

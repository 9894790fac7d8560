"""`trendcache serve`: the whole product in one process on the embedded default.

Migrations and data steps, the queue consumer (threads), the scheduler, a first sync of
each source whose cache is empty or stale, and the web server; with no credentials, the
Spotify emulator as well.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from uvicorn import Server

from trendcache import heap
from trendcache.config import LISTENBRAINZ_API, AccessTier, Settings
from trendcache.demo import check_demo_allowed, start_demo
from trendcache.logs import Redactor
from trendcache.pipeline.data_steps.prepare import prepare_database
from trendcache.pipeline.sync.spotify_source import SPOTIFY
from trendcache.services import Services
from trendcache.startup import check_listen, starting
from trendcache.tasks import TaskQueue
from trendcache.web.app import create_app
from trendcache.web.server import server_config

log = logging.getLogger(__name__)


def serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    demo_tier: AccessTier,
    redactor: Redactor,
    announce: Callable[[str], None],
) -> None:
    demo = None
    demo_note = None
    check_listen(host, port)  # before anything starts: a port in use is one line, not a log
    if not settings.has_spotify_credentials:
        check_demo_allowed(settings)  # before touching any configured database or Redis
    with starting(settings):
        if not settings.has_spotify_credentials:
            settings, demo, notice = start_demo(settings, demo_tier)
            if settings.listenbrainz_base_url == LISTENBRAINZ_API:  # no emulator for it
                settings = settings.model_copy(update={"listenbrainz_enabled": False})
            demo_note = "Demo data from the built-in Spotify and MusicBrainz emulators"
            announce(notice)
        if settings.spotify_client_secret is not None:
            redactor.add(settings.spotify_client_secret.get_secret_value())
        services = Services(settings)
        prepare_database(services.database)
        queue = TaskQueue(settings, lambda: services)
        services.on_queued(queue.request_enrichment)
        stale = [name for name, syncer in services.syncers.items() if not syncer.is_fresh()]
    consumer = queue.consumer(workers=3, schedule=True)
    consumer.start()
    moved = demo is not None and demo.moved
    if moved:
        queue.request_sync("on_demand", force=True)  # the cache's URLs name the old ports
    for name in stale:  # each source's first sync, when its cache is empty or stale
        if not (moved and name == SPOTIFY):
            queue.request_sync("on_demand", source=name)
    queue.request_enrichment()
    app = create_app(services, queue, demo_note=demo_note)
    config = server_config(app, settings, host, port, timeout_graceful_shutdown=5)
    app.context.stats.warm()  # before the heap settles: the mirror lives as long as the process
    heap.settle()
    announce(f"trendcache is serving on http://{host}:{port}")
    try:
        Server(config).run()
    finally:
        consumer.stop(graceful=True)
        services.close()
        if demo is not None:
            demo.stop()

"""`trendcache serve`: the whole product in one process on the embedded default.

Migrations and data steps, the queue consumer (threads), the scheduler, a first sync of
each source whose cache is empty or stale, and the web server; with no credentials, the
emulators as well, and on the demo's first start its weeks of history, built in the
background while the page already serves (`trendcache.demo_history`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from uvicorn import Server

from trendcache import heap
from trendcache.config import AccessTier, Settings
from trendcache.demo import check_demo_allowed, start_demo
from trendcache.demo_history import DemoHistory, DemoNote
from trendcache.logs import Redactor
from trendcache.pipeline.data_steps.prepare import prepare_database
from trendcache.services import Services
from trendcache.startup import check_listen, starting
from trendcache.tasks import TaskQueue
from trendcache.web.app import create_app
from trendcache.web.server import server_config

log = logging.getLogger(__name__)
STOP_BUILDING_SECONDS = 10.0  # the day being written finishes; the next start resumes


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
    history = None
    check_listen(host, port)  # before anything starts: a port in use is one line, not a log
    if not settings.has_spotify_credentials:
        check_demo_allowed(settings)  # before touching any configured database or Redis
    with starting(settings):
        if not settings.has_spotify_credentials:
            settings, demo, notice = start_demo(settings, demo_tier)
            demo_note = (
                "Demo data from the built-in Spotify, ListenBrainz and MusicBrainz emulators"
            )
            announce(notice)
        if settings.spotify_client_secret is not None:
            redactor.add(settings.spotify_client_secret.get_secret_value())
        services = Services(settings)
        prepare_database(services.database)
        queue = TaskQueue(settings, lambda: services)
        services.on_queued(queue.request_enrichment)
        stale = [name for name, syncer in services.syncers.items() if not syncer.is_fresh()]
        if demo is not None:
            history = DemoHistory(services.database, services.syncers, demo.move_to)
            if history.begin():  # holds background syncs before the queue can start one
                demo_note = DemoNote(demo_note or "", history)
            else:
                history = None
    consumer = queue.consumer(workers=3, schedule=True)
    consumer.start()
    if history is not None and demo is not None:
        today = demo.spotify.today

        def build() -> None:
            if history.run(today):
                for name in services.syncers:  # the 28th day: today, live
                    queue.request_sync("on_demand", source=name)

        building = threading.Thread(target=build, name="demo-history", daemon=True)
        building.start()
    elif demo is not None and demo.moved:
        for name in services.syncers:  # the cached URLs (covers, links) name the old ports
            queue.request_sync("on_demand", force=True, source=name)
    else:
        for name in stale:  # each source's first sync, when its cache is empty or stale
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
        if history is not None:
            history.stop()
            building.join(timeout=STOP_BUILDING_SECONDS)
        consumer.stop(graceful=True)
        services.close()
        if demo is not None:
            demo.stop()

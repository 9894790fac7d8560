"""`trendcache web`: the web app only, in one process or several (uvicorn's own workers).

No queue consumer and no schedule run here: a stale read or an API call enqueues its sync
on the shared queue (huey on Redis, or on the SQLite file in DATA_DIR) for a
`trendcache worker` to run. With `processes` above one, uvicorn's supervisor binds the
port once and starts that many worker processes (a fresh interpreter each: uvicorn spawns
them) sharing the socket, restarts one that dies, and passes SIGTERM on for a graceful
stop. Each builds its own app from the environment through `web_app`, the factory uvicorn
imports by name, so settings reach it exactly as they reached the command. Migrations run
once, in the supervising process, before any web process starts.
"""

from __future__ import annotations

from collections.abc import Callable

from uvicorn import Server
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from trendcache import heap
from trendcache.config import Settings, load_settings
from trendcache.pipeline.data_steps.prepare import prepare_database
from trendcache.services import Services
from trendcache.startup import check_listen, configured_logging, starting
from trendcache.tasks import TaskQueue
from trendcache.web.app import TrendcacheApp, create_app
from trendcache.web.server import server_config

FACTORY = f"{__name__}:web_app"


def web_app() -> TrendcacheApp:
    """One web process's app, built from the environment (uvicorn calls it in each)."""
    settings = load_settings()
    configured_logging(settings)
    services = Services(settings)
    queue = TaskQueue(settings, lambda: services)
    services.on_queued(queue.request_enrichment)  # a waiting sync run here queues albums
    app = create_app(services, queue, on_stop=services.close)
    app.context.stats.warm()
    heap.settle()
    return app


def run_web(
    settings: Settings, host: str, port: int, processes: int, announce: Callable[[str], None]
) -> int:
    """Serve until stopped; the exit status: 0, or STARTUP_FAILURE (3, as uvicorn's) when
    a web process could not start (its error is in the log)."""
    check_listen(host, port)
    with starting(settings):
        services = Services(settings)
        try:
            prepare_database(services.database)
            TaskQueue(settings, lambda: services).ping()  # the queue the syncs go to
        finally:
            services.close()
    config = server_config(
        FACTORY, settings, host, port, factory=True, workers=processes, timeout_graceful_shutdown=5
    )
    announce(f"trendcache web is serving on http://{host}:{port} ({processes} processes)")
    if processes == 1:
        server = Server(config)
        server.run()
        return 0 if server.started else STARTUP_FAILURE
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()  # until SIGTERM or SIGINT, or a web process that could not start
    failed = any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes)
    return STARTUP_FAILURE if failed else 0

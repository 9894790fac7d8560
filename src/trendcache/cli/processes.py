"""`trendcache serve`, `web` and `worker`: the long-running processes (the three roles)."""

from __future__ import annotations

from typing import Annotated

import typer

from trendcache.cli.shared import (
    console,
    errors,
    migrated_services,
    require_credentials,
    settings_or_exit,
)
from trendcache.config import AccessTier


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    demo_tier: Annotated[
        AccessTier, typer.Option(help="Spotify tier the demo emulator plays (no credentials).")
    ] = AccessTier.EXTENDED,
) -> None:
    """Run everything: web server, queue consumer, schedule (demo data without credentials)."""
    from trendcache.serve import serve as run

    settings, redactor = settings_or_exit()
    run(settings, host, port, demo_tier=demo_tier, redactor=redactor, announce=console.print)


def web(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    processes: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Web processes sharing the port (more than 1 needs REDIS_URL)."
        ),
    ] = 1,
) -> None:
    """Run the web app only (scale-out): its syncs are queued for `trendcache worker`."""
    from trendcache.web_processes import run_web

    settings, _ = settings_or_exit()
    require_credentials(settings, "web")
    if processes > 1 and not settings.redis_url:
        errors.print(
            f"trendcache web: --processes {processes} needs REDIS_URL (on the embedded SQLite "
            "queue run one web process, or `trendcache serve`)"
        )
        raise typer.Exit(2)
    status = run_web(settings, host, port, processes, announce=console.print)
    if status:
        raise typer.Exit(status)


def worker(
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker threads.")] = 2,
    schedule: Annotated[
        bool,
        typer.Option(
            help="Run the schedule too (the default): every worker may, one fires each period."
        ),
    ] = True,
    scheduler: Annotated[
        bool,
        typer.Option(
            "--scheduler",
            help="No longer needed (every worker runs the schedule); accepted and ignored.",
        ),
    ] = False,
) -> None:
    """Run a dedicated queue worker (scale-out: REDIS_URL and DATABASE_URL set)."""
    from trendcache.tasks import TaskQueue

    settings, _ = settings_or_exit()
    require_credentials(settings, "worker")
    with migrated_services(settings) as services:
        queue = TaskQueue(settings, lambda: services)
        services.on_queued(queue.request_enrichment)
        runs = "on" if schedule else "off"
        console.print(f"trendcache worker: {workers} threads, schedule {runs}")
        queue.consumer(workers, schedule=schedule, embedded=False).run()

"""`trendcache serve` and `trendcache worker`: the long-running processes."""

from __future__ import annotations

from typing import Annotated

import typer

from trendcache.cli.shared import console, migrated_services, require_credentials, settings_or_exit
from trendcache.config import AccessTier


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    demo_tier: Annotated[
        AccessTier, typer.Option(help="Spotify tier the demo emulator plays (no credentials).")
    ] = AccessTier.EXTENDED,
) -> None:
    """Run everything: web server, queue consumer, scheduler (demo data without credentials)."""
    from trendcache.serve import serve as run

    settings, redactor = settings_or_exit()
    run(settings, host, port, demo_tier=demo_tier, redactor=redactor, announce=console.print)


def worker(
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker threads.")] = 2,
    scheduler: Annotated[
        bool, typer.Option(help="Also run the periodic schedule (run exactly one of these).")
    ] = False,
) -> None:
    """Run a dedicated queue worker (scale-out: REDIS_URL and DATABASE_URL set)."""
    from trendcache.tasks import TaskQueue

    settings, _ = settings_or_exit()
    require_credentials(settings, "worker")
    with migrated_services(settings) as services:
        queue = TaskQueue(settings, lambda: services)
        services.on_queued(queue.request_enrichment)
        schedule = "on" if scheduler else "off"
        console.print(f"trendcache worker: {workers} threads, scheduler {schedule}")
        queue.consumer(workers, periodic=scheduler, embedded=False).run()

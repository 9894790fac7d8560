"""`trendcache sync` and `trendcache enrich`: the background jobs, run now in the foreground
with a progress bar."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from trendcache.cli.shared import (
    console,
    errors,
    migrated_services,
    require_credentials,
    settings_or_exit,
)


def columns() -> tuple[ProgressColumn, ...]:
    return (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())


def sync(
    force: Annotated[
        bool,
        typer.Option(help="Fetch even if the cache is fresh or failed syncs back off."),
    ] = False,
) -> None:
    """Sync from Spotify now, in the foreground, with a progress bar."""
    settings, _ = settings_or_exit()
    require_credentials(settings, "sync")
    with (
        migrated_services(settings) as services,
        Progress(*columns(), console=console, transient=True) as progress,
    ):
        task = progress.add_task("Syncing from Spotify: 0 requests", total=None)

        def tick() -> None:
            progress.advance(task)
            done = int(progress.tasks[0].completed)
            progress.update(task, description=f"Syncing from Spotify: {done} requests")

        result = services.syncer.sync("cli", force=force, on_request=tick)
    if result.source == "cache" and result.error is None:
        console.print("The cache is fresh; nothing fetched (use --force to fetch anyway).")
        return
    table = Table(show_header=False, box=None)
    for label, value in (
        ("source", result.source),
        ("tier", result.tier or "-"),
        ("albums", result.albums),
        ("album details fetched", result.hydrated),
        ("requests", result.requests),
    ):
        table.add_row(label, str(value))
    console.print(table)
    if result.error:
        errors.print(f"trendcache sync: {result.error}", markup=False)
        raise typer.Exit(1)


def enrich(
    max_batches: Annotated[int, typer.Option(min=1, help="Stop after this many batches.")] = 1000,
) -> None:
    """Match due albums to MusicBrainz now, in the foreground, with a progress bar."""
    from trendcache.pipeline.enrichment.status import read_enrichment_status

    settings, _ = settings_or_exit()
    require_credentials(settings, "enrich")
    with migrated_services(settings) as services:
        if services.enricher.connector() is None:
            reason = read_enrichment_status(services.database).disabled
            errors.print(f"trendcache enrich: {reason}", markup=False)
            raise typer.Exit(2)
        due = read_enrichment_status(services.database).due
        with Progress(*columns(), console=console) as progress:
            task = progress.add_task("Matching albums to MusicBrainz", total=due or None)
            results = services.enricher.run_until_idle(
                max_batches, on_batch=lambda batch: progress.advance(task, batch.albums)
            )
        status = read_enrichment_status(services.database)
    table = Table(show_header=False, box=None)
    for label, value in (
        ("batches", len(results)),
        ("MusicBrainz requests", sum(r.requests for r in results)),
        *status.counts.items(),
    ):
        table.add_row(str(label).replace("_", " "), str(value))
    console.print(table)
    failed = [r.error for r in results if r.error]
    if failed:
        errors.print(f"trendcache enrich: {failed[-1]}", markup=False)
        raise typer.Exit(1)

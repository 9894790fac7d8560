"""`trendcache sync` and `trendcache enrich`: the background jobs, run now in the foreground
with a progress bar."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from trendcache.pipeline.sync.syncer import Syncer


def columns() -> tuple[ProgressColumn, ...]:
    return (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())


class SyncSource(StrEnum):
    SPOTIFY = "spotify"
    LISTENBRAINZ = "listenbrainz"
    ALL = "all"


LABELS = {"spotify": "Spotify", "listenbrainz": "ListenBrainz"}


def sync(
    force: Annotated[
        bool,
        typer.Option(help="Fetch even if the cache is fresh or failed syncs back off."),
    ] = False,
    source: Annotated[
        SyncSource,
        typer.Option(help="What to sync: spotify (as ever), listenbrainz, or all in turn."),
    ] = SyncSource.SPOTIFY,
) -> None:
    """Sync from Spotify (or ListenBrainz, or both) now, in the foreground, with a progress
    bar."""
    settings, _ = settings_or_exit()
    names = list(LABELS) if source is SyncSource.ALL else [source.value]
    if "spotify" in names:
        require_credentials(settings, "sync")
    failed = False
    with migrated_services(settings) as services:
        missing = [name for name in names if name not in services.syncers]
        if missing:
            errors.print(f"trendcache sync: {services.listenbrainz_off}", markup=False)
            raise typer.Exit(2)
        for name in names:
            failed |= sync_one(services.syncers[name], LABELS[name], force)
    if failed:
        raise typer.Exit(1)


def sync_one(syncer: Syncer, label: str, force: bool) -> bool:
    """One source's sync with its progress and summary; whether it failed."""
    with Progress(*columns(), console=console, transient=True) as progress:
        task = progress.add_task(f"Syncing from {label}: 0 requests", total=None)

        def tick() -> None:
            progress.advance(task)
            done = int(progress.tasks[0].completed)
            progress.update(task, description=f"Syncing from {label}: {done} requests")

        result = syncer.sync("cli", force=force, on_request=tick)
    if result.source == "cache" and result.error is None:
        console.print(
            f"{label}: the cache is fresh; nothing fetched (use --force to fetch anyway)."
        )
        return False
    table = Table(show_header=False, box=None)
    for row_label, value in (
        ("source", result.source),
        ("tier", result.tier or "-"),
        ("albums", result.albums),
        ("album details fetched", result.hydrated),
        ("requests", result.requests),
    ):
        table.add_row(row_label, str(value))
    console.print(table)
    if result.error:
        errors.print(f"trendcache sync: {label}: {result.error}", markup=False)
        return True
    return False


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

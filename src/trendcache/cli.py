"""The `trendcache` command: serve, worker, sync, enrich, backfill, migrate, settings, users."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from trendcache.cli_users import users
from trendcache.config import AccessTier, ConfigError, Settings, load_settings
from trendcache.logs import Redactor, configure_logging
from trendcache.startup import StartupError, starting

# Commands import the heavy parts (SQLAlchemy, the web app) themselves, so `--help` and
# configuration errors answer quickly.

app = typer.Typer(
    help="trendcache: a self-hosted, always-fast cache of new and trending music.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=False, highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)
DEBUG = {"traceback": False}  # set by --debug, before any command runs


@app.callback()
def root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback when a command cannot start.")
    ] = False,
) -> None:
    """trendcache: a self-hosted, always-fast cache of new and trending music."""
    DEBUG["traceback"] = debug


def _settings() -> tuple[Settings, Redactor]:
    try:
        settings = load_settings()
    except ConfigError as exc:
        errors.print(f"trendcache: {exc}", markup=False)
        raise typer.Exit(2) from None
    secrets = (settings.spotify_client_secret, settings.secret_key)
    redactor = Redactor([secret.get_secret_value() for secret in secrets if secret])
    configure_logging(settings.log_level, redactor)
    return settings, redactor


def _require_credentials(settings: Settings, command: str) -> None:
    if not settings.has_spotify_credentials:
        errors.print(
            f"trendcache {command}: needs SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET "
            "(only `trendcache serve` has a demo mode without them)"
        )
        raise typer.Exit(2)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    demo_tier: Annotated[
        AccessTier, typer.Option(help="Spotify tier the demo emulator plays (no credentials).")
    ] = AccessTier.EXTENDED,
) -> None:
    """Run everything: web server, queue consumer, scheduler (demo data without credentials)."""
    from trendcache.serve import serve as run

    settings, redactor = _settings()
    run(settings, host, port, demo_tier=demo_tier, redactor=redactor, announce=console.print)


@app.command()
def worker(
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker threads.")] = 2,
    scheduler: Annotated[
        bool, typer.Option(help="Also run the periodic schedule (run exactly one of these).")
    ] = False,
) -> None:
    """Run a dedicated queue worker (scale-out: REDIS_URL and DATABASE_URL set)."""
    from trendcache.db.migrate import upgrade
    from trendcache.services import Services
    from trendcache.tasks import TaskQueue

    settings, _ = _settings()
    _require_credentials(settings, "worker")
    with starting(settings):
        services = Services(settings)
        upgrade(services.database)
    queue = TaskQueue(settings, lambda: services)
    services.on_queued(queue.request_enrichment)
    console.print(f"trendcache worker: {workers} threads, scheduler {'on' if scheduler else 'off'}")
    try:
        queue.consumer(workers, periodic=scheduler, embedded=False).run()
    finally:
        services.close()


@app.command()
def sync(
    force: Annotated[
        bool,
        typer.Option(help="Fetch even if the cache is fresh or failed syncs back off."),
    ] = False,
) -> None:
    """Sync from Spotify now, in the foreground, with a progress bar."""
    from trendcache.db.migrate import upgrade
    from trendcache.services import Services

    settings, _ = _settings()
    _require_credentials(settings, "sync")
    with starting(settings):
        services = Services(settings)
        upgrade(services.database)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("Syncing from Spotify: 0 requests", total=None)

            def tick() -> None:
                progress.advance(task)
                done = int(progress.tasks[0].completed)
                progress.update(task, description=f"Syncing from Spotify: {done} requests")

            result = services.syncer.sync("cli", force=force, on_request=tick)
    finally:
        services.close()
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


@app.command()
def enrich(
    max_batches: Annotated[int, typer.Option(min=1, help="Stop after this many batches.")] = 1000,
) -> None:
    """Match due albums to MusicBrainz now, in the foreground, with a progress bar."""
    from trendcache.db.migrate import upgrade
    from trendcache.pipeline.enrichment.status import read_enrichment_status
    from trendcache.services import Services

    settings, _ = _settings()
    _require_credentials(settings, "enrich")
    with starting(settings):
        services = Services(settings)
        upgrade(services.database)
    try:
        if services.enricher.connector() is None:
            reason = read_enrichment_status(services.database).disabled
            errors.print(f"trendcache enrich: {reason}", markup=False)
            raise typer.Exit(2)
        due = read_enrichment_status(services.database).due
        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Matching albums to MusicBrainz", total=due or None)
            results = services.enricher.run_until_idle(
                max_batches, on_batch=lambda batch: progress.advance(task, batch.albums)
            )
        status = read_enrichment_status(services.database)
    finally:
        services.close()
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


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (serve and worker also do this themselves)."""
    from trendcache.db import Database
    from trendcache.db.migrate import upgrade

    settings, _ = _settings()
    with starting(settings):
        database = Database(settings.resolved_database_url)
        upgrade(database)
    database.dispose()
    console.print(f"Database is up to date: {database.url.render_as_string(hide_password=True)}")


@app.command()
def backfill() -> None:
    """Build the trending history from what is already stored (idempotent: safe to rerun)."""
    from trendcache.db import Database
    from trendcache.db.migrate import upgrade
    from trendcache.pipeline.history.backfill import backfill as run

    settings, _ = _settings()
    with starting(settings):
        database = Database(settings.resolved_database_url)
        upgrade(database)
    stages = {
        "attach": "Attaching appearances to snapshots",
        "parse": "Parsing cached listings",
        "albums": "Adding albums and artists",
        "charts": "Rebuilding charts and days",
    }
    columns = (SpinnerColumn(), TextColumn("{task.description}: {task.completed:,.0f}"))
    try:
        with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task(stages["attach"], total=None)

            def on_progress(stage: str, done: int) -> None:
                bar.update(task, description=stages[stage], advance=done)

            report = run(database, on_progress)
    finally:
        database.dispose()
    table = Table(show_header=False, box=None)
    for label, value in (
        ("appearances attached to snapshots", report.attached),
        ("snapshots from appearances", report.snapshots_from_appearances),
        ("snapshots parsed from cached listings", report.snapshots_from_cache),
        ("appearances parsed from cached listings", report.appearances_from_cache),
        ("albums added", report.albums_added),
        ("album charts", report.charts),
        ("album days", report.days),
        ("album spans (blocks of days, all markets)", report.spans),
        ("album debuts (per source and market)", report.debuts),
        ("album and artist totals", report.totals),
    ):
        table.add_row(label, f"{value:,}")
    console.print(table)


@app.command(name="settings")
def show_settings() -> None:
    """List every setting, its current value (secrets hidden) and what it does."""
    settings, _ = _settings()
    table = Table("variable", "value", "meaning")
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        shown = "(set)" if "secret" in name and value else str(value)
        table.add_row(name.upper(), shown, field.description or "")
    console.print(table)


app.add_typer(users, name="users")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except StartupError as exc:
        if DEBUG["traceback"]:
            raise
        errors.print(f"trendcache: {exc}", markup=False)
        sys.exit(2)

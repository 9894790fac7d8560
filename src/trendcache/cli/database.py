"""`trendcache migrate` and `trendcache backfill`: the database's schema and derived history."""

from __future__ import annotations

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from trendcache.changes import announce_once
from trendcache.cli.shared import console, migrated_database, settings_or_exit

STAGES = {
    "attach": "Attaching appearances to snapshots",
    "parse": "Parsing cached listings",
    "albums": "Adding albums and artists",
    "charts": "Rebuilding charts and days",
}


def migrate() -> None:
    """Bring the database up to date: its schema, then any data steps an upgrade owes (serve
    and worker also do this themselves)."""
    settings, _ = settings_or_exit()
    with migrated_database(settings) as database:
        url = database.url.render_as_string(hide_password=True)
    console.print(f"Database is up to date: {url}")


def backfill() -> None:
    """Build the trending history from what is already stored (idempotent: safe to rerun)."""
    from trendcache.pipeline.history.backfill import backfill as run

    settings, _ = settings_or_exit()
    columns = (SpinnerColumn(), TextColumn("{task.description}: {task.completed:,.0f}"))
    with (
        migrated_database(settings) as database,
        Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar,
    ):
        task = bar.add_task(STAGES["attach"], total=None)

        def on_progress(stage: str, done: int) -> None:
            bar.update(task, description=STAGES[stage], advance=done)

        report = run(database, on_progress)
        announce_once(settings, database, "backfill")  # every web process serves it now
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

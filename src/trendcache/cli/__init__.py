"""The `trendcache` command: serve, web, worker, sync, enrich, migrate, backfill, settings, check,
users.

The app is built here from the command families, one module each (`processes`, `foreground`,
`database`, `settings`, `check`, `users`); what they share is in `shared`. The families never import
this module (checked by the import contracts in pyproject.toml).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from trendcache.cli import database, foreground, processes
from trendcache.cli.check import check
from trendcache.cli.settings import show_settings
from trendcache.cli.shared import errors
from trendcache.cli.users import users
from trendcache.startup import StartupError

app = typer.Typer(
    help="trendcache: a self-hosted, always-fast cache of new and trending music.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
DEBUG = {"traceback": False}  # set by --debug, before any command runs


@app.callback()
def root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback when a command cannot start.")
    ] = False,
) -> None:
    """trendcache: a self-hosted, always-fast cache of new and trending music."""
    DEBUG["traceback"] = debug


# In the order `trendcache --help` lists them.
app.command()(processes.serve)
app.command()(processes.web)
app.command()(processes.worker)
app.command()(foreground.sync)
app.command()(foreground.enrich)
app.command()(database.migrate)
app.command()(database.backfill)
app.command(name="settings")(show_settings)
app.command(name="check")(check)
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

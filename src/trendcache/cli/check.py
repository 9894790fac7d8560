"""`trendcache check`: a deployment's settings and connections, one line per check."""

from __future__ import annotations

import typer

from trendcache.cli.shared import console
from trendcache.config import ConfigError, load_settings
from trendcache.logs import configure_logging
from trendcache.startup import redactor_of


def check() -> None:
    """Verify the settings and what they point at (database, Redis, queue, Spotify, user
    agent, ListenBrainz, webhook, data dir): `ok|FAIL|skip  name  detail` each; exit 1 if
    one fails."""
    from trendcache.checks import Status, check_deployment, invalid_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        outcomes = invalid_settings(str(exc))
    else:
        configure_logging("WARNING", redactor_of(settings))  # the lines are the report
        outcomes = check_deployment(settings)
    for outcome in outcomes:
        console.print(outcome.line(), markup=False)
    if any(outcome.status == Status.FAIL for outcome in outcomes):
        raise typer.Exit(1)

"""What every command family shares: the two consoles, the settings, a migrated database.

Commands import the heavy parts (SQLAlchemy, the web app) themselves, so `--help` and
configuration errors answer quickly; these helpers do the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from trendcache.config import ConfigError, Settings, load_settings
from trendcache.logs import Redactor
from trendcache.startup import configured_logging, starting

if TYPE_CHECKING:
    from trendcache.db import Database
    from trendcache.services import Services

console = Console(stderr=False, highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def settings_or_exit() -> tuple[Settings, Redactor]:
    """The settings, with logging set up to hide their secrets; a bad setting is one line
    and exit status 2."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        errors.print(f"trendcache: {exc}", markup=False)
        raise typer.Exit(2) from None
    return settings, configured_logging(settings)


def redactor_of(settings: Settings) -> Redactor:
    """What keeps the settings' secrets out of the log."""
    secrets = (settings.spotify_client_secret, settings.secret_key, settings.alert_webhook_url)
    return Redactor([secret.get_secret_value() for secret in secrets if secret])


def require_credentials(settings: Settings, command: str) -> None:
    if not settings.has_spotify_credentials:
        errors.print(
            f"trendcache {command}: needs SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET "
            "(only `trendcache serve` has a demo mode without them)"
        )
        raise typer.Exit(2)


@contextmanager
def migrated_database(settings: Settings) -> Iterator[Database]:
    """The configured database, its schema and data steps brought up to date, disposed of
    afterwards."""
    from trendcache.db import Database
    from trendcache.pipeline.data_steps.prepare import prepare_database

    with starting(settings):
        database = Database(settings.resolved_database_url)
        prepare_database(database)
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def migrated_services(settings: Settings) -> Iterator[Services]:
    """Everything built from `settings` over an up-to-date database (schema and data steps),
    its metric counts flushed as it runs, closed (and flushed once more) afterwards."""
    from trendcache.pipeline.data_steps.prepare import prepare_database
    from trendcache.services import Services

    with starting(settings):
        services = Services(settings)
        prepare_database(services.database)
    services.flusher.start()  # metric counts reach the shared table while it runs
    try:
        yield services
    finally:
        services.close()

"""What `trendcache check` verifies: a deployment's settings and connections, one line each.

Before starting a process (or a fleet of them) an operator wants to know that each will
find what it needs, without reading a traceback from the first one that does not. Every
check answers `ok`, `FAIL` or `skip` (not used by this configuration) with one line
saying why, using the pieces the processes themselves use: the settings' validation, the
startup checks (startup.py), the health checks (health.py), the queue's storage
(tasks.py), the token provider and the MetaBrainz user-agent rule. A check posts nothing
to ALERT_WEBHOOK_URL, sends no Spotify API request (a client-credentials token is not
counted against the daily quota), nothing to MusicBrainz and no request to ListenBrainz
(it only opens a connection to its host), and changes no data.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from trendcache import __version__
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.errors import first_line
from trendcache.db.migrate import has_revision, schema_revisions
from trendcache.health import Dependencies, describe
from trendcache.musicbrainz.errors import UserAgentError
from trendcache.musicbrainz.useragent import check_user_agent
from trendcache.pipeline.keys import LISTENBRAINZ
from trendcache.pipeline.sync.status import latest_run
from trendcache.services import listenbrainz_off
from trendcache.spotify.auth import TokenProvider
from trendcache.spotify.errors import SpotifyError
from trendcache.startup import StartupError, check_data_dir, check_redis, safe_database, safe_redis
from trendcache.tasks import build_huey


class Status(StrEnum):
    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True)
class Outcome:
    status: Status
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<4}  {self.name:<11}  {self.detail}"


CONNECT_TIMEOUT_SECONDS = 5
NAMES = (
    "settings",
    "database",
    "redis",
    "queue",
    "spotify",
    "musicbrainz",
    "listenbrainz",
    "webhook",
    "data_dir",
)


def invalid_settings(problem: str) -> list[Outcome]:
    """The settings did not load: that line, and nothing else can be checked."""
    skipped = [Outcome(Status.SKIP, name, "the settings are invalid") for name in NAMES[1:]]
    return [Outcome(Status.FAIL, "settings", problem), *skipped]


def check_deployment(settings: Settings) -> list[Outcome]:
    """Every check of NAMES, in that order."""
    redis = check_redis_url(settings)
    return [
        Outcome(Status.OK, "settings", f"valid: {_mode(settings)}"),
        check_database(settings),
        redis,
        check_queue(settings, redis_answers=redis.status != Status.FAIL),
        check_spotify(settings),
        check_musicbrainz(settings),
        check_listenbrainz(settings),
        check_webhook(settings),
        check_writable_data_dir(settings),
    ]


def check_database(settings: Settings) -> Outcome:
    """Reachable, its schema at this release's head, and it takes a write (health.py's check)."""
    url = settings.resolved_database_url
    where = safe_database(url)
    fail = _failing("database", where)
    try:
        file = make_url(url).database if url.startswith("sqlite") else None
        if file and file != ":memory:" and not Path(file).exists():
            return fail(
                "no database file yet: `trendcache migrate` (or serve, or a worker) makes it"
            )
        database = Database(_bounded(url))
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        return fail(f"not a usable database URL: {first_line(exc)}")
    try:
        current, head = schema_revisions(database)
        if current != head:
            if current is None:
                return fail(f"no schema yet (this release's is {head}): run `trendcache migrate`")
            if has_revision(head, current):
                return fail(
                    f"schema at {current}, this release's is {head}: run `trendcache migrate`"
                )
            return fail(f"schema at {current}, unknown to this release (its head is {head})")
        result = Dependencies(database).check()["database"]
    except (SQLAlchemyError, OSError) as exc:
        return fail(describe(exc))
    finally:
        database.dispose()
    if not result.ok:
        return fail(result.detail)
    return Outcome(Status.OK, "database", f"{where}: schema at head {head}, reads and writes")


def _bounded(url: str) -> str:
    """A PostgreSQL URL that gives up connecting after a few seconds (psycopg's default is
    to wait for ever on a host that drops packets), unless it says otherwise."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or "connect_timeout" in parsed.query:
        return url
    bounded = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)})
    return bounded.render_as_string(hide_password=False)


def check_redis_url(settings: Settings) -> Outcome:
    if not settings.redis_url:
        detail = "REDIS_URL not set: the queue and limits live in DATA_DIR, locks in the database"
        return Outcome(Status.SKIP, "redis", detail)
    where = safe_redis(settings.redis_url)
    try:
        check_redis(settings.redis_url)
    except StartupError as exc:
        return Outcome(Status.FAIL, "redis", str(exc))
    except ValueError as exc:  # a URL redis-py cannot parse (a port that is no number, say)
        return Outcome(Status.FAIL, "redis", f"REDIS_URL: not a usable URL: {first_line(exc)}")
    return Outcome(Status.OK, "redis", f"{where} answers")


def check_queue(settings: Settings, *, redis_answers: bool) -> Outcome:
    """The job queue's storage answers, with how many tasks wait in it."""
    if settings.redis_url:
        where = f"in Redis ({safe_redis(settings.redis_url)})"
        if not redis_answers:
            return Outcome(Status.FAIL, "queue", f"{where}, which does not answer")
    else:
        where = f"in {Path(settings.data_dir).resolve() / 'queue.sqlite3'}"
    try:
        waiting = build_huey(settings).pending_count()
    except (RedisError, sqlite3.Error, OSError) as exc:
        return Outcome(Status.FAIL, "queue", f"{where}: {describe(exc)}")
    return Outcome(Status.OK, "queue", f"{where}: {waiting} task(s) waiting")


def check_spotify(settings: Settings) -> Outcome:
    """Credentials present and a token granted for them (no API request: each is counted)."""
    client_id, secret = settings.spotify_client_id, settings.spotify_client_secret
    if not client_id and not secret:
        return Outcome(
            Status.SKIP,
            "spotify",
            "demo mode: no SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET, so `serve` runs on "
            "the emulators (sync and worker need them)",
        )
    if not client_id or not secret:
        given, missing = (
            ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET")
            if client_id
            else ("SPOTIFY_CLIENT_SECRET", "SPOTIFY_CLIENT_ID")
        )
        return Outcome(Status.FAIL, "spotify", f"{given} is set but {missing} is not")
    accounts = settings.spotify_accounts_base_url
    headers = {"User-Agent": f"trendcache/{__version__}"}
    with httpx2.Client(timeout=settings.spotify_timeout_seconds, headers=headers) as http:
        tokens = TokenProvider(http, accounts, client_id, secret.get_secret_value())
        try:
            tokens.token()
        except SpotifyError as exc:
            return Outcome(Status.FAIL, "spotify", f"{accounts}: {exc}")
    api = settings.spotify_api_base_url
    return Outcome(Status.OK, "spotify", f"a token from {accounts}, for the API at {api}")


def check_musicbrainz(settings: Settings) -> Outcome:
    """MUSICBRAINZ_USER_AGENT as MusicBrainz would accept it (nothing is sent there)."""
    if not settings.enable_enrichment:
        return Outcome(Status.SKIP, "musicbrainz", "ENABLE_ENRICHMENT is off")
    if settings.musicbrainz_user_agent is None and not settings.has_spotify_credentials:
        return Outcome(
            Status.SKIP,
            "musicbrainz",
            "demo mode: `serve` gives its MusicBrainz emulator a demo agent",
        )
    try:
        agent = check_user_agent(settings.musicbrainz_user_agent)
    except UserAgentError as exc:
        return Outcome(Status.FAIL, "musicbrainz", str(exc))
    return Outcome(
        Status.OK, "musicbrainz", f"User-Agent {agent!r} for {settings.musicbrainz_base_url}"
    )


def check_listenbrainz(settings: Settings) -> Outcome:
    """Its user agent as ListenBrainz would accept it, its host taking a connection (no
    request is sent: each counts against its rate limit), and how its last sync went."""
    if not settings.listenbrainz_enabled:
        return Outcome(Status.SKIP, "listenbrainz", "LISTENBRAINZ_ENABLED is off")
    if settings.musicbrainz_user_agent is None and not settings.has_spotify_credentials:
        return Outcome(
            Status.SKIP, "listenbrainz", "demo mode: `serve` gives the demo its own agent"
        )
    off = listenbrainz_off(settings)
    if off is not None:
        return Outcome(Status.FAIL, "listenbrainz", f"{off} (or set LISTENBRAINZ_ENABLED=false)")
    url = httpx2.URL(settings.listenbrainz_base_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.host, port), timeout=CONNECT_TIMEOUT_SECONDS).close()
    except OSError as exc:
        detail = f"{url.host}:{port} unreachable ({first_line(exc) or type(exc).__name__})"
        return Outcome(Status.FAIL, "listenbrainz", detail)
    last = last_sync(settings, LISTENBRAINZ)
    return Outcome(
        Status.OK, "listenbrainz", f"{settings.listenbrainz_base_url} answers; last sync: {last}"
    )


def last_sync(settings: Settings, source: str) -> str:
    """How `source`'s last sync went, as far as the database says (nothing is created)."""
    url = settings.resolved_database_url
    file = make_url(url).database if url.startswith("sqlite") else None
    if file and file != ":memory:" and not Path(file).exists():
        return "unknown (no database yet)"
    try:
        database = Database(_bounded(url))
    except (SQLAlchemyError, ImportError, ValueError):
        return "unknown (the database is not usable)"
    try:
        run = latest_run(database, source)
    except (SQLAlchemyError, OSError):
        return "unknown (the database does not answer)"
    finally:
        database.dispose()
    if run is None:
        return "never"
    when = f"{run.finished_at:%Y-%m-%d %H:%M} UTC" if run.finished_at else "running"
    return f"{run.status}, {when}" + (f" ({run.error})" if run.error else "")


def check_webhook(settings: Settings) -> Outcome:
    """ALERT_WEBHOOK_URL a URL one can post to; only its scheme and host are shown (the
    rest often carries a token), and nothing is posted."""
    if settings.alert_webhook_url is None:
        return Outcome(
            Status.SKIP, "webhook", "ALERT_WEBHOOK_URL not set: alerts show in /api/status"
        )
    fail = _failing("webhook", "ALERT_WEBHOOK_URL")
    try:
        parts = urlsplit(settings.alert_webhook_url.get_secret_value())
        port = parts.port  # raises for a port that is no number or out of range
    except ValueError as exc:
        return fail(f"not a usable URL: {first_line(exc)}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return fail("not an http(s) URL with a host, e.g. https://hooks.example.org/x")
    shown = f"{parts.scheme}://{parts.hostname}{f':{port}' if port else ''}/…"
    return Outcome(Status.OK, "webhook", f"{shown}: a valid URL (nothing posted)")


def check_writable_data_dir(settings: Settings) -> Outcome:
    try:
        check_data_dir(settings.data_dir)
    except StartupError as exc:
        return Outcome(Status.FAIL, "data_dir", str(exc))
    return Outcome(Status.OK, "data_dir", f"{Path(settings.data_dir).resolve()} takes writes")


def _mode(settings: Settings) -> str:
    database = "PostgreSQL" if settings.resolved_database_url.startswith("postgresql") else "SQLite"
    return f"{database}, {'Redis' if settings.redis_url else 'no Redis'}"


def _failing(name: str, where: str) -> Callable[[str], Outcome]:
    def fail(problem: str) -> Outcome:
        return Outcome(Status.FAIL, name, f"{where}: {problem}")

    return fail

"""Every setting trendcache reads, in one place.

Settings come from the environment or a `.env` file in the working directory. Each field's
description is the user-facing documentation: `trendcache settings` prints them and a test
fails when docs/configuration.md forgets one.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SPOTIFY_API = "https://api.spotify.com/v1"
SPOTIFY_ACCOUNTS = "https://accounts.spotify.com"
MUSICBRAINZ_API = "https://musicbrainz.org/ws/2"
LISTENBRAINZ_API = "https://api.listenbrainz.org"
COVER_ART_ARCHIVE = "https://coverartarchive.org"
_MARKET = re.compile(r"^[A-Z]{2}$")


class AccessTier(StrEnum):
    """Spotify's two 2026 access tiers, plus `auto` (detect from responses and remember)."""

    AUTO = "auto"
    EXTENDED = "extended"
    DEVELOPMENT = "development"


class ConfigError(Exception):
    """Invalid configuration, with a one-line message naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    spotify_client_id: str | None = Field(
        None, description="Spotify app client id. Unset: serve runs the built-in demo emulator."
    )
    spotify_client_secret: SecretStr | None = Field(
        None, description="Spotify app client secret (never logged or returned)."
    )
    spotify_api_base_url: str = Field(SPOTIFY_API, description="Spotify Web API base URL.")
    spotify_accounts_base_url: str = Field(
        SPOTIFY_ACCOUNTS, description="Spotify accounts service base URL (token endpoint)."
    )
    spotify_markets: Annotated[list[str], NoDecode] = Field(  # "US,GB", not JSON
        default_factory=lambda: ["US"],
        description="Comma-separated ISO 3166-1 alpha-2 markets to track, e.g. US,GB,DE.",
    )
    spotify_access_tier: AccessTier = Field(
        AccessTier.AUTO,
        description="auto (detect and remember), extended (quota extension) or development.",
    )
    spotify_requests_per_minute: int = Field(
        180, ge=1, le=10_000, description="Outgoing Spotify requests per minute, all processes."
    )
    spotify_daily_request_budget: int = Field(
        1000,
        ge=10,
        description="Spotify requests a rolling 24 h may use; syncs plan within it.",
    )
    spotify_max_retry_after_seconds: float = Field(
        60.0,
        ge=0,
        description="Longest Retry-After a sync waits out; longer ends the sync with an error.",
    )
    spotify_timeout_seconds: float = Field(
        10.0, gt=0, le=300, description="Timeout of one Spotify HTTP request."
    )
    spotify_new_releases_limit: int = Field(
        100, ge=1, le=1000, description="How many new releases to keep per market."
    )
    musicbrainz_user_agent: str | None = Field(
        None,
        description="User-Agent for MusicBrainz enrichment: 'App/1.0 ( contact@example.org )'.",
    )
    musicbrainz_base_url: str = Field(
        MUSICBRAINZ_API, description="MusicBrainz ws/2 base URL (a mirror of your own, say)."
    )
    musicbrainz_rate: float = Field(
        1.0,
        gt=0,
        le=100,
        description="MusicBrainz requests per second from all processes together; "
        "raise it only for your own mirror.",
    )
    listenbrainz_base_url: str = Field(
        LISTENBRAINZ_API,
        description="ListenBrainz API root (the `/1/…` endpoints hang below it). Requests "
        "identify themselves with MUSICBRAINZ_USER_AGENT, at most one a second.",
    )
    listenbrainz_token: SecretStr | None = Field(
        None,
        description="Optional ListenBrainz user token, sent as `Authorization: Token …` "
        "(never logged); the public endpoints used need none.",
    )
    listenbrainz_enabled: bool = Field(
        True,
        description="Sync ListenBrainz's listeners' chart and fresh releases (worldwide) "
        "beside Spotify. Needs MUSICBRAINZ_USER_AGENT; without it ListenBrainz is off and "
        "`trendcache check` says why.",
    )
    listenbrainz_cache_seconds: float = Field(
        21_600,
        gt=0,
        le=30 * 86_400,
        description="How long a ListenBrainz sync stays fresh (its chart is weekly).",
    )
    listenbrainz_daily_request_budget: int = Field(
        200,
        ge=2,
        description="ListenBrainz requests a rolling 24 h may use (a sync sends 2).",
    )
    listenbrainz_chart_size: int = Field(
        100,
        ge=1,
        le=1000,
        description="How many of the week's most-listened release groups to keep.",
    )
    listenbrainz_rate: float = Field(
        1.0,
        gt=0,
        le=100,
        description="ListenBrainz requests per second from all processes together; "
        "raise it only for your own mirror or the emulator.",
    )
    cover_art_archive_base_url: str = Field(
        COVER_ART_ARCHIVE,
        description="Cover Art Archive root, for ListenBrainz albums' cover URLs.",
    )
    enable_enrichment: bool = Field(
        True, description="Match albums to MusicBrainz in the background."
    )
    enrichment_batch_size: int = Field(
        100, ge=1, le=500, description="Albums one enrichment batch takes on."
    )
    cache_duration_hours: float = Field(
        6.0, gt=0, le=24 * 30, description="How long fetched data stays fresh."
    )
    enable_background_sync: bool = Field(
        True, description="Sync every CACHE_DURATION_HOURS while serve or a worker runs."
    )
    schedule_seconds: int = Field(
        60,
        ge=1,
        le=3600,
        description="Period of the schedule (a sync check and an enrichment sweep), fired "
        "by one process of all those running it. Shorter only for tests.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL. Default: SQLite at DATA_DIR/trendcache.sqlite3. "
        "PostgreSQL: postgresql+psycopg://user@host/db.",
    )
    data_dir: Path = Field(
        Path("data"), description="Folder for the SQLite database, queue and rate-limit files."
    )
    redis_url: str | None = Field(
        None,
        description="Redis URL. Set: queue, rate limits and locks use Redis (scale-out mode).",
    )
    api_rate_limit_per_minute: int = Field(
        60,
        ge=1,
        description="Requests per minute per client to GET /api/spotify/trending; with "
        "REDIS_URL counted across every web process, else per process.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(  # "10.0.0.1,10.1.0.0/16"
        default_factory=list,
        description="Comma-separated addresses or networks (CIDR) of reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed, or * for any. Unset: none, "
        "and every client is known by its own address.",
    )
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR.")
    secret_key: SecretStr | None = Field(
        None,
        description="Signs browse-page sign-in cookies (never logged). Unset: generated once "
        "and kept in DATA_DIR/secret_key; set the same value on every web process of a "
        "scaled-out deployment.",
    )

    alert_webhook_url: SecretStr | None = Field(
        None,
        description="http(s) URL that receives a JSON post when an alert starts or ends "
        "(the same conditions as deploy/prometheus/alerts.yml); never logged, as such URLs "
        "often carry a token. Unset: no posts, alerts still show in /api/status.",
    )
    alert_check_seconds: float = Field(
        60.0,
        ge=1,
        le=3600,
        description="How often each serve and worker process evaluates the alert conditions.",
    )
    notify_check_seconds: float = Field(
        15.0,
        ge=1,
        le=3600,
        description="How often each serve and worker process posts the followed-artist "
        "notifications owed to users' webhook URLs.",
    )

    @field_validator("spotify_markets", mode="before")
    @classmethod
    def _split_markets(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip().upper() for part in value.split(",") if part.strip()]
        return value

    @field_validator("spotify_markets")
    @classmethod
    def _check_markets(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("needs at least one market, e.g. US")
        bad = [m for m in value if not _MARKET.match(m)]
        if bad:
            raise ValueError(f"not two-letter market codes: {', '.join(bad)}")
        return list(dict.fromkeys(value))

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry == "*":
                continue
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"not an IP address or network: {entry!r} (e.g. 10.0.0.1 or 10.0.0.0/8)"
                ) from None
        return list(dict.fromkeys(value))

    @field_validator(
        "spotify_api_base_url",
        "spotify_accounts_base_url",
        "musicbrainz_base_url",
        "listenbrainz_base_url",
        "cover_art_archive_base_url",
    )
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value.rstrip("/")

    @field_validator("alert_webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        check_webhook_url(value.get_secret_value())
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://")
        return value

    @field_validator("listenbrainz_token")
    @classmethod
    def _blank_token_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("secret_key")
    @classmethod
    def _check_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("needs at least 32 characters, e.g. from `openssl rand -hex 32`")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @property
    def has_spotify_credentials(self) -> bool:
        return bool(self.spotify_client_id and self.spotify_client_secret)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'trendcache.sqlite3').resolve()}"

    @property
    def cache_duration_seconds(self) -> float:
        return self.cache_duration_hours * 3600


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning a validation failure into one clear line per bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0]).upper() if error["loc"] else "configuration"
        message = error["msg"].removeprefix("Value error, ")
        given = error.get("input")
        hidden = any(word in name for word in ("SECRET", "WEBHOOK", "TOKEN")) or isinstance(
            given, dict
        )
        shown = "" if hidden else f" (got {given!r})"
        lines.append(f"invalid configuration: {name}: {message}{shown}")
    return "; ".join(lines)


def check_webhook_url(url: str) -> str:
    """`url` if it is one a webhook may be posted to (ALERT_WEBHOOK_URL, a user's own)."""
    if len(url) > 2000 or not re.match(r"^https?://[^/\s]+\S*$", url):
        raise ValueError("not an http(s) URL, e.g. https://hooks.example.org/x")
    return url

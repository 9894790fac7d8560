"""The shape of `GET /api/status`: the sync's state and the alert conditions firing now."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class LastSync(BaseModel):
    id: int
    trigger: str = Field(description="`schedule`, `on_demand`, `cli` or `api`.")
    status: str = Field(
        description="`running`, `ok`, `partial`, `failed` or `interrupted` (its process stopped)."
    )
    tier: str | None = Field(description="The Spotify access tier the run worked in.")
    requests: int = Field(description="Upstream requests the run spent.")
    albums: int
    hydrated: int
    error: str | None
    startedAt: datetime
    finishedAt: datetime | None


class FiringAlert(BaseModel):
    """A condition of deploy/prometheus/alerts.yml that holds now (docs/operations.md,
    "Alerts without Prometheus")."""

    name: str = Field(description="The Prometheus alert's name, e.g. `TrendcacheDataStale`.")
    severity: Literal["critical", "warning"]
    summary: str
    description: str
    since: datetime = Field(description="When it started firing.")


class SourceStatus(BaseModel):
    """One source's syncs: its own runs, pause and backoff (sources never hold each other)."""

    refreshing: bool = Field(description="A sync of this source runs now.")
    lastSync: LastSync | None = Field(description="Its newest sync run; null before any.")
    pausedUntil: datetime | None = Field(
        description="Until when no sync may call it (a quota or a long Retry-After)."
    )
    pauseReason: str | None
    tier: str | None = Field(description="Its access tier, where it has tiers (Spotify).")


class StatusResponse(SourceStatus):
    """Spotify's sync at the top level (as before ListenBrainz), every source in `sources`."""

    markets: list[str] = Field(description="SPOTIFY_MARKETS.")
    sources: dict[str, SourceStatus] = Field(
        description="Each source that syncs here by name (`spotify`, `listenbrainz`)."
    )
    listenbrainzOff: str | None = Field(
        description="Why ListenBrainz does not sync here (LISTENBRAINZ_ENABLED off, no valid "
        "MUSICBRAINZ_USER_AGENT); null when it does."
    )
    alerts: list[FiringAlert] = Field(
        description="The alert conditions firing now, as ALERT_WEBHOOK_URL is told of them; "
        "empty when all is well."
    )

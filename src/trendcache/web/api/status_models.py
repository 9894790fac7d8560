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


class StatusResponse(BaseModel):
    refreshing: bool = Field(description="A sync of the source runs now.")
    lastSync: LastSync | None = Field(description="The newest sync run; null before any.")
    pausedUntil: datetime | None = Field(
        description="Until when no sync may call Spotify (a quota answer); null if not paused."
    )
    pauseReason: str | None
    tier: str | None = Field(description="The detected Spotify access tier.")
    markets: list[str] = Field(description="SPOTIFY_MARKETS.")
    alerts: list[FiringAlert] = Field(
        description="The alert conditions firing now, as ALERT_WEBHOOK_URL is told of them; "
        "empty when all is well."
    )

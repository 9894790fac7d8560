"""Rows that make (or do not make) each alert condition, for the alert tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.models import CacheData, EnrichmentState, SyncRun, UpstreamRequest
from trendcache.pipeline.alerts.conditions import Alert
from trendcache.pipeline.alerts.watch import current_alerts
from trendcache.pipeline.state import StateStore, quota_pause_key


def alert_settings(**overrides: Any) -> Settings:
    """Defaults (CACHE_DURATION_HOURS 6: stale past 12 h), whatever the environment says."""
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def firing(database: Database, **overrides: Any) -> dict[str, Alert]:
    return {
        alert.name: alert
        for alert in current_alerts(database, alert_settings(**overrides), ["spotify"])
    }


def cache_fetched(database: Database, key: str, ago: timedelta) -> datetime:
    fetched = utcnow() - ago
    with database.writer() as session:
        session.add(
            CacheData(key=key, data={}, expires=fetched + timedelta(hours=6), fetched_at=fetched)
        )
    return fetched


def sync_runs(database: Database, *statuses: str, ago: timedelta = timedelta(0)) -> None:
    """Ended spotify runs, oldest first, a minute apart, the newest `ago` ago."""
    newest = utcnow() - ago
    with database.writer() as session:
        for n, status in enumerate(statuses):
            finished = newest - timedelta(minutes=len(statuses) - 1 - n)
            session.add(
                SyncRun(
                    source="spotify",
                    key="k",
                    trigger="schedule",
                    status=status,
                    started_at=finished - timedelta(seconds=5),
                    finished_at=finished,
                )
            )


def pause(database: Database, until: datetime) -> None:
    value = {"until": until.isoformat(), "message": "QUOTA_EXCEEDED"}
    StateStore(database).set(quota_pause_key("spotify"), value)


def spotify_requests(database: Database, count: int) -> None:
    with database.writer() as session:
        session.add_all(UpstreamRequest(service="spotify", status=200) for _ in range(count))


def due_albums(database: Database, count: int, due_for: timedelta, prefix: str = "a") -> None:
    with database.writer() as session:
        session.add_all(
            EnrichmentState(
                album_id=f"{prefix}{n}", status="pending", next_attempt_at=utcnow() - due_for
            )
            for n in range(count)
        )

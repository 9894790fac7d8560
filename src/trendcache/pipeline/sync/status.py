"""What the read path says about syncing: running now, last outcome, paused and why.

`version` changes whenever anything shown changes, so readers can cache a rendering and
rebuild it only when the version moves. A run still marked running whose lease nobody holds
(its process was killed) is shown as interrupted at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from trendcache.db import Database
from trendcache.db.models import CacheData, StateEntry, SyncRun
from trendcache.pipeline.state import active_pause, quota_pause_key, tier_key
from trendcache.pipeline.sync.syncer import Syncer


@dataclass(frozen=True)
class SyncStatus:
    refreshing: bool
    last_run: dict[str, Any] | None
    paused_until: datetime | None
    pause_reason: str | None
    tier: str | None
    version: tuple[Any, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "refreshing": self.refreshing,
            "lastSync": self.last_run,
            "pausedUntil": self.paused_until.isoformat() if self.paused_until else None,
            "pauseReason": self.pause_reason,
            "tier": self.tier,
        }


def latest_run(database: Database, source: str) -> SyncRun | None:
    """`source`'s most recent sync run, whatever its outcome."""
    with database.session() as session:
        return session.scalar(
            select(SyncRun).where(SyncRun.source == source).order_by(SyncRun.id.desc()).limit(1)
        )


def read_status(syncer: Syncer) -> SyncStatus:
    """The status of `syncer`'s source alone: another source's runs and pauses are its own."""
    source = syncer.source.name
    pause_key, tier_entry = quota_pause_key(source), tier_key(source)
    with syncer.database.session() as session:
        run = session.scalar(
            select(SyncRun).where(SyncRun.source == source).order_by(SyncRun.id.desc()).limit(1)
        )
        state: dict[str, dict[str, Any]] = dict(
            session.execute(
                select(StateEntry.name, StateEntry.value).where(
                    StateEntry.name.in_([pause_key, tier_entry])
                )
            ).all()
        )
        newest_view = session.scalar(
            select(func.max(CacheData.updated_at)).where(
                CacheData.key.in_(syncer.source.served_keys())
            )
        )
    pause = active_pause(state.get(pause_key))
    refreshing = syncer.is_running()
    last = _run_json(run) if run else None
    if run is not None and run.status == "running" and not refreshing:
        last = _unless_orphaned(syncer, run)
    tier = (state.get(tier_entry) or {}).get("tier") or (run.tier if run else None)
    version = (
        newest_view,
        run.id if run else None,
        last["status"] if last else None,
        refreshing,
        pause[0] if pause else None,
        tier,
    )
    return SyncStatus(
        refreshing=refreshing,
        last_run=last,
        paused_until=pause[0] if pause else None,
        pause_reason=pause[1] if pause else None,
        tier=tier,
        version=version,
    )


def _unless_orphaned(syncer: Syncer, run: SyncRun) -> dict[str, Any]:
    """`run` as it is now, shown interrupted if it still runs though no one holds the lease.

    A sync writes its outcome before it lets go of the lease, so a run that was running
    before the lease was seen free, and is still running after, lost its process (the
    next sync records it as interrupted). Only shown so: the read path writes nothing.
    """
    with syncer.database.session() as session:
        now = session.get(SyncRun, run.id) or run
        shown = _run_json(now)
    if shown["status"] == "running":
        shown["status"], shown["error"] = "interrupted", "the syncing process stopped"
    return shown


def _run_json(run: SyncRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "trigger": run.trigger,
        "status": run.status,
        "tier": run.tier,
        "requests": run.requests,
        "albums": run.albums,
        "hydrated": run.hydrated,
        "error": run.error,
        "startedAt": run.started_at.isoformat(),
        "finishedAt": run.finished_at.isoformat() if run.finished_at else None,
    }

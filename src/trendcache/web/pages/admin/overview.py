"""What the admin page shows, read in one go (blocking: call it from a worker thread)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from trendcache.accounts.audit import AuditRecord, recent_actions
from trendcache.pipeline.alerts.conditions import Alert
from trendcache.pipeline.budget import sent_since
from trendcache.pipeline.enrichment.review import (
    FailedAlbum,
    ReviewItem,
    albums_in_error,
    albums_to_review,
)
from trendcache.pipeline.enrichment.status import read_enrichment_status
from trendcache.pipeline.sync.run_reads import BudgetUse, RunSummary, budget_use, recent_runs
from trendcache.pipeline.sync.status import SyncStatus, read_status
from trendcache.services import Services

RUNS_SHOWN = 15


@dataclass(frozen=True)
class SyncPanel:
    """The live part: is a sync running, how far it got, held or paused, budget left."""

    status: SyncStatus
    held: tuple[datetime, str] | None
    budget: BudgetUse
    sent: int | None  # requests the running sync has sent so far; None when none runs

    @property
    def running(self) -> bool:
        last = self.status.last_run
        return self.status.refreshing or bool(last and last["status"] == "running")

    @property
    def poll_seconds(self) -> int:
        return 1 if self.running else 3


def sync_panel(services: Services) -> SyncPanel:
    syncer = services.syncer
    status = read_status(syncer)
    source = syncer.source
    sent = None
    last = status.last_run
    if last is not None and last["status"] == "running":
        sent = sent_since(services.database, source.name, datetime.fromisoformat(last["startedAt"]))
    budget = budget_use(services.database, source.name, source.daily_request_budget)
    return SyncPanel(status, syncer.held(), budget, sent)


@dataclass(frozen=True)
class Overview:
    sync: SyncPanel
    runs: list[RunSummary]
    enrichment: dict[str, Any]
    reviews: list[ReviewItem]
    reviews_total: int
    failed: list[FailedAlbum]
    failed_total: int
    audit: list[AuditRecord]
    alerts: list[Alert]  # firing now: the conditions of deploy/prometheus/alerts.yml


def overview(services: Services) -> Overview:
    database = services.database
    reviews, reviews_total = albums_to_review(database)
    failed, failed_total = albums_in_error(database)
    return Overview(
        sync=sync_panel(services),
        runs=recent_runs(database, RUNS_SHOWN),
        enrichment=read_enrichment_status(database).as_json(),
        reviews=reviews,
        reviews_total=reviews_total,
        failed=failed,
        failed_total=failed_total,
        audit=recent_actions(database),
        alerts=services.alerts.current(),
    )

"""Metric counts shared by every process: each flushes its `Tally` deltas here, `/metrics`
reads the sums, so every scrape of every process agrees and counters survive restarts.

Also each web process's snapshot age, a row per process like the worker heartbeats.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import MetricCounter, WebSnapshot
from trendcache.db.upsert import accumulate, upsert
from trendcache.tally import Deltas, Labels

log = logging.getLogger(__name__)
# A web process not heard of for this long has stopped: its row is no longer shown, and
# dropped a day later.
SNAPSHOT_UNSEEN = timedelta(minutes=5)
SNAPSHOT_FORGOTTEN = timedelta(days=1)


@dataclass(frozen=True)
class StoredCount:
    name: str
    labels: Labels
    value: float


def add_counts(database: Database, deltas: Deltas) -> None:
    """Add a process's deltas to the shared totals (one increment-upsert, no read)."""
    rows = [
        {"name": name, "labels": json.dumps([list(pair) for pair in labels]), "value": amount}
        for (name, labels), amount in sorted(deltas.items())
    ]  # sorted: concurrent flushes take the rows' locks in one order, so never deadlock
    with database.writer() as session:
        accumulate(session, MetricCounter, rows, ["name", "labels"], add=["value"])


def read_counts(database: Database) -> list[StoredCount]:
    with database.session() as session:
        rows = session.execute(
            select(MetricCounter.name, MetricCounter.labels, MetricCounter.value).order_by(
                MetricCounter.name, MetricCounter.labels
            )
        ).all()
    return [
        StoredCount(name, tuple((key, value) for key, value in json.loads(labels)), value)
        for name, labels, value in rows
    ]


def record_snapshot(
    database: Database, process: str, current_at: datetime, now: datetime | None = None
) -> None:
    """Say this web process's snapshots were current at `current_at`; forget the long gone."""
    now = now or utcnow()
    row = {"process": process, "current_at": current_at, "seen_at": now}
    with database.writer() as session:
        upsert(session, WebSnapshot, [row], ["process"], ["current_at", "seen_at"])
        session.execute(delete(WebSnapshot).where(WebSnapshot.seen_at < now - SNAPSHOT_FORGOTTEN))


def forget_snapshot(database: Database, process: str) -> None:
    """A web process stopping: its snapshots are no longer served (errors only logged)."""
    try:
        with database.writer() as session:
            session.execute(delete(WebSnapshot).where(WebSnapshot.process == process))
    except Exception:
        log.exception("could not remove this process's snapshot age")


def snapshot_ages(database: Database, now: datetime | None = None) -> dict[str, float]:
    """Seconds since each live web process's snapshots were last known current."""
    now = now or utcnow()
    with database.session() as session:
        rows = session.execute(
            select(WebSnapshot.process, WebSnapshot.current_at)
            .where(WebSnapshot.seen_at >= now - SNAPSHOT_UNSEEN)
            .order_by(WebSnapshot.process)
        ).all()
    return {process: max(0.0, (now - current_at).total_seconds()) for process, current_at in rows}

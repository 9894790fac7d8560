"""What the recorded sync runs, pauses and budgets say, for the metrics at scrape time.

Every process reads the same tables, so a scrape of any of them tells the whole story:
runs by source, trigger and outcome, each source's last success, how long finished runs
took (counted into buckets), until when a source is paused, and how much of its rolling
24-hour budget is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select

from trendcache.db import Database
from trendcache.db.models import StateEntry, SyncRun
from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.state import active_pause, quota_pause_key

RUNNING = "running"  # a run's status until it ends
SUCCESS = "ok"  # a run that refreshed every key (`partial` stored some, `failed` none)
# Every status a run ends with (`interrupted`: its process died), for counters that start at 0.
ENDED = (SUCCESS, "partial", "failed", "interrupted")


@dataclass(frozen=True)
class DurationSummary:
    count: int
    total: float  # seconds, all runs together
    within: dict[float, int]  # runs that took at most each bound, in seconds


@dataclass(frozen=True)
class RunEnding:
    status: str  # ok, partial, failed, interrupted
    finished_at: datetime | None


@dataclass(frozen=True)
class BudgetUse:
    used: int
    limit: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def runs_by_outcome(database: Database) -> dict[tuple[str, str, str], int]:
    """How many recorded syncs ended how, by (source, trigger, status). A run still going
    is left out until it ends, so each count only ever grows (a Prometheus counter)."""
    with database.session() as session:
        query = (
            select(SyncRun.source, SyncRun.trigger, SyncRun.status, func.count())
            .where(SyncRun.status != RUNNING)
            .group_by(SyncRun.source, SyncRun.trigger, SyncRun.status)
        )
        return {
            (source, trigger, status): count
            for source, trigger, status, count in session.execute(query)
        }


def last_successes(database: Database) -> dict[str, datetime]:
    """When each source's newest fully successful sync finished."""
    with database.session() as session:
        query = (
            select(SyncRun.source, func.max(SyncRun.finished_at))
            .where(SyncRun.status == SUCCESS, SyncRun.finished_at.is_not(None))
            .group_by(SyncRun.source)
        )
        return {source: finished for source, finished in session.execute(query) if finished}


def latest_endings(
    database: Database, sources: Iterable[str], count: int
) -> dict[str, list[RunEnding]]:
    """Each of `sources`' `count` newest ended runs, newest first: whether syncs keep
    failing in a row (a run still going has no outcome yet). Reads an index range per
    source, however many runs the table keeps."""
    endings: dict[str, list[RunEnding]] = {}
    with database.session() as session:
        for source in sources:
            rows = session.execute(
                select(SyncRun.status, SyncRun.finished_at)
                .where(SyncRun.source == source, SyncRun.status != RUNNING)
                .order_by(SyncRun.id.desc())
                .limit(count)
            ).all()
            if rows:
                endings[source] = [RunEnding(status, finished_at) for status, finished_at in rows]
    return endings


def run_durations(database: Database, bounds: Sequence[float]) -> dict[str, DurationSummary]:
    """How long finished syncs took, by source, counted into `bounds` by the database (a
    run still going has no duration yet). The table keeps every run, so a scrape sums in
    SQL rather than reading them all."""
    took = _seconds_taken(database)
    columns = [func.count(), func.sum(took)] + [
        func.sum(case((took <= bound, 1), else_=0)) for bound in bounds
    ]
    with database.session() as session:
        rows = session.execute(
            select(SyncRun.source, *columns)
            .where(SyncRun.finished_at.is_not(None))
            .group_by(SyncRun.source)
        ).all()
    summaries: dict[str, DurationSummary] = {}
    for row in rows:
        values: tuple[Any, ...] = tuple(row)
        source, count, total, within = values[0], values[1], values[2], values[3:]
        summaries[source] = DurationSummary(
            count=int(count),
            total=max(0.0, float(total or 0)),
            within={bound: int(n or 0) for bound, n in zip(bounds, within, strict=True)},
        )
    return summaries


def _seconds_taken(database: Database) -> ColumnElement[Any]:
    """A finished run's seconds from start to finish, to the millisecond, in SQL."""
    start, end = SyncRun.started_at, SyncRun.finished_at
    if database.is_sqlite:  # SQLite stores UTC text: julianday() reads it, in days, as a
        # float a few microseconds off: rounded to the millisecond, 5 s stays within 5 s
        return func.round((func.julianday(end) - func.julianday(start)) * 86400.0, 3)
    return func.extract("epoch", end - start)


@dataclass(frozen=True)
class Pause:
    until: datetime
    reason: str  # "quota", "retry_after" or "other": see `pause_reason`


def pause_reason(message: str) -> str:
    """Why a source is paused, in one bounded word, from the message its pause recorded:
    a daily quota used up, or a Retry-After longer than we wait (or repeated 429s)."""
    lowered = message.lower()
    if "quota" in lowered:
        return "quota"
    if "wait" in lowered or "rate-limited" in lowered or "rate limit" in lowered:
        return "retry_after"
    return "other"


def active_pauses(database: Database, sources: Iterable[str]) -> dict[str, Pause | None]:
    """Each of `sources`'s pause (a quota, a long Retry-After); None if not paused, or if
    its pause is over."""
    keys = {quota_pause_key(source): source for source in sources}
    with database.session() as session:
        values: dict[str, dict[str, Any]] = dict(
            session.execute(
                select(StateEntry.name, StateEntry.value).where(StateEntry.name.in_(list(keys)))
            ).all()
        )
    pauses: dict[str, Pause | None] = {}
    for key, source in keys.items():
        pause = active_pause(values.get(key))
        pauses[source] = Pause(pause[0], pause_reason(pause[1])) if pause else None
    return pauses


def paused_until(database: Database, sources: Iterable[str]) -> dict[str, datetime | None]:
    """Until when each of `sources` is paused; None if not, or if its pause is over."""
    return {
        source: pause.until if pause else None
        for source, pause in active_pauses(database, sources).items()
    }


def budget_use(database: Database, service: str, limit: int) -> BudgetUse:
    """Requests sent to `service` in the rolling 24 hours, against its daily `limit`."""
    return BudgetUse(used=DailyBudget(database, service, limit).used(), limit=limit)


@dataclass(frozen=True)
class RunSummary:
    id: int
    source: str
    trigger: str
    status: str
    requests: int
    albums: int
    error: str | None
    started_at: datetime
    finished_at: datetime | None
    markets: list[str]  # the markets it synced, from its cache keys

    @property
    def seconds(self) -> float | None:
        """How long it took; None while it runs."""
        if self.finished_at is None:
            return None
        return max(0.0, (self.finished_at - self.started_at).total_seconds())


def recent_runs(database: Database, limit: int = 20) -> list[RunSummary]:
    """The newest `limit` sync runs of every source, newest first."""
    with database.session() as session:
        runs = session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)).all()
        return [
            RunSummary(
                id=run.id,
                source=run.source,
                trigger=run.trigger,
                status=run.status,
                requests=run.requests or 0,
                albums=run.albums or 0,
                error=run.error,
                started_at=run.started_at,
                finished_at=run.finished_at,
                markets=[key.rpartition(":")[2] for key in run.key.split(",") if key],
            )
            for run in runs
        ]

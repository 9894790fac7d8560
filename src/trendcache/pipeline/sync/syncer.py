"""The seed's `syncSpotifyData`, for any `ListingSource`: fresh cache → no upstream call;
stale → one fetch, ever.

Single-flight: however many triggers fire, in however many processes, one lease decides
who fetches; the rest wait for it (or return at once) and read what it wrote. A failed
fetch never replaces good data: the old cache stays, flagged with the error; so does a
write the database refuses (the run fails and backs off like a failed fetch). A quota 429,
or a Retry-After longer than we may wait, pauses every trigger until the source's time.
Redis being away (the lease and rate limit live there when configured) fails a sync the
same way, with the reason recorded, and every trigger backs off until it is back.

All of it is the source's own: one syncer per source, with the source's lease, runs,
backoff and pause, so one source failing or paused never holds another back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.errors import database_error
from trendcache.db.models import CacheData, SyncRun
from trendcache.locks import LeaseKeeper, Locks
from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.state import (
    BACKGROUND_SYNCS_HELD,
    StateStore,
    active_pause,
    background_hold,
    quota_pause_key,
)
from trendcache.pipeline.sync.source import Fetched, FetchFailed, ListingSource
from trendcache.pipeline.sync.store import record_failure, write_listings
from trendcache.redis_outage import RedisUnavailable
from trendcache.text import recordable

log = logging.getLogger(__name__)
# Called in the sync's own transaction once its listings are written, with the albums
# listed and the sync's time (the followed artists' notifications: see `Services`).
OnStored = Callable[[Session, list[str], datetime], object]
# "demo_history": the demo writing its weeks of past days (`trendcache.demo_history`).
Trigger = Literal["schedule", "on_demand", "cli", "api", "admin", "demo_history"]
# Syncs nobody asked for by hand: while an admin holds background syncs, these wait.
BACKGROUND_TRIGGERS: frozenset[str] = frozenset({"schedule", "on_demand", "api"})
WAIT_POLL_SECONDS = 0.1
# A killed syncer blocks others for at most this long; a live one renews every third of it.
LEASE_SECONDS = 30.0
# After consecutive failures, no trigger tries again before this long (unless forced).
FAILURE_BACKOFF_SECONDS = (60, 120, 300, 600, 1800, 3600)


@dataclass
class SyncResult:
    source: Literal["cache", "fresh"]
    error: str | None = None
    run_id: int | None = None
    requests: int = 0
    albums: int = 0
    hydrated: int = 0
    tier: str | None = None
    paused_until: datetime | None = None
    busy: bool = False  # another process was syncing and we did not wait for it


class Syncer:
    def __init__(
        self,
        database: Database,
        source: ListingSource[Any],
        locks: Locks,
        on_change: Callable[[], None] = lambda: None,
        on_queued: Callable[[list[str]], None] = lambda ids: None,
        lease_seconds: float = LEASE_SECONDS,
        on_stored: OnStored | None = None,
        clock: Callable[[], datetime] = utcnow,
        budget_service: str | None = None,
    ) -> None:
        self.database = database
        # The run's time (its start and end, its cache expiry, its history snapshot): the
        # machine's, except where the demo writes weeks of past history (`with_clock`).
        self.clock = clock
        # Whose request budget the runs count against: the source's own unless given.
        self.budget_service = budget_service
        self.on_stored = on_stored
        self.source = source
        self.locks = locks
        self.state = StateStore(database)
        self.on_change = on_change
        self.on_queued = on_queued
        self.lease_seconds = lease_seconds

    def is_fresh(self) -> bool:
        keys = self.source.listing_keys()
        with self.database.session() as session:
            fresh = session.scalar(
                select(func.count())
                .select_from(CacheData)
                .where(CacheData.key.in_(keys), CacheData.expires > self.clock())
            )
        return fresh == len(keys)

    def pause(self) -> tuple[datetime, str] | None:
        """Until when, and why, no sync may call the source (a quota or a long Retry-After)."""
        return active_pause(self.state.get(quota_pause_key(self.source.name)))

    def backing_off(self) -> str | None:
        """Why no sync should try yet, after the last sync(s) failed (forcing still may)."""
        with self.database.session() as session:
            runs = session.execute(
                select(SyncRun.status, SyncRun.finished_at, SyncRun.error)
                .where(SyncRun.source == self.source.name, SyncRun.status != "running")
                .order_by(SyncRun.id.desc())
                .limit(len(FAILURE_BACKOFF_SECONDS))
            ).all()
        failures = 0
        for status, _finished, _error in runs:
            if status != "failed":
                break
            failures += 1
        if failures == 0 or runs[0].finished_at is None:
            return None
        wait = FAILURE_BACKOFF_SECONDS[failures - 1]
        if self.clock() - runs[0].finished_at >= timedelta(seconds=wait):
            return None
        return f"last sync failed ({runs[0].error}); next try within {wait // 60} min"

    def is_running(self) -> bool:
        return self.locks.held(self.source.lease_key)

    def held(self) -> tuple[datetime, str] | None:
        """(since, by whom) background syncs are held from the admin page; None if not."""
        return background_hold(self.state.get(BACKGROUND_SYNCS_HELD))

    def hold_background(self, by: str) -> None:
        """Hold background syncs (scheduled, and those stale reads ask for) until resumed."""
        self.state.set(BACKGROUND_SYNCS_HELD, {"since": utcnow().isoformat(), "by": by})

    def resume_background(self) -> None:
        self.state.delete(BACKGROUND_SYNCS_HELD)

    def for_markets(self, markets: list[str]) -> Syncer:
        """A syncer of the same source narrowed to `markets`: the same lease, runs,
        backoff and pause, so a narrowed sync is still the one sync at a time."""
        return self._copy(self.source.only(markets), self.clock, self.budget_service)

    def with_clock(
        self, clock: Callable[[], datetime], budget_service: str | None = None
    ) -> Syncer:
        """The same syncer (source, lease, runs) running at `clock`'s time, its requests
        counted against `budget_service` when given: how the demo writes past days' history
        through the one real sync path."""
        return self._copy(self.source, clock, budget_service)

    def _copy(
        self, source: ListingSource[Any], clock: Callable[[], datetime], budget: str | None
    ) -> Syncer:
        return Syncer(
            self.database,
            source,
            self.locks,
            self.on_change,
            self.on_queued,
            self.lease_seconds,
            self.on_stored,
            clock,
            budget,
        )

    def sync(
        self,
        trigger: Trigger,
        *,
        force: bool = False,
        wait: bool = True,
        timeout: float = 300.0,
        on_request: Callable[[], None] | None = None,
    ) -> SyncResult:
        if not force and self.is_fresh():
            return SyncResult("cache")
        if not force and trigger in BACKGROUND_TRIGGERS:
            held = self.held()
            if held is not None:
                return SyncResult("cache", error=f"background syncs are paused by {held[1]}")
        pause = self.pause()
        if pause is not None:
            return SyncResult("cache", error=pause[1], paused_until=pause[0])
        if not force:  # every trigger backs off; forcing (an admin, `sync --force`) does not
            backoff = self.backing_off()
            if backoff is not None:
                return SyncResult("cache", error=backoff)
        lease = LeaseKeeper(self.locks, self.source.lease_key, ttl=self.lease_seconds)
        waiting_since = None
        deadline = time.monotonic() + timeout
        try:
            while not lease.try_acquire():
                if not wait or time.monotonic() >= deadline:
                    return SyncResult("cache", busy=True)
                waiting_since = waiting_since or self.clock()
                while self.locks.held(self.source.lease_key) and time.monotonic() < deadline:
                    time.sleep(WAIT_POLL_SECONDS)
        except RedisUnavailable as exc:
            return self._not_started(trigger, str(exc))
        try:
            if waiting_since is not None:
                finished = self._finished_since(waiting_since)
                if finished is not None:  # the holder did the work: take its outcome
                    return finished
            if not force and self.is_fresh():  # someone refreshed while we asked for the lease
                return SyncResult("cache")
            return self._run(trigger, on_request)
        finally:
            lease.release()
            self.on_change()

    def _finished_since(self, since: datetime) -> SyncResult | None:
        """The outcome of a sync that ended while we waited, unless its process died."""
        with self.database.session() as session:
            last = session.scalar(
                select(SyncRun)
                .where(SyncRun.source == self.source.name)
                .order_by(SyncRun.id.desc())
                .limit(1)
            )
        if last is None or last.finished_at is None or last.finished_at < since:
            return None
        if last.status == "interrupted":
            return None
        return SyncResult("cache", error=last.error, run_id=last.id, tier=last.tier)

    def _run(self, trigger: Trigger, on_request: Callable[[], None] | None) -> SyncResult:
        with self.database.writer() as session:
            # We hold the lease, so a run of ours still marked running died with its process.
            session.execute(
                update(SyncRun)
                .where(SyncRun.source == self.source.name, SyncRun.status == "running")
                .values(
                    status="interrupted",
                    error="the syncing process stopped",
                    finished_at=self.clock(),
                )
            )
            run = self._new_run(trigger)
            session.add(run)
        self.on_change()
        source = self.source
        service = self.budget_service or source.name
        budget = DailyBudget(self.database, service, source.daily_request_budget)
        budget.on_request = on_request
        try:
            result = source.fetch(budget)
        except FetchFailed as exc:
            return self._failed(run.id, str(exc), budget.sent, exc.pause_until)
        except RedisUnavailable as exc:  # the shared rate limit lives in Redis
            return self._failed(run.id, str(exc), budget.sent)
        except Exception as exc:
            self._failed(run.id, f"internal error: {type(exc).__name__}: {exc}", budget.sent)
            raise
        return self._succeeded(run.id, result, budget.sent)

    def _succeeded(self, run_id: int, result: Fetched, requests: int) -> SyncResult:
        now = self.clock()
        expires = now + timedelta(seconds=self.source.cache_seconds)
        error = recordable("; ".join(result.problems)) or None
        try:
            with self.database.writer() as session:
                write_listings(session, result.listings, now, expires)
                queued = self.source.store(session, result, now, expires)
                listed = sorted({a for listing in result.listings for a in listing.album_ids})
                if self.on_stored is not None:
                    self.on_stored(session, listed, now)
                run = session.get_one(SyncRun, run_id)
                run.status, run.tier, run.requests = (
                    ("partial" if error else "ok"),
                    result.tier,
                    requests,
                )
                run.albums = len(listed)
                run.hydrated, run.error, run.finished_at = result.hydrated, error, now
                summary = SyncResult(
                    "fresh", error, run_id, requests, run.albums, run.hydrated, result.tier
                )
        except Exception as exc:  # a refused write fails the run, as a failed fetch does
            log.exception("sync %s: storing what was fetched failed", run_id)
            message = f"could not store what was fetched ({database_error(exc)})"
            return self._failed(run_id, message, requests, result.pause_until)
        if result.pause_until is not None:
            self._pause(result.pause_until, error or "quota exceeded")
        if queued:
            self.on_queued(queued)
        log.info(
            "sync %s: %s albums, %s hydrated, %s requests",
            run_id,
            summary.albums,
            summary.hydrated,
            requests,
        )
        return summary

    def _failed(
        self, run_id: int, message: str, requests: int, paused: datetime | None = None
    ) -> SyncResult:
        message = recordable(message)
        if paused is not None:
            self._pause(paused, message)
        with self.database.writer() as session:
            run = session.get_one(SyncRun, run_id)
            run.status, run.error, run.requests, run.finished_at = (
                "failed",
                message,
                requests,
                self.clock(),
            )
            record_failure(session, self.source.served_keys(), message)
        log.warning("sync %s failed: %s", run_id, message)
        return SyncResult("cache", message, run_id, requests, paused_until=paused)

    def _not_started(self, trigger: Trigger, message: str) -> SyncResult:
        """A sync that could not take the lease (Redis away) fails as a failed fetch does:
        its run records why, the page shows it, and every trigger backs off."""
        with self.database.writer() as session:
            run = self._new_run(trigger)
            session.add(run)
        return self._failed(run.id, message, 0)

    def _new_run(self, trigger: Trigger) -> SyncRun:
        keys = ",".join(self.source.listing_keys())
        return SyncRun(source=self.source.name, key=keys, trigger=trigger, started_at=self.clock())

    def _pause(self, until: datetime, message: str) -> None:
        value = {"until": until.isoformat(), "message": message}
        self.state.set(quota_pause_key(self.source.name), value)

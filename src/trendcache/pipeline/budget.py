"""The rolling 24-hour request budget, shared by every process through the database.

Development-mode Spotify apps have been cut off after about 1,100 requests a day, for
hours. Every request we send is recorded, so a sync can plan within what is left and stop
before it crosses SPOTIFY_DAILY_REQUEST_BUDGET instead of discovering the quota the hard way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import UpstreamRequest
from trendcache.spotify.errors import RequestBudgetExhausted

_WRITE_LOCK = threading.Lock()
WINDOW = timedelta(hours=24)
KEEP = timedelta(hours=48)


class DailyBudget:
    """A `RequestMeter` for one upstream; also counts what the current run has sent."""

    def __init__(self, database: Database, service: str, limit: int) -> None:
        self.database = database
        self.service = service
        self.limit = limit
        self.sent = 0
        self.on_request: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._in_flight = 0

    def used(self) -> int:
        since = utcnow() - WINDOW
        with self.database.session() as session:
            count = session.scalar(
                select(func.count())
                .select_from(UpstreamRequest)
                .where(UpstreamRequest.service == self.service, UpstreamRequest.at >= since)
            )
        return int(count or 0)

    def remaining(self) -> int:
        return max(0, self.limit - self.used())

    def before_request(self) -> None:
        with self._lock:
            if self.used() + self._in_flight >= self.limit:
                raise RequestBudgetExhausted(
                    f"the daily budget of {self.limit} {self.service} requests is used up "
                    f"({self.service.upper()}_DAILY_REQUEST_BUDGET)"
                )
            self._in_flight += 1

    def after_response(self, status: int | None) -> None:
        # One writer at a time from this process: SQLite's busy handler would otherwise
        # make concurrent threads sleep in steps of up to 100 ms.
        with _WRITE_LOCK, self.database.writer() as session:
            session.add(UpstreamRequest(service=self.service, status=status))
        with self._lock:
            self._in_flight -= 1
            self.sent += 1
        if self.on_request is not None:
            self.on_request()

    def prune(self) -> None:
        with self.database.writer() as session:
            session.execute(delete(UpstreamRequest).where(UpstreamRequest.at < utcnow() - KEEP))


def sent_since(database: Database, service: str, since: datetime) -> int:
    """Requests sent to `service` since `since` (a running sync's, as it goes)."""
    with database.session() as session:
        sent = session.scalar(
            select(func.count())
            .select_from(UpstreamRequest)
            .where(UpstreamRequest.service == service, UpstreamRequest.at >= since)
        )
    return int(sent or 0)

"""Webhook posts owed, kept in an outbox table and delivered by whichever process claims each.

A claim is a lease (`claimed_until`) taken with a conditional UPDATE, so two processes never
post the same event at once; a delivered event is marked so and never posted again. One
that fails is let go and tried again at a later round of any process (at once, or after a
backoff the caller chooses), until it is older than `max_age` (then it is marked abandoned:
a days-old alert is news to nobody).

The alerts' events (`AlertEvent`) and the followed artists' notifications
(`NotificationEvent`) are two outboxes of the same shape (`db/outbox.py`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, or_, select, true, update
from sqlalchemy.orm import InstrumentedAttribute

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.alerts import AlertEvent
from trendcache.db.outbox import OutboxColumns

log = logging.getLogger(__name__)
MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class PendingEvent:
    id: int
    key: str  # one key's events go out in order: an alert's name, a user's id
    payload: dict[str, Any]
    attempts: int = 0


# Post one event: None once it was delivered, else why not.
Post = Callable[[PendingEvent, threading.Event], str | None]


class Outbox:
    def __init__(
        self,
        model: type[OutboxColumns],
        key: InstrumentedAttribute[str],
        *,
        owed: ColumnElement[bool] | None = None,
        max_age: timedelta = MAX_AGE,
        in_order: bool = True,
        failure: str = "could not post event %s: %s",
    ) -> None:
        """`owed`: which rows are posts at all; `in_order`: an event whose earlier one of
        the same key is out (claimed, or waiting for its retry) waits too, else it may go
        first (which keeps a receiver that is down from holding up other keys' events)."""
        self.model = model
        self.key = key
        self.owed = owed if owed is not None else true()
        self.max_age = max_age
        self.in_order = in_order
        self.failure = failure  # logged with the key and the error

    def pending(self, database: Database, limit: int = 100) -> list[PendingEvent]:
        """Events not yet delivered nor abandoned, oldest first."""
        model = self.model
        query = select(model.id, self.key, model.payload, model.attempts).where(
            self.owed, model.delivered_at.is_(None), model.abandoned_at.is_(None)
        )
        if not self.in_order:
            now = utcnow()
            query = query.where(or_(model.claimed_until.is_(None), model.claimed_until <= now))
        with database.session() as session:
            rows = session.execute(query.order_by(model.id).limit(limit))
            return [PendingEvent(row[0], row[1], row[2], row[3]) for row in rows]

    def claim(self, database: Database, event_id: int, now: datetime, lease: timedelta) -> bool:
        """Take the event for `lease` unless another process holds it or it waits for a
        retry."""
        model = self.model
        statement = (
            update(model)
            .where(
                model.id == event_id,
                model.delivered_at.is_(None),
                model.abandoned_at.is_(None),
                or_(model.claimed_until.is_(None), model.claimed_until <= now),
            )
            .values(claimed_until=now + lease, attempts=model.attempts + 1)
        )
        with database.writer() as session:
            return cast(CursorResult[Any], session.execute(statement)).rowcount == 1

    def mark_delivered(self, database: Database, event_id: int, now: datetime) -> None:
        with database.writer() as session:
            session.execute(
                update(self.model)
                .where(self.model.id == event_id)
                .values(delivered_at=now, claimed_until=None, last_error=None)
            )

    def release(
        self, database: Database, event_id: int, error: str, retry_at: datetime | None = None
    ) -> None:
        """Let the event go after a failed delivery: any process retries it at its next
        round, or once `retry_at` has passed."""
        with database.writer() as session:
            session.execute(
                update(self.model)
                .where(self.model.id == event_id)
                .values(claimed_until=retry_at, last_error=error[:1000])
            )

    def abandon(self, database: Database, where: ColumnElement[bool], now: datetime) -> int:
        """Give up on the undelivered events `where` says; how many."""
        model = self.model
        statement = (
            update(model)
            .where(where, self.owed, model.delivered_at.is_(None), model.abandoned_at.is_(None))
            .values(abandoned_at=now, claimed_until=None)
        )
        with database.writer() as session:
            return cast(CursorResult[Any], session.execute(statement)).rowcount

    def abandon_old(self, database: Database, now: datetime) -> int:
        """Give up on events still undelivered after `max_age`; how many."""
        return self.abandon(database, self.model.created_at < now - self.max_age, now)

    def deliver(
        self,
        database: Database,
        post: Post,
        lease: timedelta,
        stop: threading.Event,
        retry_in: Callable[[int], timedelta | None] = lambda attempts: None,
    ) -> int:
        """Post the events owed, oldest first, each claimed first; `retry_in(attempts)`:
        how long a failed one waits. A key whose event failed waits for the next round.
        How many were delivered."""
        self.abandon_old(database, utcnow())
        waiting: set[str] = set()
        delivered = 0
        for event in self.pending(database):
            if stop.is_set():
                break
            if event.key in waiting or not self.claim(database, event.id, utcnow(), lease):
                waiting.add(event.key)
                continue
            error = post(event, stop)
            if error is None:
                self.mark_delivered(database, event.id, utcnow())
                delivered += 1
                continue
            waiting.add(event.key)
            wait = retry_in(event.attempts + 1)
            self.release(database, event.id, error, utcnow() + wait if wait else None)
            log.warning(self.failure, event.key, error)
        return delivered


ALERT_OUTBOX = Outbox(
    AlertEvent, AlertEvent.name, failure="could not post alert %s to ALERT_WEBHOOK_URL: %s"
)


def pending_events(database: Database, limit: int = 100) -> list[PendingEvent]:
    """The alerts' events owed, claimed ones too: a later event of the same alert must
    wait for them."""
    return ALERT_OUTBOX.pending(database, limit)


def claim_event(database: Database, event_id: int, now: datetime, lease: timedelta) -> bool:
    return ALERT_OUTBOX.claim(database, event_id, now, lease)

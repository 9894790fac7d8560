"""The webhook posts owed (`alert_events`), delivered by whichever process claims each.

A claim is a lease (`claimed_until`) taken with a conditional UPDATE, so two processes never
post the same event at once; a delivered event is marked so and never posted again. One
that fails is let go and tried again at the next check of any process, until it is older
than `MAX_AGE` (then it is marked abandoned: a days-old alert is news to nobody).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update

from trendcache.db import Database
from trendcache.db.alerts import AlertEvent

MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class PendingEvent:
    id: int
    name: str
    payload: dict[str, Any]


def pending_events(database: Database, limit: int = 100) -> list[PendingEvent]:
    """Events not yet delivered nor abandoned, oldest first (claimed ones too: a later
    event of the same alert must wait for them)."""
    with database.session() as session:
        rows = session.scalars(
            select(AlertEvent)
            .where(AlertEvent.delivered_at.is_(None), AlertEvent.abandoned_at.is_(None))
            .order_by(AlertEvent.id)
            .limit(limit)
        )
        return [PendingEvent(row.id, row.name, row.payload) for row in rows]


def claim_event(database: Database, event_id: int, now: datetime, lease: timedelta) -> bool:
    """Take the event for `lease` unless another process holds it or it waits for a retry."""
    statement = (
        update(AlertEvent)
        .where(
            AlertEvent.id == event_id,
            AlertEvent.delivered_at.is_(None),
            AlertEvent.abandoned_at.is_(None),
            or_(AlertEvent.claimed_until.is_(None), AlertEvent.claimed_until <= now),
        )
        .values(claimed_until=now + lease, attempts=AlertEvent.attempts + 1)
    )
    with database.writer() as session:
        return cast(CursorResult[Any], session.execute(statement)).rowcount == 1


def mark_delivered(database: Database, event_id: int, now: datetime) -> None:
    with database.writer() as session:
        session.execute(
            update(AlertEvent)
            .where(AlertEvent.id == event_id)
            .values(delivered_at=now, claimed_until=None, last_error=None)
        )


def release(database: Database, event_id: int, error: str) -> None:
    """Let the event go after a failed delivery: the next check of any process retries it."""
    with database.writer() as session:
        session.execute(
            update(AlertEvent)
            .where(AlertEvent.id == event_id)
            .values(claimed_until=None, last_error=error[:1000])
        )


def abandon_old(database: Database, now: datetime) -> int:
    """Give up on events still undelivered after `MAX_AGE`; how many."""
    statement = (
        update(AlertEvent)
        .where(
            AlertEvent.delivered_at.is_(None),
            AlertEvent.abandoned_at.is_(None),
            AlertEvent.created_at < now - MAX_AGE,
        )
        .values(abandoned_at=now)
    )
    with database.writer() as session:
        return cast(CursorResult[Any], session.execute(statement)).rowcount

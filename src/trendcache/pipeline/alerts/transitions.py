"""Alert starts and ends, claimed in the database so that exactly one process wins each.

A start is `UPDATE alert_state SET firing = true … WHERE name = ? AND NOT firing`, an end
the reverse; on PostgreSQL a second process's UPDATE waits for the first's row lock and
then matches nothing, on SQLite the write transaction (`BEGIN IMMEDIATE`) serialises them.
The winner writes the webhook's event in the same transaction, so a claimed transition
always has its post waiting, whichever process delivers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from trendcache.db import Database
from trendcache.db.alerts import AlertEvent, AlertState
from trendcache.db.upsert import upsert
from trendcache.pipeline.alerts.conditions import Alert

FIRING, RESOLVED = "firing", "resolved"


@dataclass(frozen=True)
class StoredAlert:
    name: str
    firing: bool
    started_at: datetime | None
    ended_at: datetime | None
    clear_since: datetime | None


def read_states(database: Database) -> dict[str, StoredAlert]:
    with database.session() as session:
        rows = session.scalars(select(AlertState))
        return {
            row.name: StoredAlert(
                row.name, row.firing, row.started_at, row.ended_at, row.clear_since
            )
            for row in rows
        }


def claim_start(database: Database, alert: Alert, now: datetime, *, notify: bool) -> bool:
    """Record that `alert` fires, unless another process already did; True if we won."""
    details = {
        "severity": alert.severity,
        "summary": alert.summary,
        "description": alert.description,
    }
    with database.writer() as session:
        upsert(session, AlertState, [{"name": alert.name, "updated_at": now}], ["name"])
        won = _changed(
            session,
            update(AlertState)
            .where(AlertState.name == alert.name, AlertState.firing.is_(False))
            .values(
                firing=True,
                started_at=alert.since,
                ended_at=None,
                clear_since=None,
                details=details,
            ),
        )
        if won and notify:
            body = payload(alert.name, FIRING, details, alert.since, None)
            session.add(AlertEvent(name=alert.name, status=FIRING, payload=body, created_at=now))
        return won


def claim_end(database: Database, name: str, now: datetime, *, notify: bool) -> bool:
    """Record that `name` stopped firing, unless another process already did."""
    with database.writer() as session:
        won = _changed(
            session,
            update(AlertState)
            .where(AlertState.name == name, AlertState.firing.is_(True))
            .values(firing=False, ended_at=now, clear_since=None),
        )
        if won and notify:
            row = session.get(AlertState, name)
            assert row is not None  # we have just updated it
            body = payload(name, RESOLVED, row.details or {}, row.started_at, now)
            session.add(AlertEvent(name=name, status=RESOLVED, payload=body, created_at=now))
        return won


def mark_clear(database: Database, name: str, clear_since: datetime | None) -> None:
    """Note since when a firing alert's condition no longer holds (None: it holds again).
    Not a claim: whichever process writes it, the end is still claimed once."""
    with database.writer() as session:
        session.execute(
            update(AlertState)
            .where(AlertState.name == name, AlertState.firing.is_(True))
            .values(clear_since=clear_since)
        )


def payload(
    name: str,
    status: str,
    details: dict[str, Any],
    starts_at: datetime | None,
    ends_at: datetime | None,
) -> dict[str, Any]:
    """What ALERT_WEBHOOK_URL receives (docs/operations.md, "Alerts without Prometheus")."""
    return {
        "source": "trendcache",
        "alert": name,
        "status": status,
        "severity": details.get("severity"),
        "summary": details.get("summary"),
        "description": details.get("description"),
        "startsAt": starts_at.isoformat() if starts_at else None,
        "endsAt": ends_at.isoformat() if ends_at else None,
    }


def _changed(session: Session, statement: Any) -> bool:
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount == 1

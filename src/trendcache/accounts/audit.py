"""The audit log: every action an admin takes on the admin page, with who, what and when.

An entry names its user by id and by name, so it still reads right after the user is
deleted or renamed; its details are a small JSON object of what the action was given and
what came of it (the market synced, the MBID chosen, how many albums were retried).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from trendcache.accounts.users import Account
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.accounts import AuditEntry
from trendcache.text import clean_text

SHOWN = 50  # entries the admin page lists, newest first


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    user_name: str
    action: str
    target: str | None
    details: dict[str, Any]


def record_action(
    database: Database,
    account: Account,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Write one entry; its id."""
    entry = AuditEntry(
        at=utcnow(),
        user_id=account.id,
        user_name=account.name,
        action=action,
        target=clean_text(target, 200) if target is not None else None,
        details=details or {},
    )
    with database.writer() as session:
        session.add(entry)
        session.flush()
        return entry.id


def recent_actions(database: Database, limit: int = SHOWN) -> list[AuditRecord]:
    """The newest `limit` entries, newest first."""
    with database.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
        return [
            AuditRecord(row.id, row.at, row.user_name, row.action, row.target, row.details)
            for row in rows
        ]

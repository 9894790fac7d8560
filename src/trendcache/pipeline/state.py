"""Small facts the pipeline remembers between runs and processes (a JSON value per name)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import StateEntry
from trendcache.db.upsert import upsert


def quota_pause_key(source: str) -> str:
    """Until when, and why, no sync may call `source` (a quota, or a long Retry-After).

    `spotify.quota_pause` for Spotify, the name it had before sources had their own.
    """
    return f"{source}.quota_pause"


def active_pause(value: dict[str, Any] | None) -> tuple[datetime, str] | None:
    """(until, why) of a stored quota pause that is not over yet; None otherwise."""
    if value is None:
        return None
    until = datetime.fromisoformat(value["until"])
    return (until, value["message"]) if until > utcnow() else None


# Set from the admin page: scheduled syncs and those a stale read asks for wait until an
# admin resumes them; a forced sync (an admin's own, `sync --force`) still runs.
BACKGROUND_SYNCS_HELD = "sync.background_paused"


def background_hold(value: dict[str, Any] | None) -> tuple[datetime, str] | None:
    """(since, by whom) of a stored hold on background syncs; None when they run."""
    if value is None:
        return None
    return datetime.fromisoformat(value["since"]), str(value["by"])


def tier_key(source: str) -> str:
    """The access tier `source` was last found in, where it has tiers (`spotify.tier`)."""
    return f"{source}.tier"


TIER = tier_key("spotify")


class StateStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def get(self, name: str) -> dict[str, Any] | None:
        with self.database.session() as session:
            return session.scalar(select(StateEntry.value).where(StateEntry.name == name))

    def set(self, name: str, value: dict[str, Any]) -> None:
        """Insert or replace, in one statement: processes setting a new entry at once do
        not collide."""
        row = {"name": name, "value": value, "updated_at": utcnow()}
        with self.database.writer() as session:
            upsert(session, StateEntry, [row], ["name"], ["value", "updated_at"])

    def delete(self, name: str) -> None:
        with self.database.writer() as session:
            entry = session.get(StateEntry, name)
            if entry is not None:
                session.delete(entry)


def put(session: Session, name: str, value: dict[str, Any]) -> None:
    entry = session.get(StateEntry, name)
    if entry is None:
        session.add(StateEntry(name=name, value=value))
    else:
        entry.value = value

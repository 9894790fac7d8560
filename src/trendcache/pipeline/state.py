"""Small facts the pipeline remembers between runs and processes (a JSON value per name)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trendcache.db import Database
from trendcache.db.models import StateEntry

TIER = "spotify.tier"
QUOTA_PAUSE = "spotify.quota_pause"


class StateStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def get(self, name: str) -> dict[str, Any] | None:
        with self.database.session() as session:
            return session.scalar(select(StateEntry.value).where(StateEntry.name == name))

    def set(self, name: str, value: dict[str, Any]) -> None:
        with self.database.writer() as session:
            put(session, name, value)

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

"""MusicBrainz answers kept in the database for a while (the session's `ResponseCache`).

A worker killed mid-batch loses nothing: the batch is taken up again with the same albums,
so the same questions are asked, and every one already answered comes from here. Only the
request that was in flight is sent again.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import MusicBrainzResponse
from trendcache.db.upsert import upsert
from trendcache.musicbrainz.session import MISSING

MAX_AGE = timedelta(hours=12)


def _key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


class DatabaseResponseCache:
    def __init__(self, database: Database, max_age: timedelta = MAX_AGE) -> None:
        self.database = database
        self.max_age = max_age
        self.hits = 0

    def get(self, url: str) -> Any:
        with self.database.session() as session:
            row = session.execute(
                select(MusicBrainzResponse.data).where(
                    MusicBrainzResponse.key == _key(url),
                    MusicBrainzResponse.fetched_at >= utcnow() - self.max_age,
                )
            ).first()
        if row is None:
            return MISSING
        self.hits += 1
        return row[0]

    def put(self, url: str, document: Any) -> None:
        row = {"key": _key(url), "url": url, "data": document, "fetched_at": utcnow()}
        with self.database.writer() as session:
            upsert(session, MusicBrainzResponse, [row], ["key"], ("data", "fetched_at", "url"))

    def prune(self) -> int:
        with self.database.writer() as session:
            result = session.execute(
                delete(MusicBrainzResponse).where(
                    MusicBrainzResponse.fetched_at < utcnow() - 2 * self.max_age
                )
            )
        return int(getattr(result, "rowcount", 0) or 0)

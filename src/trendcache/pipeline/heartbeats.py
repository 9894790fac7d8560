"""Worker heartbeats: each queue consumer says it is alive, the metrics read when it last did.

A consumer (`trendcache worker`, or the one embedded in `serve`) upserts its row every
`HEARTBEAT_SECONDS`; the row keeps when the process started and when it was last seen.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import WorkerHeartbeat
from trendcache.db.upsert import upsert

HEARTBEAT_SECONDS = 30.0


@dataclass(frozen=True)
class Heartbeat:
    worker: str
    role: str
    started_at: datetime
    last_seen_at: datetime


def this_worker() -> str:
    """This process's id: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def record_heartbeat(
    database: Database,
    worker: str,
    role: str,
    started_at: datetime,
    now: datetime | None = None,
) -> None:
    """Say `worker` is alive now (its row is made on the first beat)."""
    row = {
        "id": worker,
        "role": role,
        "started_at": started_at,
        "last_seen_at": now or utcnow(),
    }
    with database.writer() as session:
        upsert(session, WorkerHeartbeat, [row], ["id"], ["role", "started_at", "last_seen_at"])


def read_heartbeats(database: Database) -> list[Heartbeat]:
    """Every worker that ever beat, with when it was last seen."""
    with database.session() as session:
        rows = session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.id))
        return [Heartbeat(row.id, row.role, row.started_at, row.last_seen_at) for row in rows]

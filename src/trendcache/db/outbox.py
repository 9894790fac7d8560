"""The columns every outbox table shares: a JSON post owed to a webhook, claimed by one
process at a time (`claimed_until`, a lease), then delivered or, once too old, abandoned.

Alert events (`alerts.py`) and notification events (`follows.py`) are both outboxes, so one
delivery loop (`pipeline/alerts/outbox.py`) serves both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from trendcache.clock import utcnow


class OutboxColumns:
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    payload: Mapped[dict[str, Any]]  # the JSON posted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_until: Mapped[datetime | None]  # a process is posting it, or it waits until then
    delivered_at: Mapped[datetime | None]
    abandoned_at: Mapped[datetime | None]  # never delivered while it was worth posting
    last_error: Mapped[str | None] = mapped_column(Text)

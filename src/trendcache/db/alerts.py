"""Alert conditions as every process sees them, and the webhook posts they owe.

`AlertState` holds one row per alert name: whether it fires and since when. A process that
sees a condition start or end claims the change with a conditional UPDATE of that row, so
with any number of processes evaluating, exactly one wins each transition; in the same
transaction it writes the `AlertEvent` to post. Events are delivered by whichever process
claims them (a lease, `claimed_until`), and stay until posted, so a webhook receiver that
is down loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from trendcache.clock import utcnow
from trendcache.db.models import Base
from trendcache.db.outbox import OutboxColumns


class AlertState(Base):
    __tablename__ = "alert_state"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)  # TrendcacheDataStale …
    firing: Mapped[bool] = mapped_column(default=False, server_default=false())
    started_at: Mapped[datetime | None]  # of the current (or the last) episode
    ended_at: Mapped[datetime | None]  # null while it fires
    # While it fires: since when the condition has been seen to hold no longer. It ends
    # once that lasts (`KEEP_FIRING_FOR`), so a condition on its threshold does not flap.
    clear_since: Mapped[datetime | None]
    details: Mapped[dict[str, Any] | None]  # severity, summary, description when it started
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AlertEvent(OutboxColumns, Base):
    """One start or end of an alert, to post to ALERT_WEBHOOK_URL once."""

    __tablename__ = "alert_events"
    __table_args__ = (Index("ix_alert_events_delivered_id", "delivered_at", "id"),)

    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))  # firing | resolved

"""Artists a user follows, and the events their appearances raise.

A follow keeps the artist's name as it was, so the list reads well even for an artist no
listing has shown for a while; `artist_id` is deliberately not a foreign key to `artists`
(the same reason as a collection item's album). A `NotificationEvent` is one followed
artist's album seen in one listing (source and market): unique on that, so a re-sync or
two processes recording the same sync write it once. It is also an outbox row: `webhook`
says whether a post is owed (the user had a webhook URL when it was recorded).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from trendcache.clock import utcnow
from trendcache.db.accounts import USER_ID
from trendcache.db.models import Base, new_id
from trendcache.db.outbox import OutboxColumns


class FollowedArtist(Base):
    __tablename__ = "followed_artists"
    __table_args__ = (
        UniqueConstraint("user_id", "artist_id", name="uq_followed_artists_user_artist"),
        # A sync finds the followers of the artists it listed.
        Index("ix_followed_artists_artist", "artist_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(
        USER_ID, ForeignKey("users.id", name="fk_followed_artists_user", ondelete="CASCADE")
    )
    artist_id: Mapped[str] = mapped_column(String(64))
    artist_name: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationEvent(OutboxColumns, Base):
    __tablename__ = "notification_events"
    __table_args__ = (
        UniqueConstraint(
            "user_id",
            "artist_id",
            "album_id",
            "source",
            "market",
            name="uq_notification_events_listing",
        ),
        Index("ix_notification_events_user_seen", "user_id", "seen_at"),
        # The posts owed, oldest first: events that owe none stay out of the range.
        Index("ix_notification_events_owed", "webhook", "delivered_at", "id"),
    )

    user_id: Mapped[str] = mapped_column(
        USER_ID, ForeignKey("users.id", name="fk_notification_events_user", ondelete="CASCADE")
    )
    artist_id: Mapped[str] = mapped_column(String(64))
    artist_name: Mapped[str] = mapped_column(String(500))
    album_id: Mapped[str] = mapped_column(String(64))
    album_name: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(100))
    market: Mapped[str] = mapped_column(String(8))
    position: Mapped[int | None]
    seen_at: Mapped[datetime]  # the listing's time
    read_at: Mapped[datetime | None]
    webhook: Mapped[bool] = mapped_column(default=False, server_default=false())  # a post owed

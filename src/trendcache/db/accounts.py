"""People who use trendcache: users, their API tokens, and the albums they collect.

Secrets are never stored: an API token is kept as the SHA-256 of its text (the token is
32 random bytes, so a fast hash is as good as a slow one and lets a request find its token
by index), a password as a salted scrypt hash. A collection item keeps a snapshot of the
album as it was when added, so the collection stays readable whatever happens to the
trending data; `album_id` is deliberately not a foreign key to `spotify_albums` for that
reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from trendcache.clock import utcnow
from trendcache.db.models import Base, new_id

USER_ID = String(32)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("name", name="uq_users_name"),)

    id: Mapped[str] = mapped_column(USER_ID, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(64))
    # "scrypt$n$r$p$salt$hash"; null: the user signs in to the API only, not the web page.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # May spend upstream budget beyond the freshness rule (force a sync).
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Receives a JSON post per notification event (http(s); see `accounts/notifications.py`).
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
        Index("ix_api_tokens_user", "user_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(
        USER_ID, ForeignKey("users.id", name="fk_api_tokens_user", ondelete="CASCADE")
    )
    token_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of the whole token
    prefix: Mapped[str] = mapped_column(String(16))  # its first characters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class CollectionItem(Base):
    __tablename__ = "collection_items"
    __table_args__ = (
        UniqueConstraint("user_id", "album_id", name="uq_collection_items_user_album"),
        Index("ix_collection_items_user_added", "user_id", "added_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(
        USER_ID, ForeignKey("users.id", name="fk_collection_items_user", ondelete="CASCADE")
    )
    album_id: Mapped[str] = mapped_column(String(64))
    # name, artists, image, spotifyUrl, releaseDate at the time it was added
    album: Mapped[dict[str, Any]]
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """One action taken on the admin page: who (kept by name too, so the entry outlives
    the user), what, on what, when. Written once, never changed."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[str | None] = mapped_column(USER_ID)  # no foreign key: see the class doc
    user_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]]

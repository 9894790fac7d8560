"""Followed artists, the notification events their appearances raise, a user's webhook URL.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def user_id(table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "user_id",
        sa.String(32),
        sa.ForeignKey("users.id", name=f"fk_{table}_user", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.add_column("users", sa.Column("webhook_url", sa.String(2000), nullable=True))
    op.create_table(
        "followed_artists",
        sa.Column("id", sa.String(32), primary_key=True),
        user_id("followed_artists"),
        sa.Column("artist_id", sa.String(64), nullable=False),
        sa.Column("artist_name", sa.String(500), nullable=False),
        when("created_at", nullable=False),
        sa.UniqueConstraint("user_id", "artist_id", name="uq_followed_artists_user_artist"),
    )
    op.create_index("ix_followed_artists_artist", "followed_artists", ["artist_id"])
    op.create_table(
        "notification_events",
        sa.Column("id", BIGID, primary_key=True, autoincrement=True),
        user_id("notification_events"),
        sa.Column("artist_id", sa.String(64), nullable=False),
        sa.Column("artist_name", sa.String(500), nullable=False),
        sa.Column("album_id", sa.String(64), nullable=False),
        sa.Column("album_name", sa.String(500), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("market", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        when("seen_at", nullable=False),
        when("read_at"),
        sa.Column("webhook", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("payload", JSON, nullable=False),
        when("created_at", nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        when("claimed_until"),
        when("delivered_at"),
        when("abandoned_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.UniqueConstraint(
            "user_id",
            "artist_id",
            "album_id",
            "source",
            "market",
            name="uq_notification_events_listing",
        ),
    )
    op.create_index(
        "ix_notification_events_user_seen", "notification_events", ["user_id", "seen_at"]
    )
    op.create_index(
        "ix_notification_events_owed", "notification_events", ["webhook", "delivered_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_notification_events_owed", "notification_events")
    op.drop_index("ix_notification_events_user_seen", "notification_events")
    op.drop_table("notification_events")
    op.drop_index("ix_followed_artists_artist", "followed_artists")
    op.drop_table("followed_artists")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("webhook_url")

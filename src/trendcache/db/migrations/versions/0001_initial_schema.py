"""Initial schema: the seed's cache and appearances, plus sync bookkeeping.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "cache_data",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("data", JSON, nullable=False),
        when("expires"),
        sa.Column("metadata", JSON, nullable=True),
        when("fetched_at"),
        when("updated_at"),
        sa.Column("error", sa.Text(), nullable=True),
        when("error_at", nullable=True),
    )
    op.create_index("ix_cache_data_key_expires", "cache_data", ["key", "expires"])

    op.create_table(
        "album_appearances",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("album_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("market", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        when("seen_at"),
    )
    op.create_index("ix_album_appearances_album_seen", "album_appearances", ["album_id", "seen_at"])
    op.create_index(
        "ix_album_appearances_source_market_seen",
        "album_appearances",
        ["source", "market", "seen_at"],
    )

    for table in ("spotify_albums", "spotify_artists"):
        op.create_table(
            table,
            sa.Column("id", sa.String(64), primary_key=True),
            sa.Column("data", JSON, nullable=False),
            when("fetched_at"),
        )

    op.create_table(
        "enrichment_state",
        sa.Column("album_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        when("next_attempt_at"),
        when("queued_at"),
        when("updated_at"),
        sa.Column("result", JSON, nullable=True),
    )
    op.create_index(
        "ix_enrichment_state_status_next", "enrichment_state", ["status", "next_attempt_at"]
    )

    op.create_table(
        "sync_runs",
        sa.Column("id", BIGID, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("tier", sa.String(20), nullable=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("albums", sa.Integer(), nullable=False),
        sa.Column("hydrated", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        when("started_at"),
        when("finished_at", nullable=True),
    )
    op.create_index("ix_sync_runs_key_started", "sync_runs", ["key", "started_at"])

    op.create_table(
        "leases",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        when("expires_at"),
    )
    op.create_table(
        "state",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", JSON, nullable=False),
        when("updated_at"),
    )
    op.create_table(
        "upstream_requests",
        sa.Column("id", BIGID, primary_key=True, autoincrement=True),
        sa.Column("service", sa.String(20), nullable=False),
        when("at"),
        sa.Column("status", sa.Integer(), nullable=True),
    )
    op.create_index("ix_upstream_requests_service_at", "upstream_requests", ["service", "at"])


def downgrade() -> None:
    for table in (
        "upstream_requests",
        "state",
        "leases",
        "sync_runs",
        "enrichment_state",
        "spotify_artists",
        "spotify_albums",
        "album_appearances",
        "cache_data",
    ):
        op.drop_table(table)

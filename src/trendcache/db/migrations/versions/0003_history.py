"""History: albums, artists, credits, snapshots, per-album charts and days.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "albums",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("album_type", sa.String(20), nullable=True),
        sa.Column("release_date", sa.String(10), nullable=True),
        sa.Column("release_date_precision", sa.String(5), nullable=True),
        sa.Column("total_tracks", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(500), nullable=True),
        sa.Column("upc", sa.String(20), nullable=True),
        sa.Column("image", sa.String(500), nullable=True),
        sa.Column("spotify_url", sa.String(200), nullable=True),
        sa.Column("first_seen_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_index("ix_albums_first_seen", "albums", ["first_seen_at"])
    op.create_table(
        "artists",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("spotify_url", sa.String(200), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "album_artists",
        sa.Column("album_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("artist_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_album_artists_artist", "album_artists", ["artist_id"])
    op.create_table(
        "snapshots",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("source_key", sa.String(200), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("market", sa.String(8), nullable=False),
        sa.Column("fetched_at", WHEN, nullable=False),
        sa.Column("albums", sa.Integer(), nullable=False),
        sa.UniqueConstraint("source_key", "fetched_at", name="uq_snapshots_source_key_fetched"),
    )
    op.create_index(
        "ix_snapshots_source_market_fetched", "snapshots", ["source", "market", "fetched_at"]
    )
    op.create_index("ix_snapshots_fetched", "snapshots", ["fetched_at"])
    op.create_table(
        "album_charts",
        sa.Column("album_id", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("market", sa.String(8), primary_key=True),
        sa.Column("first_seen_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("last_snapshot_id", BIG_ID, nullable=False),
        sa.Column("last_position", sa.Integer(), nullable=False),
        sa.Column("snapshots", sa.Integer(), nullable=False),
        sa.Column("peak_position", sa.Integer(), nullable=False),
        sa.Column("peak_at", WHEN, nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
    )
    op.create_index("ix_album_charts_first_seen", "album_charts", ["first_seen_at"])
    op.create_index(
        "ix_album_charts_source_market_last",
        "album_charts",
        ["source", "market", "last_snapshot_id"],
    )
    op.create_index("ix_album_charts_snapshots", "album_charts", ["snapshots"])
    op.create_table(
        "album_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("album_id", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("market", sa.String(8), primary_key=True),
        sa.Column("appearances", sa.Integer(), nullable=False),
        sa.Column("best_position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_album_days_source_market_day", "album_days", ["source", "market", "day"])
    op.create_index("ix_album_days_day", "album_days", ["day"])
    with op.batch_alter_table("album_appearances") as table:
        table.add_column(sa.Column("snapshot_id", BIG_ID, nullable=True))
        table.create_index("ix_album_appearances_snapshot", ["snapshot_id"])


def downgrade() -> None:
    with op.batch_alter_table("album_appearances") as table:
        table.drop_index("ix_album_appearances_snapshot")
        table.drop_column("snapshot_id")
    for name in ("album_days", "album_charts", "snapshots", "album_artists", "artists", "albums"):
        op.drop_table(name)

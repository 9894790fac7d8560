"""Rollups: album spans and debuts, for statistics whose cost does not follow the window.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

- `album_spans`: an album's appearances and best position over aligned blocks of 7, 28, 112
  and 448 days per market, and over all markets (`*`, single days too); keyed by market,
  span and block start, without a rowid on SQLite so one block's rows lie together;
- `album_debuts`: an album's first listing per scope (source or `*`, market or `*`);
- `album_totals`, `artist_totals`: whole-history totals per market and over all (`*`),
  ranked by index for the all-time statistics;
- `albums (updated_at)`: the albums whose credits changed since, for the statistics' mirror.

Schema only: an existing history gets its rollups from the data step `rollups` (in
`pipeline/data_steps/steps.py`), which runs after the upgrade with the rules of the code
that runs it, so this file means the same whenever the rollups change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "album_spans",
        sa.Column("market", sa.String(8), nullable=False),
        sa.Column("span", sa.SmallInteger(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("album_id", sa.String(64), nullable=False),
        sa.Column("appearances", sa.Integer(), nullable=False),
        sa.Column("best_position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "market",
            "span",
            "start",
            "source",
            "album_id",
            postgresql_include=["appearances", "best_position"],
        ),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_album_spans_album", "album_spans", ["album_id", "span", "start"])
    op.create_table(
        "album_debuts",
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("market", sa.String(8), primary_key=True),
        sa.Column("album_id", sa.String(64), primary_key=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("debut_source", sa.String(100), nullable=False),
        sa.Column("debut_market", sa.String(8), nullable=False),
        sa.Column("debut_position", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_album_debuts_scope_first", "album_debuts", ["source", "market", "first_seen_at"]
    )
    op.create_table(
        "album_totals",
        sa.Column("market", sa.String(8), primary_key=True),
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("album_id", sa.String(64), primary_key=True),
        sa.Column("appearances", sa.Integer(), nullable=False),
        sa.Column("best_position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_album_totals_rank", "album_totals", ["market", "source", "appearances"])
    op.create_table(
        "artist_totals",
        sa.Column("market", sa.String(8), primary_key=True),
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("artist_id", sa.String(64), primary_key=True),
        sa.Column("appearances", sa.Integer(), nullable=False),
        sa.Column("albums", sa.Integer(), nullable=False),
    )
    op.create_index("ix_artist_totals_rank", "artist_totals", ["market", "source", "appearances"])
    op.create_index("ix_albums_updated", "albums", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_albums_updated", table_name="albums")
    op.drop_index("ix_artist_totals_rank", table_name="artist_totals")
    op.drop_table("artist_totals")
    op.drop_index("ix_album_totals_rank", table_name="album_totals")
    op.drop_table("album_totals")
    op.drop_index("ix_album_debuts_scope_first", table_name="album_debuts")
    op.drop_table("album_debuts")
    op.drop_index("ix_album_spans_album", table_name="album_spans")
    op.drop_table("album_spans")

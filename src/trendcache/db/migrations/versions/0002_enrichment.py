"""Enrichment: match columns and batch claims, track ISRCs, MusicBrainz response cache.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("enrichment_state") as table:
        table.add_column(sa.Column("method", sa.String(20), nullable=True))
        table.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        table.add_column(sa.Column("release_mbid", sa.String(36), nullable=True))
        table.add_column(sa.Column("release_group_mbid", sa.String(36), nullable=True))
        table.add_column(sa.Column("batch_id", sa.String(32), nullable=True))
        table.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("steps_done", JSON, nullable=True))
        table.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        table.create_index("ix_enrichment_state_release", ["release_mbid"])
        table.create_index("ix_enrichment_state_batch", ["batch_id"])
    op.create_table(
        "spotify_tracks",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("album_id", sa.String(64), nullable=False),
        sa.Column("isrc", sa.String(20), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_spotify_tracks_album", "spotify_tracks", ["album_id"])
    op.create_table(
        "musicbrainz_responses",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("data", JSON, nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_musicbrainz_responses_fetched", "musicbrainz_responses", ["fetched_at"])


def downgrade() -> None:
    op.drop_table("musicbrainz_responses")
    op.drop_table("spotify_tracks")
    with op.batch_alter_table("enrichment_state") as table:
        table.drop_index("ix_enrichment_state_batch")
        table.drop_index("ix_enrichment_state_release")
        for column in (
            "steps_done",
            "last_error",
            "claimed_until",
            "batch_id",
            "release_group_mbid",
            "release_mbid",
            "confidence",
            "method",
        ):
            table.drop_column(column)

"""Sync runs per source: which trending source a run fetched from.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

Every run so far fetched from Spotify, the only source there was: existing rows get
`spotify` through a server default, which is dropped again afterwards, so a run written
without its source is refused rather than taken for Spotify's.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=50), nullable=False, server_default="spotify")
        )
    with op.batch_alter_table("sync_runs") as batch:
        batch.alter_column("source", existing_type=sa.String(length=50), server_default=None)
        batch.create_index("ix_sync_runs_source_id", ["source", "id"])


def downgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.drop_index("ix_sync_runs_source_id")
        batch.drop_column("source")

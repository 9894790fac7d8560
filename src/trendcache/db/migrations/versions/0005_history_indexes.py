"""History indexes: an album's appearances by listing and time, for its history page.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

On PostgreSQL the index carries `position` and `snapshot_id`, so an album's series is read
from the index alone. Building it reads the whole of `album_appearances`: on a large history
syncs wait to write until it is done.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_album_appearances_album_listing_seen"


def upgrade() -> None:
    op.create_index(
        NAME,
        "album_appearances",
        ["album_id", "source", "market", "seen_at"],
        postgresql_include=["position", "snapshot_id"],
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="album_appearances")

"""Stats indexes: the probes the trending statistics make per request and per album.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

- `album_charts (album_id, first_seen_at)`: whether an album first seen in the window was
  seen earlier in another market or source, from the index alone (one probe per new entry;
  the primary key would read each chart row too).
- `enrichment_state (updated_at)`: the last enrichment change, which the in-memory cache of
  the statistics checks on every request.

The window ranges themselves use the indexes history already has (`album_days.day`,
`album_charts.first_seen_at`, `snapshots.fetched_at`): covering variants measured no faster
on either database, the rows being stored in about the order they are read.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_album_charts_album_first_seen", "album_charts", ["album_id", "first_seen_at"]),
    ("ix_enrichment_state_updated", "enrichment_state", ["updated_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

"""Match levels: whether an album's MusicBrainz match names its release or only its
release group (the release unknown: only other pressings of its recordings, or twins
nothing tells apart, are in MusicBrainz).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

Schema only: the stored matches get their levels, and every decided album comes due
again, from the data step `match_levels` (in `pipeline/data_steps/steps.py`), which runs
after the upgrade. The downgrade keeps its plain SQL on this table's own columns: a
release-group match has no release to fall back on once the column is gone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

state = sa.table(
    "enrichment_state",
    sa.column("status", sa.String),
    sa.column("level", sa.String),
    sa.column("release_group_mbid", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("enrichment_state") as batch:
        batch.add_column(sa.Column("level", sa.String(length=20), nullable=True))


def downgrade() -> None:
    # A release-group match has no release to fall back on: it becomes "no match" again.
    op.execute(
        state.update()
        .where(state.c.level == "release_group")
        .values(status="no_match", release_group_mbid=None)
    )
    with op.batch_alter_table("enrichment_state") as batch:
        batch.drop_column("level")

"""Match levels: whether an album's MusicBrainz match names its release or only its
release group (the release unknown: only other pressings of its recordings, or twins
nothing tells apart, are in MusicBrainz).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

Stored matches named a release, or nothing: they become release-level. The matcher that
made them could take another country's pressing, or one of two barcode twins, for the
album's own release; every decided album is due again, so today's matcher re-decides it
(its stored match stays on show until then; the response cache answers what was asked).
Data changes here are plain SQL on this table's own columns: no application code.
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
    sa.column("release_mbid", sa.String),
    sa.column("release_group_mbid", sa.String),
    sa.column("next_attempt_at", sa.DateTime),
)


def upgrade() -> None:
    with op.batch_alter_table("enrichment_state") as batch:
        batch.add_column(sa.Column("level", sa.String(length=20), nullable=True))
    matched = state.c.status == "matched"
    op.execute(
        state.update().where(matched, state.c.release_mbid.is_not(None)).values(level="release")
    )
    op.execute(
        state.update()
        .where(matched, state.c.release_mbid.is_(None), state.c.release_group_mbid.is_not(None))
        .values(level="release_group")
    )
    op.execute(
        state.update()
        .where(state.c.status.in_(("matched", "needs_review", "no_match")))
        .values(next_attempt_at=sa.func.current_timestamp())
    )


def downgrade() -> None:
    # A release-group match has no release to fall back on: it becomes "no match" again.
    op.execute(
        state.update()
        .where(state.c.level == "release_group")
        .values(status="no_match", release_group_mbid=None)
    )
    with op.batch_alter_table("enrichment_state") as batch:
        batch.drop_column("level")

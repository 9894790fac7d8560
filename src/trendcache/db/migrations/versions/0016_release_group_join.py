"""Index enrichment matches by release group: an album listed by ListenBrainz (known by its
release group) is the same album as the Spotify album matched to that release group.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_enrichment_state_release_group", "enrichment_state", ["release_group_mbid"])


def downgrade() -> None:
    op.drop_index("ix_enrichment_state_release_group", table_name="enrichment_state")

"""Admins: a user flag that lets their API tokens spend upstream budget beyond the
freshness rule (`force=true` on `/api/spotify/sync`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Every existing user starts as a plain user: `trendcache users admin NAME` promotes one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("is_admin")

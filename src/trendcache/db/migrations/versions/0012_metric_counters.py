"""Metric counters summed over every process, and each web process's snapshot age.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "metric_counters",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("labels", sa.String(length=1000), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", "labels"),
    )
    op.create_table(
        "web_snapshots",
        sa.Column("process", sa.String(length=300), nullable=False),
        sa.Column("current_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("process"),
    )


def downgrade() -> None:
    op.drop_table("web_snapshots")
    op.drop_table("metric_counters")

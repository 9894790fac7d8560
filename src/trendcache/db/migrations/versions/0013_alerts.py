"""Alerts without Prometheus: each alert's shared state, and the webhook posts it owes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "alert_state",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("firing", sa.Boolean(), nullable=False, server_default=sa.false()),
        when("started_at"),
        when("ended_at"),
        when("clear_since"),
        sa.Column("details", JSON, nullable=True),
        when("updated_at", nullable=False),
    )
    op.create_table(
        "alert_events",
        sa.Column("id", BIGID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        when("created_at", nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        when("claimed_until"),
        when("delivered_at"),
        when("abandoned_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_alert_events_delivered_id", "alert_events", ["delivered_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_alert_events_delivered_id", "alert_events")
    op.drop_table("alert_events")
    op.drop_table("alert_state")

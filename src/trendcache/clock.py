"""The one clock: timezone-aware UTC now, for everything that stamps or compares moments."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)

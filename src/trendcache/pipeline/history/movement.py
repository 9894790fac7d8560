"""How a listing moved since its previous snapshot: each album's place in it then.

A chart shows movement ("▲ 3", "new") against the snapshot before the latest; reading that
snapshot's positions is two index probes (the listing's two latest snapshots, then one
snapshot's appearances), however long the history.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trendcache.db.history import Snapshot
from trendcache.db.models import AlbumAppearance


def previous_positions(session: Session, source: str, market: str) -> dict[str, int] | None:
    """Album id → its position in the listing's snapshot before the latest; None when the
    listing has fewer than two snapshots (nothing to compare with)."""
    latest_two = session.scalars(
        select(Snapshot.id)
        .where(Snapshot.source == source, Snapshot.market == market)
        .order_by(Snapshot.fetched_at.desc())
        .limit(2)
    ).all()
    if len(latest_two) < 2:
        return None
    rows = session.execute(
        select(AlbumAppearance.album_id, AlbumAppearance.position).where(
            AlbumAppearance.snapshot_id == latest_two[1]
        )
    )
    return {album_id: position for album_id, position in rows if position is not None}


def movement(position: int, before: int | None) -> str | None:
    """'▲ 3', '▼ 1', '=' or 'new' for an album at `position` that was at `before` (None:
    not in the previous snapshot)."""
    if before is None:
        return "new"
    if before == position:
        return "="
    return f"▲ {before - position}" if before > position else f"▼ {position - before}"

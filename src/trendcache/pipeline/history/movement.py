"""How a listing moved since its previous snapshot: each album's place in it then.

A chart shows movement ("▲ 3", "new") against the snapshot before the latest; reading that
snapshot's positions is two index probes (the listing's two latest snapshots, then one
snapshot's appearances), however long the history.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trendcache.db.models import AlbumAppearance
from trendcache.pipeline.history.listed import latest_snapshots


def previous_positions(session: Session, source: str, market: str) -> dict[str, int] | None:
    """Album id → its position in the listing's snapshot before the latest; None when the
    listing has fewer than two snapshots (nothing to compare with)."""
    latest_two = latest_snapshots(session, source, market, 2)
    if len(latest_two) < 2:
        return None
    previous_id = latest_two[1][0]
    rows = session.execute(
        select(AlbumAppearance.album_id, AlbumAppearance.position).where(
            AlbumAppearance.snapshot_id == previous_id
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

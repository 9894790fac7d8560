"""How an album's chart and day rows move when a snapshot lists it.

Pure functions over plain dicts (the columns of `AlbumChart` and `AlbumDay`), shared by the
sync's incremental write and the backfill's rebuild, so both compute the same history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

Row = dict[str, Any]


def advance_chart(
    chart: Row | None,
    key: tuple[str, str, str],
    snapshot_id: int,
    previous_id: int | None,
    at: datetime,
    position: int,
) -> Row:
    """`chart` (or nothing yet) after the album was listed at `position` in `snapshot_id`.

    A streak goes on when the album was also in `previous_id`, the listing's snapshot just
    before this one; otherwise this is a new run (a re-entry, or the first).
    """
    album_id, source, market = key
    if chart is None:
        return {
            "album_id": album_id,
            "source": source,
            "market": market,
            "first_seen_at": at,
            "last_seen_at": at,
            "last_snapshot_id": snapshot_id,
            "last_position": position,
            "snapshots": 1,
            "peak_position": position,
            "peak_at": at,
            "streak": 1,
            "runs": 1,
        }
    continuing = previous_id is not None and chart["last_snapshot_id"] == previous_id
    peaked = position < chart["peak_position"]
    return {
        **chart,
        "last_seen_at": at,
        "last_snapshot_id": snapshot_id,
        "last_position": position,
        "snapshots": chart["snapshots"] + 1,
        "peak_position": position if peaked else chart["peak_position"],
        "peak_at": at if peaked else chart["peak_at"],
        "streak": chart["streak"] + 1 if continuing else 1,
        "runs": chart["runs"] if continuing else chart["runs"] + 1,
    }


def advance_day(day_row: Row | None, key: tuple[Any, str, str, str], position: int) -> Row:
    """The album's row for that day (UTC) after one more listing at `position`."""
    day, album_id, source, market = key
    if day_row is None:
        return {
            "day": day,
            "album_id": album_id,
            "source": source,
            "market": market,
            "appearances": 1,
            "best_position": position,
        }
    return {
        **day_row,
        "appearances": day_row["appearances"] + 1,
        "best_position": min(day_row["best_position"], position),
    }


def first_positions(album_ids: list[str]) -> list[tuple[str, int]]:
    """(album id, position from 1) for a listing, an album listed twice kept at its first."""
    seen: dict[str, int] = {}
    for position, album_id in enumerate(album_ids, start=1):
        seen.setdefault(album_id, position)
    return list(seen.items())

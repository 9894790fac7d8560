"""A known history for web tests: four SE snapshots recorded beside the real US/GB sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from tests.pipeline.helpers import cache_row
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import NEW_RELEASES, new_releases_key
from trendcache.services import Services

T0 = datetime(2026, 11, 20, tzinfo=UTC)
MOMENTS = [T0 + timedelta(hours=6 * n) for n in range(4)]
EVIL = "<script>window.__xss = 1; alert(1)</script>"


class History(NamedTuple):
    steady: dict[str, Any]  # in every SE snapshot: 1, 2, 1, 2
    gone: dict[str, Any]  # in the first two, then never again
    back: dict[str, Any]  # 3rd, absent twice, back at 1
    snapshot_ids: list[int]


def record_history(services: Services) -> History:
    """Albums of the synced US listing, listed again in SE at `MOMENTS`."""
    row = cache_row(services.database, new_releases_key("US"))
    assert row is not None
    steady, gone, back = row.data["albums"]["items"][:3]
    listings = [[steady, gone, back], [gone, steady], [steady], [back, steady]]
    with services.database.writer() as session:
        ids = [
            record_listing(session, NEW_RELEASES, "SE", listing, at)
            for listing, at in zip(listings, MOMENTS, strict=True)
        ]
    return History(steady, gone, back, ids)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")

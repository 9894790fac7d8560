"""The browse page's lean path remembers each scope's last page."""

from __future__ import annotations

from trendcache.web.prepared import Prepared
from trendcache.web.served_views import ServedView


class LastPages:
    """Each scope's last page, for the lean path: found again without working out the page
    state while nothing it depends on moved: the same snapshot and enrichment activity (by
    identity), the same outage, the same second (the state's only clock is words like
    "3 minutes ago"). Saves most of a request's own time; on the event loop only."""

    def __init__(self) -> None:
        self._last: dict[str | None, tuple[ServedView, object, str | None, int, Prepared]] = {}

    def get(
        self, snapshot: ServedView, activity: object, outage: str | None, second: int
    ) -> Prepared | None:
        last = self._last.get(snapshot.scope)
        if last is None or last[0] is not snapshot or last[1] is not activity:
            return None
        return last[4] if last[2] == outage and last[3] == second else None

    def visited(self, scope: str | None, now: int, within: int) -> bool:
        """Whether the lean path served `scope` in the last `within` seconds."""
        last = self._last.get(scope)
        return last is not None and now - last[3] < within

    def keep(
        self,
        snapshot: ServedView,
        activity: object,
        outage: str | None,
        second: int,
        page: Prepared,
    ) -> None:
        self._last[snapshot.scope] = (snapshot, activity, outage, second, page)

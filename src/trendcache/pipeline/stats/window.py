"""The window trending statistics are computed over: `since`, `until`, `source`, `market`.

Parsing lives here, not in the web layer, so the API, the page and any other caller refuse
the same values with the same words. Every refusal is a `StatsWindowError` whose message a
person can act on.

`since` and `until` are RFC 3339 dates or date-times (`moments.parse_moment`); a date means a
whole UTC day: `since=2026-11-01&until=2026-11-30` is all of November. Without `until` the
window ends now, without `since` it starts 30 days before `until`; such a window moves with
the clock (`relative`), which the cache needs to know.

Sources: Spotify's new releases (one listing per market) and ListenBrainz's top and fresh
releases (one worldwide listing each, market `XW`). Without `source`, every one of them.

A `market` keeps the worldwide listings: ListenBrainz charts what the whole world plays,
which includes that market, so `market=US` is Spotify's US listing and ListenBrainz's
worldwide ones (`markets`: US and XW), and `market=XW` is ListenBrainz alone. Spotify's
markets and XW never share an album (Spotify ids there, `mb-` ids here), so the two
scopes' counts add up.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from trendcache.clock import utcnow
from trendcache.pipeline.keys import (
    LISTENBRAINZ_FRESH,
    LISTENBRAINZ_TOP,
    NEW_RELEASES,
    WORLDWIDE,
)
from trendcache.pipeline.moments import EARLIEST, MomentError, parse_moment

KNOWN_SOURCES = (NEW_RELEASES, LISTENBRAINZ_TOP, LISTENBRAINZ_FRESH)
WORLDWIDE_SOURCES = (LISTENBRAINZ_TOP, LISTENBRAINZ_FRESH)  # listed in WORLDWIDE only
SOURCE_NAMES = {
    NEW_RELEASES: "Spotify new releases",
    LISTENBRAINZ_TOP: "ListenBrainz top",
    LISTENBRAINZ_FRESH: "ListenBrainz fresh releases",
}
DEFAULT_DAYS = 30
DEFAULT_LIMIT = 10
MAX_LIMIT = 100


class StatsWindowError(ValueError):
    """A statistics parameter that cannot be used; the message says why and what would do."""


@dataclass(frozen=True)
class StatsWindow:
    """A validated window: inclusive UTC bounds, optional source and market filters."""

    since: datetime
    until: datetime
    source: str | None = None
    market: str | None = None
    limit: int = DEFAULT_LIMIT
    relative: bool = False  # `until` was "now": the same request means another window later
    since_given: bool = True  # `since` was asked for, not derived from `until`

    @property
    def first_day(self) -> date:
        return self.since.date()

    @property
    def last_day(self) -> date:
        return self.until.date()

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources in scope: the one asked for, or every one with a history."""
        return (self.source,) if self.source else KNOWN_SOURCES

    @property
    def markets(self) -> tuple[str, ...]:
        """The markets in scope, none for all: the one asked for, and the worldwide
        listings' market when a source in scope lists there (see above)."""
        if not self.market:
            return ()
        worldwide = any(source in WORLDWIDE_SOURCES for source in self.sources)
        if self.market == WORLDWIDE or not worldwide:
            return (self.market,)
        return (self.market, WORLDWIDE)

    @property
    def days(self) -> int:
        """How many UTC days the day-granular statistics cover."""
        return (self.last_day - self.first_day).days + 1

    @property
    def key(self) -> Hashable:
        """The cache key: the bounds, or for a relative window what was asked for (its
        bounds move with the clock; the cache gives such entries a short life)."""
        bounds: tuple[datetime | None, datetime | None]
        if self.relative:
            bounds = (self.since if self.since_given else None, None)
        else:
            bounds = (self.since, self.until)
        return (bounds, self.source, self.market, self.limit)


def make_window(
    since: str | None = None,
    until: str | None = None,
    source: str | None = None,
    market: str | None = None,
    limit: int = DEFAULT_LIMIT,
    *,
    now: datetime | None = None,
) -> StatsWindow:
    """The window for these (raw) parameters; empty strings count as not given.

    `market` is taken as given (upper-cased): which markets exist is the caller's to check,
    against its configuration.
    """
    since, until = since or None, until or None
    try:
        end = parse_moment("until", until, end=True) if until else (now or utcnow())
        start = parse_moment("since", since) if since else None
    except MomentError as exc:
        raise StatsWindowError(str(exc)) from None
    if start is None:
        try:
            start = end - timedelta(days=DEFAULT_DAYS)
        except OverflowError:
            start = EARLIEST
    if start > end:
        raise StatsWindowError(
            f"since ({start.isoformat()}) is after until ({end.isoformat()}): "
            "the window would be empty"
        )
    if source and source not in KNOWN_SOURCES:
        raise StatsWindowError(f"unknown source {source!r}: one of {', '.join(KNOWN_SOURCES)}")
    if not 1 <= limit <= MAX_LIMIT:
        raise StatsWindowError(f"limit: {limit} is not between 1 and {MAX_LIMIT}")
    return StatsWindow(
        since=start,
        until=end,
        source=source or None,
        market=market.upper() if market else None,
        limit=limit,
        relative=until is None,
        since_given=since is not None,
    )

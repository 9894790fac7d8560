"""Cache keys, as in the seed, one per market: `spotify_new_releases:US`, `spotify_trending:US`;
and the lock one source's sync holds: `sync:spotify`.

`spotify_trending` without a market is the view across every configured market.
"""

from __future__ import annotations

NEW_RELEASES = "spotify_new_releases"
TRENDING = "spotify_trending"
# ListenBrainz: the week's most-listened release groups and the fresh releases, one
# worldwide listing each (MusicBrainz's code for "worldwide": XW).
LISTENBRAINZ = "listenbrainz"
LISTENBRAINZ_TOP = "listenbrainz_top"
LISTENBRAINZ_FRESH = "listenbrainz_fresh"
WORLDWIDE = "XW"
# What the browse page shows of ListenBrainz: both listings, as the ListenBrainz sync serves them.
LISTENBRAINZ_VIEW = "listenbrainz_view"


def new_releases_key(market: str) -> str:
    return f"{NEW_RELEASES}:{market}"


def listenbrainz_key(listing: str) -> str:
    """`listenbrainz_top:XW`: a ListenBrainz listing's cache key (worldwide, as its data)."""
    return f"{listing}:{WORLDWIDE}"


def listenbrainz_view_key() -> str:
    """`listenbrainz_view`: what ListenBrainz's sync serves, its chart and fresh releases
    side by side with positions (the browse page's "Listeners' chart")."""
    return LISTENBRAINZ_VIEW


def trending_key(market: str | None = None) -> str:
    return TRENDING if market is None else f"{TRENDING}:{market}"


def sync_lease(source: str) -> str:
    """The lease one sync of `source` holds: sources never wait for each other."""
    return f"sync:{source}"

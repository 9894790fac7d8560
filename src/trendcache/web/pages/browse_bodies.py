"""The browse page and its status fragment as bytes: rendered once, compressed once.

The page is the same for every visitor (who is signed in, their collection and CSRF token
come after load from `/fragments/viewer`, see `static/viewer.js`), so its HTML depends
only on the snapshot and on the page's state: the data's age in words ("3 minutes ago"),
whether a sync is under way, a notice, MusicBrainz progress and how fast the status line
polls. A request computes that state (microseconds, no I/O) and looks its body up by it
(`web/rendered.py`); a state not seen yet renders once (its age's words move once a minute
at most), and the sections' HTML, the costly part, renders once per snapshot and is shared
by every state and by the status fragment's out-of-band swap.

`?source=` narrows the page to Spotify's sections or ListenBrainz's "Listeners' chart";
each choice is its own body. The ListenBrainz view's identity is part of the sections'
key (`ServedView.sections_tag`), so a new ListenBrainz sync, or a match that joins one of
its albums to a Spotify album, renders them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trendcache.web.deps import LISTENBRAINZ, SPOTIFY
from trendcache.web.pages.page_state import EnrichmentProgress, PageState
from trendcache.web.prepared import Prepared
from trendcache.web.rendered import Rendered
from trendcache.web.served_views import ServedView

SHELF_SIZE = 18  # albums a shelf shows at first; the rest come when "Show all" opens
# Per scope: the page, two status fragments and the rest of the new releases, one version
# each (~150 KB with their compressed forms, the all-markets page of five markets).
PAGES_BYTES = 16 << 20


@dataclass(frozen=True)
class Shown:
    """What one response of the page shows; the key of its body."""

    snapshot: ServedView
    state: PageState
    progress: EnrichmentProgress
    markets: tuple[str, ...]
    demo_note: str | None
    source: str | None = None  # `deps.SOURCES`: one of them, or None for both

    @property
    def version(self) -> tuple[object, ...]:
        return (self.snapshot.sections_tag, self.state, self.progress)

    def shows(self, source: str) -> bool:
        return self.source is None or self.source == source


def more_new_releases(rendered: Rendered, snapshot: ServedView) -> Prepared:
    """The new releases past the first shelf: fetched when "Show all" opens."""

    def values() -> dict[str, Any]:
        return {"doc": snapshot.document, "shelf_size": SHELF_SIZE}

    key = ("more", snapshot.scope)
    return rendered.body(key, snapshot.etag, "fragments/more_new_releases.html", values)


def more_listeners(rendered: Rendered, snapshot: ServedView) -> Prepared:
    """The Listeners' chart past the first shelf: fetched when "Show all" opens."""

    def values() -> dict[str, Any]:
        return {**_listeners_values(snapshot), "shelf_size": SHELF_SIZE}

    key = ("more-listeners", snapshot.scope)
    return rendered.body(key, snapshot.sections_tag, "fragments/more_listeners.html", values)


def page(rendered: Rendered, shown: Shown) -> Prepared:
    key = ("page", shown.snapshot.scope, shown.source)
    return rendered.body(key, shown.version, "browse.html", lambda: _values(rendered, shown))


def status(rendered: Rendered, shown: Shown, swap_sections: bool) -> Prepared:
    """The status fragment; with the sections too when the page shows older ones."""

    def values() -> dict[str, Any]:
        return {**_values(rendered, shown), "swap_sections": swap_sections}

    key = ("status", shown.snapshot.scope, shown.source, swap_sections)
    return rendered.body(key, shown.version, "fragments/status.html", values)


def _values(rendered: Rendered, shown: Shown) -> dict[str, Any]:
    scope, state = shown.snapshot.scope, shown.state
    query = {"market": scope, "source": shown.source}
    here = "/" + query_string(query)
    values = {
        "doc": shown.snapshot.document,
        "etag": shown.snapshot.sections_tag,
        "market": scope,
        "source": shown.source,
        "show_spotify": shown.shows(SPOTIFY),
        "show_listenbrainz": shown.shows(LISTENBRAINZ),
        "query": query,
        "query_string": query_string,
        **_listeners_values(shown.snapshot),
        "markets": shown.markets,
        "state": state,
        "enrichment": shown.progress,
        "demo_note": shown.demo_note,
        "next_url": here,
        "viewer_url": "/fragments/viewer" + query_string({"market": scope}),
        "feed_url": "/feeds/new-releases.atom" + query_string({"market": scope}),
        "shelf_size": SHELF_SIZE,
    }
    # The sections: per snapshot once it has data (before, they say why there is none).
    empty = None if state.has_data else (state.notice, state.refreshing)
    part_key = (shown.snapshot.sections_tag, empty)
    group = ("shelves", scope, shown.source)
    values["shelves"] = rendered.part(group, part_key, "partials/shelves.html", values)
    return values


def _listeners_values(snapshot: ServedView) -> dict[str, Any]:
    """The Listeners' chart of a scope: ListenBrainz's view, and which of its albums are
    in the scope's Spotify new releases (badged)."""
    listeners = snapshot.listeners
    new_releases = (album["id"] for album in snapshot.document["newReleases"])
    badged = listeners.in_listing(new_releases) if listeners else frozenset()
    return {"listeners": listeners, "badged": badged}


def query_string(values: dict[str, str | None]) -> str:
    """`?market=GB&source=spotify` of the values set, "" when none is."""
    present = [f"{name}={value}" for name, value in values.items() if value]
    return "?" + "&".join(present) if present else ""

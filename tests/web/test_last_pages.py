"""The lean path's memory of each scope's last browse page: found again only while the
snapshot and enrichment activity are the same objects, the outage the same, and the second."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from trendcache.web.last_pages import LastPages
from trendcache.web.prepared import prepare
from trendcache.web.served_views import ServedView

PAGE = prepare(b"<p>page</p>", b"text/html")


def view(scope: str | None) -> ServedView:
    return ServedView(scope, {}, prepare(b"{}", b"application/json"), None, datetime(2026, 1, 1))


def test_found_again_only_while_nothing_it_depends_on_moved() -> None:
    last = LastPages()
    snapshot, activity = view(None), object()
    assert last.get(snapshot, activity, None, 10) is None
    last.keep(snapshot, activity, None, 10, PAGE)
    assert last.get(snapshot, activity, None, 10) is PAGE
    assert last.get(replace(snapshot), activity, None, 10) is None  # an equal, new snapshot
    assert last.get(snapshot, object(), None, 10) is None  # enrichment activity read again
    assert last.get(snapshot, activity, "PostgreSQL is down.", 10) is None
    assert last.get(snapshot, activity, None, 11) is None  # a second later: work it out again
    assert last.get(view("GB"), activity, None, 10) is None  # another scope


def test_visited_lately() -> None:
    last = LastPages()
    assert not last.visited(None, 100, within=600)
    last.keep(view(None), object(), None, 100, PAGE)
    assert last.visited(None, 699, within=600)
    assert not last.visited(None, 700, within=600)
    assert not last.visited("GB", 100, within=600)

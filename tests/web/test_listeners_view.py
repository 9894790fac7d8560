"""The Listeners' chart as the page renders it, from ListenBrainz's served view."""

from __future__ import annotations

from tests.web.listenbrainz import group, lb_item
from trendcache.web.listeners_view import album_ids, build_listeners_view

SPOTIFY_ID = "3IqzqH6ShrRtie9Yd2ODyG"


def view(top: list[object], fresh: list[object] | None = None) -> dict[str, object]:
    return {"fetched_at": "2026-12-04T12:00:00+00:00", "top": top, "fresh": fresh or []}


def test_albums_link_to_their_canonical_page_and_badge_through_the_join() -> None:
    a, b = lb_item(1), lb_item(2)
    data = view([{**a, "position": 1}, {**b, "position": 2}], [{**b, "position": 1}])
    assert album_ids(data) == [a["id"], b["id"], b["id"]]
    joined = {a["id"]: [a["id"]], b["id"]: [b["id"], SPOTIFY_ID]}
    built = build_listeners_view(data, joined)
    assert [x.href for x in built.top] == [f"/albums/mb-{group(1)}", f"/albums/{SPOTIFY_ID}"]
    assert built.top[1].spotify_ids == (SPOTIFY_ID,)
    assert built.in_listing([SPOTIFY_ID, "elsewhere"]) == {b["id"]}
    assert built.in_listing([]) == frozenset()
    assert built.top[0].artists[0].url == a["artists"][0]["external_urls"]["musicbrainz"]
    alone = build_listeners_view(data, {})
    assert alone.top[1].href == f"/albums/mb-{group(2)}"
    assert alone.identity != built.identity  # a match landing re-renders the page


def test_malformed_items_are_left_out_and_missing_fields_tolerated() -> None:
    bare = {"id": "mb-x", "name": "Bare"}
    data = view([None, {"name": "no id"}, {"id": "mb-y"}, bare, "text"])
    built = build_listeners_view(data, {})
    assert [(x.name, x.position, x.image, x.listen_count, x.artists) for x in built.top] == [
        ("Bare", 1, None, None, ())  # no position: its place among the valid ones
    ]
    assert build_listeners_view({"top": "not a list"}, {}).top == ()


def test_movement_against_the_previous_snapshot() -> None:
    a, b, c = lb_item(1), lb_item(2), lb_item(3)
    data = view([{**x, "position": n} for n, x in enumerate([a, b, c], start=1)])
    moved = build_listeners_view(data, {}, {a["id"]: 3, b["id"]: 2})
    assert [x.movement for x in moved.top] == ["▲ 2", "=", "new"]
    assert [x.movement for x in build_listeners_view(data, {}).top] == [None, None, None]

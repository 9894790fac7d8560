"""Trending statistics over a history built with `record_listing` at chosen moments, from
the Spotify emulator's US listing stored as a sync stores it (tests/pipeline/listings.py),
on both databases.

The history (in 2020, long before that listing's own snapshot, which stays outside every
window here), one source, three markets:

    day 1 06:00  SE [a, b, c, d]   DK [b, a, e]   NO [d, a]
    day 1 18:00  SE [c, a, b, e]
    day 2 06:00  SE [a, c, f, b]   DK [a, f, e]
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, update

from tests.pipeline.listings import listed_items
from tests.pipeline.stats.listenbrainz import lb_item, match, record_lb
from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import LISTENBRAINZ_TOP, NEW_RELEASES
from trendcache.pipeline.stats.cache import StatsCache
from trendcache.pipeline.stats.compute import compute_stats
from trendcache.pipeline.stats.results import Move, TrendingStats
from trendcache.pipeline.stats.window import make_window

DAY1 = datetime.fromisoformat("2020-01-06T00:00:00+00:00")
MORNING, EVENING, NEXT = (
    DAY1 + timedelta(hours=6),
    DAY1 + timedelta(hours=18),
    DAY1 + timedelta(days=1, hours=6),
)
Albums = dict[str, dict[str, Any]]


@pytest.fixture
def albums(database: Database, spotify_emulator: SpotifyEmulator) -> Albums:
    """Albums a-f of the emulator's listing (its write queues them all for enrichment)."""
    items = listed_items(database, spotify_emulator)
    return dict(zip("abcdef", items, strict=False))


def record(database: Database, albums: Albums, market: str, at: datetime, names: str) -> None:
    with database.writer() as session:
        record_listing(session, NEW_RELEASES, market, [albums[n] for n in names], at)


@pytest.fixture
def history(database: Database, albums: Albums) -> Albums:
    record(database, albums, "SE", MORNING, "abcd")
    record(database, albums, "DK", MORNING, "bae")
    record(database, albums, "NO", MORNING, "da")
    record(database, albums, "SE", EVENING, "cabe")
    record(database, albums, "SE", NEXT, "acfb")
    record(database, albums, "DK", NEXT, "afe")
    return albums


def stats(database: Database, **window: Any) -> TrendingStats:
    return compute_stats(database, make_window(**window))


def ids(albums: Albums, names: str) -> list[str]:
    return [albums[n]["id"] for n in names]


def named(albums: Albums) -> dict[str, str]:
    return {album["id"]: name for name, album in albums.items()}


def moves(albums: Albums, found: tuple[Move, ...]) -> list[tuple[str, str, int | None, int | None]]:
    names = named(albums)
    return [(names[m.album.id], m.market, m.previous_position, m.position) for m in found]


def by_id(albums: Albums, names: str) -> str:
    """`names` in album id order (the tie-break of every ranking)."""
    return "".join(sorted(names, key=lambda n: albums[n]["id"]))


def test_every_statistic_over_two_days(database: Database, history: Albums) -> None:
    found = stats(database, since="2020-01-06", until="2020-01-07")
    names = named(history)
    window = found.window
    assert (window.since, window.until) == (DAY1, DAY1 + timedelta(days=2, microseconds=-1))
    assert window.days == 2

    # New entries: everything debuted here; f last (day 2), then the day-1 debuts by id.
    entries = found.new_entries
    assert entries.count == 6
    debuts = {names[e.album.id]: (e.market, e.position, e.first_seen_at) for e in entries.items}
    assert [names[e.album.id] for e in entries.items] == ["f", *by_id(history, "abcde")]
    assert debuts == {
        "a": ("SE", 1, MORNING),  # also DK 2 and NO 2 at the same moment: its best
        "b": ("DK", 1, MORNING),
        "c": ("SE", 3, MORNING),
        "d": ("NO", 1, MORNING),
        "e": ("DK", 3, MORNING),  # SE only in the evening
        "f": ("DK", 2, NEXT),
    }
    first = entries.items[-1].album
    assert first.name == history[names[first.id]]["name"]
    assert [a.name for a in first.artists] == [
        a["name"] for a in history[names[first.id]]["artists"]
    ]

    # Movements: DK morning → day 2, SE evening → day 2; NO has one snapshot only.
    assert [(c.market, c.previous_at, c.latest_at) for c in found.comparisons] == [
        ("DK", MORNING, NEXT),
        ("SE", EVENING, NEXT),
    ]
    assert moves(history, found.climbers.items) == [("a", "DK", 2, 1), ("a", "SE", 2, 1)]
    assert [m.change for m in found.climbers.items] == [1, 1]
    assert moves(history, found.fallers.items) == [("c", "SE", 1, 2), ("b", "SE", 3, 4)]
    assert [m.change for m in found.fallers.items] == [-1, -1]
    assert moves(history, found.entered.items) == [("f", "DK", None, 2), ("f", "SE", None, 3)]
    assert moves(history, found.left.items) == [("b", "DK", 1, None), ("e", "SE", 4, None)]
    assert (found.climbers.count, found.fallers.count) == (2, 2)
    assert (found.entered.count, found.left.count) == (2, 2)

    # Longest running: snapshots per album over both days, all markets.
    runs = {
        names[r.album.id]: (r.appearances, r.best_position, r.markets)
        for r in found.longest_running.items
    }
    assert runs == {
        "a": (6, 1, 3),
        "b": (4, 1, 2),
        "c": (3, 1, 1),
        "e": (3, 3, 2),
        "d": (2, 1, 2),
        "f": (2, 2, 2),
    }
    order = [names[r.album.id] for r in found.longest_running.items]
    assert order == ["a", "b", "c", "e", "d", "f"]  # c, e: 3 each, by best; so d, f
    assert found.longest_running.count == 6

    # Artists: their albums' appearances.
    expected: dict[str, list[int]] = {}
    for name, (appearances, _, _) in runs.items():
        for artist in history[name]["artists"]:
            expected.setdefault(artist["id"], [0, 0])
            expected[artist["id"]][0] += appearances
            expected[artist["id"]][1] += 1
    ranking = sorted(expected.items(), key=lambda kv: (-kv[1][0], kv[0]))
    assert found.artists.count == len(expected)
    assert [(r.artist.id, r.appearances, r.albums) for r in found.artists.items] == [
        (artist_id, n, albums) for artist_id, (n, albums) in ranking[:10]
    ]

    # Overlap of each market's latest snapshot: DK {a,f,e}, NO {d,a}, SE {a,c,f,b}.
    assert [
        (o.market_a, o.market_b, o.albums_a, o.albums_b, o.shared, o.jaccard) for o in found.overlap
    ] == [
        ("DK", "NO", 3, 2, 1, 0.25),
        ("DK", "SE", 3, 4, 2, 0.4),
        ("NO", "SE", 2, 4, 1, 0.2),
    ]

    # Enrichment: all six were queued by the listing's write, none decided yet.
    assert found.enrichment.counts == {
        "pending": 6,
        "matched_release": 0,
        "matched_release_group": 0,
        "needs_review": 0,
        "no_match": 0,
        "error": 0,
        "not_queued": 0,
    }
    assert found.enrichment.matched_share == 0.0


def test_enrichment_coverage_counts_each_status_and_albums_never_queued(
    database: Database, history: Albums
) -> None:
    status = {
        "a": ("matched", "release"),
        "b": ("no_match", None),
        "c": ("needs_review", None),
        "e": ("matched", "release_group"),
    }
    with database.writer() as session:
        for name, (value, level) in status.items():
            session.execute(
                update(EnrichmentState)
                .where(EnrichmentState.album_id == history[name]["id"])
                .values(status=value, level=level)
            )
        session.execute(
            delete(EnrichmentState).where(EnrichmentState.album_id == history["d"]["id"])
        )
    coverage = stats(database, since="2020-01-06", until="2020-01-07").enrichment
    assert coverage.counts == {
        "pending": 1,
        "matched_release": 1,
        "matched_release_group": 1,
        "needs_review": 1,
        "no_match": 1,
        "error": 0,
        "not_queued": 1,
    }
    assert coverage.total == 6
    assert coverage.matched == 2
    assert coverage.matched_share == pytest.approx(2 / 6)
    assert coverage.release_share == pytest.approx(1 / 6)
    # Day 2 only: a, b, c, e, f.
    assert stats(database, since="2020-01-07", until="2020-01-07").enrichment.total == 5


def test_window_edges_are_exact_to_the_moment_except_day_sums(
    database: Database, history: Albums
) -> None:
    names = named(history)
    # From the evening on: only f debuts across all markets (e was in DK that morning)...
    late = stats(database, since=EVENING.isoformat(), until="2020-01-08")
    assert [names[e.album.id] for e in late.new_entries.items] == ["f"]
    # ... while in SE alone, e debuted that evening.
    se = stats(database, since=EVENING.isoformat(), until="2020-01-08", market="SE")
    assert [names[e.album.id] for e in se.new_entries.items] == ["f", "e"]
    assert [(e.market, e.position) for e in se.new_entries.items] == [("SE", 3), ("SE", 4)]
    # DK's one snapshot in this window compares with nothing.
    assert [c.market for c in late.comparisons] == ["SE"]
    # The days are whole: day 1's morning snapshots still count from 18:00.
    assert late.longest_running.items[0].appearances == 6

    # Up to the evening snapshot, inclusive: SE morning → evening.
    early = stats(database, since="2020-01-06", until=EVENING.isoformat())
    assert [(c.market, c.previous_at, c.latest_at) for c in early.comparisons] == [
        ("SE", MORNING, EVENING)
    ]
    assert moves(history, early.climbers.items) == [("c", "SE", 3, 1)]
    assert early.climbers.items[0].change == 2
    assert moves(history, early.fallers.items) == [
        (n, "SE", before, after)
        for n, before, after in sorted(
            [("a", 1, 2), ("b", 2, 3)], key=lambda m: (m[2], history[m[0]]["id"])
        )
    ]
    assert moves(history, early.entered.items) == [("e", "SE", None, 4)]
    assert moves(history, early.left.items) == [("d", "SE", 4, None)]
    # Just before the evening: no SE comparison; latest SE is the morning one.
    before = stats(database, since="2020-01-06", until=(EVENING - timedelta(seconds=1)).isoformat())
    assert before.comparisons == ()
    assert {(o.market_a, o.market_b): o.shared for o in before.overlap} == {
        ("DK", "NO"): 1,
        ("DK", "SE"): 2,
        ("NO", "SE"): 2,
    }
    # Nothing at all in a window before the history.
    empty = stats(database, since="2019-01-01", until="2019-12-31")
    assert empty.new_entries.count == empty.longest_running.count == empty.artists.count == 0
    assert empty.comparisons == empty.overlap == ()
    assert empty.enrichment.total == 0
    assert empty.enrichment.matched_share is None


def test_market_and_source_filters(database: Database, history: Albums) -> None:
    names = named(history)
    se = stats(database, since="2020-01-06", until="2020-01-07", market="se")
    assert se.window.market == "SE"
    assert se.new_entries.count == 6  # every album was in SE at some point...
    assert {names[e.album.id] for e in se.new_entries.items if e.market != "SE"} == set()
    assert [c.market for c in se.comparisons] == ["SE"]
    assert {m.market for m in (*se.climbers.items, *se.fallers.items)} == {"SE"}
    runs = {names[r.album.id]: (r.appearances, r.best_position) for r in se.longest_running.items}
    assert runs == {"a": (3, 1), "b": (3, 2), "c": (3, 1), "d": (1, 4), "e": (1, 4), "f": (1, 3)}
    # The overlap keeps the pairs with SE.
    assert [(o.market_a, o.market_b) for o in se.overlap] == [("DK", "SE"), ("NO", "SE")]
    assert se.enrichment.total == 6

    no = stats(database, since="2020-01-06", until="2020-01-07", market="NO")
    assert {names[r.album.id]: r.appearances for r in no.longest_running.items} == {"a": 1, "d": 1}
    assert no.new_entries.count == 2  # a and d, in NO
    assert no.climbers.count == no.entered.count == 0
    assert no.enrichment.total == 2

    # Another source's listing counts unfiltered, not with source=spotify_new_releases.
    with database.writer() as session:
        record_listing(session, "other_source", "SE", [history["a"]], NEXT)
    everything = stats(database, since="2020-01-06", until="2020-01-07")
    assert everything.longest_running.items[0].appearances == 7
    ours = stats(database, since="2020-01-06", until="2020-01-07", source=NEW_RELEASES)
    assert ours.longest_running.items[0].appearances == 6
    assert everything.overlap == ours.overlap  # other_source lists one market: no pairs
    assert {o.source for o in ours.overlap} == {NEW_RELEASES}
    assert all(c.source == NEW_RELEASES for c in ours.comparisons)


def test_the_limit_cuts_lists_but_not_counts(database: Database, history: Albums) -> None:
    found = stats(database, since="2020-01-06", until="2020-01-07", limit=1)
    assert found.new_entries.count == 6
    assert len(found.new_entries.items) == 1
    assert (found.fallers.count, len(found.fallers.items)) == (2, 1)
    assert (found.longest_running.count, len(found.longest_running.items)) == (6, 1)
    assert len(found.artists.items) == 1


def test_the_cache_serves_until_a_snapshot_or_a_match_lands(
    database: Database, history: Albums
) -> None:
    clock = [0.0]
    cache = StatsCache(database, clock=lambda: clock[0], relative_ttl=60)
    window = make_window(since="2020-01-06", until="2020-01-07")
    first = cache.get(window)
    assert cache.get(make_window(since="2020-01-06", until="2020-01-07")) is first
    assert cache.computed == 1
    clock[0] += 3600
    assert cache.get(window) is first  # fixed windows do not expire by time

    record(database, history, "DK", NEXT + timedelta(hours=1), "fa")
    second = cache.get(window)
    assert second is not first
    assert cache.computed == 2
    assert second.climbers.items[0].album.id == history["f"]["id"]  # DK: f 2 → 1

    with database.writer() as session:
        row = session.get_one(EnrichmentState, history["a"]["id"])
        row.status, row.level = "matched", "release_group"
    third = cache.get(window)
    assert cache.computed == 3
    assert third.enrichment.counts["matched_release_group"] == 1
    assert cache.get(window) is third

    # A window ending now moves with the clock: kept for `relative_ttl` seconds only.
    relative = make_window()
    assert relative.relative
    now = cache.get(relative)
    assert cache.get(make_window()) is now
    clock[0] += 61
    assert cache.get(make_window()) is not now
    assert cache.computed == 5


def test_an_announced_change_empties_the_cache_though_the_stamp_did_not_move(
    database: Database, history: Albums
) -> None:
    """A `backfill` may rebuild charts without a new snapshot: its announcement (the
    app's `on_change` listener) makes the next request compute afresh."""
    cache = StatsCache(database)
    window = make_window(since="2020-01-06", until="2020-01-07")
    first = cache.get(window)
    assert cache.get(window) is first
    cache.forget()
    again = cache.get(window)
    assert again is not first  # computed anew, from the same data
    assert again.new_entries == first.new_entries
    assert cache.computed == 2
    assert cache.get(window) is again


# A full scan, of the table or of one of its indexes ("SCAN t USING COVERING INDEX i").
HISTORY_SCAN = re.compile(r"^SCAN (snapshots|album_\w+|albums|artists|enrichment_state)\b")
# A listing's whole history: its (source[, market]) prefix with no bound on time.
WHOLE_LISTING = re.compile(r"\((source=\?|source=\? AND market=\?)\)$")
# Every matched album: the join by release group must take its own index.
STATUS_ONLY = re.compile(r"\(status=\?\)$")


@pytest.mark.parametrize(
    ("source", "market"), [(None, None), (NEW_RELEASES, None), (None, "SE"), (NEW_RELEASES, "SE")]
)
def test_every_statement_reads_by_index(
    sqlite_database: Database,
    spotify_emulator: SpotifyEmulator,
    source: str | None,
    market: str | None,
) -> None:
    """No statement scans a history table: each is an index range over the window, or
    lookups by key for the albums and snapshots it found (SQLite's plans). A filter never
    lures the planner onto a (source, market, …) index that walks the whole history."""
    database = sqlite_database
    items = dict(zip("abcdef", listed_items(database, spotify_emulator), strict=False))
    record(database, items, "SE", MORNING, "abcd")
    record(database, items, "SE", EVENING, "dcba")
    record(database, items, "DK", EVENING, "ef")
    # ListenBrainz's top lists a's release group twice: "on both" reads all its statements.
    record_lb(database, LISTENBRAINZ_TOP, [lb_item(1), lb_item(2)], MORNING)
    record_lb(database, LISTENBRAINZ_TOP, [lb_item(2), lb_item(1)], EVENING)
    match(database, items["a"]["id"], 1)
    plans: list[tuple[str, list[str]]] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
            plans.append((statement, [str(row[-1]) for row in plan]))

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        stats(database, since="2020-01-06", until="2020-01-06", source=source, market=market)
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    # Stamp, history's days, debuts counted and listed, the blocks, the listings' markets,
    # their last snapshots, those snapshots' albums, labels of albums and artists; the
    # albums' facts (where changes start: two probes in one statement; statuses and
    # credits by key); and with every market in scope, the markets of the longest runners.
    # Without a source, "on both" adds five: history's days again, the top's blocks, the
    # Spotify albums matched to its release groups, which of them charted, their debuts.
    assert len(plans) == (13 if market else 14) + (0 if source else 5)
    for statement, plan in plans:
        assert not [step for step in plan if HISTORY_SCAN.match(step)], (statement, plan)
        assert any(step.startswith("SEARCH") for step in plan), (statement, plan)
        assert not [step for step in plan if WHOLE_LISTING.search(step)], (statement, plan)
        assert not [step for step in plan if STATUS_ONLY.search(step)], (statement, plan)

"""Statistics across two sources: Spotify's new releases and ListenBrainz's worldwide top
and fresh releases in one history (written through `record_albums`/`record_listing`),
joined through enrichment's release-group match, on both databases.

    T0       Spotify SE [a, b]
    T0+1d    LB top     [mb-C]                 (c's release group: ListenBrainz first)
    T0+2d    Spotify SE [a, b, c]
    T0+3d    LB top     [mb-B, mb-C]
    T0+4d    Spotify DK [c]
    T0+21d   LB top     [mb-A, mb-X, mb-C]     (X: matched to nothing)
    T0+21d   LB fresh   [mb-D]                 (d's group, but fresh releases, not the top)

a, b, c, d are matched to release groups A, B, C, D; e is matched to E, which LB never lists.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from tests.pipeline.listings import listed_items
from tests.pipeline.stats.listenbrainz import lb_item, match, record_lb
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.history.lead import short_lead, span_words
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import LISTENBRAINZ_FRESH, LISTENBRAINZ_TOP, NEW_RELEASES
from trendcache.pipeline.stats.compute import compute_stats
from trendcache.pipeline.stats.results import TrendingStats
from trendcache.pipeline.stats.window import make_window

T0 = datetime.fromisoformat("2020-01-06T06:00:00+00:00")
DAY = timedelta(days=1)
A, B, C, D, E, X = 1, 2, 3, 4, 5, 9
Albums = dict[str, dict[str, Any]]


@pytest.fixture
def history(database: Database, spotify_emulator: SpotifyEmulator) -> Albums:
    albums = dict(zip("abcde", listed_items(database, spotify_emulator), strict=False))

    def spotify(market: str, at: datetime, names: str) -> None:
        with database.writer() as session:
            record_listing(session, NEW_RELEASES, market, [albums[n] for n in names], at)

    spotify("SE", T0, "ab")
    record_lb(database, LISTENBRAINZ_TOP, [lb_item(C)], T0 + DAY)
    spotify("SE", T0 + 2 * DAY, "abc")
    record_lb(database, LISTENBRAINZ_TOP, [lb_item(B), lb_item(C)], T0 + 3 * DAY)
    spotify("DK", T0 + 4 * DAY, "c")
    record_lb(database, LISTENBRAINZ_TOP, [lb_item(A), lb_item(X), lb_item(C)], T0 + 21 * DAY)
    record_lb(database, LISTENBRAINZ_FRESH, [lb_item(D)], T0 + 21 * DAY)
    for name, n in zip("abcde", (A, B, C, D, E), strict=True):
        match(database, albums[name]["id"], n)
    return albums


def stats(database: Database, **window: Any) -> TrendingStats:
    return compute_stats(database, make_window(**window))


def both(found: TrendingStats, albums: Albums) -> list[tuple[str, str, timedelta, str]]:
    names = {album["id"]: name for name, album in albums.items()}
    return [
        (names[b.album.id], b.release_group_album.id, b.lead, b.lead_sentence)
        for b in found.on_both.items
    ]


def test_on_both_joins_the_sources_and_ranks_by_the_widest_gap(
    database: Database, history: Albums
) -> None:
    found = stats(database, since="2020-01-01", until="2020-01-31")
    assert found.on_both.count == 3
    assert both(found, history) == [
        ("a", lb_item(A)["id"], 21 * DAY, "Spotify new releases 3 weeks earlier"),
        ("b", lb_item(B)["id"], 3 * DAY, "Spotify new releases 3 days earlier"),
        ("c", lb_item(C)["id"], -DAY, "ListenBrainz top 1 day earlier"),
    ]
    first = found.on_both.items[0]
    assert (first.spotify_first_seen_at, first.listenbrainz_first_seen_at) == (T0, T0 + 21 * DAY)
    # Both labels: the Spotify album's, and the release group's as ListenBrainz listed it.
    assert first.album.name == history["a"]["name"]
    assert first.release_group_album.name == "Release group 1"
    assert first.release_group_album.image == lb_item(A)["images"][0]["url"]
    assert [a.name for a in first.release_group_album.artists] == ["Listener Favourite"]
    assert stats(database, since="2020-01-01", until="2020-01-31", limit=1).on_both.count == 3


def test_on_both_needs_both_in_the_window_and_follows_the_market(
    database: Database, history: Albums
) -> None:
    # Up to T0+2d: the top listed only C; Spotify listed c at T0+2d.
    early = stats(database, since="2020-01-06", until=(T0 + 2 * DAY).isoformat())
    assert both(early, history) == [("c", lb_item(C)["id"], -DAY, "ListenBrainz top 1 day earlier")]
    # From T0+5d the top lists A, X and C, but Spotify listed nothing since: none on both.
    assert stats(database, since="2020-01-11", until="2020-01-31").on_both.count == 0
    # In DK, Spotify listed c only, three days after the top did.
    dk = stats(database, since="2020-01-01", until="2020-01-31", market="DK")
    assert both(dk, history) == [
        ("c", lb_item(C)["id"], -3 * DAY, "ListenBrainz top 3 days earlier")
    ]
    # One source, or the worldwide market alone: nothing to compare.
    for window in ({"source": NEW_RELEASES}, {"source": LISTENBRAINZ_TOP}, {"market": "XW"}):
        assert stats(database, since="2020-01-01", until="2020-01-31", **window).on_both.count == 0


def test_a_market_keeps_the_worldwide_listings(database: Database, history: Albums) -> None:
    window = {"since": "2020-01-01", "until": "2020-01-31"}
    everything = stats(database, **window)
    # Debuts: Spotify's a, b, c; ListenBrainz's A, B, C, X (top) and D (fresh).
    lb_ids = {lb_item(n)["id"] for n in (A, B, C, D, X)}
    spotify_ids = {history[n]["id"] for n in "abc"}
    assert {e.album.id for e in everything.new_entries.items} == lb_ids | spotify_ids
    se = stats(database, market="SE", **window)
    assert make_window(market="SE").markets == ("SE", "XW")
    assert se.new_entries.count == 8  # a, b, c in SE and the five release groups worldwide
    assert {e.market for e in se.new_entries.items} == {"SE", "XW"}
    # Comparisons: SE's last two snapshots and the top's (fresh has one snapshot).
    assert [(c.source, c.market) for c in se.comparisons] == [
        (LISTENBRAINZ_TOP, "XW"),
        (NEW_RELEASES, "SE"),
    ]
    assert {r.album.id for r in se.longest_running.items} == lb_ids | spotify_ids
    assert se.longest_running.items[0].album.id == lb_item(C)["id"]  # three top snapshots
    # The worldwide market alone: ListenBrainz only; one Spotify source: its market only.
    xw = stats(database, market="XW", **window)
    assert {e.album.id for e in xw.new_entries.items} == lb_ids
    spotify_se = stats(database, market="SE", source=NEW_RELEASES, **window)
    assert spotify_se.window.markets == ("SE",)
    assert {e.album.id for e in spotify_se.new_entries.items} == spotify_ids
    fresh = stats(database, source=LISTENBRAINZ_FRESH, **window)
    assert [e.album.id for e in fresh.new_entries.items] == [lb_item(D)["id"]]


def test_the_lead_in_words() -> None:
    assert span_words(timedelta(hours=5)) == "5 hours"
    assert span_words(timedelta(days=1, hours=23)) == "1 day"
    assert span_words(timedelta(days=13)) == "13 days"
    assert span_words(timedelta(days=14)) == "2 weeks"
    assert short_lead("S", "L", timedelta(minutes=59)) == "S and L within the same hour"
    assert short_lead("S", "L", -timedelta(weeks=9)) == "L 9 weeks earlier"


def test_a_whole_history_with_one_source_charted_reads_its_totals(
    sqlite_database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    """Three sources known, one with a history: the all-time window reads that source's
    totals (in the market picked; ListenBrainz's in its worldwide one), not every block."""
    database = sqlite_database
    whole = {"since": "2000-01-01", "until": "2030-12-31", "market": "SE"}
    record_lb(database, LISTENBRAINZ_TOP, [lb_item(A), lb_item(B)], T0)
    record_lb(database, LISTENBRAINZ_TOP, [lb_item(B)], T0 + DAY)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        found = stats(database, **whole)
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert any("FROM album_totals" in s for s in statements)
    assert not any("FROM album_spans" in s for s in statements)
    runs = [(r.album.id, r.appearances, r.best_position) for r in found.longest_running.items]
    assert runs == [(lb_item(B)["id"], 2, 1), (lb_item(A)["id"], 1, 1)]
    assert found.enrichment.total == 2

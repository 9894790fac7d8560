"""An album's history as its page and API read it, on both databases: every figure, the
series and its gaps, windows and truncation, and index-only reads on SQLite."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, update

from tests.pipeline.history.test_recording import T0
from tests.pipeline.listings import listed_items
from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.history.album_history import MAX_POINTS, read_album_history
from trendcache.pipeline.history.album_history_types import AlbumHistory, ChartHistory, Gap, Point
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import NEW_RELEASES

MOMENTS = [T0 + timedelta(hours=6 * n) for n in range(6)]
MBID = "0f4d4a4e-6a4f-4c43-9f5c-2b0f8f4f3c1a"


def build(database: Database, emulator: SpotifyEmulator) -> tuple[list[dict[str, Any]], list[int]]:
    """The emulator's US listing as a sync stores it, then six SE snapshots six hours apart
    in which album c drops out twice (for two snapshots, then for one) and album b once for
    good."""
    items = listed_items(database, emulator)
    a, b, c = items[:3]
    listings = [[a, b, c], [b, a], [a], [c, a], [a], [a, c]]
    with database.writer() as session:
        ids = [
            record_listing(session, NEW_RELEASES, "SE", listing, at)
            for listing, at in zip(listings, MOMENTS, strict=True)
        ]
    return items, ids


def history(database: Database, album_id: str, **kwargs: Any) -> AlbumHistory:
    with database.session() as session:
        found = read_album_history(session, album_id, **kwargs)
    assert found is not None
    return found


def chart(found: AlbumHistory, market: str) -> ChartHistory:
    [only] = [c for c in found.charts if c.market == market]
    return only


def test_the_album_with_its_credits_and_musicbrainz_match(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    items, _ = build(database, spotify_emulator)
    first = items[0]
    found = history(database, first["id"])
    assert found.album.name == first["name"]
    assert found.album.release_date == first["release_date"]
    assert found.album.label is not None and found.album.upc is not None  # extended tier
    assert [(a.id, a.name) for a in found.artists] == [
        (artist["id"], artist["name"]) for artist in first["artists"]
    ]
    assert found.artists[0].spotify_url == first["artists"][0]["external_urls"]["spotify"]
    assert found.musicbrainz is None  # queued, never tried
    assert [(c.source, c.market) for c in found.charts] == [
        (NEW_RELEASES, "SE"),
        (NEW_RELEASES, "US"),
    ]
    with database.writer() as session:
        session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.album_id == first["id"])
            .values(status="matched", release_mbid=MBID, method="barcode", confidence=0.97)
        )
    match = history(database, first["id"]).musicbrainz
    assert match is not None
    assert (match["status"], match["releaseMbid"], match["method"]) == ("matched", MBID, "barcode")


def test_unknown_album_has_no_history(database: Database) -> None:
    with database.session() as session:
        assert read_album_history(session, "0" * 22) is None


def test_figures_series_and_gaps_of_an_album_that_drops_out_and_comes_back(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    items, ids = build(database, spotify_emulator)
    a, b, c = (item["id"] for item in items[:3])
    m = MOMENTS

    always = chart(history(database, a), "SE")
    assert (always.first_seen_at, always.last_seen_at, always.last_position) == (m[0], m[5], 1)
    assert (always.peak_position, always.peak_at, always.snapshots) == (1, m[0], 6)
    assert (always.listed, always.current_streak, always.reentries) == (True, 6, 0)
    assert [(p.seen_at, p.position) for p in always.points] == [
        (m[0], 1),
        (m[1], 2),
        (m[2], 1),
        (m[3], 2),
        (m[4], 1),
        (m[5], 1),
    ]
    assert [p.snapshot_id for p in always.points] == ids
    assert (always.gaps, always.truncated) == ([], False)

    gone = chart(history(database, b), "SE")
    assert (gone.first_seen_at, gone.last_seen_at, gone.last_position) == (m[0], m[1], 1)
    assert (gone.peak_position, gone.peak_at, gone.snapshots) == (1, m[1], 2)
    assert (gone.listed, gone.current_streak, gone.reentries) == (False, 0, 0)  # dropped out
    assert gone.points == [Point(m[0], 2, ids[0]), Point(m[1], 1, ids[1])]
    assert gone.gaps == []

    back = chart(history(database, c), "SE")
    assert (back.first_seen_at, back.last_seen_at, back.last_position) == (m[0], m[5], 2)
    assert (back.peak_position, back.peak_at, back.snapshots) == (1, m[3], 3)
    assert (back.listed, back.current_streak, back.reentries) == (True, 1, 2)
    assert back.points == [Point(m[0], 3, ids[0]), Point(m[3], 1, ids[3]), Point(m[5], 2, ids[5])]
    assert back.gaps == [Gap(m[1], m[2], 2), Gap(m[4], m[4], 1)]
    assert back.truncated is False

    us = chart(history(database, c), "US")  # the stored US listing: one snapshot
    assert (us.snapshots, us.listed, us.current_streak, us.reentries) == (1, True, 1, 0)
    assert (us.peak_position, us.last_position) == (3, 3)
    assert [p.position for p in us.points] == [3]


def test_a_window_and_truncation_keep_the_latest_points_and_their_gaps(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    items, ids = build(database, spotify_emulator)
    a, c = items[0]["id"], items[2]["id"]
    m = MOMENTS

    latest = chart(history(database, c, max_points=2), "SE")
    assert latest.points == [Point(m[3], 1, ids[3]), Point(m[5], 2, ids[5])]
    assert latest.truncated is True
    assert latest.gaps == [Gap(m[4], m[4], 1)]  # the earlier gap is before the points shown
    assert latest.snapshots == 3 and latest.reentries == 2  # figures: the whole history
    assert chart(history(database, c, max_points=3), "SE").truncated is False

    window = chart(history(database, a, since=m[1], until=m[4]), "SE")
    assert [p.seen_at for p in window.points] == m[1:5]  # both ends inclusive
    assert window.truncated is False
    cut = chart(history(database, a, since=m[1], until=m[4], max_points=2), "SE")
    assert ([p.seen_at for p in cut.points], cut.truncated) == ([m[3], m[4]], True)

    lone = chart(history(database, c, since=m[2], until=m[4]), "SE")
    assert (lone.points, lone.gaps) == ([Point(m[3], 1, ids[3])], [])
    empty = chart(history(database, c, since=m[5] + timedelta(seconds=1)), "SE")
    assert (empty.points, empty.gaps, empty.truncated) == ([], [], False)
    assert empty.snapshots == 3
    assert MAX_POINTS == 2000


def test_reads_are_index_driven_and_as_many_however_long_the_history(
    sqlite_database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    """Four statements (five when the album re-entered a listing: its gaps), none scanning
    a table or sorting what an index orders, on a short history and on a long one."""
    database = sqlite_database
    items, _ = build(database, spotify_emulator)
    a, c = items[0]["id"], items[2]["id"]

    def read(album_id: str) -> tuple[list[str], list[str]]:
        statements: list[str] = []
        steps: list[str] = []

        def seen(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if not statement.lstrip().upper().startswith("SELECT"):
                return  # BEGIN
            statements.append(statement)
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
            steps.extend(str(row[-1]) for row in plan)

        event.listen(database.engine, "before_cursor_execute", seen)
        try:
            history(database, album_id)
        finally:
            event.remove(database.engine, "before_cursor_execute", seen)
        return statements, steps

    short = {album_id: read(album_id) for album_id in (a, c)}
    assert len(short[a][0]) == 4
    assert len(short[c][0]) == 5
    with database.writer() as session:
        for n in range(6, 200):
            at = T0 + timedelta(hours=6 * n)
            record_listing(session, NEW_RELEASES, "SE", items[: 1 + n % 3], at)
            record_listing(session, NEW_RELEASES, "FI", items[:3], at)
    for album_id in (a, c):
        statements, steps = read(album_id)
        assert len(statements) == len(short[album_id][0])
        tables = [step for step in steps if step.startswith(("SCAN", "SEARCH"))]
        assert tables, steps
        for step in tables:  # a SCAN of a subquery's rows is fine, never of a table
            assert step.startswith("SEARCH") or "(subquery" in step or "anon_" in step, step
        sorts = [step for step in steps if "TEMP B-TREE" in step]
        # Only the gaps' set difference keeps a temporary tree: no ORDER BY sorts.
        assert sorts == (["EXCEPT USING TEMP B-TREE"] if album_id == c else []), steps


def test_series_keep_to_the_maximum_per_listing(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    items = listed_items(database, spotify_emulator)
    first = items[0]
    with database.writer() as session:
        for n in range(7):
            record_listing(session, NEW_RELEASES, "SE", [first], T0 + timedelta(hours=n))
            record_listing(session, NEW_RELEASES, "FI", [first], T0 + timedelta(hours=n))
    found = history(database, first["id"], max_points=5)
    for market in ("SE", "FI"):
        series = chart(found, market)
        assert len(series.points) == 5 and series.truncated
        assert series.points[-1].seen_at == T0 + timedelta(hours=6)
        assert series.snapshots == 7
    us = chart(found, "US")
    assert (len(us.points), us.truncated) == (1, False)

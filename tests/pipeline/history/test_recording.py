"""The history a sync writes: snapshots, appearances, albums and artists, and the charts and
days that move with each snapshot, on both databases.

The albums are the Spotify emulator's, stored with the sync's own write (see
tests/pipeline/listings.py); one test syncs, to show a failed write leaves no history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.pipeline.helpers import count
from tests.pipeline.listings import listed_items
from trendcache.db import Database
from trendcache.db.history import Album, AlbumArtist, AlbumChart, AlbumDay, Artist, Snapshot
from trendcache.db.models import AlbumAppearance, SpotifyAlbum
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import NEW_RELEASES, new_releases_key
from trendcache.services import Services

T0 = datetime.fromisoformat("2026-11-20T00:00:00+00:00")


def charts(database: Database) -> dict[str, AlbumChart]:
    with database.session() as session:
        return {c.album_id: c for c in session.scalars(select(AlbumChart))}


def test_a_sync_writes_one_snapshot_per_listing_with_its_albums_and_artists(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    items = listed_items(database, spotify_emulator)
    with database.session() as session:
        [snapshot] = session.scalars(select(Snapshot))
        seen = list(session.scalars(select(AlbumAppearance)))
        albums = {a.id: a for a in session.scalars(select(Album))}
        credits = list(session.scalars(select(AlbumArtist)))
        artists = {a.id: a for a in session.scalars(select(Artist))}
        labels = dict(session.execute(select(SpotifyAlbum.id, SpotifyAlbum.data["label"])).all())
    assert (snapshot.source_key, snapshot.source, snapshot.market) == (
        new_releases_key("US"),
        NEW_RELEASES,
        "US",
    )
    assert snapshot.albums == len(items)
    assert {a.snapshot_id for a in seen} == {snapshot.id}
    assert all(a.seen_at == snapshot.fetched_at for a in seen)
    assert set(albums) == {item["id"] for item in items}
    first = items[0]
    album = albums[first["id"]]
    assert (album.name, album.release_date, album.total_tracks) == (
        first["name"],
        first["release_date"],
        first["total_tracks"],
    )
    assert album.label == labels[first["id"]] is not None  # from the full album (extended)
    assert album.upc is not None
    assert album.first_seen_at == album.last_seen_at == snapshot.fetched_at
    assert {(c.album_id, c.position, c.artist_id) for c in credits} == {
        (item["id"], position, artist["id"])
        for item in items
        for position, artist in enumerate(item["artists"], start=1)
    }
    assert artists[first["artists"][0]["id"]].name == first["artists"][0]["name"]
    tracked = charts(database)
    assert set(tracked) == set(albums)
    assert tracked[first["id"]].peak_position == 1
    assert count(database, AlbumDay) == len(items)


def test_a_failing_sync_writes_no_history_at_all(
    services: Services, spotify_emulator: SpotifyEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("views could not be built")

    monkeypatch.setattr("trendcache.pipeline.sync.store.build_views", broken)
    result = services.syncer.sync("cli")  # a failed write is a failed run, not a crash
    assert result.error is not None and "views could not be built" in result.error
    for model in (Snapshot, AlbumAppearance, Album, Artist, AlbumChart, AlbumDay):
        assert count(services.database, model) == 0, model


def test_charts_follow_streaks_re_entries_and_peaks(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    items = listed_items(database, spotify_emulator)
    a, b, c, *_ = items
    moments = [T0, T0 + timedelta(hours=6), T0 + timedelta(days=1)]
    with database.writer() as session:
        record_listing(session, NEW_RELEASES, "SE", [a, b, c], moments[0])
        record_listing(session, NEW_RELEASES, "SE", [b, a], moments[1])  # c drops out
        record_listing(session, NEW_RELEASES, "SE", [c, a], moments[2])  # c is back, b gone
    with database.session() as session:
        se = {
            x.album_id: x
            for x in session.scalars(select(AlbumChart).where(AlbumChart.market == "SE"))
        }
        days = {
            (d.album_id, d.day): (d.appearances, d.best_position)
            for d in session.scalars(select(AlbumDay).where(AlbumDay.market == "SE"))
        }
    album_a, album_b, album_c = se[a["id"]], se[b["id"]], se[c["id"]]
    assert (album_a.snapshots, album_a.streak, album_a.runs) == (3, 3, 1)
    assert (album_a.peak_position, album_a.peak_at, album_a.last_position) == (1, T0, 2)
    assert (album_b.snapshots, album_b.streak, album_b.runs) == (2, 2, 1)
    assert album_b.last_seen_at == moments[1]
    assert (album_c.snapshots, album_c.streak, album_c.runs) == (2, 1, 2)
    assert (album_c.first_seen_at, album_c.last_seen_at) == (T0, moments[2])
    assert (album_c.peak_position, album_c.peak_at) == (1, moments[2])
    first_day, next_day = T0.date(), moments[2].date()
    assert days[(a["id"], first_day)] == (2, 1)
    assert days[(a["id"], next_day)] == (1, 2)
    assert days[(b["id"], first_day)] == (2, 1)
    assert days[(c["id"], next_day)] == (1, 1)
    # The charts of the stored US listing are another listing, untouched.
    assert charts(database)[a["id"]].market in {"US", "SE"}
    assert count(database, AlbumChart, AlbumChart.market == "US") == len(items)


def test_an_album_listed_twice_in_one_snapshot_counts_once_at_its_best(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    a, b, *_ = listed_items(database, spotify_emulator)
    with database.writer() as session:
        record_listing(session, NEW_RELEASES, "SE", [a, b, a], T0)
    with database.session() as session:
        rows = list(
            session.scalars(
                select(AlbumAppearance).where(
                    AlbumAppearance.market == "SE", AlbumAppearance.album_id == a["id"]
                )
            )
        )
    assert [r.position for r in rows] == [1]


def test_the_history_write_reads_by_index_and_as_often_however_long_the_history(
    sqlite_database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    """No statement of a snapshot's write scans a history table, and their number does not
    grow with the history: the write costs the same on day 1 and in year 5."""
    items = listed_items(sqlite_database, spotify_emulator)
    plans: list[list[str]] = []

    def write(at: datetime) -> list[str]:
        statements: list[str] = []

        def seen(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
            statements.append(statement)
            if statement.lstrip().upper().startswith("SELECT"):
                plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
                plans.append([str(row[-1]) for row in plan])

        engine = sqlite_database.engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            with sqlite_database.writer() as session:
                record_listing(session, NEW_RELEASES, "SE", items, at)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        return statements

    early = write(T0)
    for hour in range(6, 6 * 40, 6):
        write(T0 + timedelta(hours=hour))
    plans.clear()
    late = write(T0 + timedelta(days=60))
    assert len(late) == len(early)
    assert len(plans) == 4  # the previous snapshot, the charts, days and debuts touched
    for plan in plans:
        assert any(step.startswith("SEARCH") for step in plan), plan
        assert not any(step.startswith("SCAN") for step in plan), plan

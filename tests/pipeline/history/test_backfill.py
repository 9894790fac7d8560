"""`trendcache backfill` rebuilds exactly the history the syncs write, and is idempotent.

The syncs' writes are the emulator's listings of successive days, stored with the sync's
own write (see tests/pipeline/listings.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update

from tests.pipeline.helpers import cache_row
from tests.pipeline.listings import store_listings
from trendcache.db import Database
from trendcache.db.history import (
    Album,
    AlbumArtist,
    AlbumChart,
    AlbumDay,
    AlbumDebut,
    AlbumSpan,
    AlbumTotal,
    Artist,
    ArtistTotal,
    Snapshot,
)
from trendcache.db.models import AlbumAppearance, Base
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.history.backfill import backfill
from trendcache.pipeline.keys import new_releases_key

ROLLUPS = (AlbumSpan, AlbumDebut, AlbumTotal, ArtistTotal)
DERIVED = (Snapshot, AlbumChart, AlbumDay, *ROLLUPS, Album, Artist, AlbumArtist)


def dump(database: Database, model: Any, *, skip: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """A table's (or a model's) rows as sorted tuples, leaving out `skip` columns."""
    table = getattr(model, "__table__", model)
    columns = [c for c in table.columns if c.name not in skip]
    with database.session() as session:
        return sorted(tuple(row) for row in session.execute(select(*columns)))


def history(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """The history, comparable across rebuilds: snapshot ids replaced by source and time."""
    with database.session() as session:
        moment = dict(session.execute(select(Snapshot.id, Snapshot.fetched_at)).all())
    charts = [
        (*row[:5], moment[row[5]], *row[6:])
        for row in dump(database, AlbumChart)  # last_snapshot_id is the 6th column
    ]
    return {
        "snapshots": dump(database, Snapshot, skip=("id",)),
        "appearances": [
            (row[0], row[1], row[2], row[3], row[4], moment[row[5]])
            for row in dump(database, AlbumAppearance, skip=("id",))
        ],
        "charts": sorted(charts),
        "days": dump(database, AlbumDay),
        "albums": dump(database, Album, skip=("updated_at",)),
        "artists": dump(database, Artist, skip=("updated_at",)),
        "credits": dump(database, AlbumArtist),
        **{model.__tablename__: dump(database, model) for model in ROLLUPS},
    }


def forget_history(database: Database, *, appearances: bool = False) -> None:
    """The database as it was before the history tables existed."""
    with database.writer() as session:
        for model in DERIVED:
            session.execute(delete(model))
        if appearances:
            session.execute(delete(AlbumAppearance))
        else:
            session.execute(update(AlbumAppearance).values(snapshot_id=None))


def three_syncs(database: Database, emulator: SpotifyEmulator) -> None:
    store_listings(database, emulator)
    for _ in range(2):
        emulator.advance(days=1)  # albums come and go
        store_listings(database, emulator)


def test_backfill_rebuilds_exactly_what_the_syncs_wrote(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    three_syncs(database, spotify_emulator)
    written = history(database)
    assert len(written["snapshots"]) == 3
    assert all(written[model.__tablename__] for model in ROLLUPS)
    forget_history(database)
    report = backfill(database)
    assert report.attached == len(written["appearances"])
    assert report.snapshots_from_appearances == 3
    assert report.snapshots_from_cache == 0  # the cached listing's moment is a snapshot now
    # Albums gone from the current listing come back from their full details, their first
    # and last sightings from the charts.
    rebuilt = history(database)
    for table, rows in written.items():
        assert rebuilt[table] == rows, table


def test_backfill_parses_a_cached_listing_into_a_snapshot(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    store_listings(database, spotify_emulator)
    forget_history(database, appearances=True)
    report = backfill(database)
    listing = cache_row(database, new_releases_key("US"))
    assert listing is not None
    items = listing.data["albums"]["items"]
    assert (report.snapshots_from_cache, report.appearances_from_cache) == (1, len(items))
    with database.session() as session:
        [snapshot] = session.scalars(select(Snapshot))
        seen = session.execute(
            select(AlbumAppearance.album_id, AlbumAppearance.position).order_by(
                AlbumAppearance.position
            )
        ).all()
    assert (snapshot.market, snapshot.fetched_at) == ("US", listing.fetched_at)
    assert [tuple(row) for row in seen] == [(item["id"], p) for p, item in enumerate(items, 1)]
    assert report.charts == report.days == len(items)
    assert len(dump(database, Album)) == len(items)


def test_a_second_backfill_changes_nothing(
    database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    three_syncs(database, spotify_emulator)
    forget_history(database)
    backfill(database)
    before = {t.name: dump(database, t) for t in Base.metadata.sorted_tables}
    report = backfill(database)
    assert (report.attached, report.snapshots_from_cache, report.albums_added) == (0, 0, 0)
    assert {t.name: dump(database, t) for t in Base.metadata.sorted_tables} == before


def test_the_backfill_command(
    tmp_path: Path, database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    store_listings(database, spotify_emulator)
    forget_history(database)
    env = {"DATABASE_URL": database.url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "trendcache", "backfill"],
        cwd=tmp_path,
        env={**clean_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "snapshots from appearances" in done.stdout
    assert len(dump(database, Snapshot)) == 1


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "DATABASE_"))}

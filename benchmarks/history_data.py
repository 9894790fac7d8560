"""Synthetic trending history at scale, for benchmarks/history_scale.py.

Simulates `markets` new-releases charts of 100 albums, four snapshots a day for `days` days:
every snapshot a few albums drop out and others enter (many more on Fridays, when most
albums are released), neighbours swap places, albums are shared between markets through a
weekly pool of releases, and some dropped albums come back (re-entries). The charts and
days, and the rollups from them, are computed with trendcache's own rules
(pipeline/history/charting.py, pipeline/history/rollup_rules.py), so the derived tables
agree with the appearances exactly as a sync would have left them.

Rows go in fast: SQLite through executemany in large transactions, PostgreSQL through COPY.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import text

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
from trendcache.db.models import AlbumAppearance, EnrichmentState
from trendcache.pipeline.history.charting import advance_chart, advance_day
from trendcache.pipeline.history.rollups import Rollups
from trendcache.pipeline.keys import NEW_RELEASES

CHART = 100
PER_DAY = 4
BASE62 = string.digits + string.ascii_letters
STATUSES = ["matched"] * 80 + ["no_match"] * 10 + ["needs_review"] * 3 + ["pending"] * 7
CHUNK = 50_000


def spotify_id(rng: random.Random) -> str:
    return "".join(rng.choice(BASE62) for _ in range(22))


@dataclass
class History:
    markets: list[str]
    days: int
    end: datetime
    albums: dict[str, str] = field(default_factory=dict)  # id -> name
    credits: dict[str, list[str]] = field(default_factory=dict)  # album -> artist ids
    artists: dict[str, str] = field(default_factory=dict)
    snapshots: int = 0
    appearances: int = 0
    charted: list[str] = field(default_factory=list)  # albums that made a chart


def market_codes(count: int) -> list[str]:
    common = "US GB DE FR JP BR MX ES IT NL SE CA AU KR IN PL TR AR CO CL PH ID NO DK FI"
    codes = common.split()
    letters = (a + b for a in string.ascii_uppercase for b in string.ascii_uppercase)
    codes += [c for c in letters if c not in codes]
    return codes[:count]


class Simulation:
    def __init__(self, markets: int, days: int, end: datetime, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.history = History(market_codes(markets), days, end)
        self.charts: dict[str, list[str]] = {}
        self.pool: list[str] = []
        self.dropped: dict[str, list[str]] = {m: [] for m in self.history.markets}

    def _new_album(self) -> str:
        rng, history = self.rng, self.history
        album_id = spotify_id(rng)
        history.albums[album_id] = f"Album {len(history.albums) + 1}"
        if history.artists and rng.random() < 0.4:
            artist_ids = [rng.choice(list(history.artists))]  # an artist with several albums
        else:
            artist_ids = [spotify_id(rng)]
            history.artists[artist_ids[0]] = f"Artist {len(history.artists) + 1}"
        if rng.random() < 0.2:
            featured = spotify_id(rng)
            history.artists[featured] = f"Artist {len(history.artists) + 1}"
            artist_ids.append(featured)
        history.credits[album_id] = artist_ids
        return album_id

    def _refresh_pool(self) -> None:
        self.pool = [self._new_album() for _ in range(CHART * 3)]
        for dropped in self.dropped.values():
            dropped.clear()

    def _enter(self, market: str, chart: list[str], count: int) -> None:
        present = set(chart)
        for _ in range(count):
            again = [a for a in self.dropped[market] if a not in present]
            if again and self.rng.random() < 0.3:
                album_id = self.rng.choice(again)
            else:
                fresh = [a for a in self.rng.sample(self.pool, 12) if a not in present]
                album_id = fresh[0] if fresh else self._new_album()
            chart.insert(self.rng.randrange(len(chart) + 1), album_id)
            present.add(album_id)

    def _move(self, market: str, chart: list[str], friday: bool) -> None:
        rng = self.rng
        leaving = CHART // 3 if friday else rng.randint(0, 4)
        for _ in range(leaving):
            # Mostly from the lower half, sometimes from anywhere: nothing stays forever.
            low = len(chart) // 2 if rng.random() < 0.7 else 0
            gone = chart.pop(rng.randrange(low, len(chart)))
            self.dropped[market].append(gone)
        self._enter(market, chart, CHART - len(chart))
        for _ in range(6):
            i = rng.randrange(len(chart) - 1)
            chart[i], chart[i + 1] = chart[i + 1], chart[i]

    def snapshots(self) -> Iterator[tuple[int, str, datetime, list[str]]]:
        """(snapshot id, market, moment, album ids in chart order), oldest first."""
        history = self.history
        start = history.end - timedelta(days=history.days)
        self._refresh_pool()
        for market in history.markets:
            chart: list[str] = []
            self._enter(market, chart, CHART)
            self.charts[market] = chart
        snapshot_id = 0
        for step in range(history.days * PER_DAY):
            at = start + timedelta(hours=24 / PER_DAY * step)
            friday = step % (7 * PER_DAY) == 0
            if friday and step:
                self._refresh_pool()
            for market in history.markets:
                chart = self.charts[market]
                if step:
                    self._move(market, chart, friday)
                snapshot_id += 1
                history.snapshots += 1
                history.appearances += len(chart)
                yield snapshot_id, market, at, list(chart)


def generate(database: Database, markets: int, days: int, end: datetime) -> History:
    """Fill an empty, migrated database; return what was made."""
    simulation = Simulation(markets, days, end)
    writer = Writer(database)
    charts: dict[tuple[str, str, str], dict[str, Any]] = {}
    days_rows: dict[tuple[date, str, str, str], dict[str, Any]] = {}
    last: dict[str, int] = {}
    debuts: dict[tuple[str, str, str], int] = {}
    appearance = 0
    for snapshot_id, market, at, chart in simulation.snapshots():
        writer.add(
            Snapshot,
            (snapshot_id, f"{NEW_RELEASES}:{market}", NEW_RELEASES, market, at, len(chart)),
        )
        previous = last.get(market)
        last[market] = snapshot_id
        for position, album_id in enumerate(chart, start=1):
            appearance += 1
            writer.add(
                AlbumAppearance,
                (f"a{appearance:016x}", album_id, NEW_RELEASES, market, position, at, snapshot_id),
            )
            key = (album_id, NEW_RELEASES, market)
            debuts.setdefault(key, position)
            charts[key] = advance_chart(charts.get(key), key, snapshot_id, previous, at, position)
            day_key = (at.date(), *key)
            days_rows[day_key] = advance_day(days_rows.get(day_key), day_key, position)
    history = simulation.history
    for row in charts.values():
        writer.add(AlbumChart, tuple(row[c.name] for c in AlbumChart.__table__.columns))
    for row in days_rows.values():
        writer.add(AlbumDay, tuple(row[c.name] for c in AlbumDay.__table__.columns))
    write_rollups(writer, charts, days_rows, debuts, simulation.history.credits)
    sightings: dict[str, tuple[datetime, datetime]] = {}
    for (album_id, _, _), row in charts.items():
        first, last_seen = sightings.get(album_id, (row["first_seen_at"], row["last_seen_at"]))
        sightings[album_id] = (
            min(first, row["first_seen_at"]),
            max(last_seen, row["last_seen_at"]),
        )
    history.charted = sorted(sightings)
    rng = random.Random(11)
    for album_id, name in history.albums.items():
        if album_id not in sightings:
            continue
        first, last_seen = sightings[album_id]
        writer.add(
            Album,
            (
                album_id,
                name,
                "album",
                first.date().isoformat(),
                "day",
                10,
                "Label",
                None,
                None,
                f"https://open.spotify.com/album/{album_id}",
                first,
                last_seen,
                last_seen,
            ),
        )
        for position, artist_id in enumerate(history.credits[album_id], start=1):
            writer.add(AlbumArtist, (album_id, position, artist_id))
        status = rng.choice(STATUSES)
        writer.add(EnrichmentState, enrichment_row(album_id, status, first))
    for artist_id, name in history.artists.items():
        writer.add(Artist, (artist_id, name, f"https://open.spotify.com/artist/{artist_id}", end))
    writer.close()
    return history


def write_rollups(
    writer: Writer,
    charts: dict[tuple[str, str, str], dict[str, Any]],
    days: dict[tuple[date, str, str, str], dict[str, Any]],
    debuts: dict[tuple[str, str, str], int],
    credits: dict[str, list[str]],
) -> None:
    """The spans, debuts and totals, by trendcache's own rollup rules."""
    rollups = Rollups()
    for row in days.values():
        rollups.add_day(row)
    for key, row in charts.items():
        rollups.add_chart(row, debuts[key])
    rollups.add_credits(credits)
    for model, rows in (
        (AlbumSpan, rollups.spans),
        (AlbumDebut, rollups.debuts),
        (AlbumTotal, rollups.totals),
        (ArtistTotal, rollups.artists),
    ):
        columns = [c.name for c in model.__table__.columns]
        for row in rows.values():
            writer.add(model, tuple(row[c] for c in columns))


def enrichment_row(album_id: str, status: str, at: datetime) -> tuple[Any, ...]:
    values = {c.name: None for c in EnrichmentState.__table__.columns}
    values.update(album_id=album_id, status=status, attempts=1, next_attempt_at=at)
    values.update(queued_at=at, updated_at=at)
    if status == "matched":
        values.update(method="url", confidence=1.0)
    return tuple(values.values())


class Writer:
    """Buffered bulk inserts: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.postgres = database.engine.dialect.name == "postgresql"
        self.buffers: dict[Any, list[tuple[Any, ...]]] = {}

    def add(self, model: Any, row: tuple[Any, ...]) -> None:
        buffer = self.buffers.setdefault(model, [])
        buffer.append(row)
        if len(buffer) >= CHUNK:
            self.flush(model)

    def flush(self, model: Any) -> None:
        rows, self.buffers[model] = self.buffers.get(model, []), []
        if not rows:
            return
        table = model.__table__
        columns = [c.name for c in table.columns]
        raw = self.database.engine.raw_connection()
        names = ", ".join(f'"{c}"' for c in columns)
        try:
            cursor = raw.cursor()
            if self.postgres:
                with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.execute("BEGIN")  # the driver runs in autocommit: one transaction
                cursor.executemany(
                    f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                    [sqlite_row(r) for r in rows],
                )
            raw.commit()
        finally:
            raw.close()

    def close(self) -> None:
        for model in list(self.buffers):
            self.flush(model)
        engine = self.database.engine.execution_options(isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            if self.postgres:
                last = "SELECT setval('snapshots_id_seq', (SELECT max(id) FROM snapshots))"
                connection.execute(text(last))
                # As autovacuum would have by now: statistics, and all-visible pages for
                # index-only scans.
                connection.execute(text("VACUUM ANALYZE"))
            else:
                connection.execute(text("ANALYZE"))


def sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Values as SQLAlchemy stores them in SQLite: naive UTC text for moments."""
    return tuple(
        v.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        if isinstance(v, datetime)
        else v.isoformat()
        if isinstance(v, date)
        else v
        for v in row
    )

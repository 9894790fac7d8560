"""The rollups the statistics read: spans, debuts, album and artist totals (see
`db/history.py`).

`record_rollups` moves them for one listing, in the sync's transaction, by statements that
add to the stored counts without reading them first. `rebuild_rollups` recomputes them all
from `album_days`, `album_charts` and the credits with the same rules (`rollup_rules`): for the
backfill after it rebuilt those, for the data step that fills the tables for a history
older than them (`pipeline/data_steps`), and for the benchmark's generated histories.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.orm import Session

from trendcache.db.history import (
    AlbumArtist,
    AlbumChart,
    AlbumDay,
    AlbumDebut,
    AlbumSpan,
    AlbumTotal,
    ArtistTotal,
)
from trendcache.db.models import AlbumAppearance
from trendcache.db.upsert import accumulate, keep_least
from trendcache.pipeline.history.charting import Row
from trendcache.pipeline.history.rollup_rules import (
    ALL,
    artist_total_rows,
    debut_rows,
    earlier_debut,
    merge_counts,
    span_rows,
    total_rows,
)

CHUNK = 10_000
COUNTS = ("appearances",)
BEST = ("best_position",)
DEBUT_ORDER = ("first_seen_at", "debut_position", "debut_market", "debut_source")
SPAN_KEY = [c.name for c in AlbumSpan.__table__.primary_key]
DEBUT_KEY = [c.name for c in AlbumDebut.__table__.primary_key]
TOTAL_KEY = [c.name for c in AlbumTotal.__table__.primary_key]
ARTIST_KEY = [c.name for c in ArtistTotal.__table__.primary_key]


class Rollups:
    """Every rollup accumulated in memory, then written in one go."""

    def __init__(self) -> None:
        self.spans: dict[tuple[Any, ...], Row] = {}
        self.debuts: dict[tuple[str, str, str], Row] = {}
        self.totals: dict[tuple[str, str, str], Row] = {}
        self.artists: dict[tuple[str, str, str], Row] = {}

    def add_day(self, row: Row) -> None:
        """An `album_days` row: its appearances join each block holding its day."""
        position = [(row["album_id"], row["best_position"])]
        for span in span_rows(row["day"], row["source"], row["market"], position):
            span["appearances"] = row["appearances"]
            key = (span["market"], span["span"], span["start"], span["source"], span["album_id"])
            self.spans[key] = merge_counts(self.spans.get(key), span)

    def add_chart(self, chart: Row, position: int) -> None:
        """An album's whole run in one source and market (`position`: where it debuted)."""
        album_id, source, market = chart["album_id"], chart["source"], chart["market"]
        for debut in debut_rows(chart["first_seen_at"], source, market, [(album_id, position)]):
            key = (debut["source"], debut["market"], debut["album_id"])
            self.debuts[key] = earlier_debut(self.debuts.get(key), debut)
        for total in total_rows(source, market, [(album_id, chart["peak_position"])]):
            total["appearances"] = chart["snapshots"]
            key = (total["market"], total["source"], album_id)
            self.totals[key] = merge_counts(self.totals.get(key), total)

    def add_credits(self, credits: Mapping[str, Iterable[str]]) -> None:
        """The artists' totals from the albums' (after every chart was added)."""
        for (market, source, album_id), total in self.totals.items():
            for artist_id in set(credits.get(album_id, ())):
                key = (market, source, artist_id)
                row = self.artists.setdefault(
                    key,
                    {
                        "market": market,
                        "source": source,
                        "artist_id": artist_id,
                        "appearances": 0,
                        "albums": 0,
                    },
                )
                row["appearances"] += total["appearances"]
                row["albums"] += 1

    def write(self, session: Session) -> None:
        """Replace the tables with what was accumulated."""
        for model, rows in (
            (AlbumSpan, self.spans),
            (AlbumDebut, self.debuts),
            (AlbumTotal, self.totals),
            (ArtistTotal, self.artists),
        ):
            session.execute(delete(model))
            _insert(session, model, rows.values())


def record_rollups(
    session: Session,
    source: str,
    market: str,
    at: datetime,
    positions: list[tuple[str, int]],
    credits: Mapping[str, list[str]],
    new_here: set[str],
) -> None:
    """Add one listing to the rollups. `positions`: its albums; `credits`: their artists;
    `new_here`: the albums it lists in this source and market for the first time."""
    if not positions:
        return
    listed = [album_id for album_id, _ in positions]
    known = session.scalars(
        select(AlbumDebut.album_id).where(
            AlbumDebut.source == source,
            AlbumDebut.market == ALL,
            AlbumDebut.album_id.in_(listed),
        )
    )
    new_anywhere = set(listed) - set(known)
    spans = span_rows(at.date(), source, market, positions)
    accumulate(session, AlbumSpan, spans, SPAN_KEY, add=COUNTS, least=BEST)
    debuts = debut_rows(at, source, market, positions)
    keep_least(session, AlbumDebut, debuts, DEBUT_KEY, DEBUT_ORDER)
    totals = total_rows(source, market, positions)
    accumulate(session, AlbumTotal, totals, TOTAL_KEY, add=COUNTS, least=BEST)
    listed_credits = {album_id: list(credits.get(album_id, ())) for album_id in listed}
    artists = artist_total_rows(source, market, listed_credits, new_here, new_anywhere)
    accumulate(session, ArtistTotal, artists, ARTIST_KEY, add=(*COUNTS, "albums"))


def rebuild_rollups(session: Session) -> Rollups:
    """Every rollup from the days, charts and credits as they stand."""
    rollups = Rollups()
    days = session.execute(select(AlbumDay.__table__).execution_options(yield_per=CHUNK))
    for day in days.mappings():
        rollups.add_day(dict(day))
    seen = AlbumAppearance
    charts = session.execute(
        select(AlbumChart.__table__, seen.position)
        .outerjoin(
            seen,
            and_(
                seen.album_id == AlbumChart.album_id,
                seen.source == AlbumChart.source,
                seen.market == AlbumChart.market,
                seen.seen_at == AlbumChart.first_seen_at,
            ),
        )
        .execution_options(yield_per=CHUNK)
    )
    for chart in charts.mappings():
        # A chart's first appearance is always stored; its peak stands in for a history
        # whose appearances were pruned.
        rollups.add_chart(dict(chart), chart["position"] or chart["peak_position"])
    credits: dict[str, list[str]] = {}
    for album_id, artist_id in session.execute(select(AlbumArtist.album_id, AlbumArtist.artist_id)):
        credits.setdefault(album_id, []).append(artist_id)
    rollups.add_credits(credits)
    rollups.write(session)
    return rollups


def _insert(session: Session, model: Any, rows: Iterable[Row]) -> None:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            session.execute(insert(model), batch)
            batch = []
    if batch:
        session.execute(insert(model), batch)

"""The normalised history: albums, artists, snapshots, and what the charts did over time.

Each sync writes one `Snapshot` per listing (source and market) and an `AlbumAppearance`
per album in it, in the same transaction as the cache. Two derived tables are kept up to
date as each snapshot lands, at a cost that depends on the snapshot's size, never on the
history's, so the analytics read a bounded number of rows:

- `AlbumChart`: one row per album, source and market: first and last seen, peak, the number
  of snapshots it was in, its current streak and how many runs (re-entries + 1) it had;
- `AlbumDay`: one row per day, album, source and market: appearances and best position that
  day, for analytics over a window of days;
- `AlbumSpan`: the same over aligned blocks of 7, 28, 112 and 448 days, and over every
  market together (market `*`, single days too), so that a window of any length reads a few
  blocks' rows rather than every day's (see `pipeline/history/rollup_rules.split_days`);
- `AlbumDebut`: when and where an album first charted in each scope the statistics filter
  by (a source or `*`, a market or `*`): new entries are an index range of it;
- `AlbumTotal` and `ArtistTotal`: every album's and artist's whole history per market and
  in all (`*`), so the all-time statistics rank by index instead of summing every album.

`trendcache backfill` rebuilds both from the appearances, so they can always be recomputed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trendcache.clock import utcnow
from trendcache.db.models import Base

BigId = BigInteger().with_variant(Integer, "sqlite")


class Album(Base):
    """An album as trendcache last saw it (Spotify's fields that history pages show)."""

    __tablename__ = "albums"
    __table_args__ = (
        Index("ix_albums_first_seen", "first_seen_at"),
        # The statistics' mirror of credits (`pipeline/stats/mirror`) reads what changed since.
        Index("ix_albums_updated", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    album_type: Mapped[str | None] = mapped_column(String(20))
    release_date: Mapped[str | None] = mapped_column(String(10))
    release_date_precision: Mapped[str | None] = mapped_column(String(5))
    total_tracks: Mapped[int | None]
    label: Mapped[str | None] = mapped_column(String(500))
    upc: Mapped[str | None] = mapped_column(String(20))
    image: Mapped[str | None] = mapped_column(String(500))
    spotify_url: Mapped[str | None] = mapped_column(String(200))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Artist(Base):
    __tablename__ = "artists"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    spotify_url: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AlbumArtist(Base):
    """An album's artist credit, in Spotify's order."""

    __tablename__ = "album_artists"
    __table_args__ = (Index("ix_album_artists_artist", "artist_id"),)

    album_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    artist_id: Mapped[str] = mapped_column(String(64))


class Snapshot(Base):
    """One listing as fetched: a source (cache key family) in a market at a moment."""

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("source_key", "fetched_at", name="uq_snapshots_source_key_fetched"),
        Index("ix_snapshots_source_market_fetched", "source", "market", "fetched_at"),
        Index("ix_snapshots_fetched", "fetched_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(200))  # the cache key, e.g. …:US
    source: Mapped[str] = mapped_column(String(100))
    market: Mapped[str] = mapped_column(String(8))
    fetched_at: Mapped[datetime]
    albums: Mapped[int] = mapped_column(Integer, default=0)


class AlbumChart(Base):
    """An album's whole run in one source and market, kept current snapshot by snapshot."""

    __tablename__ = "album_charts"
    __table_args__ = (
        Index("ix_album_charts_first_seen", "first_seen_at"),
        Index("ix_album_charts_source_market_last", "source", "market", "last_snapshot_id"),
        Index("ix_album_charts_snapshots", "snapshots"),
        # Trending statistics: whether a new entry was seen earlier elsewhere, in one probe.
        Index("ix_album_charts_album_first_seen", "album_id", "first_seen_at"),
    )

    album_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    last_snapshot_id: Mapped[int] = mapped_column(BigId)
    last_position: Mapped[int]
    snapshots: Mapped[int] = mapped_column(Integer)
    peak_position: Mapped[int]
    peak_at: Mapped[datetime]
    streak: Mapped[int] = mapped_column(Integer)  # consecutive snapshots up to the last seen
    runs: Mapped[int] = mapped_column(Integer)  # separate runs: re-entries + 1


class AlbumDay(Base):
    """An album's day in one source and market: how often it was listed, and how high."""

    __tablename__ = "album_days"
    __table_args__ = (
        Index("ix_album_days_source_market_day", "source", "market", "day"),
        Index("ix_album_days_day", "day"),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    album_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    appearances: Mapped[int] = mapped_column(Integer)
    best_position: Mapped[int]


class AlbumSpan(Base):
    """An album's appearances over an aligned block of days, in a market or in all (`*`).

    Keyed for the statistics' read: one market's blocks of one span are one range of the
    key. Without a rowid on SQLite, so that range holds the counts too.
    """

    __tablename__ = "album_spans"
    __table_args__ = (
        # PostgreSQL reads the counts from the key's index too (index-only scans).
        PrimaryKeyConstraint(
            "market",
            "span",
            "start",
            "source",
            "album_id",
            postgresql_include=["appearances", "best_position"],
        ),
        Index("ix_album_spans_album", "album_id", "span", "start"),
        {"sqlite_with_rowid": False},
    )

    market: Mapped[str] = mapped_column(String(8))
    span: Mapped[int] = mapped_column(SmallInteger)  # days
    start: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(100))
    album_id: Mapped[str] = mapped_column(String(64))
    appearances: Mapped[int] = mapped_column(Integer)
    best_position: Mapped[int]


class AlbumDebut(Base):
    """An album's first listing in a scope: a source (or `*`, any) and a market (or `*`)."""

    __tablename__ = "album_debuts"
    __table_args__ = (Index("ix_album_debuts_scope_first", "source", "market", "first_seen_at"),)

    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    album_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen_at: Mapped[datetime]
    debut_source: Mapped[str] = mapped_column(String(100))
    debut_market: Mapped[str] = mapped_column(String(8))
    debut_position: Mapped[int]


class AlbumTotal(Base):
    """An album's whole history in a market or in all (`*`): the statistics' all-time
    window, ranked by its index rather than summed from blocks."""

    __tablename__ = "album_totals"
    __table_args__ = (Index("ix_album_totals_rank", "market", "source", "appearances"),)

    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    album_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    appearances: Mapped[int] = mapped_column(Integer)
    best_position: Mapped[int]


class ArtistTotal(Base):
    """An artist's whole history in a market or in all (`*`): the appearances of the albums
    credited to them, and how many of their albums charted there."""

    __tablename__ = "artist_totals"
    __table_args__ = (Index("ix_artist_totals_rank", "market", "source", "appearances"),)

    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    artist_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    appearances: Mapped[int] = mapped_column(Integer)
    albums: Mapped[int] = mapped_column(Integer)

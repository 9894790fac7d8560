"""The tables. `CacheData` and `AlbumAppearance` are the seed's models; the rest support them.

Every timestamp is timezone-aware UTC. String ids are cuid-like: time-ordered and unique
across processes without coordination, as the seed's `@default(cuid())`.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from trendcache.clock import utcnow
from trendcache.db.types import JSONDocument, UTCDateTime


def new_id() -> str:
    """A cuid-like id: 'c' + millisecond timestamp + 64 random bits, all lowercase hex."""
    return f"c{int(time.time() * 1000):012x}{secrets.token_hex(8)}"


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSONDocument,
    }


class CacheData(Base):
    """One cached upstream response (or a view derived from them), keyed like the seed."""

    __tablename__ = "cache_data"
    __table_args__ = (Index("ix_cache_data_key_expires", "key", "expires"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    data: Mapped[dict[str, Any]]
    expires: Mapped[datetime]
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata")
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The last failed refresh while this (older) data kept being served.
    error: Mapped[str | None] = mapped_column(Text)
    error_at: Mapped[datetime | None]


class AlbumAppearance(Base):
    """An album seen at a position in a source's listing, at a time: the trending history."""

    __tablename__ = "album_appearances"
    __table_args__ = (
        Index("ix_album_appearances_album_seen", "album_id", "seen_at"),
        # An album's series in one listing, newest first, read from the index alone on
        # PostgreSQL (see pipeline/history/album_history.py).
        Index(
            "ix_album_appearances_album_listing_seen",
            "album_id",
            "source",
            "market",
            "seen_at",
            postgresql_include=["position", "snapshot_id"],
        ),
        Index("ix_album_appearances_source_market_seen", "source", "market", "seen_at"),
        Index("ix_album_appearances_snapshot", "snapshot_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    album_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(100))
    market: Mapped[str] = mapped_column(String(8))
    position: Mapped[int | None]
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The listing it was seen in (`history.Snapshot`); null only on rows written before
    # snapshots existed, until `trendcache backfill` attaches them.
    snapshot_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class SpotifyAlbum(Base):
    """A full album object as Spotify returned it; fetched once, so repeat syncs skip it."""

    __tablename__ = "spotify_albums"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class SpotifyArtist(Base):
    """A full artist object (extended tier only: popularity, followers, genres)."""

    __tablename__ = "spotify_artists"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class EnrichmentState(Base):
    """An album's MusicBrainz enrichment state; a row due for an attempt is a queued job.

    Status: pending (never tried), matched, needs_review (several equally good releases),
    no_match (tried again later: MusicBrainz grows), error (MusicBrainz failed us). A match's
    level: release (this very product), or release_group (the album as a work, its release
    unknown: `release_mbid` NULL; tried again later, MusicBrainz may gain it). A worker
    claims rows into a batch (`batch_id`, `claimed_until`); a killed worker's batch is
    taken up again whole, so its requests are answered from the response cache.
    """

    __tablename__ = "enrichment_state"
    __table_args__ = (
        Index("ix_enrichment_state_status_next", "status", "next_attempt_at"),
        Index("ix_enrichment_state_release", "release_mbid"),
        # An album known to two sources is one album: joined through its release group.
        Index("ix_enrichment_state_release_group", "release_group_mbid"),
        Index("ix_enrichment_state_batch", "batch_id"),
        # The last change, one probe: cached trending statistics check it per request.
        Index("ix_enrichment_state_updated", "updated_at"),
    )

    album_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    result: Mapped[dict[str, Any] | None]
    method: Mapped[str | None] = mapped_column(String(20))
    confidence: Mapped[float | None] = mapped_column(Float)
    level: Mapped[str | None] = mapped_column(String(20))
    release_mbid: Mapped[str | None] = mapped_column(String(36))
    release_group_mbid: Mapped[str | None] = mapped_column(String(36))
    batch_id: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    # Matching steps the current batch has finished without deciding this album.
    steps_done: Mapped[list[str] | None] = mapped_column(JSONDocument)
    last_error: Mapped[str | None] = mapped_column(Text)


class SpotifyTrack(Base):
    """A full track object: the ISRCs that link an album to MusicBrainz recordings."""

    __tablename__ = "spotify_tracks"
    __table_args__ = (Index("ix_spotify_tracks_album", "album_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    album_id: Mapped[str] = mapped_column(String(64))
    isrc: Mapped[str | None] = mapped_column(String(20))
    data: Mapped[dict[str, Any]]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class MusicBrainzResponse(Base):
    """A ws/2 answer, kept so a resumed batch never asks MusicBrainz the same thing twice."""

    __tablename__ = "musicbrainz_responses"
    __table_args__ = (Index("ix_musicbrainz_responses_fetched", "fetched_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None]  # None: 404, "not in MusicBrainz"
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncRun(Base):
    """One attempt to refresh a source's cache keys: what triggered it, what it cost, how it
    ended. A source's backoff and status read its own runs only."""

    __tablename__ = "sync_runs"
    __table_args__ = (
        Index("ix_sync_runs_key_started", "key", "started_at"),
        Index("ix_sync_runs_source_id", "source", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(50))  # the ListingSource's name: `spotify`
    key: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="running")
    tier: Mapped[str | None] = mapped_column(String(20))
    requests: Mapped[int] = mapped_column(Integer, default=0)
    albums: Mapped[int] = mapped_column(Integer, default=0)
    hydrated: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class Lease(Base):
    """A named, expiring lock shared by every process on the database (single-flight)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]


class StateEntry(Base):
    """Small remembered facts: the detected Spotify tier, a quota pause and its reason."""

    __tablename__ = "state"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class UpstreamRequest(Base):
    """One outgoing request to an upstream API, for the rolling daily budget."""

    __tablename__ = "upstream_requests"
    __table_args__ = (Index("ix_upstream_requests_service_at", "service", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    service: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[int | None]


class WorkerHeartbeat(Base):
    """A queue consumer's last sign of life: `trendcache worker` or the one inside `serve`."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)  # host:pid
    role: Mapped[str] = mapped_column(String(20))  # "worker" or "serve"
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class MetricCounter(Base):
    """A counter (or a histogram's bucket or sum) summed over every process: each adds its
    counts since its last flush (`pipeline/counters.py`); `/metrics` reads the totals."""

    __tablename__ = "metric_counters"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)  # the sample's name
    labels: Mapped[str] = mapped_column(String(1000), primary_key=True)  # JSON [[name, value]…]
    value: Mapped[float] = mapped_column(Float)


class WebSnapshot(Base):
    """When a web process's in-memory trending snapshots were last known current."""

    __tablename__ = "web_snapshots"

    process: Mapped[str] = mapped_column(String(300), primary_key=True)  # host:pid
    current_at: Mapped[datetime]  # its snapshots last rebuilt, or checked unchanged
    seen_at: Mapped[datetime]  # when the process last said so

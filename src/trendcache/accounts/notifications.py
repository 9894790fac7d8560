"""Notifications for followed artists: recorded as a sync lands, read on the collection
page and the API.

`record_listed` runs inside the sync's own transaction (the syncer calls it once the
listings, albums and credits are written: see `Services`), so a listing and the events it
raises are committed together or not at all. It only writes what is absent (the unique
constraint on user, artist, album and listing), so a re-sync of the same listing, or two
processes recording the same appearance, never make a second event. An event is raised
for an album seen in a listing after the user followed the artist.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trendcache.config import check_webhook_url
from trendcache.db import Database
from trendcache.db.accounts import User
from trendcache.db.follows import FollowedArtist, NotificationEvent
from trendcache.db.history import Album, AlbumArtist, AlbumChart
from trendcache.db.upsert import upsert
from trendcache.pipeline.history.joined import joined_ids

CHUNK = 500  # album ids per statement: well under every database's parameter limit
EVENT_TYPE = "followed_artist_listed"


class InvalidWebhookUrl(ValueError):
    pass


@dataclass(frozen=True)
class Notification:
    id: int
    artist_id: str
    artist_name: str
    album_id: str
    album_name: str
    source: str
    market: str
    position: int | None
    seen_at: datetime
    read: bool


def record_listed(session: Session, album_ids: Collection[str], at: datetime) -> int:
    """Raise the events the albums of a sync (written at `at`, in `session`) owe their
    artists' followers; how many statements found rows (for tests and logs).

    An album is one album across sources (`joined.py`): an artist followed from a Spotify
    album is told when that album enters a ListenBrainz listing (credited there by MBID),
    and an artist followed from a ListenBrainz album when Spotify lists it."""
    ids = sorted(set(album_ids))
    found = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = _candidates(session, chunk, AlbumChart.album_id == AlbumArtist.album_id)
        for listed, same in joined_ids(session, chunk).items():
            if len(same) > 1:  # the same album's credits on the other sources' side too
                rows += _candidates(session, same[1:], AlbumChart.album_id == listed)
        if rows:
            found += 1
            upsert(
                session,
                NotificationEvent,
                [_event_row(row, at) for row in rows],
                conflict=["user_id", "artist_id", "album_id", "source", "market"],
            )
    return found


def _candidates(session: Session, credited: list[str], listed: Any) -> list[Any]:
    """Each (follower, artist, album, listing) where an artist credited on one of the
    `credited` albums was followed before the album was `listed` (which charts: the
    credited album's own, or the same album's on another source), no event recorded yet."""
    already = (
        select(NotificationEvent.id)
        .where(
            NotificationEvent.user_id == FollowedArtist.user_id,
            NotificationEvent.artist_id == FollowedArtist.artist_id,
            NotificationEvent.album_id == AlbumChart.album_id,
            NotificationEvent.source == AlbumChart.source,
            NotificationEvent.market == AlbumChart.market,
        )
        .exists()
    )
    query = (
        select(
            FollowedArtist.user_id,
            FollowedArtist.artist_id,
            FollowedArtist.artist_name,
            AlbumChart.album_id,
            Album.name.label("album_name"),
            Album.spotify_url,
            AlbumChart.source,
            AlbumChart.market,
            AlbumChart.last_position,
            AlbumChart.last_seen_at,
            User.webhook_url,
        )
        .join(AlbumArtist, AlbumArtist.artist_id == FollowedArtist.artist_id)
        .join(AlbumChart, listed)
        .join(Album, Album.id == AlbumChart.album_id)
        .join(User, User.id == FollowedArtist.user_id)
        .where(
            AlbumArtist.album_id.in_(credited),
            AlbumChart.last_seen_at >= FollowedArtist.created_at,
            ~already,
        )
    )
    return list(session.execute(query))


def _event_row(row: Any, at: datetime) -> dict[str, Any]:
    payload = {
        "type": EVENT_TYPE,
        # Stable per event: a receiver may deduplicate on it (we post each once anyway).
        "key": f"{row.artist_id}:{row.album_id}:{row.source}:{row.market}",
        "artist": {"id": row.artist_id, "name": row.artist_name},
        "album": {"id": row.album_id, "name": row.album_name, "spotifyUrl": row.spotify_url},
        "listing": {"source": row.source, "market": row.market, "position": row.last_position},
        "seenAt": row.last_seen_at.isoformat(),
    }
    return {
        "user_id": row.user_id,
        "artist_id": row.artist_id,
        "artist_name": row.artist_name,
        "album_id": row.album_id,
        "album_name": row.album_name,
        "source": row.source,
        "market": row.market,
        "position": row.last_position,
        "seen_at": row.last_seen_at,
        "webhook": row.webhook_url is not None,
        "payload": payload,
        "created_at": at,
        "attempts": 0,
    }


def list_notifications(database: Database, user_id: str, limit: int = 100) -> list[Notification]:
    """Newest first."""
    query = (
        select(NotificationEvent)
        .where(NotificationEvent.user_id == user_id)
        .order_by(NotificationEvent.seen_at.desc(), NotificationEvent.id.desc())
        .limit(limit)
    )
    with database.session() as session:
        return [_as_notification(row) for row in session.scalars(query)]


def mark_read(database: Database, user_id: str, at: datetime) -> int:
    """Mark every unread notification of the user read; how many were unread."""
    with database.writer() as session:
        result = session.execute(
            update(NotificationEvent)
            .where(NotificationEvent.user_id == user_id, NotificationEvent.read_at.is_(None))
            .values(read_at=at)
        )
    return int(getattr(result, "rowcount", 0) or 0)


def webhook_url(database: Database, user_id: str) -> str | None:
    with database.session() as session:
        return session.scalar(select(User.webhook_url).where(User.id == user_id))


def set_webhook_url(database: Database, user_id: str, url: str | None) -> str | None:
    """Set (or with None or "", clear) the URL that receives the user's events from now
    on; the URL stored. Events recorded before it was set are not posted."""
    url = (url or "").strip() or None
    if url is not None:
        try:
            check_webhook_url(url)
        except ValueError as exc:
            raise InvalidWebhookUrl(str(exc)) from None
    with database.writer() as session:
        session.execute(update(User).where(User.id == user_id).values(webhook_url=url))
    return url


def _as_notification(row: NotificationEvent) -> Notification:
    return Notification(
        id=row.id,
        artist_id=row.artist_id,
        artist_name=row.artist_name,
        album_id=row.album_id,
        album_name=row.album_name,
        source=row.source,
        market=row.market,
        position=row.position,
        seen_at=row.seen_at,
        read=row.read_at is not None,
    )

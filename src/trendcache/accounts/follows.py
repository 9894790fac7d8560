"""The artists a user follows: follow one trendcache has listed, unfollow, list.

Following is idempotent (a second follow of the same artist is the same follow, even when
two requests race: the unique constraint decides), so a double click or a retried API
call does no harm.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.follows import FollowedArtist
from trendcache.db.history import AlbumArtist, Artist
from trendcache.db.models import new_id
from trendcache.db.upsert import upsert


class UnknownArtist(LookupError):
    """Not an artist any listing has credited: only those can be followed."""


@dataclass(frozen=True)
class Follow:
    artist_id: str
    artist_name: str
    since: datetime


def follow(database: Database, user_id: str, artist_id: str) -> tuple[Follow, bool]:
    """Follow a known artist; the follow, and whether it is new."""
    with database.writer() as session:
        name = session.scalar(select(Artist.name).where(Artist.id == artist_id))
        if name is None:
            raise UnknownArtist(artist_id)
        row = {
            "id": new_id(),
            "user_id": user_id,
            "artist_id": artist_id,
            "artist_name": name,
            "created_at": utcnow(),
        }
        upsert(session, FollowedArtist, [row], conflict=["user_id", "artist_id"])
        stored = session.scalars(
            select(FollowedArtist).where(
                FollowedArtist.user_id == user_id, FollowedArtist.artist_id == artist_id
            )
        ).one()
        return _as_follow(stored), stored.id == row["id"]


def unfollow(database: Database, user_id: str, artist_id: str) -> bool:
    """False if the user did not follow the artist (the same outcome, nothing to do)."""
    with database.writer() as session:
        result = session.execute(
            delete(FollowedArtist).where(
                FollowedArtist.user_id == user_id, FollowedArtist.artist_id == artist_id
            )
        )
    return bool(getattr(result, "rowcount", 0))


def list_follows(database: Database, user_id: str) -> list[Follow]:
    """By name."""
    query = (
        select(FollowedArtist)
        .where(FollowedArtist.user_id == user_id)
        .order_by(FollowedArtist.artist_name, FollowedArtist.artist_id)
    )
    with database.session() as session:
        return [_as_follow(row) for row in session.scalars(query)]


def followed_among(database: Database, user_id: str, artist_ids: Collection[str]) -> set[str]:
    """Which of `artist_ids` (a page's artists) the user follows."""
    if not artist_ids:
        return set()
    query = select(FollowedArtist.artist_id).where(
        FollowedArtist.user_id == user_id, FollowedArtist.artist_id.in_(list(artist_ids))
    )
    with database.session() as session:
        return set(session.scalars(query))


def followed_on_album(database: Database, user_id: str, album_id: str) -> set[str]:
    """Which of an album's credited artists the user follows (its page's buttons)."""
    query = (
        select(FollowedArtist.artist_id)
        .join(AlbumArtist, AlbumArtist.artist_id == FollowedArtist.artist_id)
        .where(FollowedArtist.user_id == user_id, AlbumArtist.album_id == album_id)
    )
    with database.session() as session:
        return set(session.scalars(query))


def _as_follow(row: FollowedArtist) -> Follow:
    return Follow(row.artist_id, row.artist_name, row.created_at)
